// The terminal report as a person reads it: the verdict first, nothing wider than the terminal,
// the jobs table only for jobs with findings, a summary line last, and a cost that follows the
// number of rows, not the length of a name.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../src/model/finding';
import { buildReport } from '../../src/report/report';
import { renderTable } from '../../src/report/table';
import { renderJson } from '../../src/report/json';
import { elide, textTable, wrap } from '../../src/report/text-layout';
import { useColor } from '../../src/cli/output';
import { ROOT, runCli } from '../support/cli';
import { spawnSync } from 'node:child_process';
import { BIN } from '../support/cli';

const SEED = 'test/fixtures/seed/app.log';
const HEALTHY = 'test/fixtures/healthy/app.log';

function widest(text: string): number {
  return Math.max(...text.split('\n').map((l) => [...l].length));
}

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, 'analyze', '--no-config', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the seed example: the first line is the verdict, and no line is wider than the terminal', () => {
  for (const columns of ['40', '60', '80', '132']) {
    const r = run([SEED], { COLUMNS: columns });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0], Number(columns) >= 80 ? /^FAIL: 2 errors, 2 warnings in 1 job; main cause: multiple-schedulers/ : /^FAIL: 2 errors, 2 warnings/);
    assert.ok(widest(r.stdout) <= Number(columns), `${columns} columns: a line is ${widest(r.stdout)} wide`);
    // The summary line (wrapped when narrow) closes the report.
    assert.ok(r.stdout.slice(r.stdout.lastIndexOf('\n\n')).startsWith('\n\nfailed: 2 errors'), r.stdout.slice(-200));
  }
  const out = run([SEED]).stdout;
  assert.ok(out.indexOf('Findings') < out.indexOf('Jobs with findings') && out.indexOf('Jobs with findings') < out.indexOf('Recommendations'), 'findings, then jobs, then recommendations');
  assert.match(out, /\nfailed: 2 errors, 2 warnings, 1 info; 2 at or above error; 1 job, 43 records\n$/);
});

test('a healthy log: OK first, no jobs table unless --all-jobs', () => {
  const r = run([HEALTHY]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split('\n')[0], 'OK: no findings in 6 jobs');
  assert.ok(!r.stdout.includes('sync_shard'), 'no job listed without findings');
  assert.match(r.stdout, /6 jobs, none with findings \(--all-jobs lists them\)/);
  const all = run([HEALTHY, '--all-jobs'], { COLUMNS: '132' });
  for (const job of ['beat', 'cleanup_tmp', 'one_off_migration', 'send "weekly" digest (EU)', 'sync_shard', 'temp_job']) assert.ok(all.stdout.includes(job), job);
});

test('-q: the verdict and the failing findings only', () => {
  const r = run([SEED, '-q']);
  assert.equal(r.code, 1);
  assert.ok(r.stdout.startsWith('FAIL: '));
  assert.match(r.stdout, /ERROR   duplicate-run/);
  assert.ok(!/WARNING|Recommendations|Jobs/.test(r.stdout), r.stdout);
  assert.equal(run([HEALTHY, '-q']).stdout, 'OK: no findings in 6 jobs\n');
});

test('--format compact: file:line: severity rule: message, one line per finding, then the summary', () => {
  const r = run([SEED, '--format', 'compact']);
  assert.equal(r.code, 1);
  const lines = r.stdout.trimEnd().split('\n');
  assert.deepEqual(lines.slice(0, -1).map((l) => l.split(': ').slice(0, 2).join(': ')), [
    // duplicate-run's evidence is its largest complete group of copies (lines 25-27).
    `${SEED}:25: error duplicate-run`,
    `${SEED}:3: error multiple-schedulers`,
    `${SEED}:10: warning overlapping-runs`,
    `${SEED}:10: warning long-run`,
    `${SEED}:41: info submit-error`,
  ]);
  assert.equal(lines.at(-1), 'sched-doctor: failed: 2 errors, 2 warnings, 1 info; 2 at or above error; config: none');
  const quiet = run([SEED, '--format', 'compact', '-q', '--fail-on', 'error']).stdout.trimEnd().split('\n');
  assert.equal(quiet.length, 2, 'errors only, no summary');
});

