// A django-apscheduler database recorded from a real run (test/fixtures/gen/
// django_apscheduler_scenario.py: Django 5, APScheduler 3.11, two scheduler processes on one
// SQLite database): its job table read like apscheduler_jobs, and its execution table analysed
// like a log. Every expected number comes from the APScheduler listeners' events (listener-events.json).

import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { json, newDir, QUIET, runCli } from '../support/job-stores';
import Database from 'better-sqlite3';

const DIR = join(__dirname, '..', 'fixtures', 'django-apscheduler');
const DB = `sqlite:///${join(DIR, 'db.sqlite3')}`;

type Event = { pid: number; kind: string; job: string; scheduled: number; at: number };
const truth = JSON.parse(readFileSync(join(DIR, 'listener-events.json'), 'utf8')) as { jobs: Record<string, string>; events: Event[]; processes: number };

/** Distinct scheduled instants per job and kind: the execution table has one row per (job, run_time). */
function instants(job: string, kind: string): Set<number> {
  return new Set(truth.events.filter((e) => e.job === job && e.kind === kind).map((e) => e.scheduled));
}

// Just after the recording: nothing is stale yet.
const NOW = new Date(Math.ceil(Math.max(...truth.events.map((e) => e.at))) * 1000 + 2000).toISOString();

test('jobs reads django_apscheduler_djangojob: every job, its trigger, its next run from the datetime column', async () => {
  const res = await runCli(['jobs', '--db', DB, '--format', 'json']);
  assert.equal(res.status, 0, res.stderr);
  const doc = json(res);
  assert.deepEqual(Object.fromEntries(doc.jobs.map((j: { id: string; state: { trigger: { text: string } } }) => [j.id, j.state.trigger.text])), truth.jobs);
  for (const j of doc.jobs) assert.equal(Math.round(j.nextRunTime * 1e6), j.state.nextRunTime.epochMicros, `${j.id}: column and pickle agree`);
  const table = await runCli(['jobs', '--db', DB]);
  assert.match(table.stdout, /3 jobs in .*\(django_apscheduler_djangojob\)/);
});

test('analyze --db on the execution table alone: errors, misfires, skips, long and overlapping runs, exactly', async () => {
  const res = await runCli(['analyze', '--db', DB, '--format', 'json', '--fail-on', 'never', '--now', NOW]);
  assert.equal(res.status, 0, res.stderr);
  const doc = json(res);
  const found = Object.fromEntries(doc.findings.map((f: { rule: string; job: string; count: number }) => [`${f.rule} ${f.job}`, f.count]));
  // A later status overwrites an earlier one on the same (job, run_time) row: a skip by one process
  // of a run the other process executed is gone from the table.
  const outcome = (job: string) => new Set([...instants(job, 'executed'), ...instants(job, 'error'), ...instants(job, 'missed')]);
  const skips = (job: string) => [...instants(job, 'max_instances')].filter((t) => !outcome(job).has(t)).length;
  const executed = truth.events.filter((e) => e.job === 'rebuild_index' && e.kind === 'executed');
  const submitted = new Map(truth.events.filter((e) => e.kind === 'submitted').map((e) => [`${e.pid} ${e.job} ${e.scheduled}`, e.at]));
  const spans = executed.map((e) => [submitted.get(`${e.pid} ${e.job} ${e.scheduled}`)!, e.at]).sort((a, b) => a[0] - b[0]);
  const overlapping = spans.filter((s, i) => spans.slice(0, i).some((o) => o[0] < s[0] && s[0] < o[1])).length;
  assert.deepEqual(found, {
    'job-error charge_cards': instants('charge_cards', 'error').size,
    'misfire send_digest': instants('send_digest', 'missed').size,
    'max-instances-skip rebuild_index': skips('rebuild_index'),
    'max-instances-skip send_digest': skips('send_digest'),
    'long-run rebuild_index': executed.filter((e) => e.at - e.scheduled > 1).length,
    'overlapping-runs rebuild_index': overlapping,
  });
  assert.ok(overlapping > 0 && truth.processes === 2, 'two schedulers ran rebuild_index at once');
  const error = doc.findings.find((f: { rule: string }) => f.rule === 'job-error');
  assert.match(error.message, /card declined/);
  assert.match(error.evidence[0].source, /#django_apscheduler_djangojobexecution$/);
  assert.deepEqual(doc.pairing, { exact: instants('rebuild_index', 'executed').size + instants('charge_cards', 'error').size, ambiguous: 0, unmatched: 0 });
  assert.match(doc.sources[0].format, /durations are from the scheduled time/);
});

test('clean and restore on a django-apscheduler store: the datetime column goes back as it was', async () => {
  const dir = newDir();
  const path = join(dir, 'db.sqlite3');
  copyFileSync(join(DIR, 'db.sqlite3'), path);
  const dump = () => new Database(path, { readonly: true }).prepare('SELECT id, next_run_time, job_state FROM django_apscheduler_djangojob ORDER BY id').all();
  const untouched = JSON.stringify(dump());
  // Its runs refer to it: clean refuses, in one line, and changes nothing.
  const refused = await runCli(['clean', '--db', `sqlite:///${path}`, ...QUIET, '--job', 'send_digest', '--apply'], { cwd: dir });
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /django_apscheduler_djangojobexecution.*nothing was deleted/);
  assert.equal(JSON.stringify(dump()), untouched);
  // As django-apscheduler's delete_old_job_executions would: the history goes, the job stays.
  const db = new Database(path);
  db.prepare("DELETE FROM django_apscheduler_djangojobexecution WHERE job_id = 'send_digest'").run();
  db.close();
  const before = JSON.stringify(dump());
  const res = await runCli(['clean', '--db', `sqlite:///${path}`, ...QUIET, '--job', 'send_digest', '--apply', '--format', 'json'], { cwd: dir });
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(json(res).rows.map((r: { id: string; action: string }) => [r.id, r.action]), [['send_digest', 'deleted']]);
  assert.equal(dump().length, 2);
  const back = await runCli(['restore', '--db', `sqlite:///${path}`, json(res).backup], { cwd: dir });
  assert.equal(back.status, 0, back.stderr);
  assert.equal(JSON.stringify(dump()), before, 'same ids, same datetime text, same job_state bytes');
});
