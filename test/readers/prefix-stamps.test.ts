// Reading what the prefix says (issue 11): non-ISO `datefmt` stamps, --date-format, day/month
// order decided from the data or reported as ambiguous, a --tz the log contradicts, offsets beyond
// ±14:00, and Django's `verbose` formatter (pid and thread without labels). The sample lines are
// the formats' contract, as lnav keeps sample lines beside each format.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileDateFormat, findDateFormat } from '../../src/readers/date-format';
import { UserError } from '../../src/model/errors';
import { findStamps, pickStamp } from '../../src/readers/timestamp';
import { zoneFromName } from '../../src/readers/zone';
import * as L from './apscheduler-3.9.1-lines';
import { micros, readLog } from './read-log';

const EXEC = 'apscheduler.executors.default';
const iso = (wall: number | undefined) => (wall === undefined ? undefined : new Date(wall / 1000).toISOString());

/** Sample prefixes of common `datefmt`s and the wall time each must give (the alternative order when it is open). */
const SAMPLES: { line: string; wall: string; alt?: string; form: string }[] = [
  { line: '26/11/2026 14:18:47 INFO ', wall: '2026-11-26T14:18:47.000Z', form: 'day-month' },
  { line: '11/26/2026 02:18:47 PM INFO ', wall: '2026-11-26T14:18:47.000Z', form: 'month-day' },
  { line: '11/26/2026 12:05:00 AM INFO ', wall: '2026-11-26T00:05:00.000Z', form: 'month-day' },
  { line: '[03/04/2026 14:18:47,250] INFO ', wall: '2026-04-03T14:18:47.250Z', alt: '2026-03-04T14:18:47.250Z', form: 'day-month' },
  { line: '26.11.2026 14:18:47 - INFO - ', wall: '2026-11-26T14:18:47.000Z', form: 'day-month' },
  { line: 'INFO Nov 26 14:18:47 ', wall: '-11-26T14:18:47.000Z', form: 'syslog' },
  { line: 'Nov 26 14:18:47,120 INFO ', wall: '-11-26T14:18:47.120Z', form: 'syslog' },
];

test('non-ISO datefmt stamps are stamps: day/month, month/day with AM/PM, dotted, month names', () => {
  for (const s of SAMPLES) {
    const stamp = pickStamp(findStamps(s.line));
    assert.ok(stamp, s.line);
    assert.equal(stamp.form, s.form, s.line);
    if (s.form === 'syslog') assert.ok(iso(stamp.wall)!.endsWith(s.wall), `${s.line}: ${iso(stamp.wall)}`);
    else assert.equal(iso(stamp.wall), s.wall, s.line);
    assert.equal(iso(stamp.altWall), s.alt, s.line);
  }
  // Not dates: a version, a fraction, a day 31 in a 30-day month both ways.
  assert.equal(pickStamp(findStamps('v1/2/2026 rev ')), undefined);
  assert.equal(pickStamp(findStamps('31/04/2026 10:00:00 ')), undefined);
});

test('--date-format takes Python datefmt: exact order, 12-hour clocks, month names, msecs after', () => {
  const cases: [string, string, string][] = [
    ['%d/%m/%Y %H:%M:%S', 'x 03/04/2026 14:18:47 INFO', '2026-04-03T14:18:47.000Z'],
    ['%m/%d/%Y %H:%M:%S', 'x 03/04/2026 14:18:47 INFO', '2026-03-04T14:18:47.000Z'],
    ['%m/%d/%Y %I:%M:%S %p', '03/04/2026 02:18:47 PM INFO', '2026-03-04T14:18:47.000Z'],
    ['%d-%b-%y %H:%M:%S', '[04-Mar-26 14:18:47,120] INFO', '2026-03-04T14:18:47.120Z'],
    ['%Y%m%dT%H%M%S%z', '20260304T141847+0100 INFO', '2026-03-04T14:18:47.000Z'],
  ];
  for (const [fmt, line, wall] of cases) {
    const stamp = findDateFormat(compileDateFormat(fmt), line);
    assert.ok(stamp, `${fmt} on ${line}`);
    assert.equal(iso(stamp.wall), wall, fmt);
  }
  assert.equal(findDateFormat(compileDateFormat('%Y%m%dT%H%M%S%z'), '20260304T141847+0100')!.offsetMinutes, 60);
  assert.throws(() => compileDateFormat('%Q %H'), (e: unknown) => e instanceof UserError && /unsupported directive %Q/.test(e.message));
  assert.throws(() => compileDateFormat('%Y-%m-%d'), (e: unknown) => e instanceof UserError && /no hour/.test(e.message));
});

const RUN = (day: string) => `Running job "tick (trigger: interval[0:00:10], next run at: 2026-${day} 14:19:07 UTC)" (scheduled at 2026-${day} 14:18:57.120000+00:00)`;
const DONE = (day: string) => `Job "tick (trigger: interval[0:00:10], next run at: 2026-${day} 14:19:07 UTC)" executed successfully`;

