// The only code that writes to a job store: `clean` deletes rows, `restore` puts them back. Each
// backend does it in one transaction, and touches a row only if it is still what was read.

import type { RawStoreRow } from '../model/store-record';
import { openByUrl } from './db-url';
import { openMysqlWriter } from './mysql-writer';
import { openPostgresWriter } from './postgres-writer';
import { openRedisWriter } from './redis-writer';
import { openSqliteWriter } from './sqlite-writer';
import type { StoreOptions } from './store';

/** Why a row selected for deletion was left in place. */
export interface SkippedRow {
  id: string;
  /**
   * `changed`: a scheduler updated it after it was read (its update is kept); `gone`: already
   * deleted; `due`: its next run was due, or fell due within the safety window, when the delete ran
   * (a scheduler may be running it: it is left for a later run).
   */
  why: 'changed' | 'gone' | 'due';
  /** The row as it is now, when it still exists. */
  current?: RawStoreRow;
}

export interface DeleteResult {
  deleted: string[];
  skipped: SkippedRow[];
}

export type RestoreOutcome = 'inserted' | 'identical' | 'overwritten' | 'conflict';

export interface RestoreResult {
  rows: { id: string; outcome: RestoreOutcome; current?: RawStoreRow }[];
}

/** The same row, as a guarded delete compares it: next_run_time and job_state unchanged. */
export function sameRow(a: RawStoreRow, b: RawStoreRow): boolean {
  return a.nextRunTime === b.nextRunTime && a.jobState.equals(b.jobState);
}

/**
 * restore's decision for each row, inside a transaction that has locked (or read) the rows that
 * hold these ids: a free id is inserted, an existing row is identical, overwritten or a conflict.
 * The SQL is the backend's: `insert` says whether the row went in (another session may have
 * inserted the id since the lock: theirs stays, and it is a conflict).
 */
export async function restoreLockedRows(
  rows: RawStoreRow[],
  locked: Map<string, RawStoreRow>,
  overwrite: boolean,
  sql: { insert(row: RawStoreRow): Promise<boolean>; update(row: RawStoreRow): Promise<void> },
): Promise<RestoreResult> {
  const result: RestoreResult = { rows: [] };
  for (const row of rows) {
    const now = locked.get(row.id);
    if (!now) {
      result.rows.push({ id: row.id, outcome: (await sql.insert(row)) ? 'inserted' : 'conflict' });
      continue;
    }
    const outcome = existingRowOutcome(now, row, overwrite);
    if (outcome === 'overwritten') await sql.update(row);
    result.rows.push(outcome === 'identical' ? { id: row.id, outcome } : { id: row.id, outcome, current: now });
  }
  return result;
}

/** What restoring a row does to a row that already holds its id. */
export function existingRowOutcome(now: RawStoreRow, row: RawStoreRow, overwrite: boolean): 'identical' | 'overwritten' | 'conflict' {
  if (now.nextRunTime === row.nextRunTime && now.jobState.equals(row.jobState)) return 'identical';
  return overwrite ? 'overwritten' : 'conflict';
}

/**
 * Which rows must stay where they are, decided inside the transaction (after the write lock is
 * held, so the clock is the delete's own): `nowSeconds` is the clock then, epoch seconds.
 */
export type LeaveInPlace = (row: RawStoreRow, nowSeconds: number) => boolean;

export interface WriteHooks {
  /** Called inside the transaction, after every statement, just before COMMIT (failure-injection tests). */
  beforeCommit?: () => void;
}

export interface StoreWriter {
  readonly display: string;
  readonly table: string;
  /**
   * Deletes each row only if id, next_run_time and job_state are unchanged and `leave` does not
   * keep it: all in one transaction, as short as it can be (the state of skipped rows is read
   * after COMMIT).
   */
  deleteUnchanged(rows: RawStoreRow[], leave: LeaveInPlace, hooks?: WriteHooks): Promise<DeleteResult>;
  /** Inserts rows whose id is free; an existing different row is a conflict, or replaced with `overwrite`. One transaction. */
  restore(rows: RawStoreRow[], overwrite: boolean, hooks?: WriteHooks): Promise<RestoreResult>;
  close(): Promise<void>;
}

export function openStoreWriter(url: string, options: StoreOptions): Promise<StoreWriter> {
  return openByUrl(url, {
    sqlite: (path, display) => openSqliteWriter(path, display, options),
    postgres: (connectionString, display) => openPostgresWriter(connectionString, display, options),
    mysql: (connection, display) => openMysqlWriter(connection, display, options),
    redis: (connection, display) => openRedisWriter(connection, display, options),
  });
}
