// missed-run in log lines: fire times a trigger produced with no trace, and the near misses that
// must stay silent (interleaved schedulers, accounted misfires and skips, meant downtime, jitter).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, findingsOf, line, runLine } from './rule-lines';

const IV = 'interval[0:00:10]';
const S = 'apscheduler.scheduler';
const started = (ms: number) => line(ms, S, 'INFO', 'Scheduler started');
const shutdown = (ms: number) => line(ms, S, 'INFO', 'Scheduler has been shut down');
const every = (name: string, trigger: string, from: number, step: number, n: number, opts = {}) => Array.from({ length: n }, (_, i) => ({ at: from + i * step, text: runLine(name, trigger, from + i * step, opts) }));
const sorted = (...parts: { at: number; text: string }[][]) => parts.flat().sort((a, b) => a.at - b.at).map((x) => x.text);
const at = (ms: number, text: string) => [{ at: ms, text }];

test('valid: a job that ran every fire time, up to its shutdown', async () => {
  const lines = sorted(at(T0 - 1000, started(T0 - 1000)), every('sync', IV, T0, 10e3, 12), at(T0 + 115e3, shutdown(T0 + 115e3)));
  assert.deepEqual(await findingsOf('missed-run', lines), []);
});

test('valid: two schedulers with memory stores, interleaved phases 3 s apart, no pids: one phase each, nothing missed', async () => {
  const lines = sorted(every('sync', IV, T0, 10e3, 12), every('sync', IV, T0 + 3000, 10e3, 12));
  assert.deepEqual(await findingsOf('missed-run', lines), []);
});

test('valid: one of three schedulers (memory stores, no pids) restarted with a new phase while the others ran the job', async () => {
  const lines = sorted(every('sync', IV, T0, 10e3, 12), every('sync', IV, T0 + 3000, 10e3, 12), every('sync', IV, T0 + 6000, 10e3, 4), every('sync', IV, T0 + 78_500, 10e3, 4));
  assert.deepEqual(await findingsOf('missed-run', lines), []);
});

test('valid: the gap is accounted for by misfire and skip lines', async () => {
  const misfire = (ms: number) => line(ms, 'apscheduler.executors.default', 'WARNING', `Run time of job "sync (trigger: ${IV}, next run at: 2026-11-26 14:00:40 UTC)" was missed by 0:00:02.000100`);
  const skip = (ms: number) => line(ms, S, 'WARNING', `Execution of job "sync (trigger: ${IV}, next run at: 2026-11-26 14:00:50 UTC)" skipped: maximum number of running instances reached (1)`);
  const lines = sorted(every('sync', IV, T0, 10e3, 4), at(T0 + 42e3, misfire(T0 + 42e3)), at(T0 + 50e3 + 5, skip(T0 + 50e3 + 5)), every('sync', IV, T0 + 60e3, 10e3, 4));
  assert.deepEqual(await findingsOf('missed-run', lines), []);
});

test('valid: a misfire line written after the next run still accounts for its fire time', async () => {
  const misfire = line(T0 + 41_500, 'apscheduler.executors.default', 'WARNING', `Run time of job "sync (trigger: ${IV}, next run at: 2026-11-26 14:00:40 UTC)" was missed by 0:00:11.500000`);
  const lines = sorted(every('sync', IV, T0, 10e3, 3), every('sync', IV, T0 + 40e3, 10e3, 3), at(T0 + 41_500, misfire));
  assert.deepEqual(await findingsOf('missed-run', lines), []);
});

test('valid: a job removed and added again later with a new phase', async () => {
  const removed = line(T0 + 21e3, S, 'INFO', 'Removed job sync');
  const added = line(T0 + 80e3, S, 'INFO', 'Added job "sync" to job store "default"');
  const lines = sorted(every('beat', 'interval[0:00:05]', T0, 5e3, 30), every('sync', IV, T0, 10e3, 3), at(T0 + 21e3, removed), at(T0 + 80e3, added), every('sync', IV, T0 + 90e3, 10e3, 6));
  assert.deepEqual(await findingsOf('missed-run', lines), []);
});

