import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/model/errors';
import { compileLogFormat, matchLogFormat } from '../../src/readers/python-logging-format';
import { RUN_CRON, STARTED } from './apscheduler-3.9.1-lines';

function fieldsOf(format: string, line: string): Record<string, string> | undefined {
  const m = matchLogFormat(compileLogFormat(format), line);
  return m && Object.fromEntries(m.fields);
}

test('%(asctime)s - %(name)s - %(levelname)s - %(message)s', () => {
  const line = `2026-11-26 13:04:15,771 - apscheduler.executors.default - INFO - ${RUN_CRON}`;
  const m = matchLogFormat(compileLogFormat('%(asctime)s - %(name)s - %(levelname)s - %(message)s'), line)!;
  assert.deepEqual(Object.fromEntries(m.fields), {
    asctime: '2026-11-26 13:04:15,771', name: 'apscheduler.executors.default', levelname: 'INFO', message: RUN_CRON,
  });
  assert.equal(m.message, RUN_CRON);
  assert.equal(m.messageStart, line.indexOf('Running job'));
});

test('padded %(levelname)-8s and %(threadName)s', () => {
  assert.deepEqual(fieldsOf('%(asctime)s %(levelname)-8s [%(threadName)s] %(name)s: %(message)s',
    `2026-11-26 07:02:50,960 INFO     [MainThread] apscheduler.scheduler: ${STARTED}`), {
    asctime: '2026-11-26 07:02:50,960', levelname: 'INFO', threadName: 'MainThread', name: 'apscheduler.scheduler', message: STARTED,
  });
});

test('Django {levelname} {asctime} {module} {process:d} {thread:d} {message}', () => {
  assert.deepEqual(fieldsOf('{levelname} {asctime} {module} {process:d} {thread:d} {message}',
    `INFO 2026-11-26 13:05:10,002 base 1234 140234567 ${RUN_CRON}`), {
    levelname: 'INFO', asctime: '2026-11-26 13:05:10,002', module: 'base', process: '1234', thread: '140234567', message: RUN_CRON,
  });
});

test('brace style with alignment: {asctime} {levelname:<8} {name}: {message}', () => {
  assert.deepEqual(fieldsOf('{asctime} {levelname:<8} {name}: {message}', `2026-11-26 13:05:10,002 INFO     apscheduler.scheduler: ${STARTED}`), {
    asctime: '2026-11-26 13:05:10,002', levelname: 'INFO', name: 'apscheduler.scheduler', message: STARTED,
  });
});

test('asctime with a datefmt holding a zone and no milliseconds', () => {
  assert.deepEqual(fieldsOf('%(asctime)s %(levelname)s [%(name)s] %(message)s', `2026-11-26T18:33:51+0530 INFO [apscheduler.scheduler] ${STARTED}`), {
    asctime: '2026-11-26T18:33:51+0530', levelname: 'INFO', name: 'apscheduler.scheduler', message: STARTED,
  });
  assert.deepEqual(fieldsOf('%(asctime)s %(process)d %(levelname)s %(message)s', `2026-11-26 13:05:10 UTC 4130 INFO ${STARTED}`), {
    asctime: '2026-11-26 13:05:10 UTC', process: '4130', levelname: 'INFO', message: STARTED,
  });
});

test('Flask [%(asctime)s] %(levelname)s in %(module)s: %(message)s', () => {
  assert.deepEqual(fieldsOf('[%(asctime)s] %(levelname)s in %(module)s: %(message)s', `[2026-11-26 13:05:10,002] INFO in base: ${STARTED}`), {
    asctime: '2026-11-26 13:05:10,002', levelname: 'INFO', module: 'base', message: STARTED,
  });
});

test('%% and {{ }} are literals', () => {
  assert.deepEqual(fieldsOf('100%% %(levelname)s %(message)s', `100% INFO ${STARTED}`), { levelname: 'INFO', message: STARTED });
  assert.deepEqual(fieldsOf('{{{levelname}}} {message}', `{INFO} ${STARTED}`), { levelname: 'INFO', message: STARTED });
});

test('a line in another format does not match', () => {
  assert.equal(fieldsOf('%(asctime)s - %(name)s - %(levelname)s - %(message)s', `INFO:apscheduler.scheduler:${STARTED}`), undefined);
});

test('a format without the message is a one-line UserError', () => {
  assert.throws(() => compileLogFormat('%(asctime)s %(levelname)s'), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.message, "--log-format '%(asctime)s %(levelname)s' has no %(message)s: cannot find the message in a line");
    return true;
  });
});