test('colour: --color and --no-color win, then FORCE_COLOR, then NO_COLOR, then the terminal', () => {
  assert.equal(useColor(undefined, true, {}, false), true);
  assert.equal(useColor(undefined, false, { FORCE_COLOR: '1' }, true), false);
  assert.equal(useColor(undefined, undefined, { FORCE_COLOR: '1', NO_COLOR: '1' }, false), true);
  assert.equal(useColor(undefined, undefined, { FORCE_COLOR: '0' }, true), false);
  assert.equal(useColor(undefined, undefined, { NO_COLOR: '1' }, true), false);
  assert.equal(useColor(undefined, undefined, {}, true), true);
  assert.equal(useColor('report.txt', undefined, {}, true), false);
  assert.match(run([SEED, '--color']).stdout, /^\x1b\[1m\x1b\[31mFAIL/);
  assert.match(run([SEED], { FORCE_COLOR: '1', NO_COLOR: '' }).stdout, /\x1b\[/);
  assert.ok(!run([SEED, '--no-color'], { FORCE_COLOR: '1' }).stdout.includes('\x1b['));
});

test('a 50 MB job name: the report stays narrow and quick; the JSON keeps the whole name', () => {
  const name = 'x'.repeat(50 * 1024 * 1024);
  const finding: Finding = { rule: 'job-error', severity: 'warning', job: name, count: 1, message: `${name} raised an exception`, evidence: [{ source: 'app.log', line: 3, text: `ERROR Job "${name}" raised` }] };
  const report = buildReport({
    sources: [], findings: [finding], pairing: { exact: 0, ambiguous: 0, unmatched: 0 },
    jobs: [{ name, trigger: 'interval[0:00:01]', runs: 1, completed: 1, errors: 1, misfires: 0, skips: 0, maxConcurrency: 1, instances: 1, duration: {}, lateness: {} } as never],
  });
  const started = process.hrtime.bigint();
  const before = process.memoryUsage().rss;
  const out = renderTable(report, { color: false, width: 80, failOn: 'error' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(widest(out) <= 80, `widest line ${widest(out)}`);
  assert.ok(out.length < 20_000, `the report is ${out.length} characters`);
  assert.ok(ms < 2000, `${ms} ms`);
  assert.ok(process.memoryUsage().rss - before < 512 * 1024 * 1024, 'no copies of the name per cell');
  assert.equal(JSON.parse(renderJson(report)).jobs[0].name.length, name.length);
});

test('text layout: elide, wrap and a table that drops its boxes and then its columns when narrow', () => {
  assert.equal(elide('abcdefghij', 5), 'ab…ij');
  assert.equal(elide('abc', 5), 'abc');
  assert.deepEqual(wrap('one two three four', 19, '  '), ['  one two three', '  four']);
  const head = ['job', 'trigger', 'runs'];
  const rows = [['sync_orders', 'interval[0:05:00]', '12'], ['beat', 'cron[second=*/2]', '7']];
  const boxed = textTable(head, rows, { width: 80, boxes: true });
  assert.ok(boxed[0].startsWith('┌') && boxed.length === 6, boxed.join('\n'));
  const spaced = textTable(head, rows, { width: 30, boxes: true });
  assert.ok(!spaced.join('').includes('│') && spaced.every((l) => l.length <= 30), spaced.join('\n'));
  const blocks = textTable(head, rows, { width: 16, boxes: false });
  assert.deepEqual(blocks.slice(0, 3), ['job      syn…ers', 'trigger  int…00]', 'runs     12']);
  assert.ok(blocks.every((l) => l.length <= 16));
});

test('runCli helper still sees NO_COLOR output', () => {
  assert.ok(!runCli(['analyze', '--no-config', SEED]).stdout.includes('\x1b['));
});
