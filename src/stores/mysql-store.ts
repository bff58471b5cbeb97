// Reads a SQLAlchemyJobStore table on MySQL or MariaDB (`id VARCHAR(191)`, `next_run_time DOUBLE`,
// `job_state BLOB`), in a read-only transaction: one consistent snapshot, no locks taken.

import type { Connection } from 'mysql2/promise';
import type { RawStoreRow } from '../model/store-record';
import { UserError } from '../model/errors';
import { redact, type MysqlConnection } from './db-url';
import { checkIdentifier, type JobStoreReader, type StoreOptions } from './store';
import { chooseLayout, DJANGO_JOB_TABLE, layoutRow, MYSQL_DATETIME_TEXT, SQLALCHEMY_TABLE, type TableLayout } from './django-apscheduler';

export type MysqlRow = { id: string; next_run_time: number | string | null; job_state: Buffer };

export async function connectMysql(connection: MysqlConnection, display: string): Promise<Connection> {
  try {
    // Loaded on first use: the driver costs 0.1 s to load, and most runs never open a MySQL store.
    const { createConnection } = require('mysql2/promise') as typeof import('mysql2/promise');
    const conn = await createConnection({
      host: connection.host,
      port: connection.port,
      user: connection.user,
      password: connection.password,
      database: connection.database,
      socketPath: connection.socketPath,
      charset: connection.charset,
      connectTimeout: 10000,
      // DOUBLE comes back as a JS number with every bit; BLOB as a Buffer.
      supportBigNumbers: true,
    });
    conn.on('error', () => undefined);
    return conn;
  } catch (err) {
    throw new UserError(`${display}: ${describeMysqlError(err)}`);
  }
}

export function describeMysqlError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ECONNREFUSED') return 'connection refused (is MySQL/MariaDB running on that host and port?)';
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return 'host not found';
  if (e.code === 'ENOENT') return 'no such socket file';
  if (e.code === 'ETIMEDOUT') return 'connection timed out';
  if (e.code === 'ER_ACCESS_DENIED_ERROR') return 'access denied (wrong user or password; the password is not shown)';
  if (e.code === 'ER_DBACCESS_DENIED_ERROR') return redact(e.message ?? 'access denied to the database');
  if (e.code === 'ER_BAD_DB_ERROR') return redact(e.message ?? 'unknown database');
  if (e.code === 'ER_NO_DB_ERROR') return 'no database selected (put it in the URL: mysql+pymysql://user@host/database, or give --schema)';
  return redact((e.message ?? String(err)).split('\n')[0]);
}

export interface MysqlTable {
  qualified: string;
  shown: string;
  layout: TableLayout;
  /** The select list: next_run_time as the DOUBLE, or as django-apscheduler's datetime(6) text. */
  columns: string;
}

/**
 * `db`.`table`, quoted; the database comes from --schema, else the URL. The table is the one asked
 * for, or django-apscheduler's when the database has that and no apscheduler_jobs.
 */
export async function mysqlTable(conn: Connection, options: StoreOptions, connection: MysqlConnection, display: string): Promise<MysqlTable> {
  checkIdentifier(options.table, 'table');
  const database = options.schema ?? connection.database;
  if (!database) throw new UserError(`${display}: no database in the URL (mysql+pymysql://user@host/database) and no --schema`);
  checkIdentifier(database, 'database');
  let present: Set<string>;
  try {
    const [rows] = await conn.execute('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_name IN (?, ?)', [database, SQLALCHEMY_TABLE, DJANGO_JOB_TABLE]);
    present = new Set((rows as { name: string }[]).map((r) => r.name));
  } catch (err) {
    throw new UserError(`${display}: ${describeMysqlError(err)}`);
  }
  const layout = chooseLayout(options.table, (t) => present.has(t));
  const table = layout.table;
  const columns = `id, ${layout.nextRunTime === 'datetime' ? `${MYSQL_DATETIME_TEXT('next_run_time')} AS next_run_time` : 'next_run_time'}, job_state`;
  return { qualified: `\`${database}\`.\`${table}\``, shown: `${database}.${table}`, layout, columns };
}

export function rowFromMysql(r: MysqlRow, layout: TableLayout): RawStoreRow {
  if (layout.nextRunTime === 'datetime') return layoutRow({ ...r, job_state: Buffer.from(r.job_state) }, layout);
  return { id: r.id, nextRunTime: r.next_run_time === null ? null : Number(r.next_run_time), jobState: Buffer.from(r.job_state) };
}

export function describeTableError(err: unknown, display: string, shown: string, what: string): UserError {
  const code = (err as { code?: string }).code;
  if (code === 'ER_NO_SUCH_TABLE') return new UserError(`${display}: no table '${shown}' (is this an APScheduler job store? see --table and --schema)`);
  if (code === 'ER_BAD_DB_ERROR') return new UserError(`${display}: ${describeMysqlError(err)}`);
  if (code === 'ER_TABLEACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR') return new UserError(`${display}: permission denied ${what} ${shown}`);
  return new UserError(`${display}: ${describeMysqlError(err)}`);
}

export async function openMysqlStore(connection: MysqlConnection, display: string, options: StoreOptions): Promise<JobStoreReader> {
  const conn = await connectMysql(connection, display);
  const { qualified, shown, layout, columns } = await mysqlTable(conn, options, connection, display).catch(async (err) => {
    await conn.end().catch(() => undefined);
    throw err;
  });
  async function readRows(): Promise<RawStoreRow[]> {
      try {
        await conn.query('START TRANSACTION READ ONLY');
        // execute(): the binary protocol, so a DOUBLE arrives as its 8 bytes, not as rounded text.
        const [rows] = await conn.execute(`SELECT ${columns} FROM ${qualified} ORDER BY id`);
        await conn.query('COMMIT');
        return (rows as MysqlRow[]).map((r) => rowFromMysql(r, layout));
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => undefined);
        throw describeTableError(err, display, shown, 'reading');
      }
  }
  return {
    display,
    table: shown,
    readRows,
    async *batches() {
      yield await readRows();
    },
    readMode: 'one read-only transaction: one snapshot',
    async close() {
      await conn.end().catch(() => undefined);
    },
  };
}
