// A rule test's input: a handful of log lines, written to a file and analyzed like any log.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeLogs, type AnalyzeOptions, type LogAnalysis } from '../../src/engine/analyze';

export async function analyzeLines(lines: string[], options: AnalyzeOptions = {}): Promise<LogAnalysis> {
  const path = join(mkdtempSync(join(tmpdir(), 'sched-doctor-lines-')), 'app.log');
  writeFileSync(path, lines.join('\n') + '\n');
  return analyzeLogs([path], options);
}

/** APScheduler 3.x lines in logging.basicConfig's default format (no time, no pid). */
export const basic = {
  start: 'INFO:apscheduler.scheduler:Scheduler started',
  shutdown: 'INFO:apscheduler.scheduler:Scheduler has been shut down',
  tentative: 'INFO:apscheduler.scheduler:Adding job tentatively -- it will be properly scheduled when the scheduler starts',
  added: (name: string) => `INFO:apscheduler.scheduler:Added job "${name}" to job store "default"`,
  run: (name: string, trigger: string, at: string) => `INFO:apscheduler.executors.default:Running job "${name} (trigger: ${trigger}, next run at: ${at.slice(0, 19)} UTC)" (scheduled at ${at}+00:00)`,
  ok: (name: string, trigger: string, next: string) => `INFO:apscheduler.executors.default:Job "${name} (trigger: ${trigger}, next run at: ${next} UTC)" executed successfully`,
  skip: (name: string, trigger: string, at: string) => `WARNING:apscheduler.scheduler:Execution of job "${name} (trigger: ${trigger}, next run at: ${at} UTC)" skipped: maximum number of running instances reached (1)`,
};

/** The same lines with a stamp and a pid: `%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s`. */
export function withPid(line: string, pid: number, stamp: string): string {
  const m = /^(INFO|WARNING|ERROR):(apscheduler[\w.]*):(.*)$/.exec(line)!;
  return `${stamp} [${pid}] ${m[1]} ${m[2]}: ${m[3]}`;
}
