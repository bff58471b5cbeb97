// End to end: real APScheduler 3.9.1 message bodies in the prefixes deployments put around them,
// read from a temp file by the LogReader. The run in every case: scheduled at 13:05:10 UTC
// (21:05:10+08:00), logged at 13:05:10.004 UTC and finished at 13:05:10.106 UTC.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent, RecordContext } from '../../src/model/event';
import { compileLogFormat } from '../../src/readers/python-logging-format';
import { OK_CRON, RUN_CRON, STARTED } from './apscheduler-3.9.1-lines';
import { kinds, micros, readLog } from './read-log';

type Seen = Partial<Pick<RecordContext, 'time' | 'timeInferred' | 'level' | 'logger' | 'pid' | 'thread' | 'host'>>;

function seen(e: LogEvent): Seen {
  const out: Seen = {};
  for (const k of ['time', 'timeInferred', 'level', 'logger', 'pid', 'thread', 'host'] as const) {
    if (e.ctx[k] !== undefined) (out as Record<string, unknown>)[k] = e.ctx[k];
  }
  return out;
}

const SCHEDULED = micros('2026-11-26T13:05:10Z');
const STARTED_AT = micros('2026-11-26T13:05:09.500Z');
const RUN_AT = micros('2026-11-26T13:05:10.004Z');
const DONE_AT = micros('2026-11-26T13:05:10.106Z');

async function threeRecords(lines: string[], options = {}, scheduled = SCHEDULED) {
  const { events, stats } = await readLog(lines, options);
  assert.deepEqual(kinds(events), ['scheduler-start', 'run-start', 'run-end']);
  assert.equal(stats.records, 3);
  assert.equal(stats.unrecognised, 0);
  assert.equal(stats.echoes, 0);
  const run = events[1];
  assert.equal(run.kind === 'run-start' && run.scheduledAt.at, scheduled);
  return { events, stats, start: seen(events[0]), run: seen(events[1]), end: seen(events[2]) };
}

test('default basicConfig (no timestamp): times come from scheduled at, marked inferred', async () => {
  const r = await threeRecords([
    `INFO:apscheduler.scheduler:${STARTED}`,
    `INFO:apscheduler.executors.default:${RUN_CRON}`,
    `INFO:apscheduler.executors.default:${OK_CRON}`,
  ]);
  assert.deepEqual(r.start, { time: SCHEDULED, timeInferred: true, level: 'INFO', logger: 'apscheduler.scheduler' });
  assert.deepEqual(r.run, { time: SCHEDULED, timeInferred: true, level: 'INFO', logger: 'apscheduler.executors.default' });
  assert.deepEqual(r.end, { time: SCHEDULED, timeInferred: true, level: 'INFO', logger: 'apscheduler.executors.default' });
  assert.equal(r.stats.format, 'auto: no timestamp, level, logger');
  assert.equal(r.stats.zone, 'not needed (no timestamps on the lines)');
  assert.equal(r.stats.firstTime, undefined);
});

test('%(asctime)s - %(name)s - %(levelname)s - %(message)s', async () => {
  const r = await threeRecords([
    `2026-11-26 13:05:09,500 - apscheduler.scheduler - INFO - ${STARTED}`,
    `2026-11-26 13:05:10,004 - apscheduler.executors.default - INFO - ${RUN_CRON}`,
    `2026-11-26 13:05:10,106 - apscheduler.executors.default - INFO - ${OK_CRON}`,
  ]);
  assert.deepEqual(r.start, { time: STARTED_AT, level: 'INFO', logger: 'apscheduler.scheduler' });
  assert.deepEqual(r.run, { time: RUN_AT, level: 'INFO', logger: 'apscheduler.executors.default' });
  assert.deepEqual(r.end, { time: DONE_AT, level: 'INFO', logger: 'apscheduler.executors.default' });
  assert.equal(r.stats.format, 'auto: timestamp (no offset), level, logger');
  assert.match(r.stats.zone, /^UTC\+00:00 \(inferred from 1 run: stamps vs\. scheduled at\)$/);
  assert.equal(r.stats.firstTime, STARTED_AT);
  assert.equal(r.stats.lastTime, DONE_AT);
});

