// misfire in log lines: `Run time of job "…" was missed by <timedelta>`, counted per job with the
// largest delay, and late runs that still ran within the grace time (no line) staying silent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, findingsOf, line, missLine, runLine } from './rule-lines';

const IV = 'interval[0:00:01]';
const at = (s: number) => T0 + s * 1e3;

test('valid: runs started late but within misfire_grace_time are logged as runs, not misses', async () => {
  const lines = [runLine('report', IV, at(0), { lateMs: 800 }), runLine('report', IV, at(1), { lateMs: 950 }), runLine('report', IV, at(2))];
  assert.deepEqual(await findingsOf('misfire', lines), []);
});

test('invalid: three missed runs after the process was suspended: count, largest delay, times, message', async () => {
  const lines = [
    runLine('report', IV, at(0)),
    missLine('report', IV, at(9) + 101, at(9), 8_101_317),
    missLine('report', IV, at(9) + 102, at(9), 7_102_000),
    missLine('report', IV, at(9) + 103, at(9), 6_103_500),
    runLine('report', IV, at(9)),
  ];
  const [f, ...rest] = await findingsOf('misfire', lines);
  assert.deepEqual(rest, []);
  assert.equal(f.severity, 'warning');
  assert.equal(f.job, 'report');
  assert.equal(f.trigger, IV);
  assert.equal(f.count, 3);
  assert.equal(f.firstTime, '2026-11-26T14:00:09.101Z');
  assert.equal(f.lastTime, '2026-11-26T14:00:09.103Z');
  assert.deepEqual(f.data, { misses: 3, maxDelaySeconds: 8.101317 });
  assert.equal(f.message, '3 runs of report missed (largest delay 8.1 s)');
  assert.equal(f.evidence.length, 3);
});

test('invalid: a daily job missed by over a day (`1 day, 0:00:05`), and a date job: one finding each', async () => {
  const nightly = "cron[hour='3']";
  const day = line(at(5), 'apscheduler.executors.default', 'WARNING', `Run time of job "nightly (trigger: ${nightly}, next run at: 2026-11-27 03:00:00 UTC)" was missed by 1 day, 0:00:05`);
  const once = missLine('once', 'date[2026-11-26 13:59:30 UTC]', at(0), at(-30), 30_001_059);
  const found = await findingsOf('misfire', [once, day]);
  assert.deepEqual(found.map((f) => [f.job, f.count, f.data!.maxDelaySeconds, f.message]).sort(), [
    ['nightly', 1, 86405, '1 run of nightly missed (largest delay 1.0 d)'],
    ['once', 1, 30.001059, '1 run of once missed (largest delay 30 s)'],
  ]);
});
