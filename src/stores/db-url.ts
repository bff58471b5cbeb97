// SQLAlchemy-style URLs, as users already write them in their APScheduler config.
// `sqlite:///relative.db`, `sqlite:////abs/path.db`, `postgresql://user:pass@host:5432/db`,
// `postgresql+psycopg2://…`, `postgres://…`, `mysql+pymysql://user:pass@host:3306/db?charset=utf8mb4`,
// `mariadb+mariadbconnector://…`, and redis-py's `redis://:pass@host:6379/0`, `rediss://…`. The
// password never leaves this module: `display` is what errors and reports show.

import { UserError } from '../model/errors';

export type DbUrl =
  | { kind: 'sqlite'; path: string; display: string }
  | { kind: 'postgres'; connectionString: string; display: string }
  | { kind: 'mysql'; connection: MysqlConnection; display: string }
  | { kind: 'redis'; connection: RedisConnection; display: string };

/** What a MySQL/MariaDB URL says, ready for the driver. */
export interface MysqlConnection {
  host: string;
  port: number;
  user?: string;
  password?: string;
  /** The database: SQLAlchemy's schema for this backend. */
  database?: string;
  socketPath?: string;
  charset?: string;
}

/** What a redis:// URL says, ready for the client. */
export interface RedisConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls: boolean;
}

export function parseDbUrl(url: string): DbUrl {
  const sqlite = /^sqlite(?:\+\w+)?:\/\/\/(.*)$/.exec(url);
  if (sqlite) {
    const path = sqlite[1].split('?')[0];
    if (!path || path === ':memory:') throw new UserError(`${url}: an in-memory SQLite database has no job store to read; give a file path (sqlite:///jobs.sqlite)`);
    return { kind: 'sqlite', path, display: `sqlite:///${path}` };
  }
  const pg = /^(?:postgresql|postgres)(?:\+\w+)?:\/\/(.*)$/.exec(url);
  if (pg) {
    let parsed: URL;
    try {
      parsed = new URL(`postgresql://${pg[1]}`);
    } catch {
      throw new UserError(`${redact(url)}: not a valid PostgreSQL URL (postgresql://user:password@host:5432/database)`);
    }
    const display = `postgresql://${parsed.username ? decodeURIComponent(parsed.username) + '@' : ''}${parsed.host}${parsed.pathname}`;
    return { kind: 'postgres', connectionString: `postgresql://${pg[1]}`, display };
  }
  const mysql = /^(?:mysql|mariadb)(?:\+\w+)?:\/\/(.*)$/.exec(url);
  if (mysql) return parseMysqlUrl(url, mysql[1]);
  const redis = /^(rediss?):\/\/(.*)$/.exec(url);
  if (redis) return parseRedisUrl(url, redis[1] === 'rediss', redis[2]);
  throw new UserError(`${redact(url)}: unsupported database URL (use sqlite:///path.db, postgresql://user@host/db, mysql+pymysql://user@host/db or redis://host:6379/0)`);
}

function parseMysqlUrl(url: string, rest: string): DbUrl {
  let parsed: URL;
  try {
    parsed = new URL(`mysql://${rest}`);
  } catch {
    throw new UserError(`${redact(url)}: not a valid MySQL URL (mysql+pymysql://user:password@host:3306/database)`);
  }
  const q = parsed.searchParams;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || undefined;
  const socketPath = q.get('unix_socket') ?? q.get('socket') ?? undefined;
  const port = parsed.port ? Number(parsed.port) : 3306;
  const connection: MysqlConnection = {
    host: parsed.hostname || 'localhost',
    port,
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
    socketPath,
    charset: q.get('charset') ?? undefined,
  };
  const where = socketPath ? `localhost (${socketPath})` : `${connection.host}:${port}`;
  return { kind: 'mysql', connection, display: `mysql://${connection.user ? connection.user + '@' : ''}${where}/${database ?? ''}` };
}

function parseRedisUrl(url: string, tls: boolean, rest: string): DbUrl {
  let parsed: URL;
  try {
    parsed = new URL(`redis://${rest}`);
  } catch {
    throw new UserError(`${redact(url)}: not a valid Redis URL (redis://:password@host:6379/0)`);
  }
  const dbText = parsed.pathname.replace(/^\//, '') || parsed.searchParams.get('db') || '0';
  if (!/^\d+$/.test(dbText)) throw new UserError(`${redact(url)}: the Redis database must be a number (redis://host:6379/0), not '${dbText}'`);
  const connection: RedisConnection = {
    host: parsed.hostname || 'localhost',
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number(dbText),
    tls,
  };
  const scheme = tls ? 'rediss' : 'redis';
  return { kind: 'redis', connection, display: `${scheme}://${connection.username ? connection.username + '@' : ''}${connection.host}:${connection.port}/${connection.db}` };
}

/** A URL with its user and password removed, for labels: `postgresql://db:5432/jobs`. */
export function withoutCredentials(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

/** Hide the password of any URL-looking string. */
export function redact(text: string): string {
  return text.replace(/(\/\/[^:/@\s]*):[^@\s]*@/g, '$1:***@');
}

/**
 * Opens whatever a URL names, with the backend's opener: the one place that turns a URL into a
 * connection, so readers and writers fail the same way (one line naming the store, no password).
 */
export interface Openers<T> {
  sqlite(path: string, display: string): T;
  postgres(connectionString: string, display: string): Promise<T>;
  mysql(connection: MysqlConnection, display: string): Promise<T>;
  redis(connection: RedisConnection, display: string): Promise<T>;
}

export async function openByUrl<T>(url: string, open: Openers<T>): Promise<T> {
  const parsed = parseDbUrl(url);
  try {
    if (parsed.kind === 'sqlite') return open.sqlite(parsed.path, parsed.display);
    if (parsed.kind === 'mysql') return await open.mysql(parsed.connection, parsed.display);
    if (parsed.kind === 'redis') return await open.redis(parsed.connection, parsed.display);
    return await open.postgres(parsed.connectionString, parsed.display);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${parsed.display}: ${(err as Error).message}`);
  }
}
