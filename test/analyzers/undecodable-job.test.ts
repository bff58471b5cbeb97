// undecodable-job on real rows made unreadable the ways a store breaks: a pickle cut short (a
// half-written row), bytes that are no pickle, and states test/fixtures/pickle/hostile.json holds
// with what real Python made of each. Decodable rows and a Redis index entry without a state stay silent.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { undecodableJob } from '../../src/analyzers/undecodable-job';
import { decodeRow } from '../../src/engine/analyze-store';
import type { StoreJob } from '../../src/model/store-job';
import { storeRows } from './rule-lines';

const check = (jobs: StoreJob[]) => undecodableJob.check(jobs, { now: 0, options: {} });
const HOSTILE = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'pickle', 'hostile.json'), 'utf8')).cases as { name: string; blob: string; python: string; reason?: string }[];
/** A real row with other bytes in its job_state, decoded the way a store read decodes it. */
const withState = (job: StoreJob, bytes: Buffer) => decodeRow(job.store, job.table, { ...job.row, jobState: bytes });

test('valid: every row of three real stores decodes', async () => {
  for (const store of ['mixed', 'app-jobs', 'restarts'] as const) assert.deepEqual(check(await storeRows(store)), [], store);
});

test('valid: a Redis run-times entry with no job state is next-run-mismatch\'s', async () => {
  const [j] = await storeRows('mixed');
  assert.deepEqual(check([{ ...j, state: undefined, decodeError: 'empty', row: { ...j.row, jobState: Buffer.alloc(0), index: { kind: 'redis', inJobs: false, inRunTimes: true } } }]), []);
});

test('invalid: a pickle cut short and bytes that are no pickle: one finding per row, with the reason', async () => {
  const jobs = await storeRows('restarts');
  const report = jobs.find((j) => j.row.id === 'nightly-report')!;
  const sync = jobs.find((j) => j.state?.func === '__main__:sync')!;
  const cut = withState(report, report.row.jobState.subarray(0, Math.floor(report.row.jobState.length / 2)));
  const garbage = withState(sync, Buffer.from('80059500deadbeef not a pickle \u0000\u00ff', 'latin1'));
  assert.ok(cut.decodeError && garbage.decodeError);
  const found = check([...jobs.filter((j) => j !== report && j !== sync), cut, garbage]);
  assert.deepEqual(found.map((f) => [f.rule, f.severity, f.count, f.job, f.data]), [
    ['undecodable-job', 'error', 1, 'nightly-report', { id: 'nightly-report', error: cut.decodeError }],
    ['undecodable-job', 'error', 1, sync.row.id, { id: sync.row.id, error: garbage.decodeError }],
  ]);
  assert.equal(found[0].message, `nightly-report: job_state cannot be decoded: ${cut.decodeError}`);
  assert.match(found[0].evidence[0].text!, /^id=nightly-report next_run_time=2026-11-27T02:30:00\.000Z \(undecodable: /);
});

test('invalid: states real Python could not load either (APScheduler would log `Unable to restore job` and delete them)', async () => {
  const [j] = await storeRows('mixed');
  const failing = HOSTILE.filter((c) => /^(job|loads):/.test(c.python));
  assert.ok(failing.length >= 5);
  const rows = failing.map((c) => withState({ ...j, row: { ...j.row, id: c.name } }, Buffer.from(c.blob, 'base64')));
  assert.deepEqual(check(rows).map((f) => f.data!.id), failing.map((c) => c.name));
});

test('invalid: a state only larger than sched-doctor decodes is reported, its message naming the limit', async () => {
  // Real Python loads it; the finding says why it could not be read here (clean leaves such rows).
  const big = HOSTILE.find((c) => c.name === 'shared_string_x1000')!;
  assert.equal(big.python, 'ok');
  const [j] = await storeRows('mixed');
  const row = withState({ ...j, row: { ...j.row, id: 'big-args' } }, Buffer.from(big.blob, 'base64'));
  assert.equal(row.decodeLimited, true);
  const [f] = check([row]);
  assert.match(f.message, /^big-args: job_state not decoded: .*expand to more than.*\(over what sched-doctor decodes, not necessarily broken: APScheduler may load it\)$/);
  assert.equal(f.severity, 'warning', 'Python loads it: no error');
  assert.equal(f.data!.overBudget, true);
});
