// What the reader accepts as input, and the one-line errors for what it cannot read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UserError } from '../../src/model/errors';
import * as L from './apscheduler-3.9.1-lines';
import { kinds, micros, readLog, readPath, tempDir } from './read-log';

const EXEC = 'apscheduler.executors.default';
const SCHED = 'apscheduler.scheduler';
const LOG = [
  `2026-11-26 13:05:09,500 INFO ${SCHED}: ${L.STARTED}`,
  `2026-11-26 13:05:10,004 INFO ${EXEC}: ${L.RUN_CRON}`,
  `2026-11-26 13:05:10,106 INFO ${EXEC}: ${L.OK_CRON}`,
];

async function withFile(name: string, content: string | Buffer, check: (path: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, name);
    writeFileSync(path, content);
    await check(path);
  } finally {
    cleanup();
  }
}

/** The UserError a read throws, checked to be one line naming the path. */
async function userError(path: string): Promise<string> {
  try {
    await readPath(path);
  } catch (err) {
    assert.ok(err instanceof UserError, `a UserError, not ${String(err)}`);
    assert.ok(!err.message.includes('\n'), 'one line');
    return err.message;
  }
  assert.fail(`reading ${path} should fail`);
}

test('a gzip file is read whatever its name', async () => {
  const gz = gzipSync(Buffer.from(LOG.join('\n') + '\n'));
  for (const name of ['app.log.gz', 'app.log.1']) {
    await withFile(name, gz, async (path) => {
      const { events, stats } = await readPath(path);
      assert.deepEqual(kinds(events), ['scheduler-start', 'run-start', 'run-end']);
      assert.equal(events[1].ctx.time, micros('2026-11-26T13:05:10.004Z'));
      assert.equal(stats.lines, 3);
    });
  }
});

test('a large gzip file spanning many chunks', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 20000; i++) lines.push(`2026-11-26 13:05:10,004 INFO app.noise: line ${i} ${'x'.repeat(100)}`);
  lines.push(LOG[1]);
  await withFile('big.log.gz', gzipSync(Buffer.from(lines.join('\n'))), async (path) => {
    const { events, stats } = await readPath(path);
    assert.deepEqual(kinds(events), ['run-start']);
    assert.equal(events[0].ctx.line, 20001);
    assert.equal(stats.lines, 20001);
  });
});

test('a truncated gzip file is a UserError', async () => {
  const gz = gzipSync(Buffer.from(LOG.join('\n').repeat(50)));
  await withFile('app.log.gz', gz.subarray(0, Math.floor(gz.length / 2)), async (path) => {
    assert.equal(await userError(path), `cannot read ${path}: corrupt or truncated gzip data`);
  });
});

test('a missing file is a UserError', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'nope.log');
    assert.equal(await userError(path), `cannot read ${path}: no such file`);
  } finally {
    cleanup();
  }
});

test('a directory is a UserError', async () => {
  const { dir, cleanup } = tempDir();
  try {
    mkdirSync(join(dir, 'logs'));
    const path = join(dir, 'logs');
    assert.equal(await userError(path), `cannot read ${path}: it is a directory (pass the log files inside it)`);
  } finally {
    cleanup();
  }
});

test('an unreadable file is a UserError', { skip: process.getuid?.() === 0 ? 'root reads any file' : false }, async () => {
  await withFile('secret.log', LOG.join('\n'), async (path) => {
    chmodSync(path, 0o000);
    assert.equal(await userError(path), `cannot read ${path}: permission denied`);
  });
});

test('a binary file is a UserError', async () => {
  const bytes = Buffer.alloc(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 256;
  await withFile('jobs.sqlite', bytes, async (path) => {
    assert.equal(await userError(path), `cannot read ${path}: not a text log (binary content)`);
  });
});

test('an empty file gives no events', async () => {
  await withFile('empty.log', '', async (path) => {
    const { events, stats } = await readPath(path);
    assert.deepEqual(events, []);
    assert.equal(stats.lines, 0);
    assert.equal(stats.format, 'auto: no APScheduler records found');
  });
});

test('CRLF line endings and no final newline', async () => {
  await withFile('app.log', LOG.join('\r\n'), async (path) => {
    const { events, stats } = await readPath(path);
    assert.deepEqual(kinds(events), ['scheduler-start', 'run-start', 'run-end']);
    assert.ok(events.every((e) => !e.ctx.text.endsWith('\r')));
    assert.equal(stats.lines, 3);
  });
});

test('an APScheduler-looking line that no pattern matches counts as unrecognised', async () => {
  const { events, stats } = await readLog([
    ...LOG,
    'INFO apscheduler.scheduler: Something new',
    '2026-11-26 13:05:11,000 INFO app.jobs: refreshed 3 rows',
    "2026-11-26 13:05:11,001 WARNING apscheduler.jobstores.default: Job 'q' has no next run time",
  ]);
  assert.deepEqual(kinds(events), ['scheduler-start', 'run-start', 'run-end']);
  assert.equal(stats.unrecognised, 2);
  assert.deepEqual(stats.unrecognisedSamples, [
    { line: 4, text: 'INFO apscheduler.scheduler: Something new' },
    { line: 6, text: "2026-11-26 13:05:11,001 WARNING apscheduler.jobstores.default: Job 'q' has no next run time" },
  ]);
  assert.equal(stats.records, 3);
});

test('application lines that mention the package are not unrecognised APScheduler lines', async () => {
  const { stats } = await readLog([
    ...LOG,
    '2026-11-26 13:05:11,000 INFO app.boot: using apscheduler 3.9.1 with 2 workers',
    '  File "/usr/lib/python3/dist-packages/apscheduler/schedulers/base.py", line 871',
    '2026-11-26 13:05:11,002 INFO app.boot: scheduler ready',
  ]);
  assert.equal(stats.unrecognised, 0);
});

test('a gzip file corrupt in the middle is a UserError, and the read stops', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 200000; i++) lines.push(`2026-11-26 13:05:10,004 INFO app.noise: line ${i} ${Math.random()}`);
  const gz = Buffer.from(gzipSync(Buffer.from(lines.join('\n'))));
  for (let i = Math.floor(gz.length / 2); i < Math.floor(gz.length / 2) + 64; i++) gz[i] ^= 0xff;
  await withFile('app.log.gz', gz, async (path) => {
    assert.equal(await userError(path), `cannot read ${path}: corrupt or truncated gzip data`);
  });
});
