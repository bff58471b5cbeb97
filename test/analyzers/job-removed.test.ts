// job-removed in log lines: rows APScheduler itself deleted.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, findingsOf, line } from './rule-lines';

test('valid: the app removing a job (`Removed job ID`) is not APScheduler deleting it', async () => {
  assert.deepEqual(await findingsOf('job-removed', [line(T0, 'apscheduler.scheduler', 'INFO', 'Removed job temp')]), []);
});

test('invalid: a row whose function no longer imports, with the exception from its traceback', async () => {
  const lines = [
    line(T0, 'apscheduler.jobstores.default', 'ERROR', 'Unable to restore job "legacy_cleanup" -- removing it'),
    'Traceback (most recent call last):',
    '  File "/usr/lib/python3/dist-packages/apscheduler/util.py", line 266, in ref_to_obj',
    "ModuleNotFoundError: No module named 'legacy_tasks'",
    '',
    'During handling of the above exception, another exception occurred:',
    '',
    'Traceback (most recent call last):',
    'LookupError: Error resolving reference legacy_tasks:cleanup: could not import module',
  ];
  const [f, ...rest] = await findingsOf('job-removed', lines);
  assert.deepEqual(rest, []);
  assert.equal(f.severity, 'warning');
  assert.equal(f.job, null);
  assert.deepEqual(f.data, { reason: 'restore-failed', id: 'legacy_cleanup', store: 'default', exception: 'LookupError: Error resolving reference legacy_tasks:cleanup: could not import module' });
  assert.match(f.message, /deleted job "legacy_cleanup" from job store 'default'/);
});

test('invalid: an unknown executor, and django-apscheduler\'s wording, one finding each', async () => {
  const lines = [
    line(T0, 'apscheduler.scheduler', 'ERROR', 'Executor lookup ("reports") failed for job "nightly_report (trigger: interval[0:00:03], next run at: 2026-12-02 02:09:09 CET)" -- removing it from the job store'),
    line(T0 + 5, 'apscheduler.scheduler', 'ERROR', 'Executor lookup ("reports") failed for job "nightly_report (trigger: interval[0:00:03], next run at: 2026-12-02 02:09:12 CET)" -- removing it from the job store'),
    line(T0 + 9, 'django_apscheduler.jobstores', 'ERROR', "Unable to restore job 'j1'. Removing it..."),
  ];
  const found = await findingsOf('job-removed', lines);
  assert.deepEqual(found.map((f) => [f.job, f.count, f.data!.reason, f.data!.id]).sort((a, b) => String(a[3]).localeCompare(String(b[3]))), [[null, 1, 'restore-failed', 'j1'], ['nightly_report', 2, 'executor-lookup-failed', 'nightly_report']]);
  assert.equal(found.find((f) => f.job === 'nightly_report')!.trigger, 'interval[0:00:03]');
});
