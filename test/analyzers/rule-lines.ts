// A rule's contract in log lines (ESLint's RuleTester, for sched-doctor): write the lines to a
// temporary log, run the whole analysis on it, and return the findings of one rule.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeLogs, type AnalyzeOptions } from '../../src/engine/analyze';
import type { Finding } from '../../src/model/finding';

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
