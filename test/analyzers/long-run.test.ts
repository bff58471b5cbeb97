// long-run in log lines: a run that lasted longer than its job's interval (or, for cron, the
// smallest gap seen between its scheduled times); runs that fit, date jobs and runs that never
// ended must stay silent. The boundary: a run exactly as long as the interval fits.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, errorLines, findingsOf, line, okLine, runLine } from './rule-lines';

const IV = 'interval[0:00:10]';
const at = (s: number) => T0 + s * 1e3;
/** A run scheduled at `s`, started 3 ms later, ending `durationMs` after its start. */
const run = (name: string, trigger: string, s: number, durationMs: number, nextS = s + 10) => [runLine(name, trigger, at(s)), okLine(name, trigger, at(s) + 3 + durationMs, at(nextS))];

test('valid: runs shorter than the interval, one exactly as long, a long date job, a run with no end line', async () => {
  const lines = [
    ...run('sync', IV, 0, 1200), ...run('sync', IV, 10, 10_000), ...run('sync', IV, 20, 9_999),
    ...run('once', 'date[2026-11-26 14:00:05 UTC]', 5, 60_000),
    runLine('stuck', IV, at(1)),
  ];
  assert.deepEqual(await findingsOf('long-run', lines), []);
});

test('invalid: two runs over a 10 s interval: count, longest, period, the longest run\'s start and end as evidence', async () => {
  // max_instances=2: the next run starts while the long one is still going.
  const lines = [
    runLine('sync', IV, at(0)), okLine('sync', IV, at(0) + 3 + 2_000, at(10)),
    runLine('sync', IV, at(10)), runLine('sync', IV, at(20)), okLine('sync', IV, at(20) + 3 + 500, at(30)), okLine('sync', IV, at(10) + 3 + 15_000, at(30)),
  ];
  const found = await findingsOf('long-run', lines);
  // First-in-first-out pairing: the run of 14:00:10 ends with the first end line (14:00:20.503), the
  // run of 14:00:20 with the second (14:00:25.003). Only the first is over 10 s.
  assert.equal(found.length, 1);
  const [f] = found;
  assert.equal(f.severity, 'warning');
  assert.equal(f.job, 'sync');
  assert.equal(f.count, 1);
  assert.deepEqual(f.data, { longRuns: 1, maxDurationSeconds: 10.5, periodSeconds: 10 });
  assert.equal(f.message, '1 run of sync lasted longer than its 10 s interval (longest 11 s)', 'over 10 s, shown whole');
  assert.equal(f.firstTime, '2026-11-26T14:00:10.003Z');
  assert.deepEqual(f.evidence.map((e) => /(Running job|executed successfully)/.exec(e.text!)![1]), ['Running job', 'executed successfully']);
});

test('invalid: one millisecond over the interval is over', async () => {
  const [f] = await findingsOf('long-run', [...run('sync', IV, 0, 10_001), ...run('sync', IV, 20, 100)]);
  assert.equal(f.count, 1);
  assert.equal(f.data!.maxDurationSeconds, 10.001);
});

test('invalid: a cron job every 5 minutes taking 7 minutes, period from the scheduled times seen', async () => {
  const CRON = "cron[minute='*/5']";
  const lines = [runLine('report', CRON, at(0)), okLine('report', CRON, at(60), at(300)), runLine('report', CRON, at(300)), okLine('report', CRON, at(300) + 3 + 420_000, at(900))];
  const [f, ...rest] = await findingsOf('long-run', lines);
  assert.deepEqual(rest, []);
  assert.equal(f.count, 1);
  assert.deepEqual(f.data, { longRuns: 1, maxDurationSeconds: 420, periodSeconds: 300 });
  assert.equal(f.message, '1 run of report lasted longer than its 5.0 min interval (longest 7.0 min)');
});

test('valid: a cron job seen once has no period to compare with', async () => {
  const CRON = "cron[minute='*/5']";
  assert.deepEqual(await findingsOf('long-run', [runLine('report', CRON, at(0)), okLine('report', CRON, at(0) + 3 + 420_000, at(300))]), []);
});

test('invalid: a run that ends in an exception after 12 s is long too', async () => {
  const lines = [runLine('sync', IV, at(0)), ...errorLines('sync', IV, at(0) + 3 + 12_000, at(10), 'TimeoutError: upstream too slow')];
  const [f, ...rest] = await findingsOf('long-run', lines);
  assert.deepEqual(rest, []);
  assert.deepEqual(f.data, { longRuns: 1, maxDurationSeconds: 12, periodSeconds: 10 });
});

test('valid: a run cut off by kill -9 is not paired with the first end line after the restart', async () => {
  const started = (ms: number) => line(ms, 'apscheduler.scheduler', 'INFO', 'Scheduler started');
  const lines = [started(at(-1)), ...run('sync', IV, 0, 500), runLine('sync', IV, at(10)), started(at(30)), ...run('sync', IV, 40, 500), ...run('sync', IV, 50, 500)];
  assert.deepEqual(await findingsOf('long-run', lines), [], 'the run of 14:00:10 has no end; 14:00:40.503 ends the run of 14:00:40');
});
