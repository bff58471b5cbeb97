// The runs that the golden and schema tests render in every format: scenarios recorded from real
// APScheduler, a job store, and a run against a baseline.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeBaseline } from '../../src/baseline/baseline-file';
import { runAnalyze, type AnalyzeFlags } from '../../src/cli/analyze-command';
import { analyzeLogs } from '../../src/engine/analyze';
import { withFingerprints } from '../../src/baseline/fingerprint';

export interface GoldenRun {
  name: string;
  logs: string[];
  flags: Partial<AnalyzeFlags>;
  /** Prepare files the run needs (a baseline); returns extra flags. */
  setup?: (dir: string) => Promise<Partial<AnalyzeFlags>>;
}

const SEED = 'test/fixtures/seed/app.log';

export const GOLDEN_RUNS: GoldenRun[] = [
  { name: 'seed', logs: [SEED], flags: {} },
  { name: 'healthy', logs: ['test/fixtures/healthy/app.log'], flags: {} },
  { name: 'failing', logs: ['test/fixtures/failing/app.log'], flags: { failOn: 'warning' } },
  { name: 'downtime-burst', logs: ['test/fixtures/downtime-burst/app.log'], flags: {} },
  { name: 'store', logs: [], flags: { db: 'sqlite:///test/fixtures/stores/restarts.sqlite', now: '2026-11-27T00:00:00Z' } },
  {
    name: 'seed-reloader-baseline',
    logs: [SEED, 'test/fixtures/reloader/app.log'],
    flags: {},
    // The baseline accepts what seed alone shows; the reloader's duplicates are new.
    setup: async (dir) => {
      const path = join(dir, 'baseline.json');
      await writeBaseline(path, withFingerprints((await analyzeLogs([SEED])).findings));
      return { baseline: path };
    },
  },
];

export const FORMAT_FILES: Record<string, string> = {
  table: 'table.txt',
  json: 'report.json',
  ndjson: 'report.ndjson',
  sarif: 'report.sarif',
  junit: 'junit.xml',
  github: 'github.txt',
  markdown: 'comment.md',
};

/** Renders `run` in every format in one pass: format → text as written, and with paths normalised. */
export async function renderAll(run: GoldenRun): Promise<{ raw: Record<string, string>; outputs: Record<string, string>; code: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-golden-'));
  const extra = run.setup ? await run.setup(dir) : {};
  const targets = Object.entries(FORMAT_FILES).map(([format, file]) => ({ format, output: join(dir, file) }));
  const flags: AnalyzeFlags = { format: 'table', failOn: 'error', config: false, targets, ...run.flags, ...extra };
  const code = await runAnalyze(run.logs, flags);
  const raw: Record<string, string> = {};
  const outputs: Record<string, string> = {};
  for (const t of targets) {
    raw[t.format] = readFileSync(t.output, 'utf8');
    outputs[t.format] = normalise(raw[t.format], dir);
  }
  rmSync(dir, { recursive: true, force: true });
  return { raw, outputs, code };
}

/** Absolute paths differ from machine to machine: the working folder and the temporary one. */
export function normalise(text: string, dir: string): string {
  const cwd = process.cwd();
  return text.split(pathToFileURL(cwd).href).join('file:///<cwd>').split(cwd).join('<cwd>').split(dir).join('<tmp>');
}
