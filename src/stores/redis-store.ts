// Reads an APScheduler RedisJobStore: a hash of pickled job states (`apscheduler.jobs`, id → pickle)
// and a sorted set of next run times (`apscheduler.run_times`, id → epoch seconds). The scheduler
// finds due jobs in the sorted set alone, so a row's next run time is its score there; the two
// disagreeing is itself a finding (see RawStoreRow.index).

import type Redis from 'ioredis';
import type { RawStoreRow } from '../model/store-record';
import { UserError } from '../model/errors';
import { redact, type RedisConnection } from './db-url';
import type { JobStoreReader, StoreOptions } from './store';

export const DEFAULT_JOBS_KEY = 'apscheduler.jobs';
export const DEFAULT_RUN_TIMES_KEY = 'apscheduler.run_times';

export interface RedisKeys {
  jobs: string;
  runTimes: string;
}

export function redisKeys(options: StoreOptions): RedisKeys {
  return { jobs: options.jobsKey ?? DEFAULT_JOBS_KEY, runTimes: options.runTimesKey ?? DEFAULT_RUN_TIMES_KEY };
}

export async function connectRedis(connection: RedisConnection, display: string): Promise<Redis> {
  // Loaded on first use: most runs never open a Redis store.
  const RedisClient = (require('ioredis') as typeof import('ioredis')).default;
  const client = new RedisClient({
    host: connection.host,
    port: connection.port,
    username: connection.username,
    password: connection.password,
    db: connection.db,
    tls: connection.tls ? {} : undefined,
    lazyConnect: true,
    connectTimeout: 10000,
    // One attempt: a CLI reports a refused connection instead of retrying for ever.
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // With no retries, connect() rejects with a bare "Connection is closed": the socket's own error
  // (ECONNREFUSED, a TLS failure) arrives as an 'error' event first, and is the one to show.
  let socketError: unknown;
  client.on('error', (err) => (socketError ??= err));
  try {
    await client.connect();
    return client;
  } catch (err) {
    client.disconnect();
    throw new UserError(`${display}: ${describeRedisError(socketError ?? err)}`);
  }
}

export function describeRedisError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const msg = e.message ?? String(err);
  if (e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) return 'connection refused (is Redis running on that host and port?)';
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return 'host not found';
  if (/WRONGPASS|invalid username-password|NOAUTH/i.test(msg)) return 'authentication failed (the password is not shown)';
  if (/DB index is out of range/i.test(msg)) return 'no such database number on this server';
  if (/WRONGTYPE/.test(msg)) return 'a key holds the wrong kind of value (is this an APScheduler job store? see --jobs-key and --run-times-key)';
  return redact(msg.split('\n')[0]);
}

/** Both structures, read in one MULTI so they come from one instant. */
export async function readRedisRows(client: Redis, keys: RedisKeys): Promise<RawStoreRow[]> {
  const res = await client.multi().type(keys.jobs).type(keys.runTimes).hgetallBuffer(keys.jobs).zrange(keys.runTimes, 0, -1, 'WITHSCORES').exec();
  if (!res) throw new Error('the read was aborted');
  // The types first: a key of the wrong type fails HGETALL/ZRANGE with a bare WRONGTYPE.
  const [jobsType, timesType] = [res[0][1], res[1][1]] as string[];
  if (jobsType !== 'hash' && jobsType !== 'none') throw new UserError(`'${keys.jobs}' is a ${jobsType}, not a hash of job states (see --jobs-key)`);
  if (timesType !== 'zset' && timesType !== 'none') throw new UserError(`'${keys.runTimes}' is a ${timesType}, not a sorted set of run times (see --run-times-key)`);
  for (const [err] of res) if (err) throw err;
  const states = res[2][1] as Record<string, Buffer>;
  const flat = res[3][1] as string[];
  const scores = new Map<string, number>();
  for (let i = 0; i < flat.length; i += 2) scores.set(flat[i], Number(flat[i + 1]));
  const rows: RawStoreRow[] = [];
  for (const [id, state] of Object.entries(states)) {
    const score = scores.get(id);
    rows.push({ id, nextRunTime: score ?? null, jobState: state, index: { kind: 'redis', inRunTimes: score !== undefined, inJobs: true } });
  }
  for (const [id, score] of scores) {
    if (!(id in states)) rows.push({ id, nextRunTime: score, jobState: Buffer.alloc(0), index: { kind: 'redis', inRunTimes: true, inJobs: false } });
  }
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function openRedisStore(connection: RedisConnection, display: string, options: StoreOptions): Promise<JobStoreReader> {
  const keys = redisKeys(options);
  const client = await connectRedis(connection, display);
  async function readRows(): Promise<RawStoreRow[]> {
    try {
      return await readRedisRows(client, keys);
    } catch (err) {
      if (err instanceof UserError) throw new UserError(`${display}: ${err.message}`);
      throw new UserError(`${display}: ${describeRedisError(err)}`);
    }
  }
  return {
    display,
    table: keys.jobs,
    readRows,
    async *batches() {
      yield await readRows();
    },
    readMode: 'one MULTI of the hash and the sorted set: one snapshot',
    async close() {
      client.disconnect();
    },
  };
}
