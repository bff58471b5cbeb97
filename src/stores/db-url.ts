// SQLAlchemy-style URLs, as users already write them in their APScheduler config.
// `sqlite:///relative.db`, `sqlite:////abs/path.db`, `postgresql://user:pass@host:5432/db`,
// `postgresql+psycopg2://…`, `postgres://…`, `mysql+pymysql://user:pass@host:3306/db?charset=utf8mb4`,
// `mariadb+mariadbconnector://…`, and redis-py's `redis://:pass@host:6379/0`, `rediss://…`. The
// password never leaves this module: `display` is what errors and reports show.

import { existsSync, readdirSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
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
      throw new UserError(`${redact(url)}: not a valid PostgreSQL URL (postgresql://user:password@host:5432/database; percent-encode a password's '/', '#', '?' and '@', or leave it out and use PGPASSWORD or ~/.pgpass)`);
    }
    const display = `postgresql://${parsed.username ? safeDecode(parsed.username) + '@' : ''}${parsed.host}${parsed.pathname}`;
    return { kind: 'postgres', connectionString: `postgresql://${pg[1]}`, display };
  }
  const mysql = /^(?:mysql|mariadb)(?:\+\w+)?:\/\/(.*)$/.exec(url);
  if (mysql) return parseMysqlUrl(url, mysql[1]);
  const redis = /^(rediss?):\/\/(.*)$/.exec(url);
  if (redis) return parseRedisUrl(url, redis[1] === 'rediss', redis[2]);
  throw new UserError(misuse(url));
}

function parseMysqlUrl(url: string, rest: string): DbUrl {
  let parsed: URL;
  try {
    parsed = new URL(`mysql://${rest}`);
  } catch {
    throw new UserError(`${redact(url)}: not a valid MySQL URL (mysql+pymysql://user:password@host:3306/database)`);
  }
  const q = parsed.searchParams;
  const database = safeDecode(parsed.pathname.replace(/^\//, '')) || undefined;
  const socketPath = q.get('unix_socket') ?? q.get('socket') ?? undefined;
  const port = parsed.port ? Number(parsed.port) : 3306;
  const connection: MysqlConnection = {
    host: parsed.hostname || 'localhost',
    port,
    user: parsed.username ? safeDecode(parsed.username) : undefined,
    password: parsed.password ? safeDecode(parsed.password) : undefined,
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
    username: parsed.username ? safeDecode(parsed.username) : undefined,
    password: parsed.password ? safeDecode(parsed.password) : undefined,
    db: Number(dbText),
    tls,
  };
  const scheme = tls ? 'rediss' : 'redis';
  return { kind: 'redis', connection, display: `${scheme}://${connection.username ? connection.username + '@' : ''}${connection.host}:${connection.port}/${connection.db}` };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** What a string that is no supported URL probably meant. */
function misuse(url: string): string {
  const shown = redact(url);
  const sqliteHost = /^sqlite(?:\+\w+)?:(?:\/\/?)?([^/].*)$/.exec(url);
  if (sqliteHost) {
    return `${shown}: a SQLite URL has three slashes before a relative path and four before an absolute one: use --db ${sqliteUrlFor(sqliteHost[1])}`;
  }
  if (!/^[a-z][\w+.-]*:/i.test(url) && url.trim() !== '') {
    return `${shown}: a path, not a database URL: for a SQLite file use --db ${sqliteUrlFor(url)}`;
  }
  return `${shown}: unsupported database URL (use sqlite:///path.db, postgresql://user@host/db, mysql+pymysql://user@host/db or redis://host:6379/0)`;
}

/** `jobs.sqlite` → `sqlite:///jobs.sqlite`; `/var/app/jobs.sqlite` → `sqlite:////var/app/jobs.sqlite`. */
export function sqliteUrlFor(path: string): string {
  return `sqlite:///${path.replace(/^\.\//, '')}`;
}

/**
 * The SQLite file a URL names must be a file: a missing one gets the URL with the other number of
 * slashes when that file exists, a folder says so and names the database files inside it.
 */
export function checkSqlitePath(path: string, display: string): void {
  let stat: Stats | undefined;
  try {
    stat = statSync(path);
  } catch {
    stat = undefined;
  }
  if (stat?.isDirectory()) {
    const inside = listDatabases(path);
    const hint = inside.length ? `: the job store is a file, e.g. ${inside.map((f) => sqliteUrlFor(join(path, f))).join(' or ')}` : ' (the job store is the .sqlite or .db file APScheduler writes)';
    throw new UserError(`${display}: ${path} is a folder, not a SQLite database file${hint}`);
  }
  if (stat) return;
  const other = isAbsolute(path) ? path.replace(/^\/+/, '') : `/${path}`;
  if (other && existsSync(other) && !statSync(other).isDirectory()) {
    const meaning = isAbsolute(path) ? 'four slashes make an absolute path' : 'three slashes make a path relative to the working folder';
    throw new UserError(`${display}: no such database file (${meaning}); did you mean --db ${sqliteUrlFor(other)}?`);
  }
  throw new UserError(`${display}: no such database file${isAbsolute(path) ? '' : ` (${resolve(path)}: three slashes make a path relative to the working folder, four an absolute one)`}`);
}

function listDatabases(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => /\.(sqlite3?|db)$/i.test(f)).sort().slice(0, 3);
  } catch {
    return [];
  }
}

/** A URL with its user and password removed, for labels: `postgresql://db:5432/jobs`. */
export function withoutCredentials(url: string): string {
  const m = /^([a-z][\w+.-]*:\/\/)(.*)$/is.exec(url);
  if (!m || /^sqlite/i.test(m[1])) return redact(url);
  // The user information ends at the last '@' (a password may hold unencoded '@', '/', spaces).
  const at = m[2].lastIndexOf('@');
  return redact(m[1] + (at >= 0 ? m[2].slice(at + 1) : m[2]));
}

/**
 * Hide the password of any URL-looking text, whatever its characters: spaces, '@', '/', '%'
 * escapes, also when the URL does not parse. It runs from `scheme://user:` to the last '@' of
 * the line; with no '@', everything after `user:` that is not a port number. `password=` in a
 * query string too. Over-hiding a part of a message is harmless, showing a password is not.
 */
export function redact(text: string): string {
  const hidden = text.replace(/([a-z][\w+.-]*:\/\/[^:@/\s]*):([^\n]*)@/gi, '$1:***@').replace(/([a-z][\w+.-]*:\/\/[^:@/\s]*):(?!\d+(?:[/?\s]|$))(?!\*\*\*@)[^@\n]*$/gim, '$1:***');
  return redactQuery(hidden);
}

function redactQuery(text: string): string {
  return text.replace(/([?&\s]password=)[^&\n]*/gi, '$1***');
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
    if (parsed.kind === 'sqlite') {
      checkSqlitePath(parsed.path, parsed.display);
      return open.sqlite(parsed.path, parsed.display);
    }
    if (parsed.kind === 'mysql') return await open.mysql(parsed.connection, parsed.display);
    if (parsed.kind === 'redis') return await open.redis(parsed.connection, parsed.display);
    // node-postgres reads ~/.pgpass (or PGPASSFILE) itself when the URL has no password, and
    // announces that this will change in pg 9 with a DeprecationWarning: noise on a CLI's stderr.
    process.noDeprecation = true;
    return await open.postgres(parsed.connectionString, parsed.display);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(redact(`${parsed.display}: ${(err as Error).message}`));
  }
}
