// Logs of several hosts running the same runs, with pids: every host runs `sync` each minute at the
// same scheduled times for `minutes` (longer than the five minutes a scheduled time is watched for
// copies, so what ran together is also read after it left that window), and host 1 has a second
// process running `report` beside its first (two live processes of one host, no shared time).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { line, runLine, T0 } from '../analyzers/rule-lines';

const EXEC = 'apscheduler.executors.default';

function withPid(l: string, pid: number): string {
  // `2026-11-26 14:00:01,005 INFO …` → `2026-11-26 14:00:01,005 [pid] INFO …`
  return `${l.slice(0, 23)} [${pid}]${l.slice(23)}`;
}

export function sameRunsOnHosts(hosts: number, minutes: number): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-same-runs-'));
  for (let h = 1; h <= hosts; h++) {
    const pid = 4000 + h;
    const lines: [number, string][] = [[T0 - 1000, withPid(line(T0 - 1000, 'apscheduler.scheduler', 'INFO', 'Scheduler started'), pid)]];
    if (h === 1) lines.push([T0 - 900, withPid(line(T0 - 900, 'apscheduler.scheduler', 'INFO', 'Scheduler started'), 5001)]);
    for (let m = 0; m < minutes; m++) {
      const at = T0 + m * 60e3;
      lines.push([at + 3, runLine('sync', 'interval[0:01:00]', at, { pid })]);
      lines.push([at + 500, withPid(line(at + 500, EXEC, 'INFO', 'Job "sync (trigger: interval[0:01:00], next run at: x)" executed successfully'), pid)]);
      if (h === 1) {
        const r = at + 20e3;
        lines.push([r + 3, runLine('report', 'interval[0:01:00]', r, { pid: 5001 })]);
        lines.push([r + 400, withPid(line(r + 400, EXEC, 'INFO', 'Job "report (trigger: interval[0:01:00], next run at: x)" executed successfully'), 5001)]);
        lines.push([r + 5, runLine('report', 'interval[0:01:00]', r + 7, { pid })]);
        lines.push([r + 450, withPid(line(r + 450, EXEC, 'INFO', 'Job "report (trigger: interval[0:01:00], next run at: x)" executed successfully'), pid)]);
      }
    }
    lines.sort((a, b) => a[0] - b[0]);
    writeFileSync(join(dir, `web-${h}.log`), lines.map(([, l]) => l).join('\n') + '\n');
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