test('padded %(levelname)-8s [%(threadName)s] %(name)s', async () => {
  const r = await threeRecords([
    `2026-11-26 13:05:09,500 INFO     [MainThread] apscheduler.scheduler: ${STARTED}`,
    `2026-11-26 13:05:10,004 INFO     [ThreadPoolExecutor-0_0] apscheduler.executors.default: ${RUN_CRON}`,
    `2026-11-26 13:05:10,106 INFO     [ThreadPoolExecutor-0_0] apscheduler.executors.default: ${OK_CRON}`,
  ]);
  assert.deepEqual(r.start, { time: STARTED_AT, level: 'INFO', logger: 'apscheduler.scheduler', thread: 'MainThread' });
  assert.deepEqual(r.run, { time: RUN_AT, level: 'INFO', logger: 'apscheduler.executors.default', thread: 'ThreadPoolExecutor-0_0' });
  assert.deepEqual(r.end, { time: DONE_AT, level: 'INFO', logger: 'apscheduler.executors.default', thread: 'ThreadPoolExecutor-0_0' });
});

test('gunicorn: [stamp +0000] [pid] [LEVEL]', async () => {
  const r = await threeRecords([
    `[2026-11-26 13:05:09 +0000] [1234] [INFO] ${STARTED}`,
    `[2026-11-26 13:05:10 +0000] [1234] [INFO] ${RUN_CRON}`,
    `[2026-11-26 13:05:10 +0000] [1234] [INFO] ${OK_CRON}`,
  ]);
  assert.deepEqual(r.start, { time: micros('2026-11-26T13:05:09Z'), level: 'INFO', pid: '1234' });
  assert.deepEqual(r.run, { time: SCHEDULED, level: 'INFO', pid: '1234' });
  assert.deepEqual(r.end, { time: SCHEDULED, level: 'INFO', pid: '1234' });
  assert.equal(r.stats.zone, 'not needed (every stamp carries its offset)');
});

test('Django {levelname} {asctime} {module} {process:d} {thread:d} {message} with --log-format', async () => {
  const logFormat = compileLogFormat('{levelname} {asctime} {module} {process:d} {thread:d} {message}');
  const r = await threeRecords([
    `INFO 2026-11-26 13:05:09,500 base 1234 140001 ${STARTED}`,
    `INFO 2026-11-26 13:05:10,004 base 1234 140002 ${RUN_CRON}`,
    `INFO 2026-11-26 13:05:10,106 base 1234 140002 ${OK_CRON}`,
  ], { logFormat });
  assert.deepEqual(r.start, { time: STARTED_AT, level: 'INFO', pid: '1234', thread: '140001' });
  assert.deepEqual(r.run, { time: RUN_AT, level: 'INFO', pid: '1234', thread: '140002' });
  assert.deepEqual(r.end, { time: DONE_AT, level: 'INFO', pid: '1234', thread: '140002' });
  assert.equal(r.stats.format, "--log-format '{levelname} {asctime} {module} {process:d} {thread:d} {message}'");
});

test('Django format without --log-format: stamp and level still found', async () => {
  const r = await threeRecords([
    `INFO 2026-11-26 13:05:09,500 base 1234 140001 ${STARTED}`,
    `INFO 2026-11-26 13:05:10,004 base 1234 140002 ${RUN_CRON}`,
    `INFO 2026-11-26 13:05:10,106 base 1234 140002 ${OK_CRON}`,
  ]);
  assert.deepEqual(r.run, { time: RUN_AT, level: 'INFO' });
});

test('Flask [%(asctime)s] %(levelname)s in %(module)s: %(message)s', async () => {
  const r = await threeRecords([
    `[2026-11-26 13:05:09,500] INFO in base: ${STARTED}`,
    `[2026-11-26 13:05:10,004] INFO in base: ${RUN_CRON}`,
    `[2026-11-26 13:05:10,106] INFO in base: ${OK_CRON}`,
  ]);
  assert.deepEqual(r.start, { time: STARTED_AT, level: 'INFO' });
  assert.deepEqual(r.run, { time: RUN_AT, level: 'INFO' });
  assert.deepEqual(r.end, { time: DONE_AT, level: 'INFO' });
});

