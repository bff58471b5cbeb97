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
  readRows(): Promise<RawStoreRow[]>;
  close(): Promise<void>;
}

/** A table name SQL can quote safely: what SQLAlchemy accepts in practice. */
export function checkIdentifier(name: string, what: string): string {
  if (!/^[A-Za-z_][\w$]*$/.test(name)) throw new Error(`invalid ${what} name '${name}'`);
  return name;
}
