import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFields, parsePrefix } from '../../src/readers/record-prefix';
import { micros } from './read-log';

/** parsePrefix without the stamp's position, the stamp's wall as ISO. */
function fields(prefix: string): Record<string, unknown> {
  const { stamp, ...rest } = parsePrefix(prefix);
  return stamp ? { ...rest, wall: new Date(stamp.wall / 1000).toISOString(), offset: stamp.offsetMinutes, form: stamp.form } : rest;
}

test('default basicConfig: no timestamp', () => {
  assert.deepEqual(fields('INFO:apscheduler.scheduler:'), { level: 'INFO', logger: 'apscheduler.scheduler' });
  assert.deepEqual(fields('WARNING:apscheduler.executors.default:'), { level: 'WARNING', logger: 'apscheduler.executors.default' });
});

test('%(asctime)s - %(name)s - %(levelname)s - %(message)s', () => {
  assert.deepEqual(fields('2026-11-26 13:04:15,771 - apscheduler.executors.default - INFO - '), {
    level: 'INFO', logger: 'apscheduler.executors.default', wall: '2026-11-26T13:04:15.771Z', offset: undefined, form: 'iso',
  });
});

test('padded %(levelname)-8s with [%(threadName)s]', () => {
  assert.deepEqual(fields('2026-11-26 07:02:51,969 INFO     [ThreadPoolExecutor-0_0] apscheduler.executors.default: '), {
    level: 'INFO', logger: 'apscheduler.executors.default', thread: 'ThreadPoolExecutor-0_0',
    wall: '2026-11-26T07:02:51.969Z', offset: undefined, form: 'iso',
  });
  assert.deepEqual(fields('2026-11-26 07:02:50,960 DEBUG    [APScheduler] apscheduler.scheduler: '), {
    level: 'DEBUG', logger: 'apscheduler.scheduler', thread: 'APScheduler', wall: '2026-11-26T07:02:50.960Z', offset: undefined, form: 'iso',
  });
});

test('%(asctime)s [%(process)d] %(levelname)s %(name)s:', () => {
  assert.deepEqual(fields('2026-11-26 14:02:09,442 [4130] INFO apscheduler.executors.default: '), {
    level: 'INFO', logger: 'apscheduler.executors.default', pid: '4130', wall: '2026-11-26T14:02:09.442Z', offset: undefined, form: 'iso',
  });
});

test('gunicorn: [stamp +0000] [pid] [LEVEL]', () => {
  assert.deepEqual(fields('[2024-01-01 16:23:18 +0000] [1234] [INFO] '), {
    level: 'INFO', pid: '1234', wall: '2024-01-01T16:23:18.000Z', offset: 0, form: 'iso-offset',
  });
});

test('Flask: [%(asctime)s] %(levelname)s in %(module)s:', () => {
  assert.deepEqual(fields('[2024-01-01 16:23:18,123] WARNING in base: '), {
    level: 'WARNING', wall: '2024-01-01T16:23:18.123Z', offset: undefined, form: 'iso',
  });
});

test('Django verbose, detected without --log-format: level, stamp, and the bare process id and thread ident', () => {
  assert.deepEqual(fields('INFO 2024-01-01 16:23:18,123 base 1234 140234567 '), {
    level: 'INFO', pid: '1234', thread: '140234567', wall: '2024-01-01T16:23:18.123Z', offset: undefined, form: 'iso',
  });
  // One bare number is not a pid: it may be a line number.
  assert.equal(parsePrefix('INFO 2024-01-01 16:23:18,123 base 1234 ').pid, undefined);
});

test('labelled fields: pid=, process:, thread=, host=', () => {
  assert.deepEqual(fields('2024-01-01T16:23:18Z level=INFO logger=apscheduler.scheduler pid=77 thread=MainThread host=web-3 msg='), {
    level: 'INFO', logger: 'apscheduler.scheduler', pid: '77', thread: 'MainThread', host: 'web-3',
    wall: '2024-01-01T16:23:18.000Z', offset: 0, form: 'iso-offset',
  });
});

