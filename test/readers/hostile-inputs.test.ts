// Inputs that used to hang, blow up or mislead (issue 13): named pipes, symlinked folders under
// `**`, one file reached by many paths, dangling links, special files, out-of-range stamps, and
// folders whose sub-folders were silently skipped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeLogs } from '../../src/engine/analyze';
import { UserError } from '../../src/model/errors';
import { expandSources } from '../../src/readers/sources';
import { BIN, ROOT } from '../support/cli';
import * as L from './apscheduler-3.9.1-lines';
import { readLog, readPath, tempDir } from './read-log';

const EXEC = 'apscheduler.executors.default';

const HEALTHY = join(ROOT, 'test/fixtures/healthy/app.log');

async function inTemp(check: (dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir();
  try {
    await check(dir);
  } finally {
    cleanup();
  }
}

async function userError(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof UserError, `a UserError, not ${String(err)}`);
    assert.ok(!err.message.includes('\n'), 'one line');
    return err.message;
  }
  assert.fail('should fail');
}

const mkfifo = (path: string) => assert.equal(spawnSync('mkfifo', [path]).status, 0, 'mkfifo');

test('a named pipe is opened once: its writer is not killed by a probe, and every record is read', async () => {
  await inTemp(async (dir) => {
    const fifo = join(dir, 'app.fifo');
    mkfifo(fifo);
    const content = readFileSync(HEALTHY);
    // The writer opens the pipe itself and reports how it ended: a probe's close kills it with SIGPIPE.
    const writer = spawn(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(fifo)}, require('fs').readFileSync(${JSON.stringify(HEALTHY)}))`]);
    const ended = new Promise<[number | null, string | null]>((done) => writer.on('close', (code, signal) => done([code, signal])));
    const { stats } = await readPath(fifo);
    assert.deepEqual(await ended, [0, null]);
    assert.equal(stats.lines, content.toString().split('\n').filter((_, i, a) => i < a.length - 1 || a[i] !== '').length);
    const direct = await readPath(HEALTHY);
    assert.equal(stats.records, direct.stats.records);
    assert.ok(stats.records > 0);
  });
});

test('a named pipe without a writer: the CLI says it is waiting, then reads it when one comes', async () => {
  await inTemp(async (dir) => {
    const fifo = join(dir, 'app.fifo');
    mkfifo(fifo);
    const cli = spawn(process.execPath, [BIN, 'analyze', fifo, '--format', 'json', '--fail-on', 'never'], { env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    let stdout = '';
    cli.stderr.on('data', (d) => (stderr += d));
    cli.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((done) => cli.on('close', done));
    const deadline = Date.now() + 20_000;
    while (!stderr.includes('waiting') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(stderr, /^sched-doctor: waiting for a writer on the named pipe .*app\.fifo\n$/);
    writeFileSync(fifo, readFileSync(HEALTHY));
    assert.equal(await exited, 0);
    const report = JSON.parse(stdout);
    assert.ok(report.sources[0].records > 0);
  });
});

test('** does not follow symlinked folders unless --follow-symlinks, and a link loop ends', async () => {
  await inTemp(async (dir) => {
    mkdirSync(join(dir, 'logs/a'), { recursive: true });
    writeFileSync(join(dir, 'logs/a/app.log'), '');
    symlinkSync('..', join(dir, 'logs/a/up'));
    symlinkSync(join(dir, 'logs/a'), join(dir, 'logs/again'));
    const plain = await expandSources([join(dir, 'logs/**/*.log')]);
    assert.deepEqual(plain.map((s) => s.label), [join(dir, 'logs/a/app.log')]);
    const followed = await expandSources([join(dir, 'logs/**/*.log')], { followSymlinks: true });
    assert.equal(followed.length, 1, 'one file, however many paths reach it');
  });
});

test('a healthy log reached by 41 paths is read once: no duplicate-run, no multiple-schedulers', async () => {
  await inTemp(async (dir) => {
    const original = join(dir, 'app.log');
    writeFileSync(original, readFileSync(HEALTHY));
    const paths = [original];
    for (let i = 0; i < 20; i++) {
      symlinkSync(original, join(dir, `link-${i}.log`));
      linkSync(original, join(dir, `hard-${i}.log`));
    }
    for (let i = 0; i < 20; i++) paths.push(join(dir, `link-${i}.log`), join(dir, `hard-${i}.log`));
    assert.equal(paths.length, 41);
    const once = await analyzeLogs([original]);
    const many = await analyzeLogs(paths);
    assert.equal(many.sources.length, 1);
    assert.deepEqual(many.findings.map((f) => f.rule), once.findings.map((f) => f.rule));
    assert.ok(!many.findings.some((f) => f.rule === 'duplicate-run' || f.rule === 'multiple-schedulers'));
    // The folder and a pattern over it give the same single source.
    assert.equal((await analyzeLogs([dir])).sources.length, 1);
    assert.equal((await analyzeLogs([join(dir, '*.log')])).sources.length, 1);
  });
});

test('a dangling symlink and an unreadable special file are one-line errors', async () => {
  await inTemp(async (dir) => {
    symlinkSync(join(dir, 'gone.log'), join(dir, 'dangling.log'));
    assert.match(await userError(() => expandSources([join(dir, '*.log')])), /^cannot read .*dangling\.log: a symbolic link to nothing/);
    assert.match(await userError(() => readPath(join(dir, 'dangling.log'))), /^cannot read .*dangling\.log: a symbolic link to nothing/);
    assert.match(await userError(() => readPath('/proc/self/mem')), /^cannot read \/proc\/self\/mem: /);
    const cli = spawnSync(process.execPath, [BIN, 'analyze', join(dir, '*.log')], { encoding: 'utf8' });
    assert.equal(cli.status, 2);
    assert.match(cli.stderr, /^sched-doctor: cannot read .*dangling\.log: a symbolic link to nothing.*\n$/);
  });
});

test('a folder says which sub-folders it did not read; --recursive reads them', async () => {
  await inTemp(async (dir) => {
    const line = (h: string) => `2026-11-26 13:05:10,004 INFO ${EXEC}: ${L.RUN_CRON} ${h}`;
    mkdirSync(join(dir, 'web-1'));
    mkdirSync(join(dir, 'web-2/old'), { recursive: true });
    writeFileSync(join(dir, 'main.log'), line('') + '\n');
    writeFileSync(join(dir, 'web-1/app.log'), '');
    writeFileSync(join(dir, 'web-2/old/app.log'), '');
    const flat = await expandSources([dir]);
    assert.deepEqual(flat.map((s) => s.label), [join(dir, 'main.log')]);
    assert.deepEqual(flat[0].skippedDirs, [join(dir, 'web-1'), join(dir, 'web-2')]);
    const a = await analyzeLogs([dir]);
    assert.deepEqual(a.sources[0].skippedDirs, [join(dir, 'web-1'), join(dir, 'web-2')]);
    const deep = await expandSources([dir], { recursive: true });
    assert.deepEqual(deep.map((s) => s.label), [join(dir, 'main.log'), join(dir, 'web-1/app.log'), join(dir, 'web-2/old/app.log')]);
    assert.equal(deep[0].skippedDirs, undefined);
    // Only sub-folders: the error says so and names the flag.
    assert.match(await userError(() => expandSources([join(dir, 'web-2')])), /its sub-folders \(1\) were not read: add --recursive/);
  });
});

test('out-of-range stamps are a per-record "not understood" count, never an exception', async () => {
  const run = `Running job \\"x (trigger: interval[0:00:10], next run at: 2026-11-26 13:05:20 UTC)\\" (scheduled at 2026-11-26 13:05:10+00:00)`;
  const { events, stats } = await readLog([
    `{"time": 1e30, "name": "${EXEC}", "message": "${run}"}`,
    `{"__REALTIME_TIMESTAMP": "12345678901234567890123", "MESSAGE": "${run}"}`,
    `{"time": 1e300, "name": "${EXEC}", "message": "${run}"}`,
    `{"time": "2026-11-26T13:05:10.5Z", "name": "${EXEC}", "message": "${run}"}`,
  ]);
  assert.equal(events.length, 1);
  assert.equal(stats.records, 1);
  assert.equal(stats.badTimes, 3);
  assert.equal(stats.unrecognised, 3);
});

test('--recursive and --follow-symlinks reach the CLI', () => {
  const help = spawnSync(process.execPath, [BIN, 'analyze', '--help'], { encoding: 'utf8' });
  assert.match(help.stdout, /--recursive/);
  assert.match(help.stdout, /--follow-symlinks/);
});


