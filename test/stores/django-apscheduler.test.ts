// A django-apscheduler database recorded from a real run (test/fixtures/gen/
// django_apscheduler_scenario.py: Django 5, APScheduler 3.11, two scheduler processes on one
// SQLite database): its job table read like apscheduler_jobs, and its execution table analysed
// like a log. Every expected number comes from the APScheduler listeners' events (listener-events.json).

import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { json, newDir, QUIET, runCli } from '../support/job-stores';
import Database from 'better-sqlite3';
import { expectedFindings, FIXTURES, findingCounts, instants, loadTruth, nowAfter, rowsFromEvents } from './django-truth';

const DIR = FIXTURES;
const DB = `sqlite:///${join(DIR, 'db.sqlite3')}`;
const truth = loadTruth(DIR);
const NOW = nowAfter(truth);

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
  assert.deepEqual(findingCounts(doc), expectedFindings(truth));
  assert.ok(truth.processes === 2 && expectedFindings(truth)['overlapping-runs rebuild_index'] > 0, 'two schedulers ran rebuild_index at once');
  assert.ok(truth.cut_off.length > 0, 'the killed process left a run cut off');
  for (const rule of ['job-error ', 'misfire ', 'max-instances-skip ', 'long-run ', 'unfinished-run ']) assert.ok(Object.keys(findingCounts(doc)).some((k) => k.startsWith(rule)), `the run shows ${rule}`);
  const error = doc.findings.find((f: { rule: string }) => f.rule === 'job-error');
  assert.match(error.message, /card declined/);
  assert.match(error.evidence[0].source, /#django_apscheduler_djangojobexecution$/);
  assert.deepEqual(doc.pairing, { exact: instants(truth, 'rebuild_index', 'executed').size + instants(truth, 'send_digest', 'executed').size + instants(truth, 'charge_cards', 'error').size, ambiguous: 0, unmatched: 0 });
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

test('rows deleted by delete_old_job_executions are a horizon: nothing is reported missed before the oldest row kept', async () => {
  const dir = newDir();
  const path = join(dir, 'db.sqlite3');
  copyFileSync(join(DIR, 'db.sqlite3'), path);
  // delete_old_job_executions(max_age) is `run_time <= now - max_age`: cut half-way through the run.
  const db = new Database(path);
  const all = db.prepare('SELECT run_time FROM django_apscheduler_djangojobexecution ORDER BY run_time').all() as { run_time: string }[];
  const text = all[Math.floor(all.length / 2)].run_time;
  const cut = Date.parse(`${text.slice(0, 19).replace(' ', 'T')}Z`) / 1000 + Number(`0.${text.slice(20) || '0'}`);
  const removed = db.prepare('DELETE FROM django_apscheduler_djangojobexecution WHERE run_time <= ?').run(text).changes;
  db.close();
  assert.ok(removed > 5, `rows pruned: ${removed}`);
  const res = await runCli(['analyze', '--db', `sqlite:///${path}`, '--format', 'json', '--fail-on', 'never', '--now', NOW]);
  assert.equal(res.status, 0, res.stderr);
  const found = findingCounts(json(res));
  // Exactly what the rows kept show; no missed-run for the pruned half.
  assert.deepEqual(found, expectedFindings(truth, (r) => r.scheduled > cut + 1e-7));
  assert.equal(Object.keys(found).filter((k) => k.startsWith('missed-run')).length, 0);
  // The contrast: rows missing from the middle of the history are not a horizon, and are missed runs.
  const gap = new Database(path);
  const kept = gap.prepare('SELECT run_time FROM django_apscheduler_djangojobexecution ORDER BY run_time').all() as { run_time: string }[];
  gap.prepare('DELETE FROM django_apscheduler_djangojobexecution WHERE run_time > ? AND run_time < ?').run(kept[2].run_time, kept[kept.length - 3].run_time);
  gap.close();
  const holed = await runCli(['analyze', '--db', `sqlite:///${path}`, '--format', 'json', '--fail-on', 'never', '--now', NOW]);
  assert.ok(Object.keys(findingCounts(json(holed))).some((k) => k.startsWith('missed-run')), 'a hole in the history is missed runs');
});

test('log and history together: a run in both is one run, matched run by run; what only the history has is added', async () => {
  const log = join(DIR, 'app.log');
  const alone = await runCli(['analyze', log, '--format', 'json', '--fail-on', 'never', '--now', NOW]);
  const both = await runCli(['analyze', log, '--db', DB, '--format', 'json', '--fail-on', 'never', '--now', NOW]);
  assert.equal(both.status, 0, both.stderr);
  const rows = rowsFromEvents(truth);
  const runRows = rows.filter((r) => ['executed', 'error', 'submitted'].includes(r.status)).length;
  // Both processes logged to app.log: every run row is in the log, and the findings are the log's.
  assert.deepEqual(json(both).history, { ...json(both).history, matched: runRows, onlyInHistory: 0, onlyInHistorySamples: [] });
  // The findings are the log's, and the one thing only the rows know: the killed process's run
  // the log shows starting was cut off (its row stayed 'Started execution' while later runs finished).
  assert.equal(findingCounts(json(alone))['unfinished-run rebuild_index'], undefined, 'the log alone cannot tell');
  assert.deepEqual(findingCounts(json(both)), { ...findingCounts(json(alone)), 'unfinished-run rebuild_index': expectedFindings(truth)['unfinished-run rebuild_index'] });
  const cut = json(both).findings.find((f: { rule: string }) => f.rule === 'unfinished-run');
  assert.match(cut.evidence[0].source, /app\.log$/, "the evidence is the log's line of the run");
  assert.ok(findingCounts(json(both))['duplicate-run charge_cards'] === undefined || findingCounts(json(alone))['duplicate-run charge_cards'] > 0, 'no duplicate the log alone does not show');

  // The killed process logged elsewhere (its lines gone from this file): its runs come from the history alone.
  const dir = newDir();
  const partial = join(dir, 'app.log');
  writeFileSync(partial, readFileSync(log, 'utf8').split('\n').filter((l) => !l.includes(`[${truth.killed_pid}]`)).join('\n'));
  const res = await runCli(['analyze', partial, '--db', DB, '--format', 'json', '--fail-on', 'never', '--now', NOW]);
  assert.equal(res.status, 0, res.stderr);
  const doc = json(res);
  const otherRan = new Set(truth.events.filter((e) => e.pid !== truth.killed_pid && e.kind === 'submitted').map((e) => `${e.job} ${e.scheduled}`));
  const onlyKilled = rows.filter((r) => ['executed', 'error', 'submitted'].includes(r.status) && r.pid === truth.killed_pid && !otherRan.has(`${r.job} ${r.scheduled}`));
  assert.ok(onlyKilled.length > 0);
  assert.equal(doc.history.onlyInHistory, onlyKilled.length);
  assert.equal(doc.history.matched, runRows - onlyKilled.length);
  assert.equal(findingCounts(doc)['duplicate-run charge_cards'], undefined, 'a run in the history and the log is not a duplicate');
  // The killed process's cut-off run is known from its row alone.
  assert.equal(findingCounts(doc)['unfinished-run rebuild_index'], expectedFindings(truth)['unfinished-run rebuild_index']);
  assert.match(doc.sources[1].format, new RegExp(`matched with the logs: ${runRows - onlyKilled.length} runs in both \\(counted once\\), ${onlyKilled.length} only here`));
});
