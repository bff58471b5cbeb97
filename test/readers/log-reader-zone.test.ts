// Stamps without an offset are read in --tz, else in the zone the log reveals: a `Running job`
// line is written moments after its `scheduled at` instant, which carries its own offset.
// The scheduler here runs in Asia/Shanghai (+08:00): every run is scheduled at 13:05:10 UTC.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zoneFromName } from '../../src/readers/zone';
import * as L from './apscheduler-3.9.1-lines';
import { kinds, micros, readLog } from './read-log';

const EXEC = 'apscheduler.executors.default';
const SCHED = 'apscheduler.scheduler';

function lines(day: string, hour: string): string[] {
  return [
    `${day} ${hour}:05:09,500 INFO ${SCHED}: ${L.STARTED}`,
    `${day} ${hour}:05:10,004 INFO ${EXEC}: ${L.RUN_CRON}`,
    `${day} ${hour}:05:10,106 INFO ${EXEC}: ${L.OK_CRON}`,
    `${day} ${hour}:05:10,842 INFO ${EXEC}: ${L.RUN_QUOTED}`,
    `${day} ${hour}:05:11,003 INFO ${EXEC}: ${L.RUN_CRON_2}`,
  ];
}

const EXPECTED = [
  micros('2026-11-26T13:05:09.500Z'),
  micros('2026-11-26T13:05:10.004Z'),
  micros('2026-11-26T13:05:10.106Z'),
  micros('2026-11-26T13:05:10.842Z'),
  micros('2026-11-26T13:05:11.003Z'),
];

test('stamps in UTC without an offset, scheduler in +08:00: inferred UTC+00:00', async () => {
  const { events, stats } = await readLog(lines('2026-11-26', '13'));
  assert.deepEqual(kinds(events), ['scheduler-start', 'run-start', 'run-end', 'run-start', 'run-start']);
  assert.deepEqual(events.map((e) => e.ctx.time), EXPECTED);
  assert.ok(events.every((e) => !e.ctx.timeInferred));
  assert.equal(stats.zone, 'UTC+00:00 (inferred from 3 runs: stamps vs. scheduled at)');
  assert.equal(stats.firstTime, EXPECTED[0]);
  assert.equal(stats.lastTime, EXPECTED[4]);
});

test('local stamps in +08:00 without an offset: inferred UTC+08:00', async () => {
  const { events, stats } = await readLog(lines('2026-11-26', '21'));
  assert.deepEqual(events.map((e) => e.ctx.time), EXPECTED);
  assert.equal(stats.zone, 'UTC+08:00 (inferred from 3 runs: stamps vs. scheduled at)');
});

test('local stamps in -05:00', async () => {
  const { events, stats } = await readLog(lines('2026-11-26', '08'));
  assert.deepEqual(events.map((e) => e.ctx.time), EXPECTED);
  assert.equal(stats.zone, 'UTC-05:00 (inferred from 3 runs: stamps vs. scheduled at)');
});

test('--tz overrides the inference', async () => {
  const { events, stats } = await readLog(lines('2026-11-26', '21'), { zone: zoneFromName('Asia/Shanghai') });
  assert.deepEqual(events.map((e) => e.ctx.time), EXPECTED);
  assert.equal(stats.zone, 'Asia/Shanghai (from --tz)');
  // …and is obeyed even when the log says otherwise: the user knows where the stamps were written
  const utc = await readLog(lines('2026-11-26', '21'), { zone: zoneFromName('UTC') });
  assert.deepEqual(utc.events.map((e) => e.ctx.time), EXPECTED.map((t) => t + 8 * 3600e6));
  assert.equal(utc.stats.zone, 'UTC (from --tz)');
});

test('--tz with a fixed offset', async () => {
  const { events, stats } = await readLog(lines('2026-11-26', '21'), { zone: zoneFromName('+08:00') });
  assert.deepEqual(events.map((e) => e.ctx.time), EXPECTED);
  assert.equal(stats.zone, 'UTC+08:00 (from --tz)');
});

