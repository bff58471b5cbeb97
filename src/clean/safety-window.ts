// The rows `clean` never deletes, even with --force: those a scheduler may be running right now.
//
// APScheduler 3.x's scheduler thread reads the due rows (`get_due_jobs`), submits each run, then
// writes the row back (`update_job`). A row deleted in between makes `update_job` raise
// `JobLookupError`, which 3.x does not catch: the scheduler thread ends silently, the process stays
// up, and no job fires again. So a row that is due, or falls due before the delete is over (give or
// take the scheduler's wakeup slack and the clocks of two machines), stays for a later run.

import { isoFromMicros } from '../model/time';

/** The scheduler's slack on top of the live check's interval: wakeup latency, a long pass over many due jobs, clock skew. */
export const WAKEUP_SLACK_SECONDS = 10;
/** Below this no window covers the moment between a scheduler's read of a due row and its update. */
export const MIN_SAFETY_SECONDS = 2;

export interface SafetyWindow {
  seconds: number;
  /**
   * Every row already due counts, however long ago (the store looks live: any scheduler on it may
   * be processing them). Otherwise only rows due within the window either side of the clock: a
   * store nothing processes keeps overdue rows for days, and `stale-job` exists to remove them.
   */
  includeOverdue: boolean;
}

export function defaultSafetySeconds(liveIntervalSeconds: number): number {
  return liveIntervalSeconds + WAKEUP_SLACK_SECONDS;
}

/** Is this next_run_time (epoch seconds, null = paused) too close to `nowSeconds` to delete? */
export function isDueWithin(nextRunTime: number | null, nowSeconds: number, window: SafetyWindow): boolean {
  if (nextRunTime === null || !Number.isFinite(nextRunTime)) return false;
  if (nextRunTime > nowSeconds + window.seconds) return false;
  return window.includeOverdue || nextRunTime >= nowSeconds - window.seconds;
}

/** Why a row is left: one line for the report. */
export function dueReason(nextRunTime: number, nowSeconds: number, window: SafetyWindow): string {
  const delta = nextRunTime - nowSeconds;
  const at = isoFromMicros(Math.round(nextRunTime * 1e6));
  const when = delta > 0 ? `falls due in ${ago(delta)}, within the ${window.seconds} s safety window`
    : -delta <= window.seconds ? `was due ${ago(-delta)} ago, within the ${window.seconds} s safety window`
      : `was due ${ago(-delta)} ago and the store looks live: a scheduler on it runs due rows at its next wakeup`;
  return `left for a later run: its next run (${at}) ${when}. APScheduler 3.x's scheduler thread dies silently when a due job's row vanishes; pause or stop the schedulers for a full purge`;
}

function ago(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds * 10) / 10} s` : seconds < 5400 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`;
}
