// Inputs → sources: glob patterns, folders, rotated parts of one log in order (gzip included),
// the one-line errors, and host names from file names (--host-from filename).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeLogs } from '../../src/engine/analyze';
import { UserError } from '../../src/model/errors';
import { expandSources, hostNames, type Source } from '../../src/readers/sources';
import * as L from './apscheduler-3.9.1-lines';
import { tempDir } from './read-log';

const EXEC = 'apscheduler.executors.default';
const SCHED = 'apscheduler.scheduler';

async function inDir(files: Record<string, string | Buffer>, check: (dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir();
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    await check(dir);
  } finally {
    cleanup();
  }
}

/** Sources with paths relative to `dir`, for readable assertions. */
function rel(dir: string, sources: Source[]): { label: string; files: string[] }[] {
  return sources.map((s) => ({ label: relative(dir, s.label), files: s.files.map((f) => relative(dir, f)) }));
}

async function userError(inputs: string[]): Promise<string> {
  try {
    await expandSources(inputs);
  } catch (err) {
    assert.ok(err instanceof UserError, `a UserError, not ${String(err)}`);
    assert.ok(!err.message.includes('\n'), 'one line');
    return err.message;
  }
  assert.fail(`expanding ${inputs.join(' ')} should fail`);
}

test('a glob the shell left alone: *, ?, [..], {a,b} and ** (relative or absolute), sorted', async () => {
  await inDir({ 'logs/web-1.jsonl': '', 'logs/web-2.jsonl': '', 'logs/web-10.jsonl': '', 'logs/db.jsonl': '', 'logs/web-1.txt': '', 'deep/a/x/app.log': '', 'deep/b/app.log': '', 'deep/.cache/app.log': '' }, async (dir) => {
    assert.deepEqual(rel(dir, await expandSources([join(dir, 'logs/web-*.jsonl')])).map((s) => s.label), ['logs/web-1.jsonl', 'logs/web-10.jsonl', 'logs/web-2.jsonl']);
    assert.deepEqual(rel(dir, await expandSources([join(dir, 'logs/web-?.jsonl')])).map((s) => s.label), ['logs/web-1.jsonl', 'logs/web-2.jsonl']);
    assert.deepEqual(rel(dir, await expandSources([join(dir, 'logs/web-[2].jsonl')])).map((s) => s.label), ['logs/web-2.jsonl']);
    assert.deepEqual(rel(dir, await expandSources([join(dir, 'logs/{db,web-1}.jsonl')])).map((s) => s.label), ['logs/db.jsonl', 'logs/web-1.jsonl']);
    assert.deepEqual(rel(dir, await expandSources([join(dir, 'deep/**/app.log')])).map((s) => s.label), ['deep/a/x/app.log', 'deep/b/app.log']);
    const relative = await expandSources([join(relativeTo(dir), 'logs/web-1.*')]);
    assert.deepEqual(relative.map((s) => s.label), [join(relativeTo(dir), 'logs/web-1.jsonl'), join(relativeTo(dir), 'logs/web-1.txt')]);
  });
});

function relativeTo(dir: string): string {
  return relative(process.cwd(), dir);
}

test('a folder: its *.log, *.log.N, *.gz, *.jsonl and *.json, not hidden files, not other files, not sub-folders', async () => {
  await inDir({ 'app.log': '', 'app.log.1': '', 'app.log.2.gz': gzipSync(''), 'worker.jsonl': '', 'journal.json': '', 'notes.md': '', 'web.2': '', '.hidden.log': '', 'sub/deeper.log': '' }, async (dir) => {
    assert.deepEqual(rel(dir, await expandSources([dir])), [
      { label: 'app.log', files: ['app.log.2.gz', 'app.log.1', 'app.log'] },
      { label: 'journal.json', files: ['journal.json'] },
      { label: 'worker.jsonl', files: ['worker.jsonl'] },
    ]);
  });
});

test('rotated parts are one source, oldest first, however they are given', async () => {
  await inDir({ 'app.log': '', 'app.log.1': '', 'app.log.2': '', 'app.log.3.gz': '', 'web-1.log': '' }, async (dir) => {
    const given = ['app.log', 'web-1.log', 'app.log.1', 'app.log.3.gz', 'app.log.2'].map((f) => join(dir, f));
    assert.deepEqual(rel(dir, await expandSources(given)), [
      { label: 'app.log', files: ['app.log.3.gz', 'app.log.2', 'app.log.1', 'app.log'] },
      { label: 'web-1.log', files: ['web-1.log'] },
    ]);
    // The same file twice is read once.
    assert.equal((await expandSources([join(dir, 'web-1.log'), join(dir, 'web-1.log')])).length, 1);
  });
});

