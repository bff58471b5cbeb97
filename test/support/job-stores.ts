// Job stores for the clean/restore tests: fresh copies of stores written by real APScheduler
// (test/fixtures/gen/store_restarts.py: three restarts, three copies of `sync`), on SQLite and on a
// real PostgreSQL server; an exact checksum of a table; the CLI run as a child process; and a
// second writer that keeps updating next_run_time, as a live scheduler does.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { PgServer } from './postgres';

export const ROOT = join(__dirname, '..', '..');
export const RESTARTS_SQLITE = join(ROOT, 'test', 'fixtures', 'stores', 'restarts.sqlite');
const GEN = join(ROOT, 'test', 'fixtures', 'gen');
const TSX = pathToFileURL(require.resolve('tsx')).href;
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The CLI from source, as a separate process (so it can be killed, or run as another user). */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; uid?: number; gid?: number } = {}): Promise<CliResult> {
  const script = `require(${JSON.stringify(MAIN)}).main(['node', 'sched-doctor', ...process.argv.slice(1)])`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, '-e', script, ...args], {
      cwd: options.cwd, env: { ...process.env, ...options.env }, uid: options.uid, gid: options.gid, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

export interface DumpRow {
  id: string;
  nextRunTime: number | null;
  jobState: Buffer;
}

export interface TestStore {
  kind: 'sqlite' | 'postgres';
  url: string;
  /** A fresh temporary folder: the CLI's working directory, where default backups go. */
  dir: string;
  rows(): Promise<DumpRow[]>;
  /** sha256 over every row ordered by id: the id, the exact 8 bytes of next_run_time, job_state's bytes. */
  checksum(): Promise<string>;
  /** Returns the number of rows changed (0 when the row is gone). */
  setNextRunTime(id: string, value: number): Promise<number>;
  setJobState(id: string, value: Buffer): Promise<void>;
  insertRow(row: DumpRow): Promise<void>;
  close(): Promise<void>;
}

export function checksumOf(rows: DumpRow[]): string {
  const hash = createHash('sha256');
  for (const r of [...rows].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const next = Buffer.alloc(8);
    if (r.nextRunTime !== null) next.writeDoubleBE(r.nextRunTime);
    hash.update(`${r.id}\t${r.nextRunTime === null ? 'null' : next.toString('hex')}\t${r.jobState.toString('hex')}\n`);
  }
  return hash.digest('hex');
}

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder, removed when the test process ends. */
export function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-clean-'));
  made.push(dir);
  return dir;
}

export function sqliteRestartStore(): TestStore {
  const dir = newDir();
  const path = join(dir, 'jobs.sqlite');
  copyFileSync(RESTARTS_SQLITE, path);
  return sqliteStoreAt(path, dir);
}

export function sqliteStoreAt(path: string, dir: string): TestStore {
  let db: Database.Database | undefined;
  const conn = () => {
    if (!db) {
      db = new Database(path);
      db.pragma('busy_timeout = 10000');
    }
    return db;
  };
  const rows = async () =>
    (conn().prepare('SELECT id, next_run_time, typeof(next_run_time) AS t, job_state FROM apscheduler_jobs').all() as { id: string; next_run_time: number | null; t: string; job_state: Buffer }[]).map((r) => {
      if (r.t !== 'real' && r.t !== 'null') throw new Error(`next_run_time of ${r.id} is stored as ${r.t}`);
      return { id: r.id, nextRunTime: r.next_run_time, jobState: r.job_state };
    });
  return {
    kind: 'sqlite',
    url: `sqlite:///${path}`,
    dir,
    rows,
    checksum: async () => checksumOf(await rows()),
    async setNextRunTime(id, value) {
      return conn().prepare('UPDATE apscheduler_jobs SET next_run_time = ? WHERE id = ?').run(value, id).changes;
    },
    async setJobState(id, value) {
      conn().prepare('UPDATE apscheduler_jobs SET job_state = ? WHERE id = ?').run(value, id);
    },
    async insertRow(row) {
      conn().prepare('INSERT INTO apscheduler_jobs (id, next_run_time, job_state) VALUES (?, ?, ?)').run(row.id, row.nextRunTime, row.jobState);
    },
    async close() {
      db?.close();
      db = undefined;
    },
  };
}

export function pythonWithPostgres(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import apscheduler, sqlalchemy, psycopg2'], { stdio: 'ignore' }).status === 0;
}

let databases = 0;

