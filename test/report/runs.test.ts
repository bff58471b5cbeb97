// `sched-doctor runs` and `analyze --job`, run as a user would, checked against the runs real
// APScheduler's listeners recorded (truth.json); and markdown's timeline of the top finding.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ROOT, runCli } from '../support/cli';

process.chdir(ROOT);

const SEED = 'test/fixtures/seed/app.log';
interface TruthRun { scheduled_run_time: string; scheduled_run_time_us: number; pid: number; start_us: number }
const seedRuns: TruthRun[] = JSON.parse(readFileSync('test/fixtures/seed/truth.json', 'utf8')).runs;
const pidsAt = (text: string) => seedRuns.filter((r) => r.scheduled_run_time.startsWith(text)).map((r) => String(r.pid)).sort();

test("runs --at '2026-11-26 14:18:50' (the log's wall clock) lists the copies of that run with their processes", () => {
  const r = runCli(['runs', SEED, '--job', 'job_1', '--at', '2026-11-26 14:18:50']);
  assert.equal(r.code, 0, r.stderr);
  const expected = pidsAt('2026-11-26 14:18:50');
  assert.equal(expected.length, 2);
  assert.match(r.stdout, new RegExp(`Scheduled at 2026-11-26 14:18:50\\.651951: ${expected.length} copies`));
  const block = r.stdout.split('Scheduled at 2026-11-26 14:18:50.651951')[1].split('\n\n')[0];
  for (const pid of expected) assert.match(block, new RegExp(`pid ${pid}: start 2026-11-26 14:18:50\\.\\d{3}`));
  const others = [...new Set(seedRuns.map((x) => String(x.pid)))].filter((p) => !expected.includes(p));
  for (const pid of others) assert.ok(!block.includes(`pid ${pid}`), `pid ${pid} did not run it`);
  assert.match(r.stdout, /duplicate copy of test\/fixtures\/seed\/app\.log pid 15372/);
  // The lane chart under the table: one row per process, the copies marked.
  const chart = r.stdout.split('\n').filter((l) => /pid \d+\s+[·█▲◆│]+$/.test(l));
  assert.equal(chart.length, 3, r.stdout);
  assert.ok(chart.every((l) => l.includes('▲')));
});

test('runs --format json: every run of the job, its instance and outcome, the nearest scheduled time', () => {
  const r = runCli(['runs', SEED, '--job', 'job_1', '--at', '2026-11-26T13:19:00.651951Z', '--around', '1s', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  const expected = pidsAt('2026-11-26 14:19:00');
  assert.equal(doc.nearest.copies, expected.length);
  assert.equal(doc.nearest.scheduledAt, '2026-11-26T13:19:00.651951Z');
  assert.deepEqual(doc.nearest.instances.map((i: string) => i.split('pid ')[1]).sort(), expected);
  const inWindow = seedRuns.filter((x) => Math.abs(x.start_us - Date.parse('2026-11-26T13:19:00.651951Z') * 1000) <= 1e6);
  assert.equal(doc.runs.length, inWindow.length);
  assert.ok(doc.runs.every((x: { outcome: string }) => x.outcome === 'ran'));
  assert.equal(doc.runs.filter((x: { duplicateOf?: string }) => x.duplicateOf).length, expected.length - 1);
  assert.deepEqual([...new Set(doc.findings.map((f: { rule: string }) => f.rule))].sort(), ['duplicate-run', 'long-run', 'overlapping-runs', 'submit-error']);
});

test('runs without --at: every run; failed runs say so', () => {
  const truth = JSON.parse(readFileSync('test/fixtures/failing/truth.json', 'utf8'));
  const job = Object.values(truth.counts.jobs as Record<string, { job_name: string; error: number }>).find((j) => j.error > 0)!;
  const r = runCli(['runs', 'test/fixtures/failing/app.log', '--job', job.job_name, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.runs.filter((x: { outcome: string }) => x.outcome === 'failed').length, job.error);
  assert.equal(doc.runs.length, truth.runs.filter((x: { job_name: string }) => x.job_name === job.job_name).length);
  assert.ok(doc.runs.every((x: { job: string }) => x.job === job.job_name));
});

test('runs: bad input is one line and exit 2', () => {
  for (const args of [
    ['runs', SEED, '--job', 'no_such_job'],
    ['runs', SEED, '--job', 'job_1', '--at', 'yesterday'],
    ['runs', SEED, '--job', 'job_1', '--at', '2026-11-26 14:18:50', '--around', 'five'],
    ['runs', SEED, '--job', 'job_1', '--format', 'xml'],
  ]) {
    const r = runCli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^sched-doctor: [^\n]+\n$/, r.stderr);
  }
});

test('analyze --job GLOB restricts the whole analysis to the matching jobs', () => {
  const all = JSON.parse(runCli(['analyze', 'test/fixtures/failing/app.log', '--format', 'json', '--no-config']).stdout);
  const names: string[] = all.jobs.map((j: { name: string }) => j.name);
  assert.ok(names.length > 1);
  const pick = names[0];
  const only = JSON.parse(runCli(['analyze', 'test/fixtures/failing/app.log', '--format', 'json', '--no-config', '--job', pick]).stdout);
  assert.deepEqual(only.jobs.map((j: { name: string }) => j.name), [pick]);
  assert.ok(only.findings.every((f: { job: string | null }) => f.job === null || f.job === pick));
  assert.ok(all.findings.some((f: { job: string | null }) => f.job !== null && f.job !== pick), 'the full analysis has findings for other jobs');
  const glob = JSON.parse(runCli(['analyze', 'test/fixtures/failing/app.log', '--format', 'json', '--no-config', '--job', `${pick.slice(0, 3)}*`]).stdout);
  assert.deepEqual(glob.jobs.map((j: { name: string }) => j.name).sort(), names.filter((n) => n.startsWith(pick.slice(0, 3))).sort());
});

test("markdown: a Unicode timeline of the top finding's window, one row per process", () => {
  const r = runCli(['analyze', SEED, '--format', 'markdown', '--no-config']);
  const md = r.stdout;
  assert.match(md, /\*\*Timeline\*\* of `duplicate-run` for `job_1`/);
  const block = md.split('**Timeline**')[1].split('```text\n')[1].split('```')[0];
  const rows = block.split('\n').filter((l) => /pid \d+ /.test(l));
  assert.deepEqual(rows.map((l) => /pid (\d+)/.exec(l)![1]).sort(), ['15372', '15374', '15384']);
  assert.ok(rows.every((l) => l.includes('▲')), block);
  const healthy = runCli(['analyze', 'test/fixtures/healthy/app.log', '--format', 'markdown', '--no-config']).stdout;
  assert.ok(!healthy.includes('**Timeline**'), 'no finding with a job: no timeline');
});
