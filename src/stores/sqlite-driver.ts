// The SQLite driver, loaded only when a `sqlite:` URL is opened, so that reading logs never needs
// a compiler: better-sqlite3 is an optional dependency (a native module, built from source where
// no prebuilt binary is reachable). Without it, Node's own `node:sqlite` (Node 22.13+, 23.4+) is
// used when the running Node has it; otherwise opening the store is one line saying how to get it.
//
// `Database` has better-sqlite3's shape (`new Database(path, options)`, and the type
// `Database.Database`), so the store modules only change their import line. The node:sqlite
// adapter covers what they use: prepare().all/get/run, exec, pragma, inTransaction, close.

import type BetterSqlite3 from 'better-sqlite3';
import { UserError } from '../model/errors';

type Options = BetterSqlite3.Options;
type Connection = BetterSqlite3.Database;
type Constructor = new (path: string, options?: Options) => Connection;

export const MISSING_DRIVER =
  "SQLite job stores need the optional module better-sqlite3, which is not installed: run 'npm install better-sqlite3@12' where sched-doctor is installed (it compiles on install: python3, make and a C++ compiler), or use Node 22.13 or newer";

let driver: Constructor | undefined;

/** The constructor to use: better-sqlite3 when installed, else node:sqlite, else a UserError. */
export function loadSqliteDriver(): Constructor {
  if (driver) return driver;
  let failure: Error | undefined;
  try {
    driver = require('better-sqlite3') as Constructor;
    return driver;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Installed but unusable (built for another Node): say that, not "missing".
    if (!(e.code === 'MODULE_NOT_FOUND' && /better-sqlite3/.test(e.message))) failure = e;
  }
  const builtin = nodeSqlite();
  if (builtin) return (driver = builtin);
  if (failure) throw new UserError(`SQLite job stores need better-sqlite3, which is installed but cannot be loaded (${failure.message.split('\n')[0]}): reinstall it with 'npm rebuild better-sqlite3'`);
  throw new UserError(MISSING_DRIVER);
}

/** better-sqlite3's constructor, resolved on first use. */
export const Database = function Database(path: string, options?: Options): Connection {
  const Impl = loadSqliteDriver();
  return new Impl(path, options);
} as unknown as Constructor;

// Types only: `Database.Database` as with better-sqlite3's own default export.
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace Database {
  type Database = Connection;
  type Statement = BetterSqlite3.Statement;
}

// ---------------------------------------------------------------------------------------------
// node:sqlite, where the running Node has it

interface NodeStatement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { changes: number | bigint };
}
interface NodeDatabase {
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
  close(): void;
  isTransaction?: boolean;
}

function nodeSqlite(): Constructor | undefined {
  let mod: { DatabaseSync: new (path: string, options?: { readOnly?: boolean }) => NodeDatabase };
  // Node 22 and 23 warn on stderr that node:sqlite is experimental: not the user's concern.
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (/SQLite is an experimental feature/.test(typeof warning === 'string' ? warning : warning.message)) return;
    (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    // A computed name: bundlers and Node 20's module list do not know it.
    mod = require(['node', 'sqlite'].join(':'));
  } catch {
    return undefined;
  } finally {
    process.emitWarning = emitWarning;
  }
  return function NodeSqlite(path: string, options?: Options): Connection {
    const db = wrapErrors(() => new mod.DatabaseSync(path, { readOnly: options?.readonly === true }));
    let inTransaction = false;
    const track = (sql: string) => {
      if (/^\s*BEGIN\b/i.test(sql)) inTransaction = true;
      if (/^\s*(COMMIT|ROLLBACK|END)\b/i.test(sql)) inTransaction = false;
    };
    const adapter = {
      prepare(sql: string) {
        const st = wrapErrors(() => db.prepare(sql));
        return {
          all: (...p: unknown[]) => wrapErrors(() => st.all(...p)).map(toBuffers),
          get: (...p: unknown[]) => {
            const row = wrapErrors(() => st.get(...p));
            return row === undefined ? undefined : toBuffers(row);
          },
          run: (...p: unknown[]) => {
            const r = wrapErrors(() => st.run(...p));
            return { changes: Number(r.changes) };
          },
        };
      },
      exec(sql: string) {
        wrapErrors(() => db.exec(sql));
        track(sql);
        return adapter;
      },
      pragma(text: string) {
        wrapErrors(() => db.exec(`PRAGMA ${text}`));
        return undefined;
      },
      get inTransaction() {
        return db.isTransaction ?? inTransaction;
      },
      close() {
        db.close();
        return adapter;
      },
    };
    return adapter as unknown as Connection;
  } as unknown as Constructor;
}

/** BLOBs come back as Uint8Array from node:sqlite, as Buffer from better-sqlite3. */
function toBuffers(row: unknown): unknown {
  if (!row || typeof row !== 'object') return row;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row as Record<string, unknown>)) out[k] = v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v) : v;
  return out;
}

// SQLite's primary result codes, named as better-sqlite3 names them, for the callers' messages.
const CODES: Record<number, string> = { 5: 'SQLITE_BUSY', 6: 'SQLITE_LOCKED', 8: 'SQLITE_READONLY', 14: 'SQLITE_CANTOPEN', 26: 'SQLITE_NOTADB' };

function wrapErrors<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    const e = err as Error & { errcode?: number; code?: string };
    if (typeof e.errcode === 'number' && CODES[e.errcode & 0xff]) e.code = CODES[e.errcode & 0xff];
    throw e;
  }
}
