// `raised an exception` records carry a traceback on the following lines: one run-end event whose
// exception is the final exception line, and none of the traceback lines counted as unrecognised.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from '../../src/model/event';
import * as L from './apscheduler-3.9.1-lines';
import { kinds, micros, readLog } from './read-log';

function runEnds(events: LogEvent[]) {
  return events.flatMap((e) => (e.kind === 'run-end' ? [{ name: e.job.name, outcome: e.outcome, exception: e.exception, line: e.ctx.line }] : []));
}

const asctime = (hms: string, logger: string, level: string, msg: string) => `2026-11-26 ${hms} - ${logger} - ${level} - ${msg}`;
const EXEC = 'apscheduler.executors.default';

test('chained exception: one run-end with the final exception line', async () => {
  const { events, stats } = await readLog([
    asctime('13:05:10,840', EXEC, 'INFO', L.RUN_BAD),
    asctime('13:05:10,841', EXEC, 'ERROR', L.FAIL_BAD),
    ...L.TRACEBACK_CHAINED,
    asctime('13:05:11,002', EXEC, 'INFO', L.RUN_CRON_2),
  ]);
  assert.deepEqual(kinds(events), ['run-start', 'run-end', 'run-start']);
  assert.deepEqual(runEnds(events), [{ name: 'bad', outcome: 'error', exception: 'ValueError: feed payload malformed', line: 2 }]);
  assert.equal(events[1].ctx.time, micros('2026-11-26T13:05:10.841Z'));
  assert.equal(events[1].ctx.level, 'ERROR');
  assert.equal(events[2].ctx.line, 3 + L.TRACEBACK_CHAINED.length);
  assert.equal(stats.unrecognised, 0);
  assert.equal(stats.records, 3);
  assert.equal(stats.lines, 3 + L.TRACEBACK_CHAINED.length);
});

test('two failing runs back to back, then an application line', async () => {
  const { events, stats } = await readLog([
    asctime('13:05:10,841', EXEC, 'ERROR', L.FAIL_BAD),
    ...L.TRACEBACK_CHAINED,
    asctime('13:05:10,842', EXEC, 'ERROR', L.FAIL_SIMPLE),
    ...L.TRACEBACK_SIMPLE,
    asctime('13:05:10,900', 'shop.mail', 'INFO', 'newsletter batch sent to 120 recipients'),
  ]);
  assert.deepEqual(runEnds(events), [
    { name: 'bad', outcome: 'error', exception: 'ValueError: feed payload malformed', line: 1 },
    { name: 'simple', outcome: 'error', exception: 'ValueError: kaboom', line: 2 + L.TRACEBACK_CHAINED.length },
  ]);
  assert.equal(stats.unrecognised, 0);
});

test('a traceback at the end of the file', async () => {
  const { events, stats } = await readLog([asctime('13:05:10,842', EXEC, 'ERROR', L.FAIL_SIMPLE), ...L.TRACEBACK_SIMPLE]);
  assert.deepEqual(runEnds(events), [{ name: 'simple', outcome: 'error', exception: 'ValueError: kaboom', line: 1 }]);
  assert.equal(stats.unrecognised, 0);
});

test('default basicConfig (no timestamps): the next record ends the traceback', async () => {
  const { events, stats } = await readLog([
    `ERROR:${EXEC}:${L.FAIL_SIMPLE}`,
    ...L.TRACEBACK_SIMPLE,
    `INFO:${EXEC}:${L.RUN_CRON}`,
  ]);
  assert.deepEqual(kinds(events), ['run-end', 'run-start']);
  assert.deepEqual(runEnds(events), [{ name: 'simple', outcome: 'error', exception: 'ValueError: kaboom', line: 1 }]);
  assert.equal(stats.unrecognised, 0);
});

test('inside docker compose prefixes, blank lines with and without the trailing space', async () => {
  const compose = (l: string) => (l === '' ? 'web-1  |' : `web-1  | ${l}`);
  const tb = L.TRACEBACK_CHAINED.map(compose);
  tb[tb.indexOf('web-1  |', tb.indexOf('web-1  |') + 1)] = 'web-1  | ';
  const { events, stats } = await readLog([
    compose(`2026-11-26 13:05:10,841 ERROR ${EXEC}: ${L.FAIL_BAD}`),
    ...tb,
    'worker-1  | 2026-11-26 13:05:10,900 INFO celery.worker: ready',
    compose(`2026-11-26 13:05:11,002 INFO ${EXEC}: ${L.RUN_CRON_2}`),
  ]);
  assert.deepEqual(kinds(events), ['run-end', 'run-start']);
  assert.deepEqual(runEnds(events), [{ name: 'bad', outcome: 'error', exception: 'ValueError: feed payload malformed', line: 1 }]);
  assert.equal(events[0].ctx.host, 'web-1');
  assert.equal(stats.unrecognised, 0);
});

