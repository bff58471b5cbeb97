import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENVELOPES, peelEnvelopes } from '../../src/readers/envelopes';

test('every envelope sample is peeled by that envelope', () => {
  for (const env of ENVELOPES) {
    for (const sample of env.samples) {
      const peeled = peelEnvelopes(sample);
      assert.equal(peeled.names[0], env.name, sample);
      assert.ok(peeled.offset > 0, sample);
    }
  }
});

test('docker compose v2 and v1 service columns', () => {
  const line = 'web-1  | 2024-01-01 16:23:18,123 INFO apscheduler.scheduler: Scheduler started';
  assert.deepEqual(peelEnvelopes(line), { offset: 9, fields: { host: 'web-1' }, names: ['docker compose'] });
  assert.deepEqual(peelEnvelopes('app_web_1    | INFO:apscheduler.scheduler:Scheduler started'), {
    offset: 15, fields: { host: 'app_web_1' }, names: ['docker compose'],
  });
});

test('a level word before a pipe is not a compose service', () => {
  assert.deepEqual(peelEnvelopes('INFO | apscheduler.scheduler | Scheduler started'), { offset: 0, fields: {}, names: [] });
});

test('kubectl --timestamps and CRI stdout F', () => {
  assert.deepEqual(peelEnvelopes('2024-01-01T16:23:18.123456789Z INFO:apscheduler.scheduler:Scheduler started'), {
    offset: 31, fields: {}, names: ['container timestamp'],
  });
  assert.deepEqual(peelEnvelopes('2024-01-01T16:23:18.123456789Z stdout F INFO:apscheduler.scheduler:Scheduler started'), {
    offset: 40, fields: {}, names: ['container timestamp'],
  });
  assert.deepEqual(peelEnvelopes('2024-01-01T16:23:18.123456789+00:00 stderr P 2024-01-01 16:23:18,120 INFO x'), {
    offset: 45, fields: {}, names: ['container timestamp'],
  });
});

test('container stamps before traceback lines keep the indentation and blank lines', () => {
  const tb = '2024-01-01T16:23:18.123456789Z   File "/app/jobs.py", line 3, in f';
  assert.equal(tb.slice(peelEnvelopes(tb).offset), '  File "/app/jobs.py", line 3, in f');
  const cri = '2024-01-01T16:23:18.123456789Z stdout F     raise ValueError("x")';
  assert.equal(cri.slice(peelEnvelopes(cri).offset), '    raise ValueError("x")');
  const blank = '2024-01-01T16:23:18.123456789Z stdout F ';
  assert.equal(blank.slice(peelEnvelopes(blank).offset), '');
  const bare = '2024-01-01T16:23:18.123456789Z';
  assert.equal(bare.slice(peelEnvelopes(bare).offset), '');
});

test('docker compose around a container timestamp (compose logs -t)', () => {
  const line = 'web-1  | 2024-01-01T16:23:18.123456789Z 2024-01-01 16:23:18,120 INFO apscheduler.scheduler: Scheduler started';
  assert.deepEqual(peelEnvelopes(line), { offset: 40, fields: { host: 'web-1' }, names: ['docker compose', 'container timestamp'] });
});

test('Apache mod_wsgi error log', () => {
  const line = '[Mon Jan 01 16:23:18.123456 2024] [wsgi:error] [pid 1234:tid 140000] [remote 10.0.0.1:5000] INFO:apscheduler.scheduler:Scheduler started';
  assert.deepEqual(peelEnvelopes(line), { offset: 92, fields: { pid: '1234', thread: '140000' }, names: ['apache'] });
  const noRemote = '[Mon Jan 01 16:23:18.123456 2024] [wsgi:error] [pid 1234] Scheduler started';
  assert.deepEqual(peelEnvelopes(noRemote), { offset: 58, fields: { pid: '1234' }, names: ['apache'] });
});

test('syslog and journalctl short output', () => {
  const line = 'Jan  1 16:23:18 web-1 gunicorn[1234]: INFO:apscheduler.scheduler:Scheduler started';
  assert.deepEqual(peelEnvelopes(line), { offset: 38, fields: { host: 'web-1', pid: '1234' }, names: ['syslog'] });
});

test('RFC 3339 syslog (journalctl -o short-iso) is not mistaken for a container stamp', () => {
  const line = '2024-01-01T16:23:18+00:00 web-1 python3[1234]: INFO:apscheduler.scheduler:Scheduler started';
  assert.deepEqual(peelEnvelopes(line), { offset: 47, fields: { host: 'web-1', pid: '1234' }, names: ['syslog iso'] });
  // …while a container stamp before `LEVEL logger: message` is not a syslog header
  const k8s = '2024-01-01T16:23:18.5Z INFO apscheduler.scheduler: Scheduler started';
  assert.deepEqual(peelEnvelopes(k8s), { offset: 23, fields: {}, names: ['container timestamp'] });
});

test('a bare Python record has no envelope', () => {
  assert.deepEqual(peelEnvelopes('2024-01-01 16:23:18,123 INFO apscheduler.scheduler: Scheduler started'), { offset: 0, fields: {}, names: [] });
  assert.deepEqual(peelEnvelopes(''), { offset: 0, fields: {}, names: [] });
});

test('every envelope that may start with a digit starts with an ISO date and T (the shortcut for digit-led lines relies on it)', () => {
  const digitLed = ENVELOPES.filter((env) => env.firstChar.test('2'));
  assert.ok(digitLed.length > 0);
  for (const env of digitLed) assert.ok(env.pattern.source.startsWith('^\\d{4}-\\d\\d-\\d\\dT'), `${env.name}: ${env.pattern.source}`);
  // A Python record's own stamp has a space after the date: no envelope, nothing allocated.
  assert.equal(peelEnvelopes('2024-01-01 16:23:18,123 INFO apscheduler.scheduler: Scheduler started').offset, 0);
  assert.equal(peelEnvelopes('').offset, 0);
  assert.equal(peelEnvelopes('é web-1  | x').offset, 0);
});
