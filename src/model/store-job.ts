// A job as a store holds it: the raw row and, when the pickle could be read, its decoded state.
// The decoder (src/stores/job-state.ts) produces a superset of these fields.

import type { RawStoreRow } from './store-record';

export interface StoreDate {
  iso: string;
  epochMicros: number | null;
  zone: string | null;
  /** APScheduler's datetime_repr: what the log's `next run at` shows. */
  text: string;
}

export interface StoreTrigger {
  type: 'interval' | 'cron' | 'date' | 'and' | 'or' | 'calendarinterval' | 'unknown';
  /** What APScheduler's str(trigger) prints: the text the log shows. */
  text: string;
  timezone: string | null;
  startDate: StoreDate | null;
  intervalSeconds?: number;
}

export interface StoreJobState {
  id: string;
  name: string;
  func: string;
  executor: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  misfireGraceTime: number | null;
  coalesce: boolean;
  maxInstances: number;
  nextRunTime: StoreDate | null;
  trigger: StoreTrigger;
  /** str(job), as the log shows it. */
  text: string;
}

export interface StoreJob {
  /** Where the row came from, for evidence: `sqlite:///jobs.sqlite` (never a password). */
  store: string;
  table: string;
  row: RawStoreRow;
  state?: StoreJobState;
  /** Why the state could not be decoded. */
  decodeError?: string;
  /** The state is over what sched-doctor decodes (too large or too deep), not broken: APScheduler may load it. */
  decodeLimited?: boolean;
}
