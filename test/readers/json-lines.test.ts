// JSON logs read by the LogReader: records of every shape, tracebacks in a field or printed raw,
// JSON mixed with text line by line, JSON inside envelopes and envelopes inside JSON, --field,
// and a source made of several files (rotated parts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEvent } from '../../src/model/event';
import { parseFieldOption } from '../../src/readers/json-fields';
import { UserError } from '../../src/model/errors';
import * as L from './apscheduler-3.9.1-lines';
import { kinds, micros, readLog, readPath, tempDir } from './read-log';

const EXEC = 'apscheduler.executors.default';
const SCHED = 'apscheduler.scheduler';
/** RUN_CRON is scheduled at 13:05:10 UTC; the scheduler's zone is +08:00. */
const AT = micros('2026-11-26T13:05:10Z');

function pj(asctime: string, level: string, name: string, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ asctime, levelname: level, name, process: 3901, threadName: 'ThreadPoolExecutor-0_0', message, hostname: 'web-1', ...extra });
}

function runStart(events: LogEvent[]): Extract<LogEvent, { kind: 'run-start' }> {
  const e = events.find((x) => x.kind === 'run-start');
  assert.ok(e, 'a run start');
  return e as Extract<LogEvent, { kind: 'run-start' }>;
}

function runEnd(events: LogEvent[]): Extract<LogEvent, { kind: 'run-end' }> {
  const e = events.find((x) => x.kind === 'run-end');
  assert.ok(e, 'a run end');
  return e as Extract<LogEvent, { kind: 'run-end' }>;
}

test('python-json-logger: every field from the record; asctime without offset read in the inferred zone', async () => {
  const { events, stats } = await readLog([
    pj('2026-11-26 21:05:09,500', 'INFO', SCHED, L.STARTED, { threadName: 'MainThread' }),
    JSON.stringify({ asctime: '2026-11-26 21:05:09,900', levelname: 'INFO', name: 'app.http', message: 'GET /healthz 200' }),
    pj('2026-11-26 21:05:10,004', 'INFO', EXEC, L.RUN_CRON),
    pj('2026-11-26 21:05:10,106', 'INFO', EXEC, L.OK_CRON),
  ]);
  assert.deepEqual(kinds(events), ['scheduler-start', 'run-start', 'run-end']);
  const run = runStart(events);
  assert.equal(run.ctx.time, AT + 4000);
  assert.equal(run.ctx.host, 'web-1');
  assert.equal(run.ctx.pid, '3901');
  assert.equal(run.ctx.thread, 'ThreadPoolExecutor-0_0');
  assert.equal(run.ctx.level, 'INFO');
  assert.equal(run.ctx.logger, EXEC);
  assert.equal(run.ctx.line, 3);
  assert.ok(run.ctx.text.startsWith('{"asctime"'), 'evidence is the line as written');
  assert.equal(stats.lines, 4);
  assert.equal(stats.records, 3);
  assert.equal(stats.unrecognised, 0);
  assert.match(stats.format, /^auto: JSON lines, python-json-logger \(message=message, time=asctime, level=levelname, logger=name, host=hostname, pid=process, thread=threadName, time without offset\)$/);
  assert.match(stats.zone, /^UTC\+08:00 \(inferred/);
});

test('exc_info carries the traceback: the job-error exception line is the last exception of a chain', async () => {
  const { events } = await readLog([
    pj('2026-11-26 21:05:10,839', 'INFO', EXEC, L.RUN_BAD),
    pj('2026-11-26 21:05:10,840', 'ERROR', EXEC, L.FAIL_BAD, { exc_info: L.TRACEBACK_CHAINED.join('\n') }),
    pj('2026-11-26 21:05:11,004', 'INFO', EXEC, L.RUN_CRON_2),
  ]);
  const end = runEnd(events);
  assert.equal(end.outcome, 'error');
  assert.equal(end.exception, 'ValueError: feed payload malformed');
});

test('mixed content: a traceback printed raw after a JSON record, text records, and a broken JSON line', async () => {
  const { events, stats } = await readLog([
    pj('2026-11-26 21:05:10,839', 'INFO', EXEC, L.RUN_BAD),
    pj('2026-11-26 21:05:10,840', 'ERROR', EXEC, L.FAIL_SIMPLE),
    ...L.TRACEBACK_SIMPLE,
    '{"asctime": "2026-11-26 21:05:10,900", "message": "truncated',
    `2026-11-26 21:05:11,004 INFO ${EXEC}: ${L.RUN_CRON_2}`,
    pj('2026-11-26 21:05:11,106', 'INFO', EXEC, L.OK_CRON),
  ]);
  assert.deepEqual(kinds(events), ['run-start', 'run-end', 'run-start', 'run-end']);
  assert.equal(runEnd(events).exception, 'ValueError: kaboom');
  assert.equal(events[2].ctx.logger, EXEC);
  assert.equal(stats.unrecognised, 0);
});

test('an APScheduler logger with a message no pattern knows is counted, with the JSON line as sample', async () => {
  const odd = pj('2026-11-26 21:05:10,004', 'INFO', SCHED, 'Scheduler did something new');
  const { events, stats } = await readLog([odd, pj('2026-11-26 21:05:10,005', 'INFO', 'app', 'Scheduler started by hand')]);
  assert.deepEqual(kinds(events), []);
  assert.equal(stats.unrecognised, 1);
  assert.deepEqual(stats.unrecognisedSamples, [{ line: 1, text: odd }]);
});

test('structlog: event, level in lower case, ISO time with Z, exception', async () => {
  const sl = (event: string, level: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ event, level, logger: EXEC, timestamp: '2026-11-26T13:05:10.004113Z', host: 'web-2', process: 4120, thread_name: 'ThreadPoolExecutor-0_1', ...extra });
  const { events, stats } = await readLog([sl(L.RUN_CRON, 'info'), sl(L.FAIL_SIMPLE, 'error', { exception: L.TRACEBACK_SIMPLE.join('\n') })]);
  const run = runStart(events);
  assert.equal(run.ctx.time, AT + 4113);
  assert.equal(run.ctx.level, 'INFO');
  assert.equal(run.ctx.host, 'web-2');
  assert.equal(run.ctx.thread, 'ThreadPoolExecutor-0_1');
  assert.equal(stats.zone, 'not needed (every stamp carries its offset)');
  assert.equal(runEnd(events).exception, 'ValueError: kaboom');
  assert.match(stats.format, /^auto: JSON lines, structlog \(message=event, time=timestamp, level=level, logger=logger, host=host, pid=process, thread=thread_name\)$/);
});

