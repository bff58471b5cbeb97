// structlog's ConsoleRenderer puts the logger after the message (`… [apscheduler.scheduler]`).
// The log is real APScheduler output (test/fixtures/gen/structlog_console.py); the expected
// counts are read from the log's own lines.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeLogs } from '../../src/engine/analyze';

const LOG = join(__dirname, '..', 'fixtures', 'structlog-console', 'app.log');

test('structlog console output: every APScheduler record is read, the failures found', async () => {
  const text = readFileSync(LOG, 'utf8');
  const count = (s: string) => text.split('\n').filter((l) => l.includes(s)).length;
  const a = await analyzeLogs([LOG]);
  assert.equal(a.sources[0].unrecognised, 0, JSON.stringify(a.sources[0].unrecognisedSamples));
  assert.equal(a.jobs.reduce((n, j) => n + j.runs, 0), count('Running job "'));
  assert.equal(a.jobs.reduce((n, j) => n + j.completed, 0), count('executed successfully') + count('raised an exception'));
  const errors = a.findings.filter((f) => f.rule === 'job-error');
  assert.deepEqual(errors.map((f) => [f.job, f.count]), [['boom', count('raised an exception')]]);
  assert.equal(errors[0].data!.exception, 'ValueError: kaboom');
  assert.deepEqual(a.findings.filter((f) => f.rule !== 'job-error'), []);
});

test('key=value pairs after a message are a trailer, not part of it', async () => {
  const { parseMessage } = await import('../../src/readers/apscheduler-messages');
  const run = 'Running job "tick (trigger: interval[0:00:01], next run at: 2026-11-26 14:32:55 UTC)" (scheduled at 2026-11-26 14:32:54.734142+00:00)';
  const parsed = parseMessage('Running job "', `${run} request_id=7f3a env=prod`);
  assert.equal(parsed?.body.kind, 'run-start');
  const logger = parseMessage('Scheduler started', 'Scheduler started              [apscheduler.scheduler] pid=12');
  assert.equal(logger?.body.kind, 'scheduler-start');
  assert.equal(parseMessage('Running job "', `${run} trailing words`), undefined, 'free text after a message is not a trailer');
});
