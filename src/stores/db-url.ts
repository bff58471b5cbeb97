// SQLAlchemy-style URLs, as users already write them in their APScheduler config.
// `sqlite:///relative.db`, `sqlite:////abs/path.db`, `postgresql://user:pass@host:5432/db`,
// `postgresql+psycopg2://…`, `postgres://…`. The password never leaves this module: `display`
// is what errors and reports show.

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
      throw new UserError(`${redact(url)}: not a valid PostgreSQL URL (postgresql://user:password@host:5432/database)`);
    }
    const display = `postgresql://${parsed.username ? decodeURIComponent(parsed.username) + '@' : ''}${parsed.host}${parsed.pathname}`;
    return { kind: 'postgres', connectionString: `postgresql://${pg[1]}`, display };
  }
  throw new UserError(`${redact(url)}: unsupported database URL (use sqlite:///path.db or postgresql://user@host/db)`);
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
export async function openByUrl<T>(url: string, open: { sqlite(path: string, display: string): T; postgres(connectionString: string, display: string): Promise<T> }): Promise<T> {
  const parsed = parseDbUrl(url);
  try {
    if (parsed.kind === 'sqlite') return open.sqlite(parsed.path, parsed.display);
    return await open.postgres(parsed.connectionString, parsed.display);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${parsed.display}: ${(err as Error).message}`);
  }
}