test('Docker json-file around text records: the traceback arrives one line per record', async () => {
  const d = (log: string, time: string) => JSON.stringify({ log: log + '\n', stream: 'stderr', time });
  const { events, stats } = await readLog([
    d(`2026-11-26 21:05:10,839 [3901] INFO ${EXEC}: ${L.RUN_BAD}`, '2026-11-26T13:05:10.839412345Z'),
    d(`2026-11-26 21:05:10,840 [3901] ERROR ${EXEC}: ${L.FAIL_BAD}`, '2026-11-26T13:05:10.840001000Z'),
    ...L.TRACEBACK_CHAINED.map((l) => d(l, '2026-11-26T13:05:10.840101000Z')),
    d(`2026-11-26 21:05:11,004 [3901] INFO ${EXEC}: ${L.RUN_CRON_2}`, '2026-11-26T13:05:11.004513000Z'),
  ]);
  assert.deepEqual(kinds(events), ['run-start', 'run-end', 'run-start']);
  // The runtime's stamp has an offset: it dates the record (as for `docker logs -t`).
  assert.equal(events[0].ctx.time, micros('2026-11-26T13:05:10.839412Z'));
  assert.equal(events[0].ctx.pid, '3901');
  assert.equal(runEnd(events).exception, 'ValueError: feed payload malformed');
  assert.ok(events[1].ctx.text.startsWith('{"log":'));
  assert.equal(stats.format, 'auto: JSON lines, Docker json-file (time=time); the line inside: timestamp (no offset), level, logger, process id');
});

