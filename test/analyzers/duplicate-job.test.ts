// duplicate-job on rows real APScheduler wrote: an app that calls add_job() without id= at every
// start (test/fixtures/stores/app-jobs.sqlite, restarts.sqlite), and two ids registered for one
// job (mixed.sqlite). Jobs that share a function but not their trigger or arguments stay silent.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { duplicateJob } from '../../src/analyzers/duplicate-job';
import type { StoreJob } from '../../src/model/store-job';
import { storeRows } from './rule-lines';

const check = (jobs: StoreJob[]) => duplicateJob.check(jobs, { now: 0, options: {} });
const TRUTH = join(__dirname, '..', 'fixtures', 'stores', 'app-jobs.truth.json');

test('valid: one function in two jobs (other args), one function under two triggers, a job replaced by id', async () => {
  const app = await storeRows('app-jobs');
  const emails = app.filter((j) => j.state?.func === 'app_tasks:send_email');
  const months = app.filter((j) => j.state?.func === 'app_tasks:close_month');
  assert.equal(emails.length, 2);
  assert.equal(months.length, 2);
  assert.deepEqual(check([...emails, ...months]), []);
  const restarts = await storeRows('restarts');
  assert.deepEqual(check(restarts.filter((j) => j.state?.func !== '__main__:sync' || j.row.id === 'hourly-sync')), [], 'nightly-report was added with replace_existing at each start: one row');
});

test('valid: copies that differ in kwargs, zone or executor are other jobs; an undecodable row is not grouped', async () => {
  const [a, ...copies] = (await storeRows('app-jobs')).filter((j) => j.state?.func === 'app_tasks:sync');
  const s = a.state!;
  assert.deepEqual(check([a, { ...copies[0], state: { ...copies[0].state!, kwargs: { full: true } } }]), []);
  assert.deepEqual(check([a, { ...copies[0], state: { ...copies[0].state!, trigger: { ...s.trigger, timezone: 'Europe/Berlin' } } }]), []);
  assert.deepEqual(check([a, { ...copies[0], state: { ...copies[0].state!, executor: 'processpool' } }]), []);
  assert.deepEqual(check([a, { ...copies[0], state: undefined, decodeError: 'truncated' }]), []);
});

test('invalid: three copies of sync from three starts: one finding, ids oldest first as APScheduler added them', async () => {
  const jobs = await storeRows('app-jobs');
  const found = check(jobs);
  assert.equal(found.length, 1);
  const [f] = found;
  // The order APScheduler's EVENT_JOB_ADDED listener recorded, filtered to the sync rows.
  const syncIds = new Set(jobs.filter((j) => j.state?.func === 'app_tasks:sync').map((j) => j.row.id));
  const added = (JSON.parse(readFileSync(TRUTH, 'utf8')).added as { id: string }[]).map((a) => a.id).filter((id) => syncIds.has(id));
  assert.equal(added.length, 3);
  assert.equal(f.severity, 'error');
  assert.equal(f.job, 'sync');
  assert.equal(f.trigger, 'interval[0:02:00]');
  assert.equal(f.count, 3);
  assert.deepEqual(f.data, { ids: added, func: 'app_tasks:sync', generatedIds: 3 });
  assert.equal(f.message, `3 rows hold the same job app_tasks:sync interval[0:02:00]: ids ${added.join(', ')} (oldest first)`);
  assert.deepEqual(f.evidence.map((e) => e.row), added);
  assert.match(f.evidence[0].text!, new RegExp(`^id=${added[0]} next_run_time=2026-12-02T01:32:44\\.203626Z sync app_tasks:sync interval\\[0:02:00\\]$`));
});

test('invalid: two explicit ids holding one registration, no generated ids', async () => {
  const [f, ...rest] = check(await storeRows('mixed'));
  assert.deepEqual(rest, []);
  assert.equal(f.count, 2);
  assert.deepEqual(f.data, { ids: ['report_a', 'report_b'], func: 'logging:info', generatedIds: 0 });
  assert.equal(f.job, 'send_report');
});

test('invalid: restarts.sqlite, the same bug on another store: three copies, the paused hourly job apart', async () => {
  const [f, ...rest] = check(await storeRows('restarts'));
  assert.deepEqual(rest, []);
  assert.equal(f.count, 3);
  assert.equal(f.data!.generatedIds, 3);
  assert.ok(!(f.data!.ids as string[]).includes('hourly-sync'));
});