test('valid: a clean shutdown and a restart with a new phase (a deploy): the downtime was meant', async () => {
  const lines = sorted(at(T0 - 500, started(T0 - 500)), every('sync', IV, T0, 10e3, 4), at(T0 + 31e3, shutdown(T0 + 31e3)), at(T0 + 95e3, started(T0 + 95e3)), every('sync', IV, T0 + 104_321, 10e3, 4));
  assert.deepEqual(await findingsOf('missed-run', lines), []);
});

test('valid: jitter (each step 10 s plus up to 2 s) is not a miss', async () => {
  let t = T0;
  const runs: { at: number; text: string }[] = [];
  const extra = [1200, 300, 1900, 50, 800, 1500, 0, 1100, 600, 1700];
  for (const e of extra) {
    runs.push({ at: t, text: runLine('sync', IV, t) });
    t += 10e3 + e;
  }
  assert.deepEqual(await findingsOf('missed-run', sorted(runs)), []);
});

test('valid: a job removed (`Removed job`) while the scheduler goes on, a date job, a paused scheduler', async () => {
  const other = every('beat', 'interval[0:00:05]', T0, 5e3, 30);
  const lines = sorted(other, every('temp', IV, T0, 10e3, 3), at(T0 + 25e3, line(T0 + 25e3, S, 'INFO', 'Removed job temp-id')),
    at(T0 + 7e3, runLine('once', 'date[2026-11-26 14:00:07 UTC]', T0 + 7e3)),
    every('sync', IV, T0 + 1e3, 10e3, 5), at(T0 + 45e3, line(T0 + 45e3, S, 'INFO', 'Paused scheduler job processing')),
    at(T0 + 95e3, line(T0 + 95e3, S, 'INFO', 'Resumed scheduler job processing')), every('sync', IV, T0 + 101e3, 10e3, 4));
  assert.deepEqual(await findingsOf('missed-run', lines), []);
});

test('valid: an hourly cron job across the spring DST change in Europe/Berlin, every fire time run', async () => {
  // APScheduler (pytz): 00:30+01:00, 01:30+01:00, then 03:30+02:00 (02:30 does not exist), 04:30…
  const utc = [Date.UTC(2026, 2, 28, 23, 30), Date.UTC(2026, 2, 29, 0, 30), Date.UTC(2026, 2, 29, 1, 30), Date.UTC(2026, 2, 29, 2, 30), Date.UTC(2026, 2, 29, 3, 30)];
  const lines = utc.map((ms, i) => runLine('hourly', "cron[minute='30']", ms, { offset: i < 2 ? 60 : 120 }));
  assert.deepEqual(await findingsOf('missed-run', lines), []);
});

test('invalid: an interval gap while the log fell silent: count, first, last, cause', async () => {
  const lines = sorted(every('sync', IV, T0, 10e3, 3), every('sync', IV, T0 + 90e3, 10e3, 3));
  const [f, ...rest] = await findingsOf('missed-run', lines);
  assert.deepEqual(rest, []);
  assert.equal(f.count, 6);
  assert.equal(f.severity, 'warning');
  assert.equal(f.firstTime, '2026-11-26T14:00:30.000Z');
  assert.equal(f.lastTime, '2026-11-26T14:01:20.000Z');
  assert.deepEqual(f.data!.causes, { 'silent-log': 6 });
  assert.match(f.message, /6 fire times of sync never ran/);
});

test('invalid: a weekday cron job that skipped a Monday while another job kept the scheduler logging', async () => {
  const trig = "cron[day_of_week='mon-fri', hour='9']";
  const days = [Date.UTC(2026, 10, 26, 9), Date.UTC(2026, 10, 27, 9), Date.UTC(2026, 11, 1, 9)]; // Thu, Fri, Tue
  const beat = Array.from({ length: 12 }, (_, i) => ({ at: Date.UTC(2026, 10, 26, 12) + i * 12 * 3600e3, text: runLine('beat', 'interval[12:00:00]', Date.UTC(2026, 10, 26, 12) + i * 12 * 3600e3) }));
  const lines = sorted(beat, days.map((d) => ({ at: d, text: runLine('report', trig, d) })));
  const [f] = await findingsOf('missed-run', lines);
  assert.equal(f.count, 1);
  assert.equal(f.firstTime, '2026-11-30T09:00:00.000Z');
  assert.deepEqual(f.data!.causes, { 'job-silent': 1 });
});

