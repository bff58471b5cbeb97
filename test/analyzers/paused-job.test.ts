// paused-job on rows real APScheduler wrote after pause_job(): next_run_time NULL in the column and
// in the state. Scheduled rows stay silent, and so does a row whose column and state disagree
// (that is next-run-mismatch's).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pausedJob } from '../../src/analyzers/paused-job';
import type { StoreJob } from '../../src/model/store-job';
import { storeRows } from './rule-lines';

const check = (jobs: StoreJob[]) => pausedJob.check(jobs, { now: 0, options: {} });

test('valid: scheduled rows; a NULL column whose state still says when it runs', async () => {
  const jobs = await storeRows('mixed');
  const scheduled = jobs.filter((j) => j.row.nextRunTime !== null);
  assert.equal(scheduled.length, jobs.length - 1);
  assert.deepEqual(check(scheduled), []);
  const tick = scheduled.find((j) => j.row.id === 'tick')!;
  assert.deepEqual(check([{ ...tick, row: { ...tick.row, nextRunTime: null } }]), []);
});

test('invalid: each paused row of each store, by id, with its name and trigger', async () => {
  const found = [];
  for (const store of ['mixed', 'app-jobs', 'restarts'] as const) found.push(...check(await storeRows(store)));
  assert.deepEqual(found.map((f) => [f.rule, f.severity, f.count, f.job, f.trigger, f.message, f.data]), [
    ['paused-job', 'info', 1, 'print', "cron[hour='2']", 'paused is paused', { id: 'paused' }],
    ['paused-job', 'info', 1, 'rebuild "search" index (nightly)', 'interval[1 day, 0:00:07]', 'rebuild is paused', { id: 'rebuild' }],
    ['paused-job', 'info', 1, 'hourly sync', 'interval[1:00:00]', 'hourly-sync is paused', { id: 'hourly-sync' }],
  ]);
  assert.match(found[2].evidence[0].text!, /^id=hourly-sync next_run_time=paused hourly sync __main__:sync interval\[1:00:00\]$/);
});

test('invalid: a paused row whose state cannot be read is still paused, named by its id', async () => {
  const rebuild = (await storeRows('app-jobs')).find((j) => j.row.id === 'rebuild')!;
  const [f] = check([{ ...rebuild, state: undefined, decodeError: 'truncated' }]);
  assert.equal(f.job, 'rebuild');
  assert.equal(f.trigger, undefined);
});
