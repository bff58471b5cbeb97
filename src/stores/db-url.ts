// SQLAlchemy-style URLs, as users already write them in their APScheduler config.
// `sqlite:///relative.db`, `sqlite:////abs/path.db`, `postgresql://user:pass@host:5432/db`,
// `postgresql+psycopg2://…`, `postgres://…`. The password never leaves this module: `display`
// is what errors and reports show.

import { existsSync, readdirSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../model/errors';

export type DbUrl =
  | { kind: 'sqlite'; path: string; display: string }
  | { kind: 'postgres'; connectionString: string; display: string };

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
  throw new UserError(misuse(url));
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
  return `${shown}: unsupported database URL (use sqlite:///path.db or postgresql://user@host/db)`;
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
export async function openByUrl<T>(url: string, open: { sqlite(path: string, display: string): T; postgres(connectionString: string, display: string): Promise<T> }): Promise<T> {
  const parsed = parseDbUrl(url);
  try {
    if (parsed.kind === 'sqlite') {
      checkSqlitePath(parsed.path, parsed.display);
      return open.sqlite(parsed.path, parsed.display);
    }
    // node-postgres reads ~/.pgpass (or PGPASSFILE) itself when the URL has no password, and
    // announces that this will change in pg 9 with a DeprecationWarning: noise on a CLI's stderr.
    process.noDeprecation = true;
    return await open.postgres(parsed.connectionString, parsed.display);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(redact(`${parsed.display}: ${(err as Error).message}`));
  }
}
