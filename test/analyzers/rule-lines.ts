// A rule's contract in log lines (ESLint's RuleTester, for sched-doctor): write the lines to a
// temporary log, run the whole analysis on it, and return the findings of one rule.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeLogs, type AnalyzeOptions } from '../../src/engine/analyze';
import type { Finding } from '../../src/model/finding';
import { loadStoreJobs } from '../../src/engine/analyze-store';
import type { StoreJob } from '../../src/model/store-job';

export async function findingsOf(rule: string, lines: string[], options: AnalyzeOptions = {}): Promise<Finding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-rule-'));
  try {
    const path = join(dir, 'app.log');
    writeFileSync(path, lines.join('\n') + '\n');
    const a = await analyzeLogs([path], options);
    return a.findings.filter((f) => f.rule === rule);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `2026-11-26 14:00:01,005` for an instant (UTC), as Python's default asctime writes it. */
export function stamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}

/** Python's str(datetime) of an instant at an offset (minutes): `2026-11-26 15:00:01+01:00`, microseconds when not zero. */
export function pyTime(ms: number, offsetMinutes = 0): string {
  const local = new Date(ms + offsetMinutes * 60e3).toISOString();
  const frac = local.slice(20, 23) === '000' ? '' : `.${local.slice(20, 23)}000`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const a = Math.abs(offsetMinutes);
  return `${local.slice(0, 10)} ${local.slice(11, 19)}${frac}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** The `Running job` record of a run scheduled at `ms`, logged `lateMs` later (UTC stamps). */
export function runLine(name: string, trigger: string, ms: number, opts: { lateMs?: number; offset?: number; pid?: number } = {}): string {
  const pid = opts.pid === undefined ? '' : ` [${opts.pid}]`;
  return `${stamp(ms + (opts.lateMs ?? 3))}${pid} INFO apscheduler.executors.default: Running job "${name} (trigger: ${trigger}, next run at: ${pyTime(ms).slice(0, 19)} UTC)" (scheduled at ${pyTime(ms, opts.offset ?? 0)})`;
}

export function line(ms: number, logger: string, level: string, message: string): string {
  return `${stamp(ms)} ${level} ${logger}: ${message}`;
}

export const T0 = Date.UTC(2026, 10, 26, 14, 0, 0);

/** str(job) as APScheduler writes it in executor lines: `sync (trigger: interval[0:00:10], next run at: 2026-11-26 14:00:10 UTC)`. */
export function jobText(name: string, trigger: string, nextMs: number): string {
  return `${name} (trigger: ${trigger}, next run at: ${pyTime(nextMs).slice(0, 19)} UTC)`;
}

/** `Job "…" executed successfully`, logged at `ms`; `next run at` is the following fire time. */
export function okLine(name: string, trigger: string, ms: number, nextMs: number): string {
  return line(ms, 'apscheduler.executors.default', 'INFO', `Job "${jobText(name, trigger, nextMs)}" executed successfully`);
}

/** `Job "…" raised an exception` and the traceback logger.exception prints below it, ending in `exception`. */
export function errorLines(name: string, trigger: string, ms: number, nextMs: number, exception: string): string[] {
  const [type] = exception.split(':');
  return [
    line(ms, 'apscheduler.executors.default', 'ERROR', `Job "${jobText(name, trigger, nextMs)}" raised an exception`),
    'Traceback (most recent call last):',
    '  File "/usr/lib/python3/dist-packages/apscheduler/executors/base.py", line 125, in run_job',
    '    retval = job.func(*job.args, **job.kwargs)',
    `  File "/srv/app/jobs.py", line 12, in ${name}`,
    `    raise ${type}('boom')`,
    exception,
  ];
}

/** Python's str(timedelta) of a duration under a day: `0:00:07.156346`. */
export function pyDelta(micros: number): string {
  const s = Math.floor(micros / 1e6);
  const us = micros % 1e6;
  const hms = `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return us ? `${hms}.${String(us).padStart(6, '0')}` : hms;
}

/** `Run time of job "…" was missed by …`, logged by the executor at `ms`. */
export function missLine(name: string, trigger: string, ms: number, nextMs: number, lateMicros: number): string {
  return line(ms, 'apscheduler.executors.default', 'WARNING', `Run time of job "${jobText(name, trigger, nextMs)}" was missed by ${pyDelta(lateMicros)}`);
}

/** `Execution of job "…" skipped: maximum number of running instances reached (N)`, logged by the scheduler. */
export function skipLine(name: string, trigger: string, ms: number, nextMs: number, limit = 1): string {
  return line(ms, 'apscheduler.scheduler', 'WARNING', `Execution of job "${jobText(name, trigger, nextMs)}" skipped: maximum number of running instances reached (${limit})`);
}

/** Several log files (one per host: without a host field the file stands for it), one rule's findings. */
export async function findingsOfFiles(rule: string, files: Record<string, string[]>, options: AnalyzeOptions = {}): Promise<Finding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-rule-'));
  try {
    const paths = Object.entries(files).map(([name, lines]) => {
      const path = join(dir, name);
      writeFileSync(path, lines.join('\n') + '\n');
      return path;
    });
    const a = await analyzeLogs(paths, options);
    return a.findings.filter((f) => f.rule === rule);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Store rules' input: the rows real APScheduler wrote to test/fixtures/stores/<name>.sqlite, decoded. */
export function storeRows(name: 'app-jobs' | 'mixed' | 'restarts'): Promise<StoreJob[]> {
  return loadStoreJobs(`sqlite:///${join(__dirname, '..', 'fixtures', 'stores', `${name}.sqlite`)}`, { table: 'apscheduler_jobs' });
}
