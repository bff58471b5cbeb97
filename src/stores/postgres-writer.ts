// Writes to a PostgreSQL job store, one transaction each. `clean`'s delete is one statement that
// checks every row's id, job_state and next_run_time; `restore` locks the rows it looks at first
// (SELECT … FOR UPDATE), so a scheduler's UPDATE either committed before (the row is a conflict)
// or waits until COMMIT.

import type { RawStoreRow } from '../model/store-record';
import { UserError } from '../model/errors';
import { connectPostgres, describePgError, pgColumns, pgLayout } from './postgres-store';
import { DJANGO_RUNS_REFER, layoutRow } from './django-apscheduler';
import { checkIdentifier, type StoreOptions } from './store';
import { restoreLockedRows, type DeleteResult, type LeaveInPlace, type RestoreResult, type StoreWriter, type WriteHooks } from './store-writer';

const LOCK_TIMEOUT = '10s';

/** COMMIT was sent and no answer came back: the rows may or may not have changed. */
export class CommitOutcomeUnknown extends UserError {}

type Row = { id: string; next_run_time: number | string | null; job_state: Buffer };

export async function openPostgresWriter(connectionString: string, display: string, options: StoreOptions): Promise<StoreWriter> {
  checkIdentifier(options.table, 'table');
  const schema = options.schema ? checkIdentifier(options.schema, 'schema') : undefined;
  const client = await connectPostgres(connectionString, display);
  const layout = await pgLayout(client, schema, options.table).catch(async (err) => {
    await client.end().catch(() => undefined);
    throw new UserError(`${display}: ${describePgError(err)}`);
  });
  const table = layout.table;
  const qualified = schema ? `"${schema}"."${table}"` : `"${table}"`;
  const shown = schema ? `${schema}.${table}` : table;
  // django-apscheduler's next_run_time is a timestamptz: compared and written as its UTC text
  // (the session is in UTC), to the microsecond.
  const datetime = layout.nextRunTime === 'datetime';
  const nextType = datetime ? 'timestamp' : 'float8';
  const nextValue = (row: RawStoreRow) => (datetime ? row.nextRunTimeText ?? null : row.nextRunTime);

  async function readRows(ids: string[], lock = ''): Promise<Map<string, RawStoreRow>> {
    const res = await client.query<Row>(`SELECT ${pgColumns(layout)} FROM ${qualified} WHERE id = ANY($1) ${lock}`, [ids]);
    return new Map(res.rows.map((r) => [r.id, layoutRow({ ...r, next_run_time: r.next_run_time === null || datetime ? r.next_run_time : Number(r.next_run_time) }, layout)]));
  }
  const lockRows = (ids: string[]) => readRows(ids, 'FOR UPDATE');

  async function transaction<T>(what: string, work: () => Promise<T>, hooks?: WriteHooks): Promise<T> {
    let committing = false;
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      const result = await work();
      hooks?.beforeCommit?.();
      committing = true;
      await client.query('COMMIT');
      return result;
    } catch (err) {
      // A server error (it has a SQLSTATE) means the transaction was rolled back; a connection lost
      // while COMMIT was on its way leaves the outcome unknown.
      if (committing && !/^[0-9A-Z]{5}$/.test((err as { code?: string }).code ?? '')) {
        throw new CommitOutcomeUnknown(`${display}: the connection was lost during COMMIT (${describePgError(err)}): the transaction may or may not have been applied`);
      }
      await client.query('ROLLBACK').catch(() => undefined);
      throw new UserError(`${display}: cannot ${what} ${shown}: ${describeWriteError(err, what)}`);
    }
  }

  return {
    display,
    table: shown,
    async deleteUnchanged(rows: RawStoreRow[], leave: LeaveInPlace, hooks?: WriteHooks): Promise<DeleteResult> {
      // One DELETE statement: PostgreSQL locks each row it deletes, and a row a scheduler updated
      // meanwhile is re-checked on its new version (READ COMMITTED), so it no longer matches.
      const outcome = await transaction('delete from', async () => {
        const nowSeconds = Date.now() / 1000;
        const due = rows.filter((r) => leave(r, nowSeconds));
        const go = rows.filter((r) => !leave(r, nowSeconds));
        const res = go.length
          ? await client.query<{ id: string }>(
            `DELETE FROM ${qualified} AS t USING unnest($1::text[], $2::bytea[], $3::${nextType}[]) AS d(id, job_state, next_run_time)
             WHERE t.id = d.id AND t.job_state = d.job_state AND t.next_run_time IS NOT DISTINCT FROM d.next_run_time RETURNING t.id`,
            [go.map((r) => r.id), go.map((r) => r.jobState), go.map(nextValue)])
          : { rows: [] };
        const deleted = new Set(res.rows.map((r) => r.id));
        return { deleted: go.filter((r) => deleted.has(r.id)).map((r) => r.id), due: due.map((r) => r.id), missed: go.filter((r) => !deleted.has(r.id)) };
      }, hooks);
      const now = outcome.missed.length ? await readRows(outcome.missed.map((r) => r.id)) : new Map<string, RawStoreRow>();
      return {
        deleted: outcome.deleted,
        skipped: [
          ...outcome.due.map((id) => ({ id, why: 'due' as const })),
          ...outcome.missed.map((row) => {
            const current = now.get(row.id);
            return current ? { id: row.id, why: 'changed' as const, current } : { id: row.id, why: 'gone' as const };
          }),
        ],
      };
    },
    async restore(rows: RawStoreRow[], overwrite: boolean, hooks?: WriteHooks): Promise<RestoreResult> {
      return transaction('insert into', async () => {
        const locked = await lockRows(rows.map((r) => r.id));
        return restoreLockedRows(rows, locked, overwrite, {
          // ON CONFLICT: another session inserted this id after our SELECT; theirs stays.
          insert: async (row) => (await client.query(`INSERT INTO ${qualified} (id, next_run_time, job_state) VALUES ($1, $2::${nextType}, $3) ON CONFLICT DO NOTHING`, [row.id, nextValue(row), row.jobState])).rowCount === 1,
          update: async (row) => {
            await client.query(`UPDATE ${qualified} SET next_run_time = $2::${nextType}, job_state = $3 WHERE id = $1`, [row.id, nextValue(row), row.jobState]);
          },
        });
      }, hooks);
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}

function describeWriteError(err: unknown, what: string): string {
  const code = (err as { code?: string }).code;
  if (code === '42501') {
    const needs = what === 'delete from' ? 'SELECT, UPDATE (for the row locks) and DELETE' : 'SELECT, UPDATE and INSERT';
    return `permission denied (this user needs ${needs} on the table)`;
  }
  if (code === '55P03') return `rows stayed locked for ${LOCK_TIMEOUT} (a scheduler holds them); try again`;
  if (code === '40001' || code === '40P01') return 'the transaction conflicted with another session; try again';
  if (code === '23503') return `${DJANGO_RUNS_REFER}; django-apscheduler's foreign key is checked at COMMIT, which rolled the delete back`;
  if (code === '25006') return 'the server is read-only (a standby, or default_transaction_read_only)';
  return describePgError(err);
}
