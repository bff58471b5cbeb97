import { Database } from './sqlite-driver';
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { RawStoreRow } from '../model/store-record';
import { UserError } from '../model/errors';
import { chooseLayout, layoutRow, type TableLayout } from './django-apscheduler';
import { checkIdentifier, allRows, type JobStoreReader, type StoreOptions } from './store';

/** The job table of this database: the one asked for, or django-apscheduler's when that is what there is. */
export function sqliteLayout(db: Database.Database, requested: string): TableLayout {
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    return chooseLayout(checkIdentifier(requested, 'table'), (t) => has.get(t) !== undefined);
  } catch (err) {
    // Not a database, or a hot journal a read-only connection cannot roll back: the first read
    // meets the same error and explains it in one line.
    if (/not a database|readonly database/.test((err as Error).message)) return { table: requested, nextRunTime: 'epoch' };
    throw err;
  }
}

/** A row as the job table holds it (django-apscheduler's next_run_time: a datetime's text). */
export const sqliteRow = layoutRow;

/** A SQLite database opened read-only: analysis never takes a write lock on a live store. */
export function openSqliteDatabase(path: string, display: string): Database.Database {
  if (!existsSync(path)) throw new UserError(`${display}: no such database file`);
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (err) {
    throw new UserError(`${display}: cannot open: ${(err as Error).message}`);
  }
}

/**
 * Rows per read transaction. A reader holds SQLite's shared lock while a statement runs, and in
 * the default rollback-journal mode a writer cannot commit meanwhile: APScheduler's own commit
 * waits for it, and fails with `database is locked` (which kills the 3.x scheduler thread) once
 * its busy timeout runs out. A batch of this size is read in well under a millisecond. Small,
 * too, because a batch lives until its rows are decoded and written: batches of 2,000 rows outlived
 * the young generation's collections, to be collected later in the old generation (`jobs
 * --format json` on 100,000 rows: 170 MB peak RSS against 127 MB at 250, the time the same).
 */
export const ROWS_PER_TRANSACTION = 250;

/**
 * Opens a SQLite job store read-only: analysis never takes a write lock on a live store. Rows are
 * read in bounded transactions, by id, so the shared lock is never held for long whatever the
 * size of the table; the price is that the rows are not one snapshot (a row a scheduler updates
 * during the read is seen before or after the update). A table without an index on id is read in
 * one statement instead (paging it would sort it per batch), and the report says so.
 */
export function openSqliteStore(path: string, display: string, options: StoreOptions): JobStoreReader {
  const db = openSqliteDatabase(path, display);
  const layout = sqliteLayout(db, options.table);
  const table = layout.table;
  let readMode: string | null = null;

  const fail = (err: unknown): never => {
    const msg = (err as Error).message;
    if (/no such table/.test(msg)) throw new UserError(`${display}: no table '${table}' (is this an APScheduler job store? see --table)`);
    if (/not a database/.test(msg)) throw new UserError(`${display}: not a SQLite database`);
    if (/readonly database/.test(msg) || (err as { code?: string }).code?.startsWith('SQLITE_READONLY')) {
      const journal = `${path}-journal`;
      if (existsSync(journal) && statSync(journal).size > 0) {
        throw new UserError(
          `${display}: ${basename(journal)} is a hot journal, left by a writer that stopped mid-transaction; SQLite must roll it back ` +
            `before anyone reads the store, and sched-doctor opens stores read-only: open it once with write access ` +
            `(start the scheduler, or run: sqlite3 '${path}' 'PRAGMA schema_version'), then run this again`,
        );
      }
    }
    throw new UserError(`${display}: ${msg}`);
  };

  /** Is there an index whose first column is id (SQLAlchemyJobStore's primary key)? */
  const idIndexed = (): boolean => {
    const indexes = db.prepare(`PRAGMA index_list("${table}")`).all() as { name: string }[];
    return indexes.some((ix) => {
      const cols = db.prepare(`PRAGMA index_info("${ix.name.replace(/"/g, '""')}")`).all() as { seqno: number; name: string }[];
      return cols.some((c) => c.seqno === 0 && c.name === 'id');
    });
  };

  async function* batches(): AsyncIterable<RawStoreRow[]> {
    // Rows as arrays (the driver's raw mode), in the order the query names the columns: a row
    // object per row, its keys set one by one, cost a third of the read (100,000 rows in pages
    // of 250: 375-453 ms against 266-314 ms).
    type Row = [id: unknown, next_run_time: unknown, job_state: unknown];
    let paged: boolean;
    let first: Database.Statement;
    let next: Database.Statement | undefined;
    try {
      // Only a table that exists is paged: the no-such-table message comes from the first query.
      db.prepare(`SELECT 1 FROM "${table}" LIMIT 1`).all();
      // better-sqlite3 sets a 16 MB page cache; the rows are read once, in order, fill it and gain
      // little from it (100,000 rows: 15 MB of RSS, outside the JavaScript heap): SQLite's own
      // default, 2 MB. Set after the first query, which meets a hot journal first and says so.
      db.pragma('cache_size = -2000');
      paged = idIndexed();
      const cols = `SELECT id, next_run_time, job_state FROM "${table}"`;
      first = db.prepare(paged ? `${cols} ORDER BY id LIMIT ${ROWS_PER_TRANSACTION}` : `${cols} ORDER BY id`).raw(true);
      if (paged) next = db.prepare(`${cols} WHERE id > ? ORDER BY id LIMIT ${ROWS_PER_TRANSACTION}`).raw(true);
    } catch (err) {
      return fail(err);
    }
    readMode = paged
      ? `bounded read transactions (at most ${ROWS_PER_TRANSACTION} rows each, by id): the lock is never held long, rows are not one snapshot`
      : 'one read transaction (no index on id to page by): one snapshot, the lock held for the whole read';
    let rows: Row[];
    try {
      rows = first.all() as Row[];
    } catch (err) {
      return fail(err);
    }
    for (;;) {
      // The driver's rows are let go before the batch is handed on: kept for the last id, they
      // held every pickle of the batch while it was decoded, whatever the reader kept of it.
      const count = rows.length;
      const last = rows[count - 1]?.[0];
      const batch = rows.map((r) => sqliteRow({ id: r[0], next_run_time: r[1], job_state: r[2] }, layout));
      rows = [];
      if (count) yield batch;
      if (!paged || count < ROWS_PER_TRANSACTION) return;
      try {
        rows = next!.all(last) as Row[];
      } catch (err) {
        return fail(err);
      }
    }
  }

  return {
    display,
    table,
    batches,
    readRows: () => allRows({ batches }),
    get readMode() {
      return readMode;
    },
    sizeHint() {
      // The highest rowid: one step down the table's b-tree, however large (a count would read
      // every row, holding the shared lock meanwhile). More than the rows where rows were deleted.
      try {
        const top = (db.prepare(`SELECT max(rowid) AS top FROM "${table}"`).get() as { top: unknown } | undefined)?.top;
        return typeof top === 'number' || typeof top === 'bigint' ? Number(top) : undefined;
      } catch {
        return undefined; // a table WITHOUT ROWID
      }
    },
    async close() {
      db.close();
    },
  };
}
