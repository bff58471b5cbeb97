import { Database } from './sqlite-driver';
import { existsSync } from 'node:fs';
import type { RawStoreRow } from '../model/store-record';
import { UserError } from '../model/errors';
import { chooseLayout, djangoDatetimeSeconds, type TableLayout } from './django-apscheduler';
import { checkIdentifier, type JobStoreReader, type StoreOptions } from './store';

/** The job table of this database: the one asked for, or django-apscheduler's when that is what there is. */
export function sqliteLayout(db: Database.Database, requested: string): TableLayout {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  try {
    return chooseLayout(checkIdentifier(requested, 'table'), (t) => has.get(t) !== undefined);
  } catch (err) {
    if (/not a database/.test((err as Error).message)) return { table: requested, nextRunTime: 'epoch' };
    throw err;
  }
}

/** A row as the job table holds it, whichever way it keeps next_run_time. */
export function sqliteRow(r: { id: string; next_run_time: number | string | null; job_state: Buffer }, layout: TableLayout): RawStoreRow {
  const jobState = Buffer.from(r.job_state);
  if (layout.nextRunTime === 'epoch' || r.next_run_time === null) return { id: r.id, nextRunTime: r.next_run_time as number | null, jobState };
  const text = String(r.next_run_time);
  const seconds = djangoDatetimeSeconds(text);
  if (seconds === undefined) throw new UserError(`row ${r.id}: next_run_time '${text}' is not a datetime`);
  return { id: r.id, nextRunTime: seconds, jobState, nextRunTimeText: text };
}

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

export function openSqliteStore(path: string, display: string, options: StoreOptions): JobStoreReader {
  const db = openSqliteDatabase(path, display);
  const layout = sqliteLayout(db, options.table);
  const table = layout.table;
  return {
    display,
    table,
    async readRows(): Promise<RawStoreRow[]> {
      let rows: { id: string; next_run_time: number | string | null; job_state: Buffer }[];
      try {
        rows = db.prepare(`SELECT id, next_run_time, job_state FROM "${table}" ORDER BY id`).all() as typeof rows;
      } catch (err) {
        const msg = (err as Error).message;
        if (/no such table/.test(msg)) throw new UserError(`${display}: no table '${table}' (is this an APScheduler job store? see --table)`);
        if (/not a database/.test(msg)) throw new UserError(`${display}: not a SQLite database`);
        throw new UserError(`${display}: ${msg}`);
      }
      return rows.map((r) => sqliteRow(r, layout));
    },
    async close() {
      db.close();
    },
  };
}