/** A fresh database on the server, filled by real APScheduler (store_restarts.py). */
export async function postgresRestartStore(server: PgServer): Promise<TestStore> {
  const name = `store_${process.pid}_${++databases}`;
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = server.url.replace(/\/postgres$/, `/${name}`);
  const client = new Client({ connectionString: url });
  await client.connect();
  if (pythonWithPostgres()) {
    execFileSync('/usr/bin/python3', ['store_restarts.py', url.replace('postgresql://', 'postgresql+psycopg2://')], { cwd: GEN, stdio: 'pipe' });
  } else {
    // Without Python: the rows real APScheduler wrote to SQLite, in SQLAlchemy's PostgreSQL DDL.
    await client.query('CREATE TABLE apscheduler_jobs (id VARCHAR(191) NOT NULL, next_run_time FLOAT(25), job_state BYTEA NOT NULL, PRIMARY KEY (id))');
    const db = new Database(RESTARTS_SQLITE, { readonly: true });
    for (const r of db.prepare('SELECT * FROM apscheduler_jobs').all() as { id: string; next_run_time: number | null; job_state: Buffer }[]) {
      await client.query('INSERT INTO apscheduler_jobs VALUES ($1, $2, $3)', [r.id, r.next_run_time, r.job_state]);
    }
    db.close();
  }
  const rows = async () => {
    // float8send: the exact bytes PostgreSQL stores, independent of any text rendering.
    const res = await client.query('SELECT id, encode(float8send(next_run_time), \'hex\') AS bits, job_state FROM apscheduler_jobs');
    return res.rows.map((r) => ({ id: r.id as string, nextRunTime: r.bits === null ? null : Buffer.from(r.bits, 'hex').readDoubleBE(), jobState: r.job_state as Buffer }));
  };
  return {
    kind: 'postgres',
    url,
    dir: newDir(),
    rows,
    checksum: async () => checksumOf(await rows()),
    async setNextRunTime(id, value) {
      return (await client.query('UPDATE apscheduler_jobs SET next_run_time = $2 WHERE id = $1', [id, value])).rowCount ?? 0;
    },
    async setJobState(id, value) {
      await client.query('UPDATE apscheduler_jobs SET job_state = $2 WHERE id = $1', [id, value]);
    },
    async insertRow(row) {
      await client.query('INSERT INTO apscheduler_jobs (id, next_run_time, job_state) VALUES ($1, $2, $3)', [row.id, row.nextRunTime, row.jobState]);
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}

export interface Writer {
  /** Stops the loop; returns, per id, the last next_run_time the writer committed, and how many writes landed. */
  stop(): Promise<{ last: Map<string, number>; writes: number }>;
}

/** A second connection updating next_run_time of random rows in a loop, as a running scheduler would. */
export function startWriter(store: TestStore, ids: string[], base: number, maxPauseMs: number): Writer {
  let running = true;
  let counter = 0;
  let writes = 0;
  const last = new Map<string, number>();
  const loop = (async () => {
    while (running) {
      const id = ids[Math.floor(Math.random() * ids.length)];
      const value = base + ++counter * 0.25;
      try {
        if ((await store.setNextRunTime(id, value)) === 1) {
          last.set(id, value);
          writes++;
        }
      } catch (err) {
        // SQLITE_BUSY after the timeout: the write did not land; a scheduler would retry too.
        if (!/busy|locked/i.test((err as Error).message)) throw err;
      }
      await new Promise((r) => setTimeout(r, Math.random() * maxPauseMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { last, writes };
    },
  };
}

/** Defines the same test twice: on a SQLite store and on a PostgreSQL one (skipped, with the reason, without a server). */
export function onBothStores(server: () => PgServer | string, skip: (s: PgServer | string) => string | false) {
  return (title: string, fn: (store: TestStore, t: TestContext) => Promise<void>, options: { timeout?: number } = {}) => {
    test(`SQLite: ${title}`, { timeout: options.timeout ?? 120000 }, async (t) => {
      const store = sqliteRestartStore();
      try {
        await fn(store, t);
      } finally {
        await store.close();
      }
    });
    test(`PostgreSQL: ${title}`, { timeout: options.timeout ?? 120000 }, async (t) => {
      const reason = skip(server());
      if (reason) return t.skip(reason);
      const store = await postgresRestartStore(server() as PgServer);
      try {
        await fn(store, t);
      } finally {
        await store.close();
      }
    });
  };
}

/** A quick live check that never fires on the clock alone (PostgreSQL's fresh rows are due in 2 min). */
export const QUIET = ['--live-interval', '0.2s', '--live-window', '0'];

export function json(res: { stdout: string; stderr: string; status: number | null }) {
  try {
    return JSON.parse(res.stdout);
  } catch {
    throw new Error(`not JSON (exit ${res.status}): ${res.stdout}\n${res.stderr}`);
  }
}

export function oneLineError(res: { stderr: string; status: number | null }, pattern: RegExp): void {
  assert.equal(res.status, 2, res.stderr);
  assert.equal(res.stderr.trim().split('\n').length, 1, `one line: ${res.stderr}`);
  assert.match(res.stderr, /^sched-doctor: /);
  assert.match(res.stderr, pattern);
}

/**
 * A PostgreSQL-only test on a fresh restart store, with an admin connection to create roles:
 * skipped with the reason when no server could be started.
 */
export function onPostgresStore(server: () => PgServer | string, skip: (s: PgServer | string) => string | false) {
  return (title: string, fn: (store: TestStore, admin: Client) => Promise<void>) => {
    test(`PostgreSQL: ${title}`, async (t) => {
      const reason = skip(server());
      if (reason) return t.skip(reason);
      const store = await postgresRestartStore(server() as PgServer);
      const admin = new Client({ connectionString: store.url });
      await admin.connect();
      try {
        await fn(store, admin);
      } finally {
        await admin.end();
        await store.close();
      }
    });
  };
}