test('dated rotation (TimedRotatingFileHandler, logrotate dateext) and parts without the live file', async () => {
  await inDir({ 'app.log': '', 'app.log.2026-11-25': '', 'app.log.2026-11-24': '', 'job.log-20261125.gz': '', 'job.log-20261124.gz': '', 'old.log.2': '', 'old.log.1': '' }, async (dir) => {
    assert.deepEqual(rel(dir, await expandSources([dir])), [
      { label: 'app.log', files: ['app.log.2026-11-24', 'app.log.2026-11-25', 'app.log'] },
      { label: 'job.log', files: ['job.log-20261124.gz', 'job.log-20261125.gz'] },
      { label: 'old.log', files: ['old.log.2', 'old.log.1'] },
    ]);
  });
});

test('one-line errors: a pattern matching nothing, a folder with no logs; a missing plain path is left to the reader', async () => {
  await inDir({ 'empty/notes.md': '' }, async (dir) => {
    assert.equal(await userError([join(dir, 'logs/web-*.jsonl')]), `no file matches ${join(dir, 'logs/web-*.jsonl')}`);
    assert.match(await userError([join(dir, 'empty')]), /^no log files in .*empty \(looked for \*\.log, \*\.log\.N, \*\.gz, \*\.jsonl, \*\.json\)$/);
    assert.deepEqual(await expandSources([join(dir, 'missing.log'), '-']), [{ label: join(dir, 'missing.log'), files: [join(dir, 'missing.log')] }, { label: '-', files: ['-'] }]);
  });
});

test('host names from file names: stems, Docker\'s -json, and folders when names collide', () => {
  const s = (...labels: string[]) => labels.map((label) => ({ label, files: [label] }));
  assert.deepEqual(hostNames(s('logs/web-1.jsonl', 'logs/web-2.jsonl')), ['web-1', 'web-2']);
  assert.deepEqual(hostNames(s('c/0f1e2d-json.log', 'c/9a8b7c-json.log')), ['0f1e2d', '9a8b7c']);
  assert.deepEqual(hostNames(s('hosts/web-1/app.log', 'hosts/web-2/app.log', 'solo.log.1.gz')), ['web-1/app', 'web-2/app', 'solo']);
  assert.deepEqual(hostNames(s('-')), ['stdin']);
});

test('analyze: a run started in a rotated part and ended in the live log is one run of one instance', async () => {
  const part = [
    `2026-11-26 21:05:09,500 INFO ${SCHED}: ${L.STARTED}`,
    `2026-11-26 21:05:10,004 INFO ${EXEC}: ${L.RUN_CRON}`,
  ].join('\n') + '\n';
  const live = [
    `2026-11-26 21:05:10,106 INFO ${EXEC}: ${L.OK_CRON}`,
    `2026-11-26 21:05:11,004 INFO ${EXEC}: ${L.RUN_CRON_2}`,
    `2026-11-26 21:05:11,106 INFO ${EXEC}: ${L.OK_CRON}`,
  ].join('\n') + '\n';
  await inDir({ 'app.log.1.gz': gzipSync(part), 'app.log': live }, async (dir) => {
    const a = await analyzeLogs([join(dir, 'app.log.*'), join(dir, 'app.log')]);
    assert.equal(a.sources.length, 1);
    assert.equal(a.sources[0].source, join(dir, 'app.log'));
    assert.deepEqual(a.sources[0].files, [join(dir, 'app.log.1.gz'), join(dir, 'app.log')]);
    assert.equal(a.sources[0].lines, 5);
    assert.deepEqual(a.pairing, { exact: 2, ambiguous: 0, unmatched: 0 });
    assert.deepEqual(a.findings.map((f) => f.rule), []);
    assert.equal(a.jobs[0].runs, 2);
  });
});

test('analyze: --host-from filename names the hosts; a bad value is a one-line error', async () => {
  const log = (pid: string) => [
    `2026-11-26 21:05:09,500 [${pid}] INFO ${SCHED}: ${L.STARTED}`,
    `2026-11-26 21:05:10,004 [${pid}] INFO ${EXEC}: ${L.RUN_CRON}`,
    `2026-11-26 21:05:10,106 [${pid}] INFO ${EXEC}: ${L.OK_CRON}`,
  ].join('\n') + '\n';
  await inDir({ 'web-1.log': log('1'), 'web-2.log': log('1') }, async (dir) => {
    const a = await analyzeLogs([dir], { hostFrom: 'filename' });
    const multiple = a.findings.find((f) => f.rule === 'multiple-schedulers');
    assert.ok(multiple, 'the same run on both hosts');
    assert.deepEqual(multiple.data?.hosts, ['web-1', 'web-2']);
    assert.match(multiple.message, /web-1 pid 1, web-2 pid 1/);
    await assert.rejects(analyzeLogs([dir], { hostFrom: 'name' as 'filename' }), (err: unknown) => err instanceof UserError && /^--host-from must be record or filename/.test(err.message));
  });
});
