// next-run-mismatch on rows real APScheduler wrote (test/fixtures/stores/restarts.sqlite), then
// altered the way a hand edit or a half-done restore would: state and index apart.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { nextRunMismatch } from '../../src/analyzers/next-run-mismatch';
import { loadStoreJobs } from '../../src/engine/analyze-store';
import type { StoreJob } from '../../src/model/store-job';

const STORE = `sqlite:///${join(__dirname, '..', 'fixtures', 'stores', 'restarts.sqlite')}`;
const check = (jobs: StoreJob[]) => nextRunMismatch.check(jobs, { now: 0, options: {} });

async function rows(): Promise<StoreJob[]> {
  return loadStoreJobs(STORE, { table: 'apscheduler_jobs' });
}

test('valid: the rows as APScheduler wrote them, paused or not, agree with their index', async () => {
  const jobs = await rows();
  assert.ok(jobs.some((j) => j.row.nextRunTime === null), 'the fixture has a paused job');
  assert.deepEqual(check(jobs), []);
  // The column is a float: a microsecond of rounding is the same instant.
  const j = jobs.find((x) => x.row.nextRunTime !== null)!;
  assert.deepEqual(check([{ ...j, row: { ...j.row, nextRunTime: j.row.nextRunTime! + 1e-6 } }]), []);
  // An undecodable row is undecodable-job's.
  assert.deepEqual(check([{ ...j, state: undefined, decodeError: 'truncated' }]), []);
});

test('invalid: another instant, a paused state with a due index, a scheduled state with no index', async () => {
  const jobs = await rows();
  const running = jobs.find((x) => x.row.nextRunTime !== null && x.row.id === 'nightly-report')!;
  const paused = jobs.find((x) => x.row.nextRunTime === null)!;
  const out = check([
    { ...running, row: { ...running.row, nextRunTime: running.row.nextRunTime! + 3600 } },
    { ...paused, row: { ...paused.row, nextRunTime: 4102444800 } },
    { ...running, row: { ...running.row, nextRunTime: null } },
  ]);
  assert.deepEqual(out.map((f) => [f.data!.id, f.data!.kind, f.severity]), [
    ['nightly-report', 'differs', 'warning'],
    [paused.row.id, 'pausedInIndex', 'warning'],
    ['nightly-report', 'stateOnly', 'warning'],
  ]);
  assert.match(out[0].message, /says its next run is .*, but the next_run_time column has it due .*: the scheduler runs it at the index's time/);
  assert.match(out[2].message, /no scheduler will ever run it/);
});

test('invalid: a Redis score with no job state', async () => {
  const out = check([{ store: 'redis://r:6379/0', table: 'apscheduler.jobs', row: { id: 'ghost', nextRunTime: 4102444800, jobState: Buffer.alloc(0), index: { kind: 'redis', inJobs: false, inRunTimes: true } }, decodeError: 'empty' }]);
  assert.equal(out.length, 1);
  assert.equal(out[0].data!.kind, 'indexOnly');
  assert.match(out[0].message, /ghost is in the run-times sorted set \(due 2100-01-01T00:00:00.000Z\) but has no job state/);
});
