// max-instances-skip in log lines: `Execution of job "…" skipped: maximum number of running
// instances reached (N)`, per job, and overlapping runs that APScheduler let through (no skip line).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, findingsOf, okLine, runLine, skipLine } from './rule-lines';

const IV = 'interval[0:00:01]';
const at = (s: number) => T0 + s * 1e3;

test('valid: a slow job whose runs overlap under max_instances=3 logs no skip, so nothing', async () => {
  const lines = [
    runLine('export', IV, at(0)), runLine('export', IV, at(1)), runLine('export', IV, at(2)),
    okLine('export', IV, at(2) + 500, at(3)), okLine('export', IV, at(2) + 600, at(3)), okLine('export', IV, at(2) + 700, at(3)),
  ];
  assert.deepEqual(await findingsOf('max-instances-skip', lines), []);
});

test('invalid: three skips of a slow job with max_instances=1: count, limit, times, message', async () => {
  const lines = [
    runLine('Slow Job', IV, at(0)),
    skipLine('Slow Job', IV, at(1) + 1, at(1)),
    skipLine('Slow Job', IV, at(2) + 1, at(2)),
    skipLine('Slow Job', IV, at(3) + 1, at(4)),
    okLine('Slow Job', IV, at(3) + 900, at(4)),
    runLine('Slow Job', IV, at(4)),
  ];
  const [f, ...rest] = await findingsOf('max-instances-skip', lines);
  assert.deepEqual(rest, []);
  assert.equal(f.severity, 'warning');
  assert.equal(f.job, 'Slow Job');
  assert.equal(f.trigger, IV);
  assert.equal(f.count, 3);
  assert.equal(f.firstTime, '2026-11-26T14:00:01.001Z');
  assert.equal(f.lastTime, '2026-11-26T14:00:03.001Z');
  assert.deepEqual(f.data, { skips: 3, maxInstances: 1 });
  assert.equal(f.message, '3 runs of Slow Job skipped: max_instances (1) already running');
  assert.equal(f.evidence.length, 3);
});

test('invalid: the limit as the line gives it, one finding per job', async () => {
  const lines = [skipLine('a', IV, at(1), at(2), 3), skipLine('b', 'interval[0:00:05]', at(2), at(5), 1)];
  const found = await findingsOf('max-instances-skip', lines);
  assert.deepEqual(found.map((f) => [f.job, f.count, f.data!.maxInstances, f.message]).sort(), [
    ['a', 1, 3, '1 run of a skipped: max_instances (3) already running'],
    ['b', 1, 1, '1 run of b skipped: max_instances (1) already running'],
  ]);
});