test('inside kubectl --timestamps prefixes (indented frames, blank lines)', async () => {
  const k8s = (l: string) => `2026-11-26T13:05:10.841${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}Z ${l}`;
  const { events, stats } = await readLog([
    k8s(`2026-11-26 13:05:10,841 ERROR ${EXEC}: ${L.FAIL_BAD}`),
    ...L.TRACEBACK_CHAINED.map(k8s),
    k8s(`2026-11-26 13:05:11,002 INFO ${EXEC}: ${L.RUN_CRON_2}`),
  ]);
  assert.deepEqual(kinds(events), ['run-end', 'run-start']);
  assert.deepEqual(runEnds(events), [{ name: 'bad', outcome: 'error', exception: 'ValueError: feed payload malformed', line: 1 }]);
  assert.equal(stats.unrecognised, 0);
});

test('inside CRI stdout F prefixes', async () => {
  const cri = (l: string) => `2026-11-26T13:05:10.841000000Z stderr F ${l}`;
  const { events, stats } = await readLog([
    cri(`ERROR:${EXEC}:${L.FAIL_SIMPLE}`),
    ...L.TRACEBACK_SIMPLE.map(cri),
    cri(`INFO:${EXEC}:${L.RUN_CRON_2}`),
  ]);
  assert.deepEqual(runEnds(events), [{ name: 'simple', outcome: 'error', exception: 'ValueError: kaboom', line: 1 }]);
  assert.equal(stats.unrecognised, 0);
});

test('inside journald / syslog prefixes', async () => {
  const sys = (l: string) => `Nov 26 13:05:10 web-1 app[1234]: ${l}`;
  const { events, stats } = await readLog([
    sys(`2026-11-26 13:05:10,841 ERROR ${EXEC}: ${L.FAIL_BAD}`),
    ...L.TRACEBACK_CHAINED.map(sys),
    sys(`2026-11-26 13:05:11,002 INFO ${EXEC}: ${L.RUN_CRON_2}`),
  ]);
  assert.deepEqual(runEnds(events), [{ name: 'bad', outcome: 'error', exception: 'ValueError: feed payload malformed', line: 1 }]);
  assert.equal(events[0].ctx.pid, '1234');
  assert.equal(stats.unrecognised, 0);
});

test('the failing fixture (real 3.9.1 output): exceptions per run, nothing unrecognised', async () => {
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync('test/fixtures/failing/app.log', 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const { events, stats } = await readLog(lines);
  const errors = runEnds(events).filter((r) => r.outcome === 'error');
  const expectedExceptions: Record<string, string> = {
    charge_cards: 'jobs.PaymentGatewayError: gateway returned 502 for amount=250',
    import_feed: 'RuntimeError: feed payload malformed',
    flaky_fetch: 'ConnectionError: upstream timed out',
  };
  assert.ok(errors.length > 0);
  for (const e of errors) assert.ok(e.exception?.startsWith(expectedExceptions[e.name]), `${e.name}: ${e.exception}`);
  assert.equal(stats.unrecognised, 0);
});

test('an application traceback ending in an apscheduler exception is not an unrecognised line', async () => {
  const { events, stats } = await readLog([
    '2026-11-26 13:05:09,000 - apscheduler.scheduler - INFO - Scheduler started',
    'Traceback (most recent call last):',
    '  File "/usr/lib/python3/dist-packages/apscheduler/schedulers/base.py", line 871, in _real_add_job',
    '    store.add_job(job)',
    '  File "/usr/lib/python3/dist-packages/apscheduler/jobstores/memory.py", line 41, in add_job',
    '    raise ConflictingIdError(job.id)',
    "apscheduler.jobstores.base.ConflictingIdError: 'Job identifier (q) conflicts with an existing job'",
  ]);
  assert.deepEqual(kinds(events), ['scheduler-start']);
  assert.equal(stats.unrecognised, 0);
});

test('an echoed failing record: its second traceback is skipped too', async () => {
  const tb = [...L.TRACEBACK_SIMPLE.slice(0, -1), "apscheduler.jobstores.base.JobLookupError: 'No job by the id of q was found'"];
  const line = asctime('13:05:10,842', EXEC, 'ERROR', L.FAIL_SIMPLE);
  const { events, stats } = await readLog([line, ...tb, line, ...tb]);
  assert.equal(runEnds(events).length, 1);
  assert.equal(runEnds(events)[0].exception, "apscheduler.jobstores.base.JobLookupError: 'No job by the id of q was found'");
  assert.equal(stats.echoes, 1);
  assert.equal(stats.unrecognised, 0);
});
