// stale-job on rows real APScheduler wrote (mixed.sqlite: run times computed from 2026-11-26
// 12:00:00.123456 UTC; app-jobs.sqlite: a job with misfire_grace_time=600), judged at a --now
// on each side of the thresholds: minOverdueSeconds (default 60) and the job's own grace time.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { staleJob } from '../../src/analyzers/stale-job';
import type { StoreJob } from '../../src/model/store-job';
import { storeRows } from './rule-lines';

/** The instant mixed.sqlite was written for, epoch microseconds. */
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0) * 1000 + 123_456;
const check = (jobs: StoreJob[], now: number, options: Record<string, number> = {}) => staleJob.check(jobs, { now, options: { minOverdueSeconds: 60, ...options } });

test('valid: at the instant the rows were written, and exactly 60 s after, nothing is stale', async () => {
  const jobs = await storeRows('mixed');
  assert.deepEqual(check(jobs, NOW), []);
  assert.deepEqual(check(jobs, NOW + 60e6), [], 'overdue by exactly minOverdueSeconds is not more than it');
});

test('invalid: a microsecond later the two rows due at 12:00:00.123456 are stale, with their grace times', async () => {
  const found = check(await storeRows('mixed'), NOW + 60e6 + 1);
  assert.deepEqual(found.map((f) => [f.job, f.data]), [
    ['tick', { id: 'tick', overdueSeconds: 60.000001, misfireGraceTime: 1 }],
    ['info', { id: 'with_args', overdueSeconds: 60.000001, misfireGraceTime: null }],
  ]);
  const [tick, withArgs] = found;
  assert.equal(tick.severity, 'warning');
  assert.equal(tick.count, 1);
  assert.equal(tick.firstTime, '2026-11-26T12:00:00.123456Z');
  assert.equal(tick.message, 'tick: next run was due 2026-11-26T12:00:00.123456Z, 1.0 min before now (misfire_grace_time 1)');
  assert.match(withArgs.message, /\(misfire_grace_time None\)$/);
});

test('minOverdueSeconds: an hour overdue is stale at 3599 s, not at 3600 s; the paused row never', async () => {
  const jobs = await storeRows('mixed');
  const at = NOW + 3600e6;
  assert.deepEqual(check(jobs, at, { minOverdueSeconds: 3599 }).map((f) => f.data!.id), ['tick', 'with_args']);
  assert.deepEqual(check(jobs, at, { minOverdueSeconds: 3600 }), []);
  // 400 days later every row is stale but two: `once` is due in 2030, `paused` has no time.
  const ids = check(jobs, NOW + 86400e6 * 400).map((f) => f.data!.id).sort();
  assert.deepEqual(ids, jobs.map((j) => j.row.id).filter((id) => id !== 'once' && id !== 'paused').sort());
  assert.equal(ids.length, jobs.length - 2);
});

test('the job\'s misfire_grace_time (600 s) raises the bar above minOverdueSeconds', async () => {
  const report = (await storeRows('app-jobs')).find((j) => j.row.id === 'nightly-report')!;
  assert.equal(report.state!.misfireGraceTime, 600);
  const due = Math.round(report.row.nextRunTime! * 1e6);
  assert.deepEqual(check([report], due + 300e6), [], 'within its grace: APScheduler still runs it');
  assert.deepEqual(check([report], due + 600e6), []);
  const [f] = check([report], due + 600e6 + 1);
  assert.equal(f.data!.misfireGraceTime, 600);
  assert.match(f.message, /^nightly-report: next run was due 2026-12-03T00:30:23\.706697Z, 10\.0 min before now \(misfire_grace_time 600\)$/);
});

test('valid: a Redis run-times score with no job state is next-run-mismatch\'s, not stale', async () => {
  const tick = (await storeRows('mixed')).find((j) => j.row.id === 'tick')!;
  const ghost: StoreJob = { ...tick, state: undefined, decodeError: 'empty', row: { ...tick.row, jobState: Buffer.alloc(0), index: { kind: 'redis', inJobs: false, inRunTimes: true } } };
  assert.deepEqual(check([ghost], NOW + 86400e6), []);
});