test('Docker json-file around python-json-logger: the inner record\'s fields, the runtime\'s instant', async () => {
  const inner = pj('2026-11-26 21:05:10,004', 'INFO', EXEC, L.RUN_CRON);
  const { events, stats } = await readLog([JSON.stringify({ log: inner + '\n', stream: 'stdout', time: '2026-11-26T13:05:10.004999999Z' })]);
  const run = runStart(events);
  assert.equal(run.ctx.time, micros('2026-11-26T13:05:10.004999Z'));
  assert.equal(run.ctx.host, 'web-1');
  assert.equal(run.ctx.pid, '3901');
  assert.match(stats.format, /Docker json-file \+ python-json-logger/);
});

test('journald: a MESSAGE with the traceback appended (JournalHandler), and MESSAGE as bytes', async () => {
  const j = (message: unknown, us: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ __CURSOR: 's=1;i=' + us, __REALTIME_TIMESTAMP: us, PRIORITY: '6', _HOSTNAME: 'web-3', _PID: '777', SYSLOG_IDENTIFIER: 'app', MESSAGE: message, ...extra });
  const bytes = [...Buffer.from(`\x1b[32mINFO\x1b[0m ${SCHED}: ${L.STARTED}`)];
  const { events } = await readLog([
    j(bytes, '1795698309500000'),
    j(`INFO ${EXEC}: ${L.RUN_BAD}`, '1795698310839000'),
    j([L.FAIL_SIMPLE, ...L.TRACEBACK_SIMPLE].join('\n'), '1795698310840000', { PRIORITY: '3', LOGGER: EXEC, THREAD_NAME: 'ThreadPoolExecutor-0_0' }),
  ]);
  assert.deepEqual(kinds(events), ['scheduler-start', 'run-start', 'run-end']);
  assert.equal(events[0].ctx.time, micros('2026-11-26T13:05:09.500Z'));
  assert.equal(events[0].ctx.host, 'web-3');
  assert.equal(events[0].ctx.pid, '777');
  const end = runEnd(events);
  assert.equal(end.exception, 'ValueError: kaboom');
  assert.equal(end.ctx.level, 'ERROR');
  assert.equal(end.ctx.logger, EXEC);
  assert.equal(end.ctx.thread, 'ThreadPoolExecutor-0_0');
});

test('kubectl logs --timestamps around JSON records: found from the first lines, the envelope dates naive stamps', async () => {
  const { events } = await readLog([
    '2026-11-26T13:05:09.500000000Z starting gunicorn',
    `2026-11-26T13:05:10.004113000Z ${pj('2026-11-26 21:05:10,004', 'INFO', EXEC, L.RUN_CRON)}`,
  ]);
  const run = runStart(events);
  assert.equal(run.ctx.time, AT + 4113);
  assert.equal(run.ctx.host, 'web-1');
});

test('Cloud Logging: jsonPayload record; textPayload line whose own level beats the stderr severity', async () => {
  const { events } = await readLog([
    JSON.stringify({ jsonPayload: { message: L.RUN_CRON, name: EXEC, process: 1 }, timestamp: '2026-11-26T13:05:10.004Z', severity: 'INFO', labels: { instanceId: '00c61b117c' }, resource: { type: 'cloud_run_revision', labels: { service_name: 'web' } } }),
    JSON.stringify({ textPayload: `WARNING:${EXEC}:${L.MISSED}\n`, timestamp: '2026-11-26T13:05:41.000Z', severity: 'ERROR', resource: { type: 'k8s_container', labels: { pod_name: 'web-7d9c5-x2x4q' } } }),
  ]);
  assert.deepEqual(kinds(events), ['run-start', 'misfire']);
  assert.equal(events[0].ctx.host, '00c61b117c');
  assert.equal(events[0].ctx.time, AT + 4000);
  assert.equal(events[1].ctx.level, 'WARNING');
  assert.equal(events[1].ctx.host, 'web-7d9c5-x2x4q');
});

