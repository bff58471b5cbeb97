// Job-store access, per backend: read the rows of `apscheduler_jobs` (or its configured name).

import type { RawStoreRow } from '../model/store-record';

export interface StoreOptions {
  table: string;
  /** PostgreSQL: the schema; MySQL/MariaDB: the database (SQLAlchemyJobStore's `tableschema`). */
  schema?: string;
  /** RedisJobStore: the hash of pickled job states (default `apscheduler.jobs`). */
  jobsKey?: string;
  /** RedisJobStore: the sorted set of next run times (default `apscheduler.run_times`). */
  runTimesKey?: string;
}

export interface JobStoreReader {
  readonly display: string;
  readonly table: string;
  /**
   * The rows in id order, a batch at a time, so that callers can decode and write as they read
   * instead of holding the whole table.
   */
  batches(): AsyncIterable<RawStoreRow[]>;
  /** Every row at once. */
  readRows(): Promise<RawStoreRow[]>;
  /** How the rows were read, for the report: one snapshot, or bounded transactions. Set once read. */
  readonly readMode: string | null;
  /**
   * About how many rows the table holds, where the store can tell without reading them (SQLite:
   * its highest rowid): how to decode them is chosen by it (decode-pool.ts). Never shown as a count.
   */
  sizeHint?(): number | undefined;
  close(): Promise<void>;
}

/** A table name SQL can quote safely: what SQLAlchemy accepts in practice. */
export function checkIdentifier(name: string, what: string): string {
  if (!/^[A-Za-z_][\w$]*$/.test(name)) throw new Error(`invalid ${what} name '${name}'`);
  return name;
}

/** readRows() in terms of batches(). */
export async function allRows(reader: Pick<JobStoreReader, 'batches'>): Promise<RawStoreRow[]> {
  const rows: RawStoreRow[] = [];
  for await (const batch of reader.batches()) for (const r of batch) rows.push(r);
  return rows;
}

/**
 * A row as the database returned it → RawStoreRow. A value APScheduler could not have written
 * (a NULL, integer or text job_state; a next_run_time that is not a finite time) is kept as it
 * is, for `clean` to match, and marked `invalid`: the row is then undecodable, never an error.
 */
export function rawRow(id: unknown, nextRunTime: unknown, jobState: unknown): RawStoreRow {
  const row: RawStoreRow = { id: String(id), nextRunTime: null, jobState: EMPTY };
  const problems: string[] = [];
  if (Buffer.isBuffer(jobState)) row.jobState = jobState;
  else if (jobState instanceof Uint8Array) row.jobState = Buffer.from(jobState.buffer, jobState.byteOffset, jobState.byteLength);
  else problems.push(`job_state is ${sqlType(jobState)}, not a pickle`);
  if (typeof nextRunTime === 'number' || nextRunTime === null) row.nextRunTime = nextRunTime;
  else if (typeof nextRunTime === 'bigint') row.nextRunTime = Number(nextRunTime);
  else if (typeof nextRunTime === 'string' && nextRunTime.trim() !== '' && Number.isFinite(Number(nextRunTime))) row.nextRunTime = Number(nextRunTime);
  else problems.push(`next_run_time is ${sqlType(nextRunTime)}, not a time`);
  const t = row.nextRunTime;
  // datetime's range, years 1–9999: APScheduler cannot load anything outside it.
  if (t !== null && !(t >= -62135596800 && t < 253402300800)) problems.push(`next_run_time ${t} is not a time APScheduler can load`);
  if (typeof id !== 'string') problems.push(`id is ${sqlType(id)}, not text`);
  if (problems.length) row.invalid = problems.join('; ');
  return row;
}

const EMPTY = Buffer.alloc(0);

function sqlType(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return `the number ${v}`;
  if (typeof v === 'string') return v.length > 40 ? 'text' : `the text ${JSON.stringify(v)}`;
  return typeof v;
}
