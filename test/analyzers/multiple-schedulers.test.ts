// multiple-schedulers in a handful of lines: the ways a log without pids shows several schedulers
// (issue 11's cases, each of which gave nothing before), and the near misses that must stay silent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { analyzeLogs } from '../../src/engine/analyze';
import { multipleSchedulers } from '../../src/analyzers/multiple-schedulers';
import { analyzeLines, basic } from '../support/log-lines';
import { withRepeatedFinish } from '../support/repeat-finish';
import { sameRunsOnHosts } from '../support/same-runs-on-hosts';

const IV = 'interval[0:00:10]';
const CRON = "cron[minute='*/5']";
const rules = (a: { findings: { rule: string }[] }) => a.findings.map((f) => f.rule);
const multi = (a: { findings: { rule: string; count: number; data?: Record<string, unknown> }[] }) => a.findings.filter((f) => f.rule === 'multiple-schedulers');

test('four `Scheduler started` blocks, each adding the same job, no run yet: four schedulers', async () => {
  const block = [basic.tentative, basic.added('sync'), basic.start];
  const a = await analyzeLines([...block, ...block, ...block, ...block]);
  const m = multi(a);
  assert.equal(m.length, 1);
  assert.equal(m[0].count, 4);
  assert.deepEqual(m[0].data!.basis, ['starts']);
  assert.deepEqual(m[0].data!.jobs, ['sync']);
  assert.match((m[0] as { message: string }).message, /cannot be told apart: add %\(process\)d/);
  assert.equal(m[0].data!.kind, 'one-stream');
});

test('a run started twice in a log without pids: at least two schedulers, and the copies overlap', async () => {
  const a = await analyzeLines([
    basic.run('report', CRON, '2026-11-26 14:05:00'),
    basic.run('report', CRON, '2026-11-26 14:05:00'),
    basic.ok('report', CRON, '2026-11-26 14:10:00'),
    basic.ok('report', CRON, '2026-11-26 14:10:00'),
  ]);
  const m = multi(a);
  assert.equal(m.length, 1);
  assert.equal(m[0].count, 2);
  assert.deepEqual(m[0].data!.basis, ['copies']);
  const dup = a.findings.find((f) => f.rule === 'duplicate-run')!;
  assert.equal(dup.data!.schedulers, 2);
  assert.doesNotMatch(dup.message, /by 1 scheduler/);
  const overlap = a.findings.find((f) => f.rule === 'overlapping-runs')!;
  assert.equal(overlap.count, 1);
  assert.deepEqual([overlap.data!.inProcess, overlap.data!.crossScheduler], [0, 1]);
  assert.deepEqual(a.jobs.map((j) => [j.name, j.instances]), [['report', 2]]);
});

test('interleaved series of one interval job after two starts: one scheduler per series', async () => {
  const lines = [basic.added('poll'), basic.start, basic.run('poll', IV, '2026-11-26 14:00:10.100000'), basic.ok('poll', IV, '2026-11-26 14:00:20'), basic.added('poll'), basic.start];
  for (let s = 20; s <= 50; s += 10) {
    lines.push(basic.run('poll', IV, `2026-11-26 14:00:${s}.100000`), basic.ok('poll', IV, 'x'));
    lines.push(basic.run('poll', IV, `2026-11-26 14:00:${s}.350000`), basic.ok('poll', IV, 'x'));
  }
  const a = await analyzeLines(lines);
  const m = multi(a);
  assert.equal(m.length, 1);
  assert.equal(m[0].count, 2);
  assert.deepEqual(m[0].data!.basis, ['phases']);
  assert.ok(!rules(a).includes('duplicate-run'), 'series a fraction of a second apart are not copies of one run');
});

test('the skip line doubled for one fire time: two schedulers', async () => {
  const a = await analyzeLines([
    basic.skip('export', IV, '2026-11-26 14:00:10'),
    basic.skip('export', IV, '2026-11-26 14:00:10'),
  ]);
  const m = multi(a);
  assert.equal(m.length, 1);
  assert.equal(m[0].count, 2);
  assert.deepEqual(m[0].data!.basis, ['skips']);
});

