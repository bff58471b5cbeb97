// The CI gate on nothing: each way an input can give no record, tried as a new user would, with
// --fail-on info. Every one must exit 2 with a line that names the input and the reason.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, runCli } from '../support/cli';

const SEED = join(ROOT, 'test/fixtures/seed/app.log');
const FLEET = join(ROOT, 'test/fixtures/fleet-json/logs/web-1.jsonl');
const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-gate-'));
const analyze = (...args: string[]) => runCli(['analyze', '--no-config', '--fail-on', 'info', ...args], { cwd: dir });

function lines(stderr: string): string[] {
  return stderr.trimEnd().split('\n');
}

test('a file with no APScheduler record: exit 2, its reason, no report on stdout', () => {
  writeFileSync(join(dir, 'access.log'), '127.0.0.1 - - [26/Nov/2026:13:00:00 +0000] "GET / HTTP/1.1" 200 12\nhello\n');
  const r = analyze('access.log');
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.deepEqual(lines(r.stderr), [
    'sched-doctor: nothing to analyze: no input gave an APScheduler record (pass --allow-empty if that is expected)',
    'sched-doctor: access.log: no APScheduler line in 2 lines (no record from the apscheduler loggers)',
  ]);
  const allowed = analyze('access.log', '--allow-empty', '--format', 'json');
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.deepEqual(JSON.parse(allowed.stdout).warnings.map((w: { kind: string }) => w.kind), ['no-apscheduler']);
});

test('an empty file: exit 2, "empty"', () => {
  writeFileSync(join(dir, 'empty.log'), '');
  const r = analyze('empty.log');
  assert.equal(r.code, 2);
  assert.equal(lines(r.stderr)[1], 'sched-doctor: empty.log: empty (no lines)');
});

test("the README's --log-format on a log it does not describe: exit 2, counted and named", () => {
  const r = analyze(SEED, '--log-format', '%(asctime)s - %(name)s - %(levelname)s - %(message)s');
  assert.equal(r.code, 2);
  assert.match(lines(r.stderr)[1], /app\.log: 43 APScheduler-looking lines \(first at line 1\) that --log-format '%\(asctime\)s - %\(name\)s - %\(levelname\)s - %\(message\)s' did not match/);
  // The README's example now is the seed log's own format, and it reads every record.
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const example = /--log-format <format>` \| the Python `logging` format string, e\.g\. `'([^']+)'`/.exec(readme)![1];
  const ok = analyze(SEED, '--log-format', example, '--format', 'json');
  assert.equal(ok.code, 1, ok.stderr);
  const source = JSON.parse(ok.stdout).sources[0];
  assert.equal(source.records, 43);
  assert.equal(source.unrecognised, 0);
});

test('a JSON log whose fields are not detected: exit 2, the keys seen and the field to name', () => {
  const nested = readFileSync(FLEET, 'utf8').trimEnd().split('\n').map((l) => {
    const o = JSON.parse(l);
    return JSON.stringify({ when: o.asctime, sev: o.levelname, body: { text: o.message }, src: o.name });
  });
  writeFileSync(join(dir, 'nested.jsonl'), nested.join('\n') + '\n');
  const r = analyze('nested.jsonl');
  assert.equal(r.code, 2);
  const fixed = analyze('nested.jsonl', '--field', 'message=body.text,time=when,level=sev,logger=src', '--format', 'json');
  assert.notEqual(fixed.code, 2, fixed.stderr);
  const read = JSON.parse(fixed.stdout).sources[0];
  assert.ok(read.records > 0);
  // Every line that the right --field reads was counted as not recognised without it.
  assert.equal(lines(r.stderr)[1], `sched-doctor: nested.jsonl: ${read.records + read.echoes + read.unrecognised} APScheduler-looking lines (first at line 1) that the detected JSON fields did not read (keys seen: when, sev, body, src); APScheduler's text is in 'body.text': try --field message=body.text`);
});

test('APScheduler text in a JSON value that was not read as the message counts as not recognised', () => {
  writeFileSync(join(dir, 'other-field.jsonl'), JSON.stringify({ message: 'tick', detail: 'Running job "j (trigger: interval[0:00:02], next run at: 2026-11-26 13:05:12 UTC)" (scheduled at 2026-11-26 13:05:10.001085+00:00)' }) + '\n');
  const r = analyze('other-field.jsonl');
  assert.equal(r.code, 2);
  assert.match(lines(r.stderr)[1], /other-field\.jsonl: 1 APScheduler-looking line .*keys seen: message, detail\); APScheduler's text is in 'detail'/);
});

test('a folder whose logs sit in a sub-folder: the file it did read says it holds nothing', () => {
  const folder = join(dir, 'deploy');
  mkdirSync(join(folder, 'logs'), { recursive: true });
  copyFileSync(SEED, join(folder, 'logs', 'app.log'));
  writeFileSync(join(folder, 'notes.log'), 'deployed at noon\n');
  const r = analyze('deploy');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /deploy\/notes\.log: no APScheduler line in 1 line/);
});

test('a --since window that excludes the whole log: exit 2; a window that keeps some says what it dropped', () => {
  const r = analyze(SEED, '--since', '2027-01-01T00:00:00Z');
  assert.equal(r.code, 2);
  assert.equal(lines(r.stderr)[1], `sched-doctor: ${SEED}: all 43 APScheduler records are outside --since 2027-01-01T00:00:00.000Z (the log runs 2026-11-26T13:18:47.315Z → 2026-11-26T13:19:07.172Z)`);
  const part = analyze(SEED, '--since', '2026-11-26T13:19:00Z', '--format', 'json');
  assert.equal(part.code, 1, part.stderr);
  const doc = JSON.parse(part.stdout);
  assert.equal(doc.window.since, '2026-11-26T13:19:00.000Z');
  assert.ok(doc.sources[0].outsideWindow > 0 && doc.sources[0].outsideWindow < 43, String(doc.sources[0].outsideWindow));
  assert.equal(doc.window.outside, doc.sources[0].outsideWindow);
});

test('one of several inputs empty: the run goes on, with a warning in every format', () => {
  writeFileSync(join(dir, 'blank.log'), '');
  for (const format of ['table', 'compact', 'json', 'ndjson', 'sarif', 'junit', 'github', 'markdown']) {
    const r = analyze('blank.log', SEED, '--format', format);
    assert.equal(r.code, 1, `${format}: ${r.stderr}`);
    assert.ok(r.stdout.includes('blank.log: empty (no lines)'), `${format} does not carry the warning:\n${r.stdout.slice(0, 2000)}`);
  }
});

test('recommend on nothing: exit 2 instead of "no change recommended"; a partly empty input is a warning', () => {
  writeFileSync(join(dir, 'nothing.log'), 'hello\n');
  const r = runCli(['recommend', '--no-config', 'nothing.log'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.deepEqual(lines(r.stderr), [
    'sched-doctor: nothing to analyze: no input gave an APScheduler record (pass --allow-empty if that is expected)',
    'sched-doctor: nothing.log: no APScheduler line in 1 line (no record from the apscheduler loggers)',
  ]);
  const some = runCli(['recommend', '--no-config', 'nothing.log', SEED], { cwd: dir });
  assert.equal(some.code, 0, some.stderr);
  assert.match(some.stdout, /^# sched-doctor recommendations/);
  assert.deepEqual(lines(some.stderr), ['sched-doctor: warning: nothing.log: no APScheduler line in 1 line (no record from the apscheduler loggers)']);
  const allowed = runCli(['recommend', '--no-config', '--allow-empty', 'nothing.log'], { cwd: dir });
  assert.equal(allowed.code, 0, allowed.stderr);
});
