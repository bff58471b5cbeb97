// `sched-doctor runs LOGS --job NAME [--at TIME] [--around 5m]`: every run of one job, with the
// instance that ran it and what became of it, and the copies of the run at a moment.

import type { Command } from 'commander';
import { UserError } from '../model/errors';
import { globToRegExp } from '../config/job-filter';
import { RunLog } from '../engine/run-log';
import { runRows, type RunRow } from '../report/run-rows';
import { renderRunsText } from '../report/runs-text';
import { prepareControls } from './analyze-controls';
import { addInputOptions, collect, type CollectFlags } from './collect';
import { parseMoment, parseSpan } from './moment';
import { emit } from './output';
import { isoFromMicros } from '../model/time';

interface RunsFlags extends CollectFlags {
  job: string;
  at?: string;
  around: string;
  format: string;
  output?: string;
  config?: string | false;
}

/** The widest offset a zone has: a wall-clock --at is read with every offset until the job's is known. */
const MAX_OFFSET = 14 * 3600e6;

export function registerRuns(program: Command): void {
  const command = program
    .command('runs')
    .description('every run of one job: instance, scheduled at, start, end, duration, outcome, evidence; and a lane chart')
    .argument('<logs...>', 'log files (.gz too), or - for standard input')
    .requiredOption('--job <name>', 'the job, by its name as logged (* and ? match any characters)')
    .option('--at <time>', "a moment: as the log writes it ('2026-11-26 14:18:50', the wall clock of scheduled at) or ISO 8601 with Z or an offset")
    .option('--around <span>', 'with --at: the runs this far either side (30s, 5m, 2h)', '5m')
    .option('-f, --format <format>', 'table or json', 'table')
    .option('-o, --output <file>', 'write to a file (atomically)');
  addInputOptions(command).action(async (logs: string[], flags: RunsFlags) => {
    process.exitCode = await runRuns(logs, flags);
  });
}

export async function runRuns(logs: string[], flags: RunsFlags, cwd = process.cwd()): Promise<number> {
  if (flags.format !== 'table' && flags.format !== 'json') throw new UserError(`--format must be table or json (got '${flags.format}')`);
  const moment = flags.at === undefined ? undefined : parseMoment('--at', flags.at);
  const around = parseSpan('--around', flags.around);
  const pattern = globToRegExp(flags.job);
  const controls = prepareControls({ config: flags.config, logFormat: flags.logFormat, tz: flags.tz }, cwd);
  const guess = moment === undefined ? undefined : moment.kind === 'instant' ? moment.at : moment.wall;
  const slack = moment?.kind === 'wall' ? MAX_OFFSET : 0;
  const runLog = new RunLog(guess === undefined ? { budget: 200_000 } : { budget: 200_000, from: guess - around - slack, to: guess + around + slack });
  const { analysis } = await collect(logs, { ...flags, ...controls.collectFlags, db: undefined }, { ...controls.engine, jobs: (n) => pattern.test(n), runLog });
  const snapshot = runLog.snapshot();
  const lanes = snapshot.lanes.map((l, i) => ({ l, i })).filter(({ l }) => pattern.test(l.job))
    .sort((a, b) => a.l.job.localeCompare(b.l.job) || a.i - b.i).map(({ i }) => i);
  if (lanes.length === 0) throw new UserError(`no run of a job named '${flags.job}' in ${logs.join(', ')} (sched-doctor analyze lists the jobs)`);
  const at = moment === undefined ? undefined : moment.kind === 'instant' ? moment.at : moment.wall - snapshot.lanes[lanes[0]].offsetMinutes * 60e6;
  const from = at === undefined ? undefined : at - around;
  const to = at === undefined ? undefined : at + around;
  const rows = runRows(snapshot, new Set(lanes), from, to);
  const nearest = at === undefined ? undefined : nearestRun(rows, at);
  const findings = analysis.findings.filter((f) => f.job !== null && pattern.test(f.job));
  const text = flags.format === 'json'
    ? JSON.stringify({
        version: 1, job: flags.job, at: at === undefined ? null : isoFromMicros(at),
        window: from === undefined ? null : { from: isoFromMicros(from), to: isoFromMicros(to!) },
        runs: rows.map(jsonRow), notKept: snapshot.droppedRuns,
        nearest: nearest ? { scheduledAt: isoFromMicros(nearest.scheduledAt), copies: nearest.rows.length, instances: nearest.rows.map((r) => r.instance) } : null,
        findings,
      }, null, 2) + '\n'
    : renderRunsText({ pattern: flags.job, rows, lanes, from, to, nearest, findings, snapshot, cwd });
  await emit(text, flags.output);
  return 0;
}

/** The scheduled time closest to `at`, and every copy of it. */
function nearestRun(rows: RunRow[], at: number): { scheduledAt: number; rows: RunRow[] } | undefined {
  let best: number | undefined;
  for (const r of rows) {
    if (r.scheduledMicros === undefined || r.outcome === 'missed') continue;
    if (best === undefined || Math.abs(r.scheduledMicros - at) < Math.abs(best - at)) best = r.scheduledMicros;
  }
  if (best === undefined) return undefined;
  return { scheduledAt: best, rows: rows.filter((r) => r.scheduledMicros === best && r.outcome !== 'missed') };
}

function jsonRow(r: RunRow) {
  const { at: _at, scheduledMicros: _s, endMicros: _e, offsetMinutes: _o, ...rest } = r;
  return rest;
}