test('invalid: a cron gap across the DST change counts the fire times APScheduler would have made', async () => {
  const lines = [runLine('hourly', "cron[minute='30']", Date.UTC(2026, 2, 28, 23, 30), { offset: 60 }), runLine('hourly', "cron[minute='30']", Date.UTC(2026, 2, 29, 3, 30), { offset: 120 })];
  const [f] = await findingsOf('missed-run', lines);
  assert.equal(f.count, 3, '01:30+01:00, 03:30+02:00, 04:30+02:00');
  assert.equal(f.data!.uncertain, false);
});

test('invalid: a job whose runs stop while its scheduler keeps logging, counted to the end less the grace', async () => {
  const lines = sorted(every('beat', 'interval[0:00:05]', T0, 5e3, 40), every('sync', IV, T0, 10e3, 5));
  const [f] = await findingsOf('missed-run', lines);
  // beat runs until T0+195 s; sync's last run T0+40 s; fire times up to T0+190 s count (grace 5 s).
  assert.equal(f.count, 15);
  assert.equal(f.lastTime, '2026-11-26T14:03:10.000Z');
  assert.deepEqual(f.data!.causes, { 'job-silent': 15 });
});

test('invalid: kill -9, then a restart that re-adds the job with a new phase: the old phase until the re-add', async () => {
  const added = line(T0 + 62_500, S, 'INFO', 'Added job "sync" to job store "default"');
  const lines = sorted(at(T0 - 500, started(T0 - 500)), every('sync', IV, T0, 10e3, 3), at(T0 + 62_500, added), at(T0 + 62_600, started(T0 + 62_600)), every('sync', IV, T0 + 72_400, 10e3, 3));
  const [f] = await findingsOf('missed-run', lines);
  assert.equal(f.count, 4, 'T0+30, +40, +50, +60 s; +70 s is after the re-add');
  assert.deepEqual(f.data!.causes, { replaced: 4 });
});

test('invalid: runs held back by job-store errors are named as such', async () => {
  const err = (ms: number) => line(ms, S, 'WARNING', "Error getting due jobs from job store 'default': (psycopg2.OperationalError) server closed the connection unexpectedly");
  const lines = sorted(every('sync', IV, T0, 10e3, 3), at(T0 + 30_001, err(T0 + 30_001)), every('sync', IV, T0 + 70e3, 10e3, 2));
  const [f] = await findingsOf('missed-run', lines);
  assert.equal(f.count, 4, 'T0+30 s (the wakeup that failed), +40, +50, +60 s');
  assert.deepEqual(f.data!.causes, { 'store-error': 4 });
});

test('invalid, uncertain: a daily cron job stops before a DST change the zones fitting its offsets handle differently', async () => {
  // 01:30 local at +01:00: Africa/Lagos fires at 00:30Z every day, Europe/Berlin at 23:30Z once in summer time.
  const trig = "cron[hour='1', minute='30']";
  const runs = [25, 26, 27].map((d) => ({ at: Date.UTC(2026, 2, d, 0, 30), text: runLine('nightly', trig, Date.UTC(2026, 2, d, 0, 30), { offset: 60 }) }));
  const beat = Array.from({ length: 97 }, (_, i) => Date.UTC(2026, 2, 27, 0) + i * 3600e3).map((ms) => ({ at: ms, text: runLine('beat', 'interval[1:00:00]', ms) }));
  const [f] = await findingsOf('missed-run', sorted(runs, beat));
  assert.equal(f.count, 3, 'the smallest count: Mar 28, 29, 30 at 00:30Z');
  assert.equal(f.data!.uncertain, true);
  assert.match(f.message, /3 to 4/);
});