test('Flask format with --log-format', async () => {
  const logFormat = compileLogFormat('[%(asctime)s] %(levelname)s in %(module)s: %(message)s');
  const r = await threeRecords([
    `[2026-11-26 13:05:09,500] INFO in base: ${STARTED}`,
    `[2026-11-26 13:05:10,004] INFO in base: ${RUN_CRON}`,
    `[2026-11-26 13:05:10,106] INFO in base: ${OK_CRON}`,
  ], { logFormat });
  assert.deepEqual(r.run, { time: RUN_AT, level: 'INFO' });
  assert.deepEqual(r.end, { time: DONE_AT, level: 'INFO' });
});

test('Apache mod_wsgi error log around a basicConfig record', async () => {
  const r = await threeRecords([
    `[Thu Nov 26 13:05:09.500000 2026] [wsgi:error] [pid 1234:tid 140001] [remote 10.0.0.1:5000] INFO:apscheduler.scheduler:${STARTED}`,
    `[Thu Nov 26 13:05:10.004000 2026] [wsgi:error] [pid 1234:tid 140002] [remote 10.0.0.1:5000] INFO:apscheduler.executors.default:${RUN_CRON}`,
    `[Thu Nov 26 13:05:10.106000 2026] [wsgi:error] [pid 1234:tid 140002] [remote 10.0.0.1:5000] INFO:apscheduler.executors.default:${OK_CRON}`,
  ]);
  assert.deepEqual(r.start, { time: STARTED_AT, level: 'INFO', logger: 'apscheduler.scheduler', pid: '1234', thread: '140001' });
  assert.deepEqual(r.run, { time: RUN_AT, level: 'INFO', logger: 'apscheduler.executors.default', pid: '1234', thread: '140002' });
  assert.deepEqual(r.end, { time: DONE_AT, level: 'INFO', logger: 'apscheduler.executors.default', pid: '1234', thread: '140002' });
  assert.equal(r.stats.format, 'auto: apache prefix, timestamp (apache), level, logger, process id, thread');
});

test('docker compose web-1  | …', async () => {
  const r = await threeRecords([
    `web-1  | 2026-11-26 13:05:09,500 INFO apscheduler.scheduler: ${STARTED}`,
    `web-1  | 2026-11-26 13:05:10,004 INFO apscheduler.executors.default: ${RUN_CRON}`,
    `web-1  | 2026-11-26 13:05:10,106 INFO apscheduler.executors.default: ${OK_CRON}`,
  ]);
  assert.deepEqual(r.start, { time: STARTED_AT, level: 'INFO', logger: 'apscheduler.scheduler', host: 'web-1' });
  assert.deepEqual(r.run, { time: RUN_AT, level: 'INFO', logger: 'apscheduler.executors.default', host: 'web-1' });
  assert.deepEqual(r.end, { time: DONE_AT, level: 'INFO', logger: 'apscheduler.executors.default', host: 'web-1' });
  assert.equal(r.stats.format, 'auto: docker compose prefix, timestamp (no offset), level, logger, host');
});

test('kubectl logs --timestamps: the runtime\'s Z stamp dates the record, not the local asctime', async () => {
  // The app logs local time in +08:00; the runtime's stamp is UTC with nanoseconds.
  const r = await threeRecords([
    `2026-11-26T13:05:09.500123456Z 2026-11-26 21:05:09,500 INFO apscheduler.scheduler: ${STARTED}`,
    `2026-11-26T13:05:10.004567891Z 2026-11-26 21:05:10,004 INFO apscheduler.executors.default: ${RUN_CRON}`,
    `2026-11-26T13:05:10.106000000Z 2026-11-26 21:05:10,106 INFO apscheduler.executors.default: ${OK_CRON}`,
  ]);
  assert.deepEqual(r.start, { time: micros('2026-11-26T13:05:09.500123Z'), level: 'INFO', logger: 'apscheduler.scheduler' });
  assert.deepEqual(r.run, { time: micros('2026-11-26T13:05:10.004567Z'), level: 'INFO', logger: 'apscheduler.executors.default' });
  assert.deepEqual(r.end, { time: DONE_AT, level: 'INFO', logger: 'apscheduler.executors.default' });
  assert.equal(r.stats.zone, 'not needed (every stamp carries its offset)');
});

