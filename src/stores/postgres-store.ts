import type { Client } from 'pg';
import type { RawStoreRow } from '../model/store-record';
import { UserError } from '../model/errors';
import { redact } from './db-url';
import { allRows, checkIdentifier, type JobStoreReader, type StoreOptions } from './store';
import { chooseLayout, DJANGO_JOB_TABLE, layoutRow, PG_DATETIME_TEXT, SQLALCHEMY_TABLE, type TableLayout } from './django-apscheduler';

export async function connectPostgres(connectionString: string, display: string): Promise<Client> {
  // Loaded on first use: most runs never open a PostgreSQL store.
  const { Client } = require('pg') as typeof import('pg');
  const client = new Client({ connectionString, connectionTimeoutMillis: 10000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new UserError(`${display}: ${describePgError(err)}`);
  }
  return client;
}

export function describePgError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ECONNREFUSED') return 'connection refused (is PostgreSQL running on that host and port?)';
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return 'host not found';
  if (e.code === '28P01') return 'password authentication failed (the password is not shown)';
  if (/client password must be a string/.test(e.message ?? '')) return 'the server asks for a password and none was given (set PGPASSWORD, or put it in ~/.pgpass or the file PGPASSFILE names)';
  if (e.code === '3D000') return redact(e.message ?? 'database does not exist');
  return redact((e.message ?? String(err)).split('\n')[0]);
}

/**
 * The job table to read in this schema (django-apscheduler's when that is what there is), and the
 * session set to UTC so that a timestamptz reads as Django's UTC text.
 */
export async function pgLayout(client: Client, schema: string | undefined, requested: string): Promise<TableLayout> {
  const res = await client.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = coalesce($1, current_schema()) AND table_name = ANY($2)',
    [schema ?? null, [SQLALCHEMY_TABLE, DJANGO_JOB_TABLE]]);
  const present = new Set(res.rows.map((r) => r.table_name));
  const layout = chooseLayout(requested, (t) => present.has(t));
  if (layout.nextRunTime === 'datetime') await client.query("SET TIME ZONE 'UTC'");
  return layout;
}

/** The select list of a job table: next_run_time as the float, or as the datetime's UTC text. */
export function pgColumns(layout: TableLayout): string {
  return `id, ${layout.nextRunTime === 'datetime' ? `${PG_DATETIME_TEXT('next_run_time')} AS next_run_time` : 'next_run_time'}, job_state`;
}

/** Rows per page: the whole table is never in memory at once. */
const ROWS_PER_PAGE = 2000;

/**
 * PostgreSQL readers never block writers (MVCC), so the rows are read in pages inside one
 * REPEATABLE READ, READ ONLY transaction: one snapshot, in bounded memory.
 */
export async function openPostgresStore(connectionString: string, display: string, options: StoreOptions): Promise<JobStoreReader> {
  checkIdentifier(options.table, 'table');
  const schema = options.schema ? checkIdentifier(options.schema, 'schema') : undefined;
  const client = await connectPostgres(connectionString, display);
  let layout: TableLayout;
  try {
    layout = await pgLayout(client, schema, options.table);
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new UserError(`${display}: ${describePgError(err)}`);
  }
  const table = layout.table;
  const qualified = schema ? `"${schema}"."${table}"` : `"${table}"`;
  let readMode: string | null = null;
  const fail = (err: unknown): never => {
    const e = err as { code?: string };
    if (e.code === '42P01') throw new UserError(`${display}: no table ${schema ? `'${schema}.${table}'` : `'${table}'`} (is this an APScheduler job store? see --table and --schema)`);
    if (e.code === '3F000') throw new UserError(`${display}: no schema '${schema}'`);
    if (e.code === '42501') throw new UserError(`${display}: permission denied reading ${qualified}`);
    throw new UserError(`${display}: ${describePgError(err)}`);
  };
  const toRow = (r: { id: unknown; next_run_time: unknown; job_state: unknown }) =>
    layoutRow({ ...r, next_run_time: r.next_run_time === null || r.next_run_time === undefined ? null : layout.nextRunTime === 'datetime' ? r.next_run_time : Number(r.next_run_time) }, layout);

  async function* batches(): AsyncIterable<RawStoreRow[]> {
    const cols = `SELECT ${pgColumns(layout)} FROM ${qualified}`;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    } catch (err) {
      return fail(err);
    }
    readMode = `one snapshot (a read-only REPEATABLE READ transaction, in pages of ${ROWS_PER_PAGE} rows); PostgreSQL readers do not block writers`;
    try {
      let last: unknown = undefined;
      for (;;) {
        let res;
        try {
          res = last === undefined
            ? await client.query(`${cols} ORDER BY id LIMIT ${ROWS_PER_PAGE}`)
            : await client.query(`${cols} WHERE id > $1 ORDER BY id LIMIT ${ROWS_PER_PAGE}`, [last]);
        } catch (err) {
          return fail(err);
        }
        if (res.rows.length) yield res.rows.map(toRow);
        if (res.rows.length < ROWS_PER_PAGE) return;
        last = res.rows[res.rows.length - 1].id;
      }
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  }

  return {
    display,
    table: schema ? `${schema}.${table}` : table,
    batches,
    readRows: () => allRows({ batches }),
    get readMode() {
      return readMode;
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}
