// `watch -` on lines written to standard input by the test (no APScheduler needed): an update
// line when a count grows, the three formats, --fail-on, the end of input, and the one-line
// errors for bad flags, a port in use, a non-loopback address and a folder.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, runCli } from '../support/cli';
import { T0, runLine } from '../analyzers/rule-lines';

const IV = 'interval[0:00:10]';
const copy = (pid: number, ms: number) => runLine('sync', IV, ms, { pid });

/** Writes `steps` to watch's stdin one after another (waiting `gapMs` between), then closes it. */
async function watchStdin(args: string[], steps: string[][], gapMs = 700): Promise<{ code: number | null; lines: { at: number; text: string }[]; stderr: string; wrote: number[] }> {
  const child = spawn(process.execPath, [BIN, 'watch', '-', ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: { at: number; text: string }[] = [];
  let buf = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push({ at: Date.now(), text: buf.slice(0, nl) });
      buf = buf.slice(nl + 1);
    }
  });
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const wrote: number[] = [];
  for (const step of steps) {
    await new Promise((r) => setTimeout(r, gapMs));
    if (child.exitCode !== null) break;
    wrote.push(Date.now());
    child.stdin.write(step.map((l) => l + '\n').join(''));
  }
  await new Promise((r) => setTimeout(r, gapMs));
  child.stdin.end();
  return { code: await exited, lines, stderr, wrote };
}

test('a third copy is an update line naming the first; the end of input ends watch with a summary, exit 0', { timeout: 30_000 }, async () => {
  const r = await watchStdin(['--format', 'ndjson'], [[copy(1, T0)], [copy(2, T0)], [copy(3, T0)], [copy(1, T0 + 10e3), copy(2, T0 + 10e3)]]);
  assert.equal(r.code, 0, r.stderr);
  const out = r.lines.map((l) => JSON.parse(l.text));
  const dup = out.filter((o) => o.rule === 'duplicate-run');
  assert.deepEqual(dup.map((o) => [o.update ?? false, o.count, o.data.maxCopies]), [[false, 1, 2], [true, 2, 3]]);
  // The third copy makes maxCopies 3 but not a new scheduled time: the count is of times; the message says 3.
  assert.equal(dup[1].fingerprint, dup[0].fingerprint);
  assert.equal(dup[1].previousCount, 1);
  // The first line came after the second copy was written, not after the third.
  const first = r.lines[out.indexOf(dup[0])];
  assert.ok(first.at > r.wrote[1] && first.at < r.wrote[2], 'printed between the second and the third copy');
  const summary = out[out.length - 1];
  assert.equal(summary.type, 'summary');
  assert.equal(summary.stoppedBy, 'end of input');
  assert.equal(summary.lines, 5);
  // A third process is a third scheduler: multiple-schedulers grows too; nothing else is said.
  assert.deepEqual(out.filter((o) => o.rule !== 'duplicate-run').map((o) => [o.rule ?? o.type, o.update ?? false, o.count ?? null]), [['multiple-schedulers', false, 2], ['multiple-schedulers', true, 3], ['summary', false, null]]);
});

test('table and github forms: one line per finding, the summary at the end', { timeout: 30_000 }, async () => {
  const steps = [[copy(1, T0), copy(2, T0)]];
  const table = await watchStdin(['--format', 'table'], steps, 400);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.lines[0].text, /^\d\d:\d\d:\d\d ERROR   duplicate-run +sync ran up to 2 times for the same scheduled time; .*\[standard input:1\]$/);
  assert.match(table.lines.find((l) => l.text.startsWith('sched-doctor watch:'))!.text, /^sched-doctor watch: stopped \(end of input\) after [\d.]+ s; 1 source, 2 lines, 2 APScheduler records; 2 findings \(2 error, 0 warning, 0 info\)$/);
  assert.ok(table.lines.some((l) => /^ {2}error +duplicate-run +sync +×1$/.test(l.text)));
  const github = await watchStdin(['--format', 'github'], steps, 400);
  assert.equal(github.code, 0, github.stderr);
  assert.match(github.lines[0].text, /^::error title=sched-doctor duplicate-run \(sync\)::sync ran up to 2 times/);
  assert.match(github.lines[github.lines.length - 1].text, /^sched-doctor watch: stopped \(end of input\)/);
});

