// A logger with two handlers writes every record twice: one record, counted once (stats.echoes).
// Two processes writing the same run are two records, even when nothing on the line tells them apart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './apscheduler-3.9.1-lines';
import { kinds, readLog } from './read-log';

const EXEC = 'apscheduler.executors.default';
const SCHED = 'apscheduler.scheduler';

test('every record twice, same format, same stamp and pid: counted once', async () => {
  const twice = (l: string) => [l, l];
  const { events, stats } = await readLog([
    ...twice(`2026-11-26 13:05:09,500 [4130] INFO ${SCHED}: ${L.STARTED}`),
    ...twice(`2026-11-26 13:05:10,004 [4130] INFO ${EXEC}: ${L.RUN_CRON}`),
    ...twice(`2026-11-26 13:05:10,106 [4130] INFO ${EXEC}: ${L.OK_CRON}`),
  ]);
  assert.deepEqual(kinds(events), ['scheduler-start', 'run-start', 'run-end']);
  assert.equal(stats.records, 3);
  assert.equal(stats.echoes, 3);
  assert.deepEqual(events.map((e) => e.ctx.line), [1, 3, 5]);
});

test('two handlers in two formats (Flask root handler + the apscheduler logger\'s own)', async () => {
  const pair = (stamp: string, logger: string, msg: string) => [
    `${stamp} INFO ${logger} ${msg}`,
    `[${stamp}] INFO in base: ${msg}`,
  ];
  const { events, stats } = await readLog([
    '[2026-11-26 13:05:09,400] INFO in jobs: starting app with scheduler',
    ...pair('2026-11-26 13:05:09,500', SCHED, L.TENTATIVE),
    ...pair('2026-11-26 13:05:09,501', SCHED, L.ADDED_CRON),
    ...pair('2026-11-26 13:05:09,501', SCHED, L.STARTED),
    ...pair('2026-11-26 13:05:10,004', EXEC, L.RUN_CRON),
    ...pair('2026-11-26 13:05:10,106', EXEC, L.OK_CRON),
  ]);
  assert.deepEqual(kinds(events), ['job-added-tentatively', 'job-added', 'scheduler-start', 'run-start', 'run-end']);
  assert.equal(stats.echoes, 5);
  assert.equal(stats.unrecognised, 0);
});

test('a second handler without a formatter (bare messages) after the stamped one', async () => {
  const { events, stats } = await readLog([
    `2026-11-26 13:05:09,500 INFO ${SCHED}: ${L.STARTED}`,
    L.STARTED,
    `2026-11-26 13:05:10,004 INFO ${EXEC}: ${L.RUN_CRON}`,
    L.RUN_CRON,
    `2026-11-26 13:05:10,841 ERROR ${EXEC}: ${L.FAIL_SIMPLE}`,
    ...L.TRACEBACK_SIMPLE,
    L.FAIL_SIMPLE,
    ...L.TRACEBACK_SIMPLE,
  ]);
  assert.deepEqual(kinds(events), ['scheduler-start', 'run-start', 'run-end']);
  assert.equal(stats.echoes, 3);
  assert.equal(stats.unrecognised, 0);
});

test('the same stamp but another pid is another scheduler, not an echo', async () => {
  const { events, stats } = await readLog([
    `2026-11-26 13:05:10,004 [4130] INFO ${EXEC}: ${L.RUN_CRON}`,
    `2026-11-26 13:05:10,004 [4134] INFO ${EXEC}: ${L.RUN_CRON}`,
  ]);
  assert.deepEqual(kinds(events), ['run-start', 'run-start']);
  assert.equal(stats.echoes, 0);
});

test('two schedulers without pids, stamps to the second: the same run in the same second is two runs', async () => {
  // Two gunicorn workers, each starting a scheduler on one job store, logging with
  // datefmt='%Y-%m-%d %H:%M:%S' and no %(process)d.
  const { events, stats } = await readLog([
    `2026-11-26 13:05:08 INFO ${SCHED}: ${L.TENTATIVE}`,
    `2026-11-26 13:05:08 INFO ${SCHED}: ${L.ADDED_CRON}`,
    `2026-11-26 13:05:08 INFO ${SCHED}: ${L.STARTED}`,
    `2026-11-26 13:05:09 INFO ${SCHED}: ${L.TENTATIVE}`,
    `2026-11-26 13:05:09 INFO ${SCHED}: ${L.ADDED_CRON}`,
    `2026-11-26 13:05:09 INFO ${SCHED}: ${L.STARTED}`,
    `2026-11-26 13:05:10 INFO ${EXEC}: ${L.RUN_CRON}`,
    `2026-11-26 13:05:10 INFO ${EXEC}: ${L.RUN_CRON}`,
    `2026-11-26 13:05:10 INFO ${EXEC}: ${L.OK_CRON}`,
    `2026-11-26 13:05:10 INFO ${EXEC}: ${L.OK_CRON}`,
  ]);
  assert.equal(kinds(events).filter((k) => k === 'run-start').length, 2);
  assert.equal(kinds(events).filter((k) => k === 'run-end').length, 2);
  assert.equal(kinds(events).filter((k) => k === 'scheduler-start').length, 2);
  assert.equal(stats.echoes, 0);
});

