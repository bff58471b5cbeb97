import type { LogRule } from './rule';
import { plural } from './job-tally';

export const silentRuns: LogRule = {
  id: 'silent-runs',
  scope: 'log',
  severity: 'info',
  summary: 'Schedulers started and jobs were added, but no run was ever logged.',
  docs: {
    what: 'The log shows `Scheduler started` and `Added job` lines but not one `Running job` line.',
    why: 'Silence is not health. With APScheduler 3.11+ and a process pool, run lines are written in spawned worker processes that have no logging set up, so they never reach the log; a logger level above INFO on `apscheduler.executors` hides them too. Nothing about the runs can be checked.',
    detection: 'At the end of the log: at least one scheduler start and one added job, zero run lines of any kind.',
    example: '2026-11-26 14:00:00,001 INFO apscheduler.scheduler: Added job "work" to job store "default"\n2026-11-26 14:00:00,002 INFO apscheduler.scheduler: Scheduler started',
    fix: 'Log `apscheduler.executors` at INFO; with a process pool on 3.11+, configure logging in the workers (an initializer) or use a thread pool.',
  },
  create() {
    let starts = 0;
    let added = 0;
    let runs = 0;
    let evidence: { source: string; line: number; text?: string } | undefined;
    return {
      eventKinds: ['scheduler-start', 'job-added', 'run-start', 'run-end', 'misfire', 'max-instances'],
      event(event) {
        if (event.kind === 'scheduler-start') {
          starts++;
          evidence ??= { source: event.ctx.source, line: event.ctx.line, text: event.ctx.text };
        } else if (event.kind === 'job-added') added++;
        else if (event.kind === 'run-start' || event.kind === 'run-end' || event.kind === 'misfire' || event.kind === 'max-instances') runs++;
      },
      finish(end) {
        // While a log is followed, no run yet is only no run yet: the judgment needs the log's end.
        if (end.live || starts === 0 || added === 0 || runs > 0) return [];
        return [{
          rule: 'silent-runs', severity: 'info', job: null, count: added,
          message: `${plural(starts, 'scheduler start')} and ${plural(added, 'added job')}, but no run was logged: run lines are missing (process pool on APScheduler 3.11+, or the executor logger's level), so runs cannot be checked`,
          evidence: evidence ? [evidence] : [],
        }];
      },
    };
  },
};