test('CRI log file: stamp stdout F around a basicConfig record', async () => {
  const r = await threeRecords([
    `2026-11-26T13:05:09.500000000Z stderr F INFO:apscheduler.scheduler:${STARTED}`,
    `2026-11-26T13:05:10.004000000Z stderr F INFO:apscheduler.executors.default:${RUN_CRON}`,
    `2026-11-26T13:05:10.106000000+00:00 stderr F INFO:apscheduler.executors.default:${OK_CRON}`,
  ]);
  assert.deepEqual(r.start, { time: STARTED_AT, level: 'INFO', logger: 'apscheduler.scheduler' });
  assert.deepEqual(r.run, { time: RUN_AT, level: 'INFO', logger: 'apscheduler.executors.default' });
  assert.deepEqual(r.end, { time: DONE_AT, level: 'INFO', logger: 'apscheduler.executors.default' });
});

test('journalctl short around the app\'s own asctime: the record\'s stamp (with its year) wins', async () => {
  const r = await threeRecords([
    `Nov 26 13:05:09 web-1 gunicorn[1234]: 2026-11-26 13:05:09,500 INFO apscheduler.scheduler: ${STARTED}`,
    `Nov 26 13:05:10 web-1 gunicorn[1234]: 2026-11-26 13:05:10,004 INFO apscheduler.executors.default: ${RUN_CRON}`,
    `Nov 26 13:05:10 web-1 gunicorn[1234]: 2026-11-26 13:05:10,106 INFO apscheduler.executors.default: ${OK_CRON}`,
  ]);
  assert.deepEqual(r.start, { time: STARTED_AT, level: 'INFO', logger: 'apscheduler.scheduler', pid: '1234', host: 'web-1' });
  assert.deepEqual(r.run, { time: RUN_AT, level: 'INFO', logger: 'apscheduler.executors.default', pid: '1234', host: 'web-1' });
  assert.deepEqual(r.end, { time: DONE_AT, level: 'INFO', logger: 'apscheduler.executors.default', pid: '1234', host: 'web-1' });
});

