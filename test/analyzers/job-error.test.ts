// job-error in log lines: `Job "…" raised an exception` with its traceback, counted per job, and
// the runs that ended well (or have no end line yet) that must stay silent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, errorLines, findingsOf, jobText, line, okLine, runLine } from './rule-lines';

const IV = 'interval[0:00:10]';
const at = (i: number) => T0 + i * 10e3;

test('valid: runs that executed successfully, a run still going at the end, and the app\'s own ERROR line with a traceback', async () => {
  const lines = [
    runLine('sync', IV, at(0)), okLine('sync', IV, at(0) + 50, at(1)),
    runLine('sync', IV, at(1)), okLine('sync', IV, at(1) + 50, at(2)),
    runLine('sync', IV, at(2)),
    line(at(2) + 100, 'app.payments', 'ERROR', 'charge failed, will retry'),
    'Traceback (most recent call last):',
    '  File "/srv/app/payments.py", line 40, in charge',
    'ConnectionError: upstream timed out',
  ];
  assert.deepEqual(await findingsOf('job-error', lines), []);
});

test('invalid: three failed runs of one job, two exceptions: count, times, the first exception, the distinct ones', async () => {
  const lines = [
    runLine('charge', IV, at(0)), ...errorLines('charge', IV, at(0) + 40, at(1), "PaymentGatewayError: gateway returned 502 for amount=250"),
    runLine('charge', IV, at(1)), okLine('charge', IV, at(1) + 40, at(2)),
    runLine('charge', IV, at(2)), ...errorLines('charge', IV, at(2) + 40, at(3), "KeyError: 'items'"),
    runLine('charge', IV, at(3)), ...errorLines('charge', IV, at(3) + 40, at(4), "PaymentGatewayError: gateway returned 502 for amount=250"),
  ];
  const [f, ...rest] = await findingsOf('job-error', lines);
  assert.deepEqual(rest, []);
  assert.equal(f.severity, 'warning');
  assert.equal(f.job, 'charge');
  assert.equal(f.trigger, IV);
  assert.equal(f.count, 3);
  assert.equal(f.firstTime, '2026-11-26T14:00:00.040Z');
  assert.equal(f.lastTime, '2026-11-26T14:00:30.040Z');
  assert.deepEqual(f.data, { errors: 3, exception: 'PaymentGatewayError: gateway returned 502 for amount=250', exceptions: ['PaymentGatewayError: gateway returned 502 for amount=250', "KeyError: 'items'"] });
  assert.equal(f.message, '3 runs of charge raised an exception: PaymentGatewayError: gateway returned 502 for amount=250');
  assert.equal(f.evidence.length, 3, 'each ERROR line');
  for (const e of f.evidence) assert.match(e.text!, /raised an exception/);
});

test('invalid: two jobs failing are two findings, one run each', async () => {
  const lines = [
    runLine('a', IV, at(0)), ...errorLines('a', IV, at(0) + 5, at(1), 'ValueError: kaboom'),
    runLine('b', 'interval[0:00:05]', at(0) + 1), ...errorLines('b', 'interval[0:00:05]', at(0) + 9, at(0) + 5001, 'ConnectionError: upstream timed out (call 3)'),
  ];
  const found = await findingsOf('job-error', lines);
  assert.deepEqual(found.map((f) => [f.job, f.count, f.data!.exception, f.message]).sort(), [
    ['a', 1, 'ValueError: kaboom', '1 run of a raised an exception: ValueError: kaboom'],
    ['b', 1, 'ConnectionError: upstream timed out (call 3)', '1 run of b raised an exception: ConnectionError: upstream timed out (call 3)'],
  ]);
});

test('invalid: the ERROR line alone, its traceback cut off: counted, with no exception named', async () => {
  const [head] = errorLines('sync', IV, at(0) + 30, at(1), 'ValueError: x');
  const [f] = await findingsOf('job-error', [runLine('sync', IV, at(0)), head, runLine('sync', IV, at(1))]);
  assert.equal(f.count, 1);
  assert.equal(f.data!.exception, null);
  assert.equal(f.message, '1 run of sync raised an exception');
});

test('invalid: a chained traceback (`During handling of the above exception…`): the exception is the one raised last', async () => {
  const lines = [
    runLine('sync', IV, at(0)),
    line(at(0) + 40, 'apscheduler.executors.default', 'ERROR', `Job "${jobText('sync', IV, at(1))}" raised an exception`),
    'Traceback (most recent call last):', '  File "/srv/app/jobs.py", line 3, in sync', "    d['a']", "KeyError: 'a'", '',
    'During handling of the above exception, another exception occurred:', '',
    'Traceback (most recent call last):', '  File "/usr/lib/python3/dist-packages/apscheduler/executors/base.py", line 125, in run_job',
    '    retval = job.func(*job.args, **job.kwargs)', '  File "/srv/app/jobs.py", line 5, in sync', "    raise ValueError('no a')", 'ValueError: no a',
    runLine('sync', IV, at(1)), okLine('sync', IV, at(1) + 20, at(2)),
  ];
  const [f, ...rest] = await findingsOf('job-error', lines);
  assert.deepEqual(rest, []);
  assert.equal(f.count, 1);
  assert.deepEqual(f.data, { errors: 1, exception: 'ValueError: no a', exceptions: ['ValueError: no a'] });
});
