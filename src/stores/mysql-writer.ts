// Writes to a MySQL/MariaDB job store, as the PostgreSQL writer does: one InnoDB transaction;
// SELECT … FOR UPDATE locks the rows first, so a scheduler's UPDATE either committed before the lock
// (and the row is seen as changed) or waits until we commit. The DELETE repeats the check in SQL.

import type { RawStoreRow } from '../model/store-record';
import { UserError } from '../model/errors';
import type { MysqlConnection } from './db-url';
import { connectMysql, describeMysqlError, describeTableError, mysqlTable, rowFromMysql, type MysqlRow } from './mysql-store';
import type { StoreOptions } from './store';
import { DJANGO_RUNS_REFER } from './django-apscheduler';
import { restoreLockedRows, sameRow, type DeleteResult, type LeaveInPlace, type RestoreResult, type StoreWriter, type WriteHooks } from './store-writer';

const LOCK_TIMEOUT_SECONDS = 10;

export async function openMysqlWriter(connection: MysqlConnection, display: string, options: StoreOptions): Promise<StoreWriter> {
  const conn = await connectMysql(connection, display);
  const { qualified, shown, layout, columns } = await mysqlTable(conn, options, connection, display).catch(async (err) => {
    await conn.end().catch(() => undefined);
    throw err;
  });
  // django-apscheduler's datetime(6) is compared and written as its text: exact to the microsecond.
  const nextValue = (row: RawStoreRow) => (layout.nextRunTime === 'datetime' ? row.nextRunTimeText ?? null : row.nextRunTime);
  await conn.query(`SET SESSION innodb_lock_wait_timeout = ${LOCK_TIMEOUT_SECONDS}`);

  async function lockRows(ids: string[]): Promise<Map<string, RawStoreRow>> {
    if (ids.length === 0) return new Map();
    const [rows] = await conn.execute(`SELECT ${columns} FROM ${qualified} WHERE id IN (${ids.map(() => '?').join(',')}) FOR UPDATE`, ids);
    // Ids are compared byte for byte: MySQL's default collation matches 'Sync' to 'sync'.
    return new Map((rows as MysqlRow[]).map((r) => rowFromMysql(r, layout)).map((r) => [r.id, r]));
  }

  async function transaction<T>(what: string, work: () => Promise<T>, hooks?: WriteHooks): Promise<T> {
    let committing = false;
    try {
      await conn.query('START TRANSACTION');
      const result = await work();
      hooks?.beforeCommit?.();
      committing = true;
      await conn.query('COMMIT');
      return result;
    } catch (err) {
      if (committing && !(err as { sqlState?: string }).sqlState) {
        throw new UserError(`${display}: the connection was lost during COMMIT (${describeMysqlError(err)}): the transaction may or may not have been applied`);
      }
      await conn.query('ROLLBACK').catch(() => undefined);
      if (err instanceof UserError) throw err;
      const code = (err as { code?: string }).code;
      if (code === 'ER_LOCK_WAIT_TIMEOUT') throw new UserError(`${display}: cannot ${what} ${shown}: rows stayed locked for ${LOCK_TIMEOUT_SECONDS} s (a scheduler holds them); try again`);
      if (code === 'ER_LOCK_DEADLOCK') throw new UserError(`${display}: cannot ${what} ${shown}: the transaction conflicted with another session; try again`);
      if (code === 'ER_TABLEACCESS_DENIED_ERROR') {
        const needs = what === 'delete from' ? 'SELECT, UPDATE (for the row locks) and DELETE' : 'SELECT, UPDATE and INSERT';
        throw new UserError(`${display}: cannot ${what} ${shown}: permission denied (this user needs ${needs} on the table)`);
      }
      if (code === 'ER_ROW_IS_REFERENCED_2' || code === 'ER_ROW_IS_REFERENCED') throw new UserError(`${display}: cannot ${what} ${shown}: ${DJANGO_RUNS_REFER}`);
      if (code === 'ER_OPTION_PREVENTS_STATEMENT') throw new UserError(`${display}: cannot ${what} ${shown}: the server is read-only`);
      throw describeTableError(err, display, shown, what);
    }
  }

  return {
    display,
    table: shown,
    async deleteUnchanged(rows: RawStoreRow[], leave: LeaveInPlace, hooks?: WriteHooks): Promise<DeleteResult> {
      return transaction('delete from', async () => {
        const result: DeleteResult = { deleted: [], skipped: [] };
        const nowSeconds = Date.now() / 1000;
        // A row due now or soon stays: a 3.x scheduler about to update it would die on its absence.
        const due = rows.filter((r) => leave(r, nowSeconds));
        for (const row of due) result.skipped.push({ id: row.id, why: 'due' });
        const go = rows.filter((r) => !due.includes(r));
        const locked = await lockRows(go.map((r) => r.id));
        for (const row of go) {
          const now = locked.get(row.id);
          if (!now) {
            result.skipped.push({ id: row.id, why: 'gone' });
            continue;
          }
          let affected = 0;
          if (sameRow(now, row)) {
            // `<=>` is NULL-safe equality: a paused row (NULL) matches only NULL.
            const [res] = await conn.execute(`DELETE FROM ${qualified} WHERE BINARY id = ? AND job_state = ? AND next_run_time <=> ?`, [row.id, row.jobState, nextValue(row)]);
            affected = (res as { affectedRows: number }).affectedRows;
          }
          if (affected === 1) result.deleted.push(row.id);
          else result.skipped.push({ id: row.id, why: 'changed', current: now });
        }
        return result;
      }, hooks);
    },
    async restore(rows: RawStoreRow[], overwrite: boolean, hooks?: WriteHooks): Promise<RestoreResult> {
      return transaction('insert into', async () => {
        const locked = await lockRows(rows.map((r) => r.id));
        return restoreLockedRows(rows, locked, overwrite, {
          // INSERT IGNORE: another session inserted this id after our SELECT; theirs stays.
          insert: async (row) => {
            const [res] = await conn.execute(`INSERT IGNORE INTO ${qualified} (id, next_run_time, job_state) VALUES (?, ?, ?)`, [row.id, nextValue(row), row.jobState]);
            return (res as { affectedRows: number }).affectedRows === 1;
          },
          update: async (row) => {
            await conn.execute(`UPDATE ${qualified} SET next_run_time = ?, job_state = ? WHERE BINARY id = ?`, [nextValue(row), row.jobState, row.id]);
          },
        });
      }, hooks);
    },
    async close() {
      await conn.end().catch(() => undefined);
    },
  };
}
