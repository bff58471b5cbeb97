// store-log-mismatch: a real store (restarts.sqlite) beside a handful of log lines. Jobs are
// matched by name and trigger text (the log never shows ids); a scheduled store job the log never
// runs, and a log job the store lacks, are listed. Paused rows and jobs on both sides stay silent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linkStoreAndLog } from '../../src/engine/analyze-store';
import { analyzeLines } from '../support/log-lines';
import { T0, runLine, storeRows } from './rule-lines';

const SYNC = 'interval[0:02:00]';
const REPORT = "cron[hour='3', minute='30']";
const at = (s: number) => T0 + s * 1e3;

async function mismatches(lines: string[]) {
  const jobs = await storeRows('restarts');
  const a = await analyzeLines(lines);
  return linkStoreAndLog(jobs, a.jobs);
}

test('valid: every scheduled store job ran in the log; the paused one need not', async () => {
  const lines = [runLine('sync', SYNC, at(0)), runLine('sync', SYNC, at(120)), runLine('report', REPORT, Date.UTC(2026, 10, 27, 2, 30), { offset: 60 })];
  assert.deepEqual(await mismatches(lines), []);
});

test('invalid: the report never ran, and a job ran that the store does not hold', async () => {
  const beat = [0, 5, 10, 15].map((s) => runLine('beat', 'interval[0:00:05]', at(s)));
  const found = await mismatches([runLine('sync', SYNC, at(0)), ...beat]);
  assert.deepEqual(found.map((f) => [f.rule, f.severity, f.job, f.trigger, f.count, f.data]), [
    ['store-log-mismatch', 'info', 'report', REPORT, 1, { id: 'nightly-report', side: 'store-only' }],
    ['store-log-mismatch', 'info', 'beat', 'interval[0:00:05]', 4, { side: 'log-only' }],
  ]);
  assert.equal(found[0].message, `nightly-report (report ${REPORT}) is in the store but never ran in the log`);
  assert.equal(found[1].message, 'beat (interval[0:00:05]) ran 4 times in the log but is not in the store (another job store, or removed since)');
  assert.equal(found[0].evidence[0].row, 'nightly-report');
});

test('invalid: the same name under another trigger is another job (the trigger was changed, the row kept)', async () => {
  const found = await mismatches([runLine('sync', 'interval[0:05:00]', at(0)), runLine('report', REPORT, Date.UTC(2026, 10, 27, 2, 30), { offset: 60 })]);
  assert.deepEqual(found.map((f) => [f.job, f.trigger, f.data!.side]), [
    ['sync', SYNC, 'store-only'], ['sync', SYNC, 'store-only'], ['sync', SYNC, 'store-only'],
    ['sync', 'interval[0:05:00]', 'log-only'],
  ]);
});
