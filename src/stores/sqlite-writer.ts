// Writes to a SQLite job store. BEGIN IMMEDIATE takes the write lock before the first statement,
// so a scheduler's UPDATE either lands before (and the row is seen as changed) or waits until
// COMMIT; the busy timeout makes each side wait its turn instead of failing.

import { Database } from './sqlite-driver';
import { existsSync } from 'node:fs';
import type { RawStoreRow } from '../model/store-record';
import { UserError } from '../model/errors';
import { checkIdentifier, type StoreOptions } from './store';
import { existingRowOutcome, type DeleteResult, type RestoreResult, type StoreWriter, type WriteHooks } from './store-writer';

const BUSY_TIMEOUT_MS = 10000;

type Row = { id: string; next_run_time: number | null; job_state: Buffer };

export function openSqliteWriter(path: string, display: string, options: StoreOptions): StoreWriter {
  if (!existsSync(path)) throw new UserError(`${display}: no such database file`);
  const table = checkIdentifier(options.table, 'table');
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (err) {
    throw new UserError(`${display}: cannot open: ${describeSqliteError(err)}`);
  }
  const current = (id: string): RawStoreRow | undefined => {
    const r = db.prepare(`SELECT id, next_run_time, job_state FROM "${table}" WHERE id = ?`).get(id) as Row | undefined;
    return r && { id: r.id, nextRunTime: r.next_run_time, jobState: Buffer.from(r.job_state) };
  };

  function transaction<T>(what: string, work: () => T, hooks?: WriteHooks): T {
    try {
      db.exec('BEGIN IMMEDIATE');
      const result = work();
      hooks?.beforeCommit?.();
      db.exec('COMMIT');
      return result;
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw new UserError(`${display}: cannot ${what} ${table}: ${describeSqliteError(err)}`);
    }
  }

  return {
    display,
    table,
    async deleteUnchanged(rows: RawStoreRow[], hooks?: WriteHooks): Promise<DeleteResult> {
      return transaction('delete from', () => {
        const del = db.prepare(`DELETE FROM "${table}" WHERE id = ? AND job_state = ? AND next_run_time IS ?`);
        const result: DeleteResult = { deleted: [], skipped: [] };
        for (const row of rows) {
          if (del.run(row.id, row.jobState, row.nextRunTime).changes === 1) {
            result.deleted.push(row.id);
            continue;
          }
          const now = current(row.id);
          result.skipped.push(now ? { id: row.id, why: 'changed', current: now } : { id: row.id, why: 'gone' });
        }
        return result;
      }, hooks);
    },
    async restore(rows: RawStoreRow[], overwrite: boolean, hooks?: WriteHooks): Promise<RestoreResult> {
      return transaction('insert into', () => {
        const insert = db.prepare(`INSERT INTO "${table}" (id, next_run_time, job_state) VALUES (?, ?, ?)`);
        const update = db.prepare(`UPDATE "${table}" SET next_run_time = ?, job_state = ? WHERE id = ?`);
        const result: RestoreResult = { rows: [] };
        for (const row of rows) {
          const now = current(row.id);
          if (!now) {
            insert.run(row.id, row.nextRunTime, row.jobState);
            result.rows.push({ id: row.id, outcome: 'inserted' });
          } else {
            const outcome = existingRowOutcome(now, row, overwrite);
            if (outcome === 'overwritten') update.run(row.nextRunTime, row.jobState, row.id);
            result.rows.push(outcome === 'identical' ? { id: row.id, outcome } : { id: row.id, outcome, current: now });
          }
        }
        return result;
      }, hooks);
    },
    async close() {
      db.close();
    },
  };
}

function describeSqliteError(err: unknown): string {
  const code = (err as { code?: string }).code ?? '';
  const message = (err as Error).message ?? String(err);
  if (code.startsWith('SQLITE_READONLY')) return 'the database is read-only for this user (file or folder permissions, or a read-only mount)';
  if (code.startsWith('SQLITE_CANTOPEN')) return 'cannot create the journal beside the database file (is its folder writable?)';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return `the database stayed locked for ${BUSY_TIMEOUT_MS / 1000} s (a scheduler holds it); try again`;
  if (code === 'SQLITE_NOTADB') return 'not a SQLite database';
  if (/no such table/.test(message)) return 'no such table (see --table)';
  return message.split('\n')[0];
}
