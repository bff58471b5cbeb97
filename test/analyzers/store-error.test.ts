// store-error in log lines: `Error getting due jobs from job store …`, its span and the runs it held back.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, findingsOf, line, runLine } from './rule-lines';

const S = 'apscheduler.scheduler';
const err = (ms: number, store = 'default') => line(ms, S, 'WARNING', `Error getting due jobs from job store '${store}': (psycopg2.OperationalError) server closed the connection unexpectedly`);

test('valid: runs and no store error give nothing', async () => {
  const lines = [0, 1, 2, 3].map((i) => runLine('sync', 'interval[0:00:10]', T0 + i * 10e3));
  assert.deepEqual(await findingsOf('store-error', lines), []);
});

test('invalid: two errors, then the store answers: count, span to the next run, exception, the runs held back', async () => {
  const lines = [
    runLine('sync', 'interval[0:00:10]', T0),
    err(T0 + 10_002),
    err(T0 + 20_003),
    // the retry: one coalesced run of each job, scheduled in the outage, started at once
    runLine('sync', 'interval[0:00:10]', T0 + 30e3, { lateMs: 40 }),
    runLine('report', 'interval[0:00:05]', T0 + 25e3, { lateMs: 5_060 }),
    runLine('sync', 'interval[0:00:10]', T0 + 40e3),
  ];
  const [f, ...rest] = await findingsOf('store-error', lines);
  assert.deepEqual(rest, []);
  assert.equal(f.severity, 'error');
  assert.equal(f.job, null);
  assert.equal(f.count, 2);
  assert.equal(f.firstTime, '2026-11-26T14:00:10.002Z');
  assert.equal(f.lastTime, '2026-11-26T14:00:30.040Z');
  assert.deepEqual({ ...f.data, spanSeconds: Math.round((f.data!.spanSeconds as number) * 1000) / 1000 }, {
    store: 'default', errors: 2, spanSeconds: 20.038, recovered: true, exception: '(psycopg2.OperationalError) server closed the connection unexpectedly', delayedRuns: 2, maxDelaySeconds: 5.06,
  });
  assert.match(f.message, /job store 'default' could not be read \(2 errors\) for 20 s/);
  assert.equal(f.evidence.length, 3, 'both error lines and the first run after them');
});

test('invalid: a store that never came back, and a second store reported apart', async () => {
  const lines = [runLine('sync', 'interval[0:00:10]', T0), err(T0 + 10e3, 'default'), err(T0 + 11e3, 'archive')];
  const found = await findingsOf('store-error', lines);
  assert.deepEqual(found.map((f) => [f.data!.store, f.count, f.data!.recovered]).sort(), [['archive', 1, false], ['default', 1, false]]);
  assert.match(found[0].message, /with no run logged after it/);
});
