// clock-skew in log lines: two hosts (one file each: without a host field the file stands for the
// host) run the same cron job from memory stores, so every run has a copy on the other host.
// One host's stamps lead by a few seconds; on-time hosts, a busy host's late runs, a single host
// and the threshold's other side must stay silent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, findingsOfFiles, line, runLine } from './rule-lines';

const CRON = "cron[second='*/10']";
const at = (i: number) => T0 + i * 10e3;
/** `n` runs of the job, each logged `lagMs` after its scheduled time (the host's stamp offset plus 3 ms). */
const runs = (n: number, lagMs: number | ((i: number) => number)) => Array.from({ length: n }, (_, i) => runLine('sync', CRON, at(i), { lateMs: typeof lagMs === 'number' ? lagMs : lagMs(i) }));

test('valid: two hosts logging their runs on time', async () => {
  assert.deepEqual(await findingsOfFiles('clock-skew', { 'web-1.log': runs(6, 3), 'web-2.log': runs(6, 4) }), []);
});

test('valid: a busy host whose runs are sometimes seconds late still logs its on-time runs on time', async () => {
  // Late runs only add to line time − scheduled at; the 10th percentile looks at the on-time ones.
  const late = (i: number) => (i % 3 === 0 ? 3 : 4_000 + 500 * i);
  assert.deepEqual(await findingsOfFiles('clock-skew', { 'web-1.log': runs(12, 3), 'web-2.log': runs(12, late) }), []);
});

test('valid: one host alone, its lines 5 s after their scheduled times: nothing to compare with', async () => {
  assert.deepEqual(await findingsOfFiles('clock-skew', { 'web-2.log': runs(8, 5_003) }), []);
});

test('invalid: web-2 stamps its lines 5 s ahead: one host reported, its skew, lags and copies', async () => {
  const [f, ...rest] = await findingsOfFiles('clock-skew', { 'web-1.log': runs(6, 3), 'web-2.log': runs(6, 5_003) });
  assert.deepEqual(rest, []);
  assert.equal(f.severity, 'info');
  assert.equal(f.job, null);
  assert.equal(f.count, 1);
  const [h, ...others] = f.data!.hosts as Record<string, unknown>[];
  assert.deepEqual(others, []);
  assert.match(h.host as string, /web-2\.log$/);
  assert.deepEqual({ ...h, host: undefined, copies: undefined }, { host: undefined, skewSeconds: 5, lagSeconds: 5.003, othersLagSeconds: 0.003, runs: 6, copies: undefined, copyMedianSeconds: 5 });
  assert.ok((h.copies as number) >= 5, 'the copies of the same runs on web-1');
  assert.match(f.message, /web-2\.log's log timestamps are 5\.000 s ahead of the other hosts': its on-time runs are logged \+5\.003 s from their scheduled time \(10th percentile of 6 runs\), the others' \+0\.003 s; \d copies of the same runs on other hosts are stamped \+5\.000 s apart \(median\)$/);
  assert.ok(f.evidence.length >= 2 && f.evidence.some((e) => /web-1\.log$/.test(e.source)) && f.evidence.some((e) => /web-2\.log$/.test(e.source)), 'a copy on each host');
});

test('valid: a host whose runs are mostly a replayed backlog, its stamps agreeing with the other host\'s copies', async () => {
  const IV = 'interval[0:00:01]';
  const web1 = Array.from({ length: 200 }, (_, i) => runLine('tick', IV, T0 + i * 1e3, { lateMs: 3 }));
  // web-2 comes back at 130 s (coalesce=False): the 120 fire times it missed, 100 ms apart, then on time.
  const web2 = [
    line(T0 + 130e3, 'apscheduler.scheduler', 'INFO', 'Scheduler started'),
    ...Array.from({ length: 120 }, (_, i) => runLine('tick', IV, T0 + (10 + i) * 1e3, { lateMs: 130e3 + 10 + i * 100 - (10 + i) * 1e3 })),
    ...Array.from({ length: 6 }, (_, i) => runLine('tick', IV, T0 + (143 + i) * 1e3, { lateMs: 4 })),
  ];
  assert.deepEqual(await findingsOfFiles('clock-skew', { 'web-1.log': web1, 'web-2.log': web2 }), []);
});

test('invalid: every copy of a run on both hosts is counted, including the first', async () => {
  const [f] = await findingsOfFiles('clock-skew', { 'web-1.log': runs(6, 3), 'web-2.log': runs(6, 5_003) });
  assert.equal((f.data!.hosts as { copies: number }[])[0].copies, 6);
});

test('invalid: a host behind is reported as behind', async () => {
  // web-1 and web-3 on time (3 and 5 ms: the others' median is 4 ms), web-2's stamps 3 s behind: its runs look logged before they were due.
  const [f] = await findingsOfFiles('clock-skew', { 'web-1.log': runs(6, 3), 'web-2.log': runs(6, -2_997), 'web-3.log': runs(6, 5) });
  assert.equal(f.count, 1);
  assert.match(f.message, /web-2\.log's log timestamps are 3\.001 s behind the other hosts': its on-time runs are logged −2\.997 s/);
  assert.equal((f.data!.hosts as { skewSeconds: number }[])[0].skewSeconds, -3.001);
});

test('a host logging naive local time an hour east of UTC: its zone learnt from the log, or whole hours with a wrong --tz', async () => {
  const files = { 'web-1.log': runs(6, 3), 'web-2.log': runs(6, 3_600_003) };
  // Without --tz each file's zone is learnt from its runs (line stamp against `scheduled at`): nothing off.
  assert.deepEqual(await findingsOfFiles('clock-skew', files), []);
  const [f] = await findingsOfFiles('clock-skew', files, { tz: 'UTC' });
  assert.equal(f.count, 1);
  assert.equal((f.data!.hosts as { skewSeconds: number }[])[0].skewSeconds, 3600);
  assert.match(f.message, /web-2\.log's log timestamps are 1\.00 h ahead of the other hosts'/);
});

test('thresholdSeconds: a 1.5 s lead is reported at 1 s, not at 2 s; a lead of exactly 1 s is not over 1 s', async () => {
  const files = { 'web-1.log': runs(6, 3), 'web-2.log': runs(6, 1_503) };
  assert.equal((await findingsOfFiles('clock-skew', files)).length, 1);
  assert.deepEqual(await findingsOfFiles('clock-skew', files, { ruleOptions: { 'clock-skew': { thresholdSeconds: 2 } } }), []);
  assert.deepEqual(await findingsOfFiles('clock-skew', { 'web-1.log': runs(6, 3), 'web-2.log': runs(6, 1_003) }), []);
});

test('minRuns: 6 runs a host are judged at 6, not at 7', async () => {
  const files = { 'web-1.log': runs(6, 3), 'web-2.log': runs(6, 5_003) };
  assert.equal((await findingsOfFiles('clock-skew', files, { ruleOptions: { 'clock-skew': { minRuns: 6 } } })).length, 1);
  assert.deepEqual(await findingsOfFiles('clock-skew', files, { ruleOptions: { 'clock-skew': { minRuns: 7 } } }), []);
});