test('valid: two schedulers with different jobs, a crash and restart, two jobs sharing a name: nothing', async () => {
  // Two schedulers on purpose, each with its own jobs.
  const distinct = await analyzeLines([basic.added('flush'), basic.start, basic.added('report'), basic.start,
    basic.run('flush', IV, '2026-11-26 14:00:10'), basic.ok('flush', IV, 'x'), basic.run('report', CRON, '2026-11-26 14:05:00'), basic.ok('report', CRON, 'x')]);
  assert.deepEqual(multi(distinct), []);
  // A crash (no shutdown) and a restart: one series, the old scheduler gone.
  const restart = await analyzeLines([basic.added('poll'), basic.start, basic.run('poll', IV, '2026-11-26 14:00:10.1'), basic.ok('poll', IV, 'x'),
    basic.run('poll', IV, '2026-11-26 14:00:20.1'), basic.added('poll'), basic.start, basic.run('poll', IV, '2026-11-26 14:00:40.1'), basic.ok('poll', IV, 'x'),
    basic.run('poll', IV, '2026-11-26 14:00:50.1'), basic.ok('poll', IV, 'x')]);
  assert.deepEqual(multi(restart), []);
  // One scheduler holding two jobs of one name and interval (added twice after one start).
  const twoJobs = [basic.added('sync_shard'), basic.added('sync_shard'), basic.start];
  for (let s = 10; s <= 50; s += 10) twoJobs.push(basic.run('sync_shard', IV, `2026-11-26 14:00:${s}.100000`), basic.run('sync_shard', IV, `2026-11-26 14:00:${s}.100042`), basic.ok('sync_shard', IV, 'x'), basic.ok('sync_shard', IV, 'x'));
  const shards = await analyzeLines(twoJobs);
  assert.deepEqual(shards.findings.map((f) => f.rule), []);
  // Starts and shutdowns in turn: one scheduler at a time.
  const cycles = await analyzeLines([basic.added('sync'), basic.start, basic.shutdown, basic.added('sync'), basic.start, basic.shutdown]);
  assert.deepEqual(multi(cycles), []);
});

test('finish() is repeatable: hosts (read after their runs left the window), processes of one host, one stream', async () => {
  const { dir, cleanup } = sameRunsOnHosts(3, 20);
  try {
    const pids = join(__dirname, '..', 'fixtures', 'server-gunicorn-w3-pids', 'app.log');
    const stream = join(__dirname, '..', 'fixtures', 'server-gunicorn-w3', 'app.log');
    const kinds: string[] = [];
    for (const input of [[dir], [pids], [stream]]) {
      const plain = await analyzeLogs(input);
      const { value, calls } = await withRepeatedFinish(multipleSchedulers, () => analyzeLogs(input));
      assert.equal(calls.length, 1);
      const found = JSON.parse(calls[0].first) as { data: { kind: string } }[];
      assert.equal(found.length, 1);
      kinds.push(found[0].data.kind);
      assert.equal(calls[0].second, calls[0].first);
      assert.equal(calls[0].again, calls[0].first);
      assert.deepEqual(value.findings, plain.findings);
    }
    assert.deepEqual(kinds, ['hosts', 'processes', 'one-stream']);
  } finally {
    cleanup();
  }
});

test('hosts that ran the same times, one process beside another on host 1: every scheduler named, across hosts', async () => {
  const { dir, cleanup } = sameRunsOnHosts(3, 20);
  try {
    const a = await analyzeLogs([dir]);
    const m = multi(a);
    assert.equal(m.length, 1);
    assert.equal(m[0].count, 4);
    assert.equal(m[0].data!.kind, 'hosts');
    // pid 5001 shares no scheduled time with anyone: it is there as a live process beside 4001 on its host.
    assert.deepEqual((m[0].data!.instances as string[]).map((i) => i.replace(/^.*\//, '')), ['web-1.log pid 4001', 'web-1.log pid 5001', 'web-2.log pid 4002', 'web-3.log pid 4003']);
    assert.deepEqual(m[0].data!.jobs, ['report', 'sync']);
  } finally {
    cleanup();
  }
});