test('one record written as JSON and as text by two handlers into one file: counted once', async () => {
  const both = (stamp: string, logger: string, msg: string) => [pj(stamp, 'INFO', logger, msg), `${stamp} [3901] INFO ${logger}: ${msg}`];
  const { events, stats } = await readLog([
    ...both('2026-11-26 21:05:09,500', SCHED, L.STARTED),
    ...both('2026-11-26 21:05:10,004', EXEC, L.RUN_CRON),
    ...both('2026-11-26 21:05:10,106', EXEC, L.OK_CRON),
  ]);
  assert.deepEqual(kinds(events), ['scheduler-start', 'run-start', 'run-end']);
  assert.equal(stats.echoes, 3);
});

test('--field: keys no shape knows, and an override beats a detected field', async () => {
  const line = (msg: string, ts: number) => JSON.stringify({ when: ts, text: msg, sev: 'info', src: EXEC, node: 'web-9', proc: 77, hostname: 'ignored' });
  const lines = [line(L.RUN_CRON, 1795698310.004), line(L.OK_CRON, 1795698310.106)];
  const fields = parseFieldOption('message=text,time=when,level=sev,logger=src,host=node,pid=proc');
  const { events, stats } = await readLog(lines, { fields });
  const run = runStart(events);
  assert.equal(run.ctx.time, AT + 4000);
  assert.equal(run.ctx.host, 'web-9');
  assert.equal(run.ctx.pid, '77');
  assert.equal(run.ctx.level, 'INFO');
  assert.match(stats.format, /--field/);
  // Without the map the message is still found (a text holding an APScheduler message), but not the time.
  const auto = await readLog(lines);
  assert.deepEqual(kinds(auto.events), ['run-start', 'run-end']);
  assert.equal(runStart(auto.events).ctx.host, 'ignored');
  assert.equal(runStart(auto.events).ctx.timeInferred, true);
});

test('--field: one-line errors for an unknown field or a missing key', () => {
  assert.deepEqual(parseFieldOption('message=msg, time=ts ,host=host.name'), { message: 'msg', time: 'ts', host: 'host.name' });
  for (const bad of ['mesage=msg', 'time=', 'pid']) {
    assert.throws(() => parseFieldOption(bad), (err: unknown) => err instanceof UserError && !err.message.includes('\n') && err.message.startsWith('--field'));
  }
});

test('the host option (--host-from filename) wins over the records', async () => {
  const { events } = await readLog([pj('2026-11-26 21:05:10,004', 'INFO', EXEC, L.RUN_CRON)], { host: 'web-7' });
  assert.equal(runStart(events).ctx.host, 'web-7');
});

test('a source of several files (rotated parts): read in order, evidence names the file, one stream', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const old = join(dir, 'app.log.1');
    const live = join(dir, 'app.log');
    writeFileSync(old, [`2026-11-26 21:05:09,500 [3901] INFO ${SCHED}: ${L.STARTED}`, `2026-11-26 21:05:10,004 [3901] INFO ${EXEC}: ${L.RUN_CRON}`].join('\n') + '\n');
    writeFileSync(live, [pj('2026-11-26 21:05:10,106', 'INFO', EXEC, L.OK_CRON), `2026-11-26 21:05:10,200 [3901] INFO ${SCHED}: ${L.ADDED_CRON}`].join('\n') + '\n');
    const { events, stats } = await readPath(live, { files: [old, live] });
    assert.deepEqual(kinds(events), ['scheduler-start', 'run-start', 'run-end', 'job-added']);
    assert.deepEqual(events.map((e) => [e.ctx.source, e.ctx.line, e.ctx.stream]), [[old, 1, live], [old, 2, live], [live, 1, live], [live, 2, live]]);
    assert.equal(stats.source, live);
    assert.deepEqual(stats.files, [old, live]);
    assert.equal(stats.lines, 4);
  } finally {
    cleanup();
  }
});

test('quotes written as \\u0022 and no logger name: still found', async () => {
  const line = JSON.stringify({ time: '2026-11-26T13:05:10.004Z', msg: L.RUN_CRON }).replace(/\\"/g, '\\u0022');
  assert.ok(line.includes('\\u0022cronjob'));
  const { events } = await readLog([line]);
  assert.equal(runStart(events).ctx.time, AT + 4000);
});
