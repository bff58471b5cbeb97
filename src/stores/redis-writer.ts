// Writes to a RedisJobStore. Redis has no row locks: WATCH both keys, read the rows, then
// MULTI … EXEC. If a scheduler wrote either key in between, EXEC is aborted and nothing is
// applied; the rows are read again, and one a scheduler changed is skipped (its update is kept).
// A row is its hash field and its score together, deleted or put back together.

import type Redis from 'ioredis';
import type { RawStoreRow } from '../model/store-record';
import { UserError } from '../model/errors';
import type { RedisConnection } from './db-url';
import { connectRedis, describeRedisError, redisKeys, type RedisKeys } from './redis-store';
import type { StoreOptions } from './store';
import { existingRowOutcome, sameRow, type DeleteResult, type LeaveInPlace, type RestoreResult, type StoreWriter, type WriteHooks } from './store-writer';

/** EXEC aborted this many times in a row: the keys never stayed still long enough. */
const MAX_ATTEMPTS = 50;

/** The row as it is now; undefined when neither the hash nor the sorted set holds the id. */
async function currentRows(client: Redis, keys: RedisKeys, ids: string[]): Promise<Map<string, RawStoreRow>> {
  const now = new Map<string, RawStoreRow>();
  if (ids.length === 0) return now;
  const states = await client.hmgetBuffer(keys.jobs, ...ids);
  const pipe = client.pipeline();
  for (const id of ids) pipe.zscore(keys.runTimes, id);
  const scores = (await pipe.exec()) ?? [];
  ids.forEach((id, i) => {
    const state = states[i];
    const score = scores[i]?.[1] as string | null;
    if (state === null && score === null) return;
    now.set(id, { id, nextRunTime: score === null ? null : Number(score), jobState: state ?? Buffer.alloc(0), index: { kind: 'redis', inJobs: state !== null, inRunTimes: score !== null } });
  });
  return now;
}


export async function openRedisWriter(connection: RedisConnection, display: string, options: StoreOptions): Promise<StoreWriter> {
  const keys = redisKeys(options);
  const client = await connectRedis(connection, display);

  /** Plans the writes on a fresh read and applies them in one MULTI; again if a scheduler wrote meanwhile. */
  async function optimistic<T>(what: string, ids: string[], plan: (now: Map<string, RawStoreRow>, multi: ReturnType<Redis['multi']>) => T, hooks?: WriteHooks): Promise<T> {
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        await client.watch(keys.jobs, keys.runTimes);
        const now = await currentRows(client, keys, ids);
        const multi = client.multi();
        const result = plan(now, multi);
        hooks?.beforeCommit?.();
        const applied = await multi.exec();
        if (applied !== null) {
          for (const [err] of applied) if (err) throw err;
          return result;
        }
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
      }
    } catch (err) {
      await client.unwatch().catch(() => undefined);
      if (err instanceof UserError) throw err;
      throw new UserError(`${display}: cannot ${what} ${keys.jobs}: ${describeRedisError(err)}`);
    }
    throw new UserError(`${display}: cannot ${what} ${keys.jobs}: the keys changed under every one of ${MAX_ATTEMPTS} attempts (a busy scheduler); nothing was changed, try again`);
  }

  return {
    display,
    table: keys.jobs,
    async deleteUnchanged(rows: RawStoreRow[], leave: LeaveInPlace, hooks?: WriteHooks): Promise<DeleteResult> {
      return optimistic('delete from', rows.map((r) => r.id), (now, multi) => {
        const result: DeleteResult = { deleted: [], skipped: [] };
        const nowSeconds = Date.now() / 1000;
        for (const row of rows) {
          const current = now.get(row.id);
          // A row due now or soon stays: a 3.x scheduler about to update it would die on its absence.
          if (leave(row, nowSeconds)) result.skipped.push({ id: row.id, why: 'due' });
          else if (!current) result.skipped.push({ id: row.id, why: 'gone' });
          else if (!sameRow(current, row)) result.skipped.push({ id: row.id, why: 'changed', current });
          else {
            multi.hdel(keys.jobs, row.id).zrem(keys.runTimes, row.id);
            result.deleted.push(row.id);
          }
        }
        return result;
      }, hooks);
    },
    async restore(rows: RawStoreRow[], overwrite: boolean, hooks?: WriteHooks): Promise<RestoreResult> {
      return optimistic('insert into', rows.map((r) => r.id), (now, multi) => {
        const result: RestoreResult = { rows: [] };
        for (const row of rows) {
          const current = now.get(row.id);
          const outcome = current ? existingRowOutcome(current, row, overwrite) : 'inserted';
          if (outcome === 'inserted' || outcome === 'overwritten') {
            // An empty state is a row that was only in the sorted set: it goes back only there.
            if (row.jobState.length > 0) multi.hset(keys.jobs, row.id, row.jobState);
            else multi.hdel(keys.jobs, row.id);
            if (row.nextRunTime !== null) multi.zadd(keys.runTimes, String(row.nextRunTime), row.id);
            else multi.zrem(keys.runTimes, row.id);
          }
          result.rows.push(outcome === 'inserted' || outcome === 'identical' ? { id: row.id, outcome } : { id: row.id, outcome, current });
        }
        return result;
      }, hooks);
    },
    async close() {
      client.disconnect();
    },
  };
}
