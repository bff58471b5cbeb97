// Job stores on MariaDB and Redis for the store tests, filled by real APScheduler
// (store_restarts.py through PyMySQL, or its RedisJobStore through redis-py): the same three
// restarts as the SQLite and PostgreSQL stores, so the same expectations hold on every backend.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createConnection, type Connection } from 'mysql2/promise';
import { checksumOf, newDir, type DumpRow, type TestStore } from './job-stores';
import type { Server } from './servers';

const GEN = join(__dirname, '..', 'fixtures', 'gen');
let databases = 0;

function restarts(url: string): void {
  execFileSync('/usr/bin/python3', ['store_restarts.py', url], { cwd: GEN, stdio: 'pipe' });
}

/** A fresh database on the MariaDB server, written by real APScheduler through PyMySQL. */
export async function mariadbRestartStore(server: Server): Promise<TestStore & { admin: Connection; database: string }> {
  const database = `store_${process.pid}_${++databases}`;
  const admin = await createConnection({ host: '127.0.0.1', port: server.port, user: 'root' });
  await admin.query(`CREATE DATABASE ${database}`);
  const url = `${server.url}${database}`;
  restarts(url);
  const conn = await createConnection({ host: '127.0.0.1', port: server.port, user: 'root', database });
  // execute(): the binary protocol gives next_run_time's exact 8 bytes.
  const rows = async (): Promise<DumpRow[]> => {
    const [res] = await conn.execute('SELECT id, next_run_time, job_state FROM apscheduler_jobs');
    return (res as { id: string; next_run_time: number | null; job_state: Buffer }[]).map((r) => ({ id: r.id, nextRunTime: r.next_run_time, jobState: r.job_state }));
  };
  return {
    kind: 'postgres' as TestStore['kind'], // the shared helpers only distinguish SQLite from a server
    url,
    dir: newDir(),
    admin,
    database,
    rows,
    checksum: async () => checksumOf(await rows()),
    async setNextRunTime(id, value) {
      const [res] = await conn.execute('UPDATE apscheduler_jobs SET next_run_time = ? WHERE id = ?', [value, id]);
      return (res as { affectedRows: number }).affectedRows;
    },
    async setJobState(id, value) {
      await conn.execute('UPDATE apscheduler_jobs SET job_state = ? WHERE id = ?', [value, id]);
    },
    async insertRow(row) {
      await conn.execute('INSERT INTO apscheduler_jobs (id, next_run_time, job_state) VALUES (?, ?, ?)', [row.id, row.nextRunTime, row.jobState]);
    },
    async close() {
      await conn.end().catch(() => undefined);
      await admin.end().catch(() => undefined);
    },
  };
}

export const JOBS_KEY = 'apscheduler.jobs';
export const RUN_TIMES_KEY = 'apscheduler.run_times';

/** A fresh Redis database number, written by real APScheduler's RedisJobStore. */
export async function redisRestartStore(server: Server): Promise<TestStore & { client: Redis }> {
  const db = (++databases % 15) + 1;
  const client = new Redis({ host: '127.0.0.1', port: server.port, db, lazyConnect: true });
  await client.connect();
  await client.flushdb();
  const url = server.url.replace(/\/0$/, `/${db}`);
  restarts(url);
  // A row is its hash field and its score; a score of its own is a row with an empty state.
  const rows = async (): Promise<DumpRow[]> => {
    const states = await client.hgetallBuffer(JOBS_KEY);
    const flat = await client.zrange(RUN_TIMES_KEY, 0, -1, 'WITHSCORES');
    const scores = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) scores.set(flat[i], Number(flat[i + 1]));
    const out: DumpRow[] = Object.entries(states).map(([id, state]) => ({ id, nextRunTime: scores.get(id) ?? null, jobState: state }));
    for (const [id, score] of scores) if (!(id in states)) out.push({ id, nextRunTime: score, jobState: Buffer.alloc(0) });
    return out;
  };
  return {
    kind: 'postgres' as TestStore['kind'],
    url,
    dir: newDir(),
    client,
    rows,
    checksum: async () => checksumOf(await rows()),
    async setNextRunTime(id, value) {
      // A scheduler's update of a job that still exists, done atomically (a script): checked and
      // written apart, a delete landing in between would bring the score back as a lone entry.
      const script = "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1]) return 1 end return 0";
      return (await client.eval(script, 2, JOBS_KEY, RUN_TIMES_KEY, id, String(value))) as number;
    },
    async setJobState(id, value) {
      await client.hset(JOBS_KEY, id, value);
    },
    async insertRow(row) {
      const m = client.multi().hset(JOBS_KEY, row.id, row.jobState);
      if (row.nextRunTime !== null) m.zadd(RUN_TIMES_KEY, String(row.nextRunTime), row.id);
      await m.exec();
    },
    async close() {
      client.disconnect();
    },
  };
}
