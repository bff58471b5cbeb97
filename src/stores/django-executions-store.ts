// Reads django-apscheduler's run history, `django_apscheduler_djangojobexecution`: a row per run
// (job_id, status, run_time, duration, finished, exception, traceback), on SQLite, PostgreSQL and
// MySQL/MariaDB. run_time is read as Django's UTC text on every backend (see django-apscheduler.ts).

import type { Client } from 'pg';
import type { Connection } from 'mysql2/promise';
import { UserError } from '../model/errors';
import { openByUrl } from './db-url';
import { DJANGO_EXECUTION_TABLE, MYSQL_DATETIME_TEXT, PG_DATETIME_TEXT } from './django-apscheduler';
import { connectMysql, describeMysqlError } from './mysql-store';
import { connectPostgres, describePgError } from './postgres-store';
import { openSqliteDatabase } from './sqlite-store';
import { checkIdentifier } from './store';

export interface ExecutionRow {
  id: number;
  jobId: string;
  status: string;
  /** The run's scheduled time, as the column's text (naive UTC). */
  runTime: string;
  /** Seconds from the scheduled time to the end (django-apscheduler computes finished − run_time). */
  duration: number | null;
  /** Epoch seconds when the status was recorded. */
  finished: number | null;
  exception: string | null;
  traceback: string | null;
}

export interface ExecutionHistory {
  display: string;
  rows: ExecutionRow[];
}

type SqlRow = {
  id: number | string; job_id: string; status: string; run_time: string; duration: number | string | null;
  finished: number | string | null; exception: string | null; traceback: string | null;
};

const select = (runTime: string, table: string) =>
  `SELECT id, job_id, status, ${runTime} AS run_time, duration, finished, exception, traceback FROM ${table} ORDER BY run_time, id`;

function toRows(rows: SqlRow[]): ExecutionRow[] {
  return rows.map((r) => ({
    id: Number(r.id), jobId: r.job_id, status: r.status, runTime: String(r.run_time),
    // DECIMAL(15,2): text from PostgreSQL and MySQL, a number from SQLite.
    duration: r.duration === null ? null : Number(r.duration), finished: r.finished === null ? null : Number(r.finished),
    exception: r.exception, traceback: r.traceback,
  }));
}

/**
 * The run history of a django-apscheduler database, or undefined when it has none (any other
 * store, Redis included). `schema`: PostgreSQL's schema, MySQL's database, as for the job table.
 */
export function readDjangoExecutions(url: string, schema?: string): Promise<ExecutionHistory | undefined> {
  if (schema) checkIdentifier(schema, 'schema');
  return openByUrl<ExecutionHistory | undefined>(url, {
    sqlite: (path, display) => readSqlite(path, display),
    postgres: async (connectionString, display) => {
      const client = await connectPostgres(connectionString, display);
      try {
        return await readPostgres(client, display, schema);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    mysql: async (connection, display) => {
      const database = schema ?? connection.database;
      if (!database) return undefined;
      const conn = await connectMysql(connection, display);
      try {
        return await readMysql(conn, display, database);
      } finally {
        await conn.end().catch(() => undefined);
      }
    },
    redis: async () => undefined,
  });
}

function readSqlite(path: string, display: string): ExecutionHistory | undefined {
  const db = openSqliteDatabase(path, display);
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(DJANGO_EXECUTION_TABLE);
    if (!has) return undefined;
    return { display, rows: toRows(db.prepare(select('run_time', `"${DJANGO_EXECUTION_TABLE}"`)).all() as SqlRow[]) };
  } finally {
    db.close();
  }
}

async function readPostgres(client: Client, display: string, schema: string | undefined): Promise<ExecutionHistory | undefined> {
  try {
    const has = await client.query('SELECT 1 FROM information_schema.tables WHERE table_schema = coalesce($1, current_schema()) AND table_name = $2', [schema ?? null, DJANGO_EXECUTION_TABLE]);
    if (!has.rowCount) return undefined;
    // One snapshot, in UTC: to_char then prints the timestamptz as Django's UTC text.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query("SET LOCAL TIME ZONE 'UTC'");
    const table = schema ? `"${schema}"."${DJANGO_EXECUTION_TABLE}"` : `"${DJANGO_EXECUTION_TABLE}"`;
    const res = await client.query<SqlRow>(select(PG_DATETIME_TEXT('run_time'), table));
    return { display, rows: toRows(res.rows) };
  } catch (err) {
    throw new UserError(`${display}: cannot read ${DJANGO_EXECUTION_TABLE}: ${describePgError(err)}`);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

async function readMysql(conn: Connection, display: string, database: string): Promise<ExecutionHistory | undefined> {
  try {
    const [has] = await conn.execute('SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [database, DJANGO_EXECUTION_TABLE]);
    if (!(has as unknown[]).length) return undefined;
    await conn.query('START TRANSACTION READ ONLY');
    const [rows] = await conn.query(select(MYSQL_DATETIME_TEXT('run_time'), `\`${database}\`.\`${DJANGO_EXECUTION_TABLE}\``));
    await conn.query('COMMIT');
    return { display, rows: toRows(rows as SqlRow[]) };
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => undefined);
    throw new UserError(`${display}: cannot read ${DJANGO_EXECUTION_TABLE}: ${describeMysqlError(err)}`);
  }
}
