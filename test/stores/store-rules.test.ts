// The store rules on stores written by real APScheduler (test/fixtures/stores/*.sqlite).

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { checkStore, linkStoreAndLog, loadStoreJobs } from '../../src/engine/analyze-store';
import { analyzeLogs } from '../../src/engine/analyze';
import { orphanReason } from '../../src/analyzers/orphan-job';

const FIXTURES = join(__dirname, '..', 'fixtures');
const MIXED = `sqlite:///${join(FIXTURES, 'stores', 'mixed.sqlite')}`;
const table = { table: 'apscheduler_jobs' };

test('mixed store: every trigger kind decodes; same func+trigger+args under two ids is one duplicate-job', async () => {
  const jobs = await loadStoreJobs(MIXED, table);
  assert.equal(jobs.length, 12);
  assert.ok(jobs.every((j) => j.state), jobs.filter((j) => !j.state).map((j) => j.decodeError).join('; '));
  const findings = checkStore(jobs, { now: 0 });
  const dup = findings.filter((f) => f.rule === 'duplicate-job');
  assert.equal(dup.length, 1);
  assert.deepEqual([...(dup[0].data!.ids as string[])].sort(), ['report_a', 'report_b']);
  assert.equal(dup[0].count, 2);
  assert.deepEqual(findings.filter((f) => f.rule === 'paused-job').map((f) => f.data!.id), ['paused']);
  assert.deepEqual(findings.filter((f) => f.rule === 'stale-job'), [], 'nothing is stale at the epoch');
});

test('orphan-job: a function no longer in the source tree', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-src-'));
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'app', '__init__.py'), '');
  writeFileSync(join(dir, 'app', 'tasks.py'), 'import os\n\ndef sync():\n    pass\n\nclass Reports:\n    def daily(self):\n        pass\n');
  assert.equal(orphanReason(dir, 'app.tasks:sync'), undefined);
  assert.equal(orphanReason(dir, 'app.tasks:Reports.daily'), undefined);
  assert.match(orphanReason(dir, 'app.tasks:cleanup')!, /defines no 'cleanup'/);
  assert.match(orphanReason(dir, 'app.jobs:sync')!, /module 'app.jobs' is not under/);
  assert.equal(orphanReason(dir, 'builtins:print'), undefined, 'the standard library is not checked');
  const jobs = await loadStoreJobs(MIXED, table);
  const orphans = checkStore(jobs, { now: 0, sourceDir: dir }).filter((f) => f.rule === 'orphan-job');
  assert.deepEqual(orphans.map((f) => f.data!.id), ['gone']);
});

test('undecodable-job: a corrupted job_state is a finding, not a crash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-bad-'));
  const path = join(dir, 'jobs.sqlite');
  copyFileSync(join(FIXTURES, 'stores', 'mixed.sqlite'), path);
  const db = new Database(path);
  db.prepare('UPDATE apscheduler_jobs SET job_state = ? WHERE id = ?').run(Buffer.from([0x80, 0x05, 0x95, 0xff, 0x00]), 'tick');
  db.close();
  const jobs = await loadStoreJobs(`sqlite:///${path}`, table);
  const bad = checkStore(jobs, { now: 0 }).filter((f) => f.rule === 'undecodable-job');
  assert.equal(bad.length, 1);
  assert.equal(bad[0].data!.id, 'tick');
  assert.equal(bad[0].severity, 'error');
});

test('store and log agree on the seed: no store-log-mismatch', async () => {
  const analysis = await analyzeLogs([join(FIXTURES, 'seed', 'app.log')]);
  const jobs = await loadStoreJobs(`sqlite:///${join(FIXTURES, 'seed', 'jobs.sqlite')}`, table);
  assert.deepEqual(linkStoreAndLog(jobs, analysis.jobs), []);
  const other = await loadStoreJobs(MIXED, table);
  const mismatch = linkStoreAndLog(other, analysis.jobs);
  assert.ok(mismatch.some((f) => f.job === 'job_1' && f.data!.side === 'log-only'));
  assert.ok(mismatch.some((f) => f.data!.side === 'store-only' && f.data!.id === 'tick'));
  assert.ok(mismatch.every((f) => f.severity === 'info'));
});
