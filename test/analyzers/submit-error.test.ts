// submit-error in log lines: a lost run, or the expected race with a shutdown.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, findingsOf, line, runLine } from './rule-lines';

const S = 'apscheduler.scheduler';
const submit = (ms: number, exc = 'RuntimeError: cannot schedule new futures after shutdown') => [
  line(ms, S, 'ERROR', 'Error submitting job "pulse (trigger: cron[second=\'*/2\'], next run at: 2026-11-26 14:00:46 UTC)" to executor "default"'),
  'Traceback (most recent call last):',
  '  File "/usr/lib/python3/dist-packages/apscheduler/schedulers/base.py", line 979, in _process_jobs',
  exc,
];

test('valid: runs submitted without error give nothing', async () => {
  assert.deepEqual(await findingsOf('submit-error', [runLine('pulse', "cron[second='*/2']", T0)]), []);
});

test('info: right after its scheduler shut down, the error is the shutdown racing the wakeup', async () => {
  const [f] = await findingsOf('submit-error', [line(T0, S, 'INFO', 'Scheduler has been shut down'), ...submit(T0 + 5)]);
  assert.equal(f.severity, 'info');
  assert.deepEqual(f.data, { lost: 0, atShutdown: 1, executor: 'default', exception: 'RuntimeError: cannot schedule new futures after shutdown' });
  assert.match(f.message, /expected during shutdown; lost: next run at 2026-11-26 14:00:46 UTC/);
});

test('info: a shutdown that follows within a few seconds, also without timestamps', async () => {
  const [stamped] = await findingsOf('submit-error', [...submit(T0), line(T0 + 2_000, S, 'INFO', 'Scheduler has been shut down')]);
  assert.equal(stamped.severity, 'info');
  const [bare] = await findingsOf('submit-error', [
    'ERROR:apscheduler.scheduler:Error submitting job "pulse (trigger: cron[second=\'*/2\'], next run at: 2026-11-26 14:00:46 UTC)" to executor "default"',
    'Traceback (most recent call last):',
    'RuntimeError: cannot schedule new futures after shutdown',
    'INFO:apscheduler.scheduler:Scheduler has been shut down',
  ]);
  assert.equal(bare.severity, 'info');
});

test('warning: mid-run, the run was lost', async () => {
  const lines = [...submit(T0, 'concurrent.futures.process.BrokenProcessPool: A child process terminated abruptly'), runLine('pulse', "cron[second='*/2']", T0 + 2_000), line(T0 + 60e3, S, 'INFO', 'Scheduler has been shut down')];
  const [f, ...rest] = await findingsOf('submit-error', lines);
  assert.deepEqual(rest, []);
  assert.equal(f.severity, 'warning');
  assert.equal(f.count, 1);
  assert.deepEqual(f.data, { lost: 1, atShutdown: 0, executor: 'default', exception: 'concurrent.futures.process.BrokenProcessPool: A child process terminated abruptly' });
  assert.match(f.message, /1 run of pulse lost/);
});
