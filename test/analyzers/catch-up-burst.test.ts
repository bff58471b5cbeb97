// catch-up-burst in log lines: after a restart with coalesce=False, APScheduler runs every fire
// time it missed, one right after another (scheduled times already past when the first started).
// Punctual runs, one late run, and each option's other side must stay silent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, findingsOf, jobText, line, runLine } from './rule-lines';

const IV = 'interval[0:00:01]';
const at = (s: number) => T0 + s * 1e3;
const started = (ms: number) => line(ms, 'apscheduler.scheduler', 'INFO', 'Scheduler started');
const onTime = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => runLine('tick', IV, at(from + i)));

/**
 * Runs on time for 0…3 s, a kill, `Scheduler started` at 13.762 s, the 9 missed times (4…12 s)
 * started 300 ms apart from 13.776 s (as test/fixtures/downtime-burst recorded them), then on time.
 */
function restartReplay(restart = true): string[] {
  const replay = Array.from({ length: 9 }, (_, i) => runLine('tick', IV, at(4 + i), { lateMs: 9_776 - 700 * i }));
  return [...(restart ? [started(at(-1))] : []), ...onTime(0, 3), ...(restart ? [started(at(13) + 762)] : []), ...replay, ...onTime(17, 19)];
}

test('valid: punctual runs around a clean restart (coalesce=True: no backlog replayed)', async () => {
  const lines = [started(at(-1)), ...onTime(0, 3), started(at(13) + 762), runLine('tick', IV, at(12), { lateMs: 1_776 }), ...onTime(14, 19)];
  assert.deepEqual(await findingsOf('catch-up-burst', lines), [], 'one coalesced late run is not a burst');
});

test('valid: late runs whose next time was still ahead when they started (a busy pool, not a replay)', async () => {
  const lines = [0, 1, 2, 3, 4].map((s) => runLine('tick', 'interval[0:00:05]', at(5 * s), { lateMs: 1_500 }));
  assert.deepEqual(await findingsOf('catch-up-burst', lines), []);
});

test('valid: two jobs sharing a name and interval (shards added in a loop), both 1.5 s late each time: no replay', async () => {
  const SHARD = 'interval[0:00:04]';
  // `scheduled at` with microseconds, as APScheduler writes an interval job's start-date phase.
  const shard = (s: number, us: string, lateMs: number) => line(at(s) + 100 + lateMs, 'apscheduler.executors.default', 'INFO', `Running job "${jobText('sync_shard', SHARD, at(s + 4))}" (scheduled at 2026-11-26 14:00:${s}.${us}+00:00)`);
  const lines = [started(at(0))];
  for (let s = 10; s <= 30; s += 4) lines.push(shard(s, '100000', 1_501), shard(s, '100313', 1_602));
  assert.deepEqual(await findingsOf('catch-up-burst', lines), []);
});

test('invalid: the replay after a restart: count, burst size, lag, "after downtime"', async () => {
  const [f, ...rest] = await findingsOf('catch-up-burst', restartReplay());
  assert.deepEqual(rest, []);
  assert.equal(f.severity, 'warning');
  assert.equal(f.job, 'tick');
  assert.equal(f.count, 9);
  assert.equal(f.firstTime, '2026-11-26T14:00:13.776Z');
  assert.deepEqual(f.data, { replayedRuns: 9, bursts: 1, largestBurst: 9, maxLagSeconds: 9.776 });
  assert.equal(f.message, '9 overdue runs of tick replayed back to back after downtime (1 burst, largest 9 runs covering 8.0 s of missed schedule, up to 9.8 s late)');
  assert.match(f.evidence[0].text!, /scheduled at 2026-11-26 14:00:04\+00:00/);
});

test('invalid: the same burst with no `Scheduler started` in the log: the scheduler was behind', async () => {
  const [f] = await findingsOf('catch-up-burst', restartReplay(false));
  assert.equal(f.count, 9);
  // (A start line up to 60 s before the burst would make it a restart's replay.)
  assert.match(f.message, /replayed back to back while the scheduler was behind \(1 burst/);
});

test('minRuns: 9 replayed runs are a burst at minRuns 9, not at 10', async () => {
  assert.equal((await findingsOf('catch-up-burst', restartReplay(), { ruleOptions: { 'catch-up-burst': { minRuns: 9 } } })).length, 1);
  assert.deepEqual(await findingsOf('catch-up-burst', restartReplay(), { ruleOptions: { 'catch-up-burst': { minRuns: 10 } } }), []);
});

test('minLagSeconds: a burst whose first run is 1.5 s late counts at 1 s, not at 2 s', async () => {
  // Two missed times (0 and 0.5 s, interval 0.5 s) run 1.5 s and 1.001 s late, back to back.
  const HALF = 'interval[0:00:00.500000]';
  const lines = [runLine('tick', HALF, at(0), { lateMs: 1_500 }), runLine('tick', HALF, at(0) + 500, { lateMs: 1_001 }), runLine('tick', HALF, at(2), { lateMs: 3 })];
  const [f] = await findingsOf('catch-up-burst', lines);
  assert.equal(f.count, 2);
  assert.equal(f.data!.maxLagSeconds, 1.5);
  assert.deepEqual(await findingsOf('catch-up-burst', lines, { ruleOptions: { 'catch-up-burst': { minLagSeconds: 2 } } }), []);
});

test('maxGapSeconds: replayed runs 300 ms apart are one burst at the default 5 s, none at 0.2 s', async () => {
  assert.equal((await findingsOf('catch-up-burst', restartReplay(), { ruleOptions: { 'catch-up-burst': { maxGapSeconds: 0.3 } } }))[0].count, 9);
  assert.deepEqual(await findingsOf('catch-up-burst', restartReplay(), { ruleOptions: { 'catch-up-burst': { maxGapSeconds: 0.2 } } }), []);
});

test('a start line counts as the burst\'s restart up to 60 s before it', async () => {
  const withStart = (ms: number) => [started(ms), ...restartReplay(false)];
  assert.match((await findingsOf('catch-up-burst', withStart(at(13) + 776 - 59_000)))[0].message, /after downtime/);
  assert.match((await findingsOf('catch-up-burst', withStart(at(13) + 776 - 61_000)))[0].message, /while the scheduler was behind/);
});
