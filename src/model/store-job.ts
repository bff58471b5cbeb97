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

/**
 * What analysis reads of a decoded job: the store rules, the recommender and the reports of
 * `analyze --db`. A large store's arguments are most of its decoded memory, and analysis compares
 * them only for equality (duplicate-job) and order (store-plan): as JSON text, see `callArguments`.
 */
export interface StoreJobSummary {
  id: string;
  name: string;
  func: string;
  executor: string;
  misfireGraceTime: number | null;
  coalesce: boolean;
  maxInstances: number;
  nextRunTime: StoreInstant | null;
  trigger: StoreTriggerSummary;
}

/** Of a stored datetime, what analysis compares: the instant (null: naive, or its offset unknown). */
export interface StoreInstant {
  epochMicros: number | null;
}

/** Of a trigger, what analysis reads. */
export interface StoreTriggerSummary {
  type: StoreTrigger['type'];
  text: string;
  timezone: string | null;
  startDate: StoreInstant | null;
  intervalSeconds?: number;
}

/** The whole decoded state: what `jobs` prints and `recommend` writes back as Python. */
export interface StoreJobState extends StoreJobSummary {
  nextRunTime: StoreDate | null;
  trigger: StoreTrigger;
  args: unknown[];
  kwargs: Record<string, unknown>;
  /** str(job), as the log shows it. */
  text: string;
}

/** args and kwargs as JSON text (JSON.stringify of the decoded values). */
export interface CallArguments {
  args: string;
  kwargs: string;
}

export interface StoreJob {
  /** Where the row came from, for evidence: `sqlite:///jobs.sqlite` (never a password). */
  store: string;
  table: string;
  row: RawStoreRow;
  /** A StoreJobState when decoded whole; only the summary when decoded for analysis. */
  state?: StoreJobSummary;
  /** The arguments as JSON text, made when the decoded arguments were not kept (see callArguments). */
  callArguments?: CallArguments;
  /** Why the state could not be decoded. */
  decodeError?: string;
  /** The state is over what sched-doctor decodes (too large or too deep), not broken: APScheduler may load it. */
  decodeLimited?: boolean;
}

/** A job decoded whole (`jobs`, `recommend`, `clean`). */
export interface DecodedStoreJob extends StoreJob {
  state?: StoreJobState;
}

/** The job's arguments as JSON text: kept from decoding, or made from the whole state. */
export function callArguments(job: StoreJob): CallArguments | undefined {
  if (job.callArguments) return job.callArguments;
  const s = job.state as Partial<StoreJobState> | undefined;
  if (!s) return undefined;
  // `?? null`: what JSON.stringify writes for a missing member of an array, as the key always did.
  return { args: JSON.stringify(s.args ?? null), kwargs: JSON.stringify(s.kwargs ?? null) };
}