test('syslog short around a basicConfig record: the syslog stamp dates it', async () => {
  // A syslog stamp has no year: the reader takes this year, or last year when that would be
  // more than a week in the future. Build the run on a date that is unambiguous: yesterday.
  const day = new Date(Date.now() - 86400e3);
  const ymd = day.toISOString().slice(0, 10);
  const mon = day.toUTCString().slice(8, 11);
  const syslogDay = `${mon} ${String(day.getUTCDate()).padStart(2, ' ')}`;
  const run = RUN_CRON.replace('2026-11-26 21:05:10+08:00', `${ymd} 13:05:10+00:00`);
  const r = await threeRecords([
    `${syslogDay} 13:05:09 web-1 app[1234]: INFO:apscheduler.scheduler:${STARTED}`,
    `${syslogDay} 13:05:10 web-1 app[1234]: INFO:apscheduler.executors.default:${run}`,
    `${syslogDay} 13:05:10 web-1 app[1234]: INFO:apscheduler.executors.default:${OK_CRON}`,
  ], {}, micros(`${ymd}T13:05:10Z`));
  const at = (hms: string) => micros(`${ymd}T${hms}Z`);
  assert.deepEqual(r.start, { time: at('13:05:09'), level: 'INFO', logger: 'apscheduler.scheduler', pid: '1234', host: 'web-1' });
  assert.deepEqual(r.run, { time: at('13:05:10'), level: 'INFO', logger: 'apscheduler.executors.default', pid: '1234', host: 'web-1' });
  assert.deepEqual(r.end, { time: at('13:05:10'), level: 'INFO', logger: 'apscheduler.executors.default', pid: '1234', host: 'web-1' });
  assert.match(r.stats.zone, /^UTC\+00:00 \(inferred/);
});

test('journalctl -o short-iso: host and pid from the header, instant from its offset', async () => {
  const r = await threeRecords([
    `2026-11-26T14:05:09.500000+01:00 web-1 python3[77]: INFO:apscheduler.scheduler:${STARTED}`,
    `2026-11-26T14:05:10.004000+01:00 web-1 python3[77]: INFO:apscheduler.executors.default:${RUN_CRON}`,
    `2026-11-26T14:05:10.106000+01:00 web-1 python3[77]: INFO:apscheduler.executors.default:${OK_CRON}`,
  ]);
  assert.deepEqual(r.run, { time: RUN_AT, level: 'INFO', logger: 'apscheduler.executors.default', pid: '77', host: 'web-1' });
});

test('the seed fixture format: %(asctime)s [%(process)d] %(levelname)s %(name)s', async () => {
  const r = await threeRecords([
    `2026-11-26 13:05:09,500 [4130] INFO apscheduler.scheduler: ${STARTED}`,
    `2026-11-26 13:05:10,004 [4130] INFO apscheduler.executors.default: ${RUN_CRON}`,
    `2026-11-26 13:05:10,106 [4130] INFO apscheduler.executors.default: ${OK_CRON}`,
  ]);
  assert.deepEqual(r.run, { time: RUN_AT, level: 'INFO', logger: 'apscheduler.executors.default', pid: '4130' });
});

test('kubectl logs --prefix --timestamps over several pods: the pod is the host', async () => {
  const r = await threeRecords([
    `[pod/web-7d9c5-x2x4q/app] 2026-11-26T13:05:09.500000000Z INFO:apscheduler.scheduler:${STARTED}`,
    `[pod/web-7d9c5-x2x4q/app] 2026-11-26T13:05:10.004000000Z INFO:apscheduler.executors.default:${RUN_CRON}`,
    `[pod/web-7d9c5-x2x4q/app] 2026-11-26T13:05:10.106000000Z INFO:apscheduler.executors.default:${OK_CRON}`,
  ]);
  assert.deepEqual(r.run, { time: RUN_AT, level: 'INFO', logger: 'apscheduler.executors.default', host: 'web-7d9c5-x2x4q' });
  assert.equal(r.stats.format, 'auto: kubectl prefix + container timestamp prefix, timestamp (with offset), level, logger, host');
});

test('colour codes (colorlog, compose on a terminal) are ignored', async () => {
  const green = (s: string) => `\x1b[32m${s}\x1b[0m`;
  const r = await threeRecords([
    `\x1b[36mweb-1  |\x1b[0m 2026-11-26 13:05:09,500 ${green('INFO')} \x1b[1mapscheduler.scheduler\x1b[0m: ${STARTED}`,
    `\x1b[36mweb-1  |\x1b[0m 2026-11-26 13:05:10,004 ${green('INFO')} \x1b[1mapscheduler.executors.default\x1b[0m: ${RUN_CRON}`,
    `\x1b[36mweb-1  |\x1b[0m 2026-11-26 13:05:10,106 ${green('INFO')} \x1b[1mapscheduler.executors.default\x1b[0m: ${OK_CRON}`,
  ]);
  assert.deepEqual(r.run, { time: RUN_AT, level: 'INFO', logger: 'apscheduler.executors.default', host: 'web-1' });
  assert.ok(!r.events[1].ctx.text.includes('\x1b'));
});

test('--log-format inside a docker compose prefix, with pid and thread name', async () => {
  const logFormat = compileLogFormat('%(asctime)s %(process)d %(threadName)s %(levelname)-8s %(name)s %(message)s');
  const r = await threeRecords([
    `web-2  | 2026-11-26 13:05:09,500 4130 MainThread INFO     apscheduler.scheduler ${STARTED}`,
    `web-2  | 2026-11-26 13:05:10,004 4130 ThreadPoolExecutor-0_0 INFO     apscheduler.executors.default ${RUN_CRON}`,
    `web-2  | 2026-11-26 13:05:10,106 4130 ThreadPoolExecutor-0_0 INFO     apscheduler.executors.default ${OK_CRON}`,
  ], { logFormat });
  assert.deepEqual(r.start, { time: STARTED_AT, level: 'INFO', logger: 'apscheduler.scheduler', pid: '4130', thread: 'MainThread', host: 'web-2' });
  assert.deepEqual(r.run, {
    time: RUN_AT, level: 'INFO', logger: 'apscheduler.executors.default', pid: '4130', thread: 'ThreadPoolExecutor-0_0', host: 'web-2',
  });
});
