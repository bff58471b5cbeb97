// Writes to a SQLite job store. BEGIN IMMEDIATE takes the write lock before the first statement,
// so a scheduler's UPDATE either lands before (and the row is seen as changed) or waits until
// COMMIT; the busy timeout makes each side wait its turn instead of failing.

import { Database } from './sqlite-driver';
import { existsSync } from 'node:fs';
import type { RawStoreRow } from '../model/store-record';
import { UserError } from '../model/errors';
import { sqliteLayout, sqliteRow } from './sqlite-store';
import { DJANGO_RUNS_REFER } from './django-apscheduler';
import type { StoreOptions } from './store';
import { existingRowOutcome, type DeleteResult, type LeaveInPlace, type RestoreResult, type StoreWriter, type WriteHooks } from './store-writer';

const BUSY_TIMEOUT_MS = 10000;

type Row = { id: string; next_run_time: number | string | null; job_state: Buffer };

/** The value the column holds: a datetime column's own text, else the float. */
const columnValue = (row: RawStoreRow) => (row.nextRunTimeText !== undefined ? row.nextRunTimeText : row.nextRunTime);

export function openSqliteWriter(path: string, display: string, options: StoreOptions): StoreWriter {
  if (!existsSync(path)) throw new UserError(`${display}: no such database file`);
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (err) {
    throw new UserError(`${display}: cannot open: ${describeSqliteError(err)}`);
  }
  const layout = sqliteLayout(db, options.table);
  const table = layout.table;
  const current = (id: string): RawStoreRow | undefined => {
    const r = db.prepare(`SELECT id, next_run_time, job_state FROM "${table}" WHERE id = ?`).get(id) as Row | undefined;
    return r && sqliteRow(r, layout);
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
    async deleteUnchanged(rows: RawStoreRow[], leave: LeaveInPlace, hooks?: WriteHooks): Promise<DeleteResult> {
      const del = db.prepare(`DELETE FROM "${table}" WHERE id = ? AND job_state = ? AND next_run_time IS ?`);
      // Inside the write lock: only the DELETEs, so a scheduler's UPDATE waits milliseconds.
      const outcome = transaction('delete from', () => {
        const nowSeconds = Date.now() / 1000;
        const deleted: string[] = [];
        const due: string[] = [];
        const missed: RawStoreRow[] = [];
        for (const row of rows) {
          if (leave(row, nowSeconds)) due.push(row.id);
          else if (del.run(row.id, row.jobState, columnValue(row)).changes === 1) deleted.push(row.id);
          else missed.push(row);
        }
        return { deleted, due, missed };
      }, hooks);
      return {
        deleted: outcome.deleted,
        skipped: [
          ...outcome.due.map((id) => ({ id, why: 'due' as const })),
          ...outcome.missed.map((row) => {
            const now = current(row.id);
            return now ? { id: row.id, why: 'changed' as const, current: now } : { id: row.id, why: 'gone' as const };
          }),
        ],
      };
    },
    async restore(rows: RawStoreRow[], overwrite: boolean, hooks?: WriteHooks): Promise<RestoreResult> {
      return transaction('insert into', () => {
        const insert = db.prepare(`INSERT INTO "${table}" (id, next_run_time, job_state) VALUES (?, ?, ?)`);
        const update = db.prepare(`UPDATE "${table}" SET next_run_time = ?, job_state = ? WHERE id = ?`);
        const result: RestoreResult = { rows: [] };
        for (const row of rows) {
          const now = current(row.id);
          if (!now) {
            insert.run(row.id, columnValue(row), row.jobState);
            result.rows.push({ id: row.id, outcome: 'inserted' });
          } else {
            const outcome = existingRowOutcome(now, row, overwrite);
            if (outcome === 'overwritten') update.run(columnValue(row), row.jobState, row.id);
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
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return DJANGO_RUNS_REFER;
  }
  if (/no such table/.test(message)) return 'no such table (see --table)';
  return message.split('\n')[0];
}