test('day/month order from a number above 12, or from the dates of scheduled at; records before the proof are read with it', async () => {
  // Month first, proven only by the run's ISO date: the record before it is corrected too.
  const { events, stats } = await readLog([
    `12/03/2026 02:18:50 PM INFO apscheduler.scheduler ${L.STARTED}`,
    `12/03/2026 02:18:57 PM INFO ${EXEC} ${RUN('12-03')}`,
    `12/03/2026 02:18:58 PM INFO ${EXEC} ${DONE('12-03')}`,
  ], { zone: zoneFromName('UTC') });
  assert.deepEqual(events.map((e) => e.ctx.time), [micros('2026-12-03T14:18:50Z'), micros('2026-12-03T14:18:57Z'), micros('2026-12-03T14:18:58Z')]);
  assert.equal(stats.warnings, undefined);
  assert.match(stats.format, /timestamp \(month-day\)/);
  // Day first, proven by a later line's 13.
  const late = await readLog([
    `03/12/2026 23:59:59 INFO apscheduler.scheduler ${L.STARTED}`,
    `13/12/2026 00:00:01 INFO apscheduler.scheduler ${L.SHUT_DOWN}`,
  ], { zone: zoneFromName('UTC') });
  assert.deepEqual(late.events.map((e) => e.ctx.time), [micros('2026-12-03T23:59:59Z'), micros('2026-12-13T00:00:01Z')]);
  assert.equal(late.stats.warnings, undefined);
});

test('a day/month order nothing decides is reported as ambiguous; --date-format makes it certain', async () => {
  const lines = [`03/04/2026 14:18:58 INFO apscheduler.scheduler ${L.STARTED}`];
  const open = await readLog(lines, { zone: zoneFromName('UTC') });
  assert.equal(open.events[0].ctx.time, micros('2026-04-03T14:18:58Z'));
  assert.equal(open.stats.warnings?.length, 1);
  assert.match(open.stats.warnings![0], /day and month order .* ambiguous.*--date-format/);
  const sure = await readLog(lines, { zone: zoneFromName('UTC'), dateFormat: compileDateFormat('%m/%d/%Y %H:%M:%S') });
  assert.equal(sure.events[0].ctx.time, micros('2026-03-04T14:18:58Z'));
  assert.equal(sure.stats.warnings, undefined);
});

test('a --tz the scheduled-at instants contradict is warned about; a right one, or late runs, are not', async () => {
  const run = (i: number, late = '004') => `2026-11-26 22:0${i}:00,${late} INFO ${EXEC}: Running job "tick (trigger: interval[0:01:00], next run at: 2026-11-26 14:0${i + 1}:00 UTC)" (scheduled at 2026-11-26 14:0${i}:00+00:00)`;
  const lines = [0, 1, 2, 3].map((i) => run(i));
  const wrong = await readLog(lines, { zone: zoneFromName('UTC') });
  assert.equal(wrong.stats.warnings?.length, 1);
  assert.match(wrong.stats.warnings![0], /^--tz UTC \(UTC\+00:00\) disagrees with the log: its stamps are UTC\+08:00 by the `scheduled at` of 4 runs/);
  assert.equal(wrong.events[0].ctx.time, micros('2026-11-26T22:00:00.004Z'), 'read in the zone asked for');
  const right = await readLog(lines, { zone: zoneFromName('+08:00') });
  assert.equal(right.stats.warnings, undefined);
  assert.equal((await readLog(lines, { zone: zoneFromName('Asia/Shanghai') })).stats.warnings, undefined);
  // Two runs are not enough to contradict the user.
  assert.equal((await readLog(lines.slice(0, 2), { zone: zoneFromName('UTC') })).stats.warnings, undefined);
});

test('time zone offsets beyond ±14:00 are rejected', () => {
  for (const bad of ['+15:00', '-14:30', '+99', '+08:75']) {
    assert.throws(() => zoneFromName(bad), (e: unknown) => e instanceof UserError && /out of range/.test(e.message), bad);
  }
  for (const ok of ['+14:00', '-12:00', '+05:45', '-03']) assert.doesNotThrow(() => zoneFromName(ok), ok);
});

test("Django's verbose formatter: the pid is read, and two processes' same-millisecond records are not echoes", async () => {
  const line = (pid: string, tid: string, msg: string) => `INFO 2026-11-26 14:18:57,130 base ${pid} ${tid} ${msg}`;
  const { events, stats } = await readLog([
    line('4101', '139876543210', RUN('11-26')),
    line('4102', '139876543299', RUN('11-26')),
    line('4101', '139876543210', DONE('11-26')),
    line('4102', '139876543299', DONE('11-26')),
  ], { zone: zoneFromName('UTC') });
  assert.equal(stats.echoes, 0);
  assert.deepEqual(events.map((e) => e.ctx.pid), ['4101', '4102', '4101', '4102']);
  assert.deepEqual(events.map((e) => e.ctx.thread), ['139876543210', '139876543299', '139876543210', '139876543299']);
  assert.match(stats.format, /process id, thread/);
});
