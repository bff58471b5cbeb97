import { Client } from 'pg';
import type { RawStoreRow } from '../model/store-record';
import { UserError } from '../model/errors';
import { redact } from './db-url';
import { checkIdentifier, type JobStoreReader, type StoreOptions } from './store';

export async function connectPostgres(connectionString: string, display: string): Promise<Client> {
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

export async function openPostgresStore(connectionString: string, display: string, options: StoreOptions): Promise<JobStoreReader> {
  const table = checkIdentifier(options.table, 'table');
  const schema = options.schema ? checkIdentifier(options.schema, 'schema') : undefined;
  const qualified = schema ? `"${schema}"."${table}"` : `"${table}"`;
  const client = await connectPostgres(connectionString, display);
  return {
    display,
    table: schema ? `${schema}.${table}` : table,
    async readRows(): Promise<RawStoreRow[]> {
      try {
        const res = await client.query(`SELECT id, next_run_time, job_state FROM ${qualified} ORDER BY id`);
        return res.rows.map((r) => ({ id: r.id, nextRunTime: r.next_run_time === null ? null : Number(r.next_run_time), jobState: r.job_state }));
      } catch (err) {
        const e = err as { code?: string };
        if (e.code === '42P01') throw new UserError(`${display}: no table ${schema ? `'${schema}.${table}'` : `'${table}'`} (is this an APScheduler job store? see --table and --schema)`);
        if (e.code === '3F000') throw new UserError(`${display}: no schema '${schema}'`);
        if (e.code === '42501') throw new UserError(`${display}: permission denied reading ${qualified}`);
        throw new UserError(`${display}: ${describePgError(err)}`);
      }
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}
