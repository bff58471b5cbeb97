// A record whose message continues on the next line (a shipper or a terminal wrapped it, a
// runtime split it) is put back together: one event, counted in stats.joined.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from '../../src/model/event';
import * as L from './apscheduler-3.9.1-lines';
import { kinds, micros, readLog } from './read-log';

const EXEC = 'apscheduler.executors.default';
const HEAD = L.RUN_QUOTED.slice(0, L.RUN_QUOTED.indexOf(' (scheduled at'));
const TAIL = L.RUN_QUOTED.slice(HEAD.length); // ' (scheduled at 2026-11-26 21:05:10.838766+08:00)'

function runStart(e: LogEvent) {
  assert.equal(e.kind, 'run-start');
  if (e.kind !== 'run-start') throw new Error('unreachable');
  return { name: e.job.name, at: e.scheduledAt.at, line: e.ctx.line, time: e.ctx.time, thread: e.ctx.thread };
}

test('wrapped before " (scheduled at", the continuation indented', async () => {
  const { events, stats } = await readLog([
    `2026-11-26 13:05:10,840 INFO [ThreadPoolExecutor-0_0] ${EXEC}: ${HEAD}`,
    `    ${TAIL.trimStart()}`,
    `2026-11-26 13:05:10,950 INFO [ThreadPoolExecutor-0_0] ${EXEC}: ${L.OK_QUOTED}`,
  ]);
  assert.deepEqual(kinds(events), ['run-start', 'run-end']);
  assert.deepEqual(runStart(events[0]), {
    name: L.QUOTED_NAME, at: micros('2026-11-26T13:05:10.838766Z'), line: 1,
    time: micros('2026-11-26T13:05:10.840Z'), thread: 'ThreadPoolExecutor-0_0',
  });
  assert.equal(events[0].ctx.text.split('\n').length, 2);
  assert.equal(stats.joined, 1);
  assert.equal(stats.unrecognised, 0);
  assert.equal(stats.records, 2);
});

test('wrapped at a fixed width, in the middle of a word', async () => {
  const line = `2026-11-26 13:05:10,840 INFO ${EXEC}: ${L.RUN_QUOTED}`;
  const { events, stats } = await readLog([line.slice(0, 120), line.slice(120)]);
  assert.deepEqual(runStart(events[0]).name, L.QUOTED_NAME);
  assert.equal(runStart(events[0]).at, micros('2026-11-26T13:05:10.838766Z'));
  assert.equal(stats.joined, 1);
  assert.equal(stats.unrecognised, 0);
});

test('wrapped inside docker compose prefixes', async () => {
  const { events, stats } = await readLog([
    `web-1  | 2026-11-26 13:05:10,840 INFO ${EXEC}: ${HEAD}`,
    `web-1  | ${TAIL.trimStart()}`,
  ]);
  assert.deepEqual(kinds(events), ['run-start']);
  assert.equal(events[0].ctx.host, 'web-1');
  assert.equal(runStart(events[0]).name, L.QUOTED_NAME);
  assert.equal(stats.joined, 1);
});

test('a CRI partial line (P) continued by the final one (F)', async () => {
  const { events, stats } = await readLog([
    `2026-11-26T13:05:10.840000000Z stderr P INFO:${EXEC}:${L.RUN_CRON.slice(0, 60)}`,
    `2026-11-26T13:05:10.840000000Z stderr F ${L.RUN_CRON.slice(60)}`,
  ]);
  assert.deepEqual(kinds(events), ['run-start']);
  assert.equal(runStart(events[0]).at, micros('2026-11-26T13:05:10Z'));
  assert.equal(events[0].ctx.time, micros('2026-11-26T13:05:10.840Z'));
  assert.equal(stats.joined, 1);
});

test('a cut line that never continues is unrecognised, and the next record still counts', async () => {
  const { events, stats } = await readLog([
    `2026-11-26 13:05:10,840 INFO ${EXEC}: ${HEAD}`,
    `2026-11-26 13:05:10,950 INFO ${EXEC}: ${L.OK_QUOTED}`,
  ]);
  assert.deepEqual(kinds(events), ['run-end']);
  assert.equal(stats.joined, 0);
  assert.equal(stats.unrecognised, 1);
  assert.deepEqual(stats.unrecognisedSamples, [{ line: 1, text: `2026-11-26 13:05:10,840 INFO ${EXEC}: ${HEAD}` }]);
});

test('a cut line at the end of the file is unrecognised', async () => {
  const { events, stats } = await readLog([`2026-11-26 13:05:10,840 INFO ${EXEC}: ${HEAD}`]);
  assert.deepEqual(kinds(events), []);
  assert.equal(stats.unrecognised, 1);
});

test('a format with a newline before %(message)s: the head line and the message line are one record', async () => {
  const { events, stats } = await readLog([
    `2026-11-26 21:05:10,841 [4130] INFO ${EXEC}:`,
    L.RUN_QUOTED,
    `2026-11-26 21:05:11,100 [4130] INFO ${EXEC}:`,
    'Something this tool does not know',
  ]);
  assert.deepEqual(kinds(events), ['run-start']);
  const r = runStart(events[0]);
  assert.equal(r.line, 1);
  assert.equal(events[0].ctx.pid, '4130');
  assert.ok(r.time !== undefined);
  assert.equal(stats.unrecognised, 1, 'a head whose next line is no APScheduler message stays visible');
});
