// Runs the LogReader over a temporary file and collects what it produced.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEvent } from '../../src/model/event';
import { LogReader, type ReaderOptions, type SourceStats } from '../../src/readers/log-reader';

export interface ReadResult {
  events: LogEvent[];
  stats: SourceStats;
}

/** A fresh directory under os.tmpdir(), removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-readers-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function readPath(path: string, options: ReaderOptions = {}): Promise<ReadResult> {
  const reader = new LogReader(path, options);
  const events: LogEvent[] = [];
  for await (const batch of reader.events()) events.push(...batch);
  return { events, stats: reader.stats };
}

/** Write `lines` (joined with \n, plus a final newline) to a temp file and read it. */
export async function readLog(lines: string[], options: ReaderOptions = {}): Promise<ReadResult> {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'app.log');
    writeFileSync(path, lines.join('\n') + '\n');
    return await readPath(path, options);
  } finally {
    cleanup();
  }
}

/** Epoch microseconds of an ISO 8601 instant with up to 6 fraction digits: `2026-11-26T13:05:10.838766Z`. */
export function micros(iso: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:\d\d)$/.exec(iso);
  if (!m) throw new Error(`bad instant in test: ${iso}`);
  const frac = m[2] ?? '';
  return Date.parse(m[1] + m[3]) * 1000 + Number((frac + '000000').slice(0, 6));
}

export function kinds(events: LogEvent[]): string[] {
  return events.map((e) => e.kind);
}
