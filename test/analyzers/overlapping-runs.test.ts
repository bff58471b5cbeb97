// overlapping-runs in a handful of lines: inside one scheduler (max_instances) and across
// schedulers (the deployment) told apart; without timestamps the log's order is the evidence.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeLines, basic, withPid } from '../support/log-lines';

const IV = 'interval[0:00:01]';

test('three starts before any end, no timestamps, one scheduler: 2 runs on top of another, up to 3 at once, inside it', async () => {
  const a = await analyzeLines([
    basic.added('rebuild'), basic.start,
    basic.run('rebuild', IV, '2026-11-26 14:00:01'),
    basic.run('rebuild', IV, '2026-11-26 14:00:02'),
    basic.run('rebuild', IV, '2026-11-26 14:00:03'),
    basic.ok('rebuild', IV, 'x'), basic.ok('rebuild', IV, 'x'), basic.ok('rebuild', IV, 'x'),
  ]);
  const o = a.findings.filter((f) => f.rule === 'overlapping-runs');
  assert.equal(o.length, 1);
  assert.equal(o[0].count, 2);
  assert.deepEqual([o[0].data!.maxConcurrent, o[0].data!.inProcess, o[0].data!.crossScheduler], [3, 2, 0]);
  assert.match(o[0].message, /: 2 on top of a run of the same scheduler \(max_instances\)$/);
  // The evidence: the earlier run's start and end, and the start on top of it.
  assert.deepEqual(o[0].evidence.map((e) => e.line), [3, 4, 6]);
});

test('two processes running one job at once: across schedulers, not max_instances', async () => {
  const a = await analyzeLines([
    withPid(basic.start, 1, '2026-11-26 14:00:00,000'), withPid(basic.start, 2, '2026-11-26 14:00:00,100'),
    withPid(basic.run('sync', IV, '2026-11-26 14:00:01.000100'), 1, '2026-11-26 14:00:01,001'),
    withPid(basic.run('sync', IV, '2026-11-26 14:00:01.500200'), 2, '2026-11-26 14:00:01,501'),
    withPid(basic.ok('sync', IV, 'x'), 1, '2026-11-26 14:00:01,700'),
    withPid(basic.ok('sync', IV, 'x'), 2, '2026-11-26 14:00:02,200'),
  ]);
  const o = a.findings.find((f) => f.rule === 'overlapping-runs')!;
  assert.equal(o.count, 1);
  assert.deepEqual([o.data!.inProcess, o.data!.crossScheduler], [0, 1]);
  assert.match(o.message, /: 1 on top of another scheduler's run \(the deployment\)$/);
});

test('valid: runs one after another, and a run cut off by a crash before a restart: nothing', async () => {
  const a = await analyzeLines([
    basic.added('tick'), basic.start,
    basic.run('tick', IV, '2026-11-26 14:00:01'), basic.ok('tick', IV, 'x'),
    basic.run('tick', IV, '2026-11-26 14:00:02'), basic.ok('tick', IV, 'x'),
    basic.run('tick', IV, '2026-11-26 14:00:03'),
    basic.start,
    basic.run('tick', IV, '2026-11-26 14:00:09'), basic.ok('tick', IV, 'x'),
  ]);
  assert.ok(!a.findings.some((f) => f.rule === 'overlapping-runs'), JSON.stringify(a.findings.map((f) => f.message)));
});