test('Apache mod_wsgi prefix with a record inside', () => {
  assert.deepEqual(fields('[Mon Jan 01 16:23:18.123456 2024] [wsgi:error] [pid 1234:tid 140000] [remote 10.0.0.1:5000] INFO:apscheduler.scheduler:'), {
    level: 'INFO', logger: 'apscheduler.scheduler', pid: '1234', thread: '140000',
    wall: '2024-01-01T16:23:18.123Z', offset: undefined, form: 'apache',
  });
  // mod_wsgi's own [wsgi:error] is where stderr went, not the record's level
  assert.equal(parsePrefix('[Mon Jan 01 16:23:18.123456 2024] [wsgi:error] [pid 1234] ').level, undefined);
});

test('a syslog header\'s host word is not a host= field', () => {
  const f = parsePrefix('Jan  1 16:23:18 host app[1234]: INFO:apscheduler.scheduler:');
  assert.equal(f.host, undefined);
  assert.equal(f.pid, '1234');
  assert.equal(f.level, 'INFO');
  assert.equal(f.stamp?.form, 'syslog');
});

test('lower-case bracketed levels and the last level word wins', () => {
  assert.equal(parsePrefix('2024-01-01 16:23:18 [ warning ] apscheduler.scheduler: ').level, 'WARNING');
  assert.equal(parsePrefix('2024-01-01 16:23:18 WARN apscheduler.scheduler ').level, 'WARNING');
  assert.equal(parsePrefix('2024-01-01 16:23:18 FATAL ').level, 'CRITICAL');
});

test('the zoned container stamp dates the record', () => {
  const f = parsePrefix('2024-01-01T16:23:18.123456789Z stdout F 2024-01-01 16:23:18,120 INFO apscheduler.scheduler: ');
  assert.equal(f.stamp?.wall, micros('2024-01-01T16:23:18.123456Z'));
  assert.equal(f.stamp?.offsetMinutes, 0);
  assert.equal(f.level, 'INFO');
});

test('describeFields names what a prefix carried', () => {
  const f = parsePrefix('2026-11-26 14:02:09,442 [4130] INFO apscheduler.executors.default: ');
  assert.equal(describeFields(f, []), 'timestamp (no offset), level, logger, process id');
  assert.equal(describeFields(parsePrefix('INFO:apscheduler.scheduler:'), ['docker compose']), 'docker compose prefix, no timestamp, level, logger');
});

test('a worker process name stands for the process when no id is logged (celery)', () => {
  const f = parsePrefix('[2026-11-26 14:18:47,315: INFO/ForkPoolWorker-3] ');
  assert.equal(f.pid, 'ForkPoolWorker-3');
  assert.equal(f.level, 'INFO');
});

test('a prefix read in place in its line gives what the prefix sliced off gives, whatever follows it', () => {
  // Stamps with and without fractions and zones, fields after them or none, and a message that
  // starts with what a stamp's reading looks ahead for (digits, a zone, a word).
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  const pick = <T>(xs: T[]): T => xs[rnd(xs.length)];
  const two = (n: number) => String(n).padStart(2, '0');
  let checked = 0;
  for (let i = 0; i < 3000; i++) {
    const stamp = `2026-${two(1 + rnd(12))}-${two(1 + rnd(28))}${pick(['T', ' '])}${two(rnd(24))}:${two(rnd(60))}:${two(rnd(60))}` +
      pick(['', ',123', '.5', '.123456', '.123456789']) + pick(['', 'Z', '+01:00', '-0530', ' UTC', ' +02:00', '+05']);
    const fields = pick(['', ' ', ' [4821] INFO apscheduler.scheduler: ', ' INFO ', ' - apscheduler.executors.default - WARNING - ', ' pid=12 thread=Thread-3 host=web-1 ']);
    const prefix = pick(['', '[', 'web-1 ']) + stamp + fields;
    const message = pick(['Running job "a"', '7 runs', '+01:00 x', 'Z', ' UTC', '00', ':00', 'x']);
    const line = prefix + message;
    const sliced = parsePrefix(prefix);
    assert.deepEqual(parsePrefix(line, undefined, prefix.length), sliced, JSON.stringify(line));
    if (sliced.stamp) checked++;
  }
  assert.ok(checked > 1000, `${checked} prefixes with a stamp`);
});
