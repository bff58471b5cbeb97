// A job state that is only larger than sched-doctor decodes (its arguments expand past the
// budget) is reported as undecodable-job, but it is not broken: real Python loads it. clean's
// default rules must not delete it; only naming it with --job does.

import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { json, newDir, QUIET, RESTARTS_SQLITE, runCli } from '../support/job-stores';

const HOSTILE = join(__dirname, '..', 'fixtures', 'pickle', 'hostile.json');

test('an over-budget state is undecodable-job in analyze, and never selected by clean unless named', async () => {
  const cases = JSON.parse(readFileSync(HOSTILE, 'utf8')).cases as { name: string; blob: string; python: string; reason?: string }[];
  const big = cases.find((c) => c.name === 'shared_string_x1000')!;
  assert.equal(big.python, 'ok', 'real Python loads it');
  const dir = newDir();
  const path = join(dir, 'jobs.sqlite');
  copyFileSync(RESTARTS_SQLITE, path);
  const db = new Database(path);
  db.prepare('INSERT INTO apscheduler_jobs (id, next_run_time, job_state) VALUES (?, ?, ?)').run('big-args', 4102444800, Buffer.from(big.blob, 'base64'));
  db.close();
  const url = `sqlite:///${path}`;

  const analysis = json(await runCli(['analyze', '--db', url, '--format', 'json', '--fail-on', 'never'], { cwd: dir }));
  const undecodable = analysis.findings.filter((f: { rule: string; data: { id: string } }) => f.rule === 'undecodable-job');
  assert.deepEqual(undecodable.map((f: { data: { id: string } }) => f.data.id), ['big-args']);
  assert.match(undecodable[0].message, /expand to more than.*not necessarily broken: APScheduler may load it/);
  assert.equal(undecodable[0].severity, 'warning', 'a state Python loads is no error');
  assert.equal(undecodable[0].data.overBudget, true);

  const dry = json(await runCli(['clean', '--db', url, ...QUIET, '--format', 'json'], { cwd: dir }));
  assert.ok(!dry.rows.some((r: { id: string }) => r.id === 'big-args'), 'the default rules leave it');
  const named = json(await runCli(['clean', '--db', url, ...QUIET, '--job', 'big-args', '--format', 'json'], { cwd: dir }));
  assert.deepEqual(named.rows.map((r: { id: string }) => r.id), ['big-args']);
});
