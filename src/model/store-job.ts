// A job as a store holds it: the raw row and, when the pickle could be read, its decoded state.

import type { RawStoreRow } from './store-record';

export interface StoreTrigger {
  type: 'interval' | 'cron' | 'date' | 'and' | 'or' | 'calendarinterval' | 'unknown';
  /** What APScheduler's str(trigger) prints: the text the log shows. */
  text: string;
  timezone?: string;
  intervalSeconds?: number;
  [detail: string]: unknown;
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
  nextRunTime: { iso: string; epochMicros: number; zone?: string } | null;
  trigger: StoreTrigger;
}

export interface StoreJob {
  /** Where the row came from, for evidence: `sqlite:///jobs.sqlite` (never a password). */
  store: string;
  table: string;
  row: RawStoreRow;
  state?: StoreJobState;
  /** Why the state could not be decoded. */
  decodeError?: string;
}
