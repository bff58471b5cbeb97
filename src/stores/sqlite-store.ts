import { Database } from './sqlite-driver';
import { existsSync } from 'node:fs';
import type { RawStoreRow } from '../model/store-record';
import { UserError } from '../model/errors';
import { checkIdentifier, type JobStoreReader, type StoreOptions } from './store';

/** Opens a SQLite job store read-only: analysis never takes a write lock on a live store. */
export function openSqliteStore(path: string, display: string, options: StoreOptions): JobStoreReader {
  if (!existsSync(path)) throw new UserError(`${display}: no such database file`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new UserError(`${display}: cannot open: ${(err as Error).message}`);
  }
  const table = checkIdentifier(options.table, 'table');
  return {
    display,
    table,
    async readRows(): Promise<RawStoreRow[]> {
      let rows: { id: string; next_run_time: number | null; job_state: Buffer }[];
      try {
        rows = db.prepare(`SELECT id, next_run_time, job_state FROM "${table}" ORDER BY id`).all() as typeof rows;
      } catch (err) {
        const msg = (err as Error).message;
        if (/no such table/.test(msg)) throw new UserError(`${display}: no table '${table}' (is this an APScheduler job store? see --table)`);
        if (/not a database/.test(msg)) throw new UserError(`${display}: not a SQLite database`);
        throw new UserError(`${display}: ${msg}`);
      }
      return rows.map((r) => ({ id: r.id, nextRunTime: r.next_run_time, jobState: Buffer.from(r.job_state) }));
    },
    async close() {
      db.close();
    },
  };
}