test('--fail-on error: exit 1 at the first error finding, before the input ends', { timeout: 30_000 }, async () => {
  const r = await watchStdin(['--format', 'ndjson', '--fail-on', 'error'], [[copy(1, T0)], [copy(2, T0)], [copy(1, T0 + 10e3)], [copy(1, T0 + 20e3)]], 700);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(r.wrote.length < 4, 'it stopped before all the input was written');
  const out = r.lines.map((l) => JSON.parse(l.text));
  assert.equal(out[out.length - 1].stoppedBy, '--fail-on error: duplicate-run');
  // A warning does not stop at --fail-on error: warnings alone run to the end of input.
  const warn = await watchStdin(['--fail-on', 'error', '--format', 'ndjson'], [['2026-11-26 14:00:00,000 [1] WARNING apscheduler.executors.default: Run time of job "sync (trigger: interval[0:00:10], next run at: 2026-11-26 14:00:10 UTC)" was missed by 0:00:02.000100']], 300);
  assert.equal(warn.code, 0, warn.stderr);
  assert.deepEqual(warn.lines.map((l) => JSON.parse(l.text).rule ?? 'summary'), ['misfire', 'summary']);
});

test('bad input: one line, exit 2, no stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-watch-bad-'));
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  const port = (busy.address() as { port: number }).port;
  try {
    const cases: [string[], RegExp][] = [
      [['app.log', '--format', 'sarif'], /^sched-doctor: --format must be one of table, ndjson, github for watch \(got 'sarif'\)\n$/],
      [['app.log', '--metrics', `127.0.0.1:${port}`], new RegExp(`^sched-doctor: --metrics 127\\.0\\.0\\.1:${port}: the port is in use \\(another process listens there\\): pick another port\\n$`)],
      [['app.log', '--metrics', '0.0.0.0:9464'], /^sched-doctor: --metrics 0\.0\.0\.0:9464: 0\.0\.0\.0 is not a loopback address; the endpoint has no authentication: use 127\.0\.0\.1, or add --metrics-public to listen there anyway\n$/],
      [['app.log', '--metrics', '9464'], /^sched-doctor: --metrics must be HOST:PORT, e\.g\. 127\.0\.0\.1:9464 or \[::1\]:9464 \(got '9464'\)\n$/],
      [[dir], /^sched-doctor: cannot follow .*: it is a directory \(give the log files, or a quoted glob such as '.*\/\*\.log'\)\n$/],
      [['app.log', '--fail-on', 'warn'], /^sched-doctor: --fail-on must be error, warning, info or never \(got 'warn'\) \(did you mean 'warning'\?\)\n$/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(['watch', ...args], { cwd: dir });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
  } finally {
    busy.close();
  }
});

test('watch --help names every option and how it stops', () => {
  const r = runCli(['watch', '--help']);
  assert.equal(r.code, 0);
  for (const flag of ['--format', '--from-start', '--metrics', '--metrics-public', '--fail-on', '--poll', '--log-format', '--tz', '--config', 'SIGTERM', 'update']) assert.ok(r.stdout.includes(flag), flag);
});

test('--db: the job store is read once at the start, its findings printed as analyze --db reports them', { timeout: 30_000 }, async () => {
  const db = `sqlite:///${join(__dirname, '..', 'fixtures', 'kill-restart', 'jobs.sqlite')}`;
  const r = await watchStdin(['--db', db, '--format', 'ndjson'], [], 200);
  assert.equal(r.code, 0, r.stderr);
  const printed = r.lines.map((l) => JSON.parse(l.text)).filter((o) => o.type === 'finding').map((o) => [o.rule, o.job, o.count]);
  const analyzed = JSON.parse(runCli(['analyze', '--db', db, '--format', 'json', '--fail-on', 'never']).stdout).findings.map((f: { rule: string; job: string; count: number }) => [f.rule, f.job, f.count]);
  assert.ok(analyzed.length > 0);
  assert.deepEqual(printed, analyzed);
});
