// APScheduler 4 writes other messages under other loggers. sched-doctor reads 3.x logs: a 4.x log
// must show up as not recognised (and say it is 4.x), never as a quiet, healthy log.
// The lines are 4.x output captured from master (shared/apscheduler-versions.md, §4.2).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readLog } from './read-log';

const V4 = [
  "2026-11-26 12:29:01,577 INFO apscheduler._schedulers.async_: Added new schedule (task='__main__:ok', trigger=IntervalTrigger(seconds=1, start_time='2026-11-26 12:29:01.577755+00:00')); next run time at 2026-11-26 12:29:01.577755+00:00",
  '2026-11-26 12:29:02,580 INFO apscheduler._schedulers.async_: Job 942f14e8-ae76-4637-a3ec-e3188d7f6659 completed successfully',
  '2026-11-26 12:29:03,581 ERROR apscheduler._schedulers.async_: Job fdd81104-32a5-4453-bf4a-77adc4ce83f4 raised an exception',
  '2026-11-26 12:29:04,001 INFO apscheduler._schedulers.async_: Scheduler stopped',
];

test('APScheduler 4 lines are counted as not recognised, and as 4.x', async () => {
  const { stats } = await readLog(V4);
  assert.equal(stats.unrecognised, 4);
  assert.equal(stats.apscheduler4, 4);
});

test('3.x lines are never counted as 4.x', async () => {
  const { stats } = await readLog(['2026-11-26 12:29:04,001 INFO apscheduler.scheduler: Something new in 3.12']);
  assert.equal(stats.unrecognised, 1);
  assert.equal(stats.apscheduler4, 0);
});
