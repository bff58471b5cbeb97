// A run: one execution of a job as the log shows it, from `Running job` to its end line.

import type { Evidence } from './finding';
import type { JobRef, Micros, ScheduledAt } from './event';

export interface Run {
  job: JobRef;
  key: string;
  /** The scheduler process that ran it: host or source, then process id. */
  instance: string;
  thread?: string;
  scheduledAt: ScheduledAt;
  start: Micros;
  /** True when the log had no stamp and the start is the scheduled instant. */
  startInferred: boolean;
  end?: Micros;
  outcome?: 'success' | 'error';
  exception?: string;
  /** How the end line was matched to this run. */
  pairing?: 'thread' | 'only-open' | 'first-in-first-out';
  /** Count of `Scheduler started` seen in this instance when the run began. */
  epoch: number;
  evidence: Evidence;
  /** The end line, once the run ended. */
  endEvidence?: Evidence;
}

/** Duration in microseconds, when both ends have real stamps. */
export function runDuration(run: Run, endInferred: boolean): Micros | undefined {
  if (run.end === undefined || run.startInferred || endInferred) return undefined;
  return run.end - run.start;
}