test('the smallest gap wins: a late run (misfire burst) does not skew the zone', async () => {
  const { events, stats } = await readLog([
    // a run picked up 40 minutes late after downtime, then an on-time one
    `2026-11-26 21:45:10,004 INFO ${EXEC}: ${L.RUN_CRON}`,
    `2026-11-26 21:45:11,003 INFO ${EXEC}: ${L.RUN_CRON_2.replace('21:05:11+08:00', '21:45:11+08:00')}`,
  ]);
  assert.equal(stats.zone, 'UTC+08:00 (inferred from 2 runs: stamps vs. scheduled at)');
  assert.equal(events[0].ctx.time, micros('2026-11-26T13:45:10.004Z'));
});

test('no runs to learn from: the machine\'s zone, said so', async () => {
  const { events, stats } = await readLog([`2026-11-26 13:05:09,500 INFO ${SCHED}: ${L.STARTED}`]);
  assert.equal(events.length, 1);
  assert.match(stats.zone, /\(the machine's zone: no runs to infer the log's zone from\)$/);
  const machine = zoneFromName('local');
  const wall = micros('2026-11-26T13:05:09.500Z');
  assert.equal(events[0].ctx.time, wall - machine.offsetAtWall(wall) * 60e6);
});

test('stamps with offsets need no zone; runs scheduled in another zone do not matter', async () => {
  const { events, stats } = await readLog([
    `2026-11-26T18:35:10.004+05:30 INFO [${EXEC}] ${L.RUN_CRON}`,
  ]);
  assert.equal(events[0].ctx.time, micros('2026-11-26T13:05:10.004Z'));
  assert.equal(stats.zone, 'not needed (every stamp carries its offset)');
});

test('more runs than the sample: the zone is decided early and every event keeps its order', async () => {
  const many: string[] = [];
  for (let i = 0; i < 30; i++) {
    const s = String(10 + i).padStart(2, '0');
    const run = L.RUN_CRON.replace('21:05:10+08:00', `21:05:${s}+08:00`);
    many.push(`2026-11-26 13:05:${s},004 INFO ${EXEC}: ${run}`, `2026-11-26 13:05:${s},106 INFO ${EXEC}: ${L.OK_CRON}`);
  }
  const { events, stats } = await readLog(many);
  assert.equal(events.length, 60);
  assert.deepEqual(events.map((e) => e.ctx.line), Array.from({ length: 60 }, (_, i) => i + 1));
  assert.equal(events[59].ctx.time, micros('2026-11-26T13:05:39.106Z'));
  assert.equal(stats.zone, 'UTC+00:00 (inferred from 20 runs: stamps vs. scheduled at)');
});

test('a catch-up burst longer than the sample: the zone comes from the on-time runs after it', async () => {
  // Restarted at 16:00:00 UTC after three hours down (coalesce=False, no grace): 30 missed
  // runs of an every-minute job, scheduled 13:05..13:34 UTC, all start within a second; then
  // the job runs on time at 16:00:10 and 16:01:10. The log stamps are UTC without an offset.
  const burst: string[] = [];
  for (let i = 0; i < 30; i++) {
    const minute = String(5 + i).padStart(2, '0');
    const ms = String(10 + i * 30).padStart(3, '0');
    const run = L.RUN_CRON.replace('21:05:10+08:00', `21:${minute}:10+08:00`);
    burst.push(`2026-11-26 16:00:00,${ms} INFO ${EXEC}: ${run}`);
  }
  burst.push(`2026-11-26 16:00:10,004 INFO ${EXEC}: ${L.RUN_CRON.replace('2026-11-26 21:05:10+08:00', '2026-11-27 00:00:10+08:00')}`);
  burst.push(`2026-11-26 16:01:10,004 INFO ${EXEC}: ${L.RUN_CRON.replace('2026-11-26 21:05:10+08:00', '2026-11-27 00:01:10+08:00')}`);
  const { events, stats } = await readLog(burst);
  assert.match(stats.zone, /^UTC\+00:00 \(inferred from/);
  assert.equal(events[0].ctx.time, micros('2026-11-26T16:00:00.010Z'));
  assert.equal(events[31].ctx.time, micros('2026-11-26T16:01:10.004Z'));
});
