// Store rows decoded two ways must agree: whole, and as summaries (what analyze --db keeps). A
// store of more than one read batch keeps every row, in order.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkStore, loadStore, loadStoreJobs } from '../../src/engine/analyze-store';
import { LARGE_ROWS, largeStore } from '../support/large-store';
import type { StoreJobState } from '../../src/model/store-job';

const FIXTURES = join(__dirname, '..', 'fixtures', 'stores');
const table = { table: 'apscheduler_jobs' };
const NOW = Date.parse('2026-11-26T12:00:00Z') * 1000;

test('a store of several read batches: every row, in order, whole and as summaries, the corrupt one too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-decode-'));
  try {
    const url = `sqlite:///${largeStore(dir)}`;
    const whole = await loadStoreJobs(url, table);
    assert.equal(whole.length, LARGE_ROWS);
    assert.deepEqual(whole.map((j) => j.row.id), whole.map((_, i) => `row-${String(i).padStart(5, '0')}`));
    assert.ok(whole.every((j) => Buffer.isBuffer(j.row.jobState) && j.row.jobState.length > 0));
    assert.deepEqual(whole.filter((j) => j.decodeError).map((j) => j.row.id), ['row-02500']);
    const { jobs: slim } = await loadStore(url, table, { summaries: true });
    assert.deepEqual(slim.map((j) => [j.row.id, j.decodeError ?? null]), whole.map((j) => [j.row.id, j.decodeError ?? null]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a summary is the whole state less the arguments (kept as their JSON), str(job) and all of a datetime but its instant, and finds the same', async () => {
  for (const name of ['mixed', 'restarts', 'app-jobs']) {
    const url = `sqlite:///${join(FIXTURES, `${name}.sqlite`)}`;
    const whole = await loadStoreJobs(url, table);
    const { jobs: slim } = await loadStore(url, table, { summaries: true });
    assert.equal(slim.length, whole.length);
    slim.forEach((s, i) => {
      const w = whole[i];
      assert.equal(s.row.id, w.row.id);
      assert.equal(s.row.jobState.length, 0, 'no pickle kept');
      assert.equal(s.decodeError, w.decodeError);
      if (!w.state) return assert.equal(s.state, undefined);
      const full = w.state as StoreJobState;
      assert.deepEqual(s.callArguments, { args: JSON.stringify(full.args), kwargs: JSON.stringify(full.kwargs) });
      assert.equal('args' in s.state!, false);
      assert.equal('text' in s.state!, false);
      const { args: _a, kwargs: _k, text: _t, trigger: _tr, version: _v, nextRunTime: next, ...rest } = full as StoreJobState & { version?: number };
      const { trigger: slimTrigger, nextRunTime: slimNext, ...slimRest } = s.state!;
      assert.deepEqual(slimRest, rest);
      // Of the datetimes, the instant alone.
      assert.deepEqual(slimNext, next === null ? null : { epochMicros: next.epochMicros });
      const start = full.trigger.startDate;
      assert.deepEqual(slimTrigger, {
        type: full.trigger.type, text: full.trigger.text, timezone: full.trigger.timezone,
        startDate: start === null ? null : { epochMicros: start.epochMicros },
        ...(full.trigger.intervalSeconds === undefined ? {} : { intervalSeconds: full.trigger.intervalSeconds }),
      });
    });
    assert.deepEqual(checkStore(slim, { now: NOW }), checkStore(whole, { now: NOW }), name);
  }
});