test('no timestamps (debug reloader, default basicConfig): identical lines are never echoes', async () => {
  const { events, stats } = await readLog([
    `INFO:${SCHED}:${L.STARTED}`,
    `INFO:${SCHED}:${L.STARTED}`,
    `INFO:${EXEC}:${L.RUN_CRON}`,
    `INFO:${EXEC}:${L.RUN_CRON}`,
    `INFO:${EXEC}:${L.OK_CRON}`,
    `INFO:${EXEC}:${L.OK_CRON}`,
  ]);
  assert.deepEqual(kinds(events), ['scheduler-start', 'scheduler-start', 'run-start', 'run-start', 'run-end', 'run-end']);
  assert.equal(stats.echoes, 0);
});

test('an echoing logger under kubectl --timestamps: the runtime stamps differ, the record\'s own do not', async () => {
  const { events, stats } = await readLog([
    `2026-11-26T13:05:10.004100000Z 2026-11-26 13:05:10,004 INFO ${EXEC}: ${L.RUN_CRON}`,
    `2026-11-26T13:05:10.004180000Z 2026-11-26 13:05:10,004 INFO ${EXEC}: ${L.RUN_CRON}`,
    `2026-11-26T13:05:10.106100000Z 2026-11-26 13:05:10,106 INFO ${EXEC}: ${L.OK_CRON}`,
    `2026-11-26T13:05:10.106170000Z 2026-11-26 13:05:10,106 INFO ${EXEC}: ${L.OK_CRON}`,
  ]);
  assert.deepEqual(kinds(events), ['run-start', 'run-end']);
  assert.equal(stats.echoes, 2);
});

test('identical records that are not copies: four add_job calls in one millisecond, then distinct jobs', async () => {
  // As in the `failing` fixture: the first records repeat, but `Added job` tells the source is not doubling.
  const { events, stats } = await readLog([
    ...Array(4).fill(`2026-11-26 13:05:09,502 - ${SCHED} - INFO - ${L.TENTATIVE}`),
    `2026-11-26 13:05:09,502 - ${SCHED} - INFO - ${L.ADDED_CRON}`,
    `2026-11-26 13:05:09,502 - ${SCHED} - INFO - ${L.ADDED_QUOTED}`,
    `2026-11-26 13:05:09,503 - ${SCHED} - INFO - ${L.STARTED}`,
  ]);
  assert.deepEqual(kinds(events), [
    'job-added-tentatively', 'job-added-tentatively', 'job-added-tentatively', 'job-added-tentatively',
    'job-added', 'job-added', 'scheduler-start',
  ]);
  assert.equal(stats.echoes, 0);
  assert.equal(stats.records, 7);
});

test('a doubling logger whose jobs are added after start: the early twins are held back, then dropped', async () => {
  const twice = (l: string) => [l, l];
  const { events, stats } = await readLog([
    ...twice(`2026-11-26 13:05:09,500 - ${SCHED} - INFO - ${L.STARTED}`),
    `2026-11-26 13:05:09,501 - ${SCHED} - INFO - ${L.TENTATIVE}`,
    ...twice(`2026-11-26 13:05:09,502 - ${SCHED} - INFO - ${L.ADDED_CRON}`),
    ...twice(`2026-11-26 13:05:10,004 - ${EXEC} - INFO - ${L.RUN_CRON}`),
  ]);
  assert.deepEqual(kinds(events), ['scheduler-start', 'job-added-tentatively', 'job-added', 'run-start']);
  assert.equal(stats.echoes, 3);
  assert.equal(stats.records, 4);
  assert.deepEqual(events.map((e) => e.ctx.line), [1, 3, 4, 6]);
});

test('two schedulers in one process shutting down in the same millisecond: two shutdowns', async () => {
  const { events, stats } = await readLog([
    `2026-11-26 10:16:33,005 [MainThread] INFO ${SCHED} - ${L.TENTATIVE}`,
    `2026-11-26 10:16:33,006 [MainThread] INFO ${SCHED} - ${L.ADDED_CRON}`,
    `2026-11-26 10:16:33,006 [MainThread] INFO ${SCHED} - ${L.STARTED}`,
    `2026-11-26 10:16:33,715 [MainThread] INFO ${SCHED} - ${L.ADDED_QUOTED}`,
    `2026-11-26 10:16:33,715 [MainThread] INFO ${SCHED} - ${L.STARTED}`,
    `2026-11-26 10:16:45,728 [MainThread] INFO ${SCHED} - ${L.SHUT_DOWN}`,
    `2026-11-26 10:16:45,728 [MainThread] INFO ${SCHED} - ${L.SHUT_DOWN}`,
  ]);
  assert.equal(kinds(events).filter((k) => k === 'scheduler-shutdown').length, 2);
  assert.equal(stats.echoes, 0);
});
