// Misuse, as a user types it: one `sched-doctor: …` line, exit 2, and a suggestion when the
// intent is plain. Also the baseline's first run and pruning, and two config files in one folder.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { closest } from '../../src/model/did-you-mean';
import { ROOT, runCli } from '../support/cli';

const SEED = join(ROOT, 'test/fixtures/seed/app.log');
const RELOADER = join(ROOT, 'test/fixtures/reloader/app.log');

function oneLine(args: string[], expected: RegExp, cwd?: string) {
  const r = runCli(args, { cwd });
  assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.split('\n').length, 2, `one line: ${r.stderr}`);
  assert.match(r.stderr, expected);
}

test('did you mean: close spellings and the aliases people type; nothing for what is far', () => {
  assert.equal(closest('warn', ['error', 'warning', 'info', 'never']), 'warning');
  assert.equal(closest('eror', ['error', 'warning', 'info', 'never']), 'error');
  assert.equal(closest('sraif', ['table', 'json', 'sarif']), 'sarif');
  assert.equal(closest('overlaping-runs', ['overlapping-runs', 'long-run']), 'overlapping-runs');
  assert.equal(closest('xml', ['table', 'json', 'sarif']), undefined);
});

test('misuse is one line with a suggestion, exit 2', () => {
  oneLine(['analyze', '--no-config', SEED, '--fail-on', 'warn'], /^sched-doctor: --fail-on must be error, warning, info or never \(got 'warn'\) \(did you mean 'warning'\?\)\n$/);
  oneLine(['analyze', '--no-config', SEED, '--format', 'sarf'], /\(got 'sarf'\) \(did you mean 'sarif'\?\)\n$/);
  oneLine(['explain', 'duplicate-runs'], /^sched-doctor: unknown rule 'duplicate-runs' \(did you mean 'duplicate-run'\?\)/);
  oneLine(['analyze', '--no-config', SEED, '--fail-onn', 'info'], /^sched-doctor: unknown option '--fail-onn' \(did you mean --fail-on\?\); see sched-doctor --help\n$/);
  oneLine(['anlyze', SEED], /^sched-doctor: unknown command 'anlyze' \(did you mean analyze\?\)/);
  oneLine(['analyze', '--format'], /^sched-doctor: option '-f, --format <format>' argument missing/);
  oneLine(['analyze', '--config', 'x.json', '--no-config', SEED], /^sched-doctor: --config and --no-config contradict each other/);
  oneLine(['analyze', '--no-config', '--config', 'x.json', SEED], /^sched-doctor: --config and --no-config contradict each other/);
  oneLine(['analyze', '--no-config', SEED, '--prune-baseline'], /^sched-doctor: --prune-baseline needs --baseline FILE/);
});

test('no arguments: the help on stderr, exit 2; --help itself is exit 0', () => {
  const r = runCli([]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^Usage: sched-doctor \[options\] \[command\]/);
  assert.match(r.stderr, /analyze \[options\] \[logs\.\.\.\]/);
  const help = runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: sched-doctor/);
});

test('an --allow-overlap job that is not in the input is a warning that names the near one', () => {
  const r = runCli(['analyze', '--no-config', SEED, '--allow-overlap', 'job1', '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).warnings, [{ kind: 'unknown-job', source: null, message: "--allow-overlap job1: no job of that name in the input (did you mean 'job_1'?); it changes nothing" }]);
  const known = runCli(['analyze', '--no-config', SEED, '--allow-overlap', 'job_1', '--format', 'json']);
  assert.equal(JSON.parse(known.stdout).warnings, undefined);
});

test('baseline: --baseline and --write-baseline on one missing file is a first run; absent entries are reported and pruned', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-baseline-'));
  const file = join(dir, 'baseline.json');
  const first = runCli(['analyze', '--no-config', SEED, RELOADER, '--baseline', file, '--write-baseline', file]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /wrote 8 findings to the baseline/);
  // The verdict agrees with the exit code: a run that records the baseline passes.
  assert.match(first.stdout, /^OK: 4 errors, 3 warnings \(written to the baseline\)/);
  const again = runCli(['analyze', '--no-config', SEED, '--baseline', file, '--format', 'json']);
  assert.equal(again.code, 0, again.stderr);
  const b = JSON.parse(again.stdout).baseline;
  // The reloader's findings are absent from the seed alone: its duplicates, its schedulers, its overlaps.
  assert.equal(b.absent, 3);
  assert.deepEqual(b.absentEntries.map((e: { rule: string; job: string | null }) => `${e.rule}:${e.job}`).sort(), ['duplicate-run:poll_feeds', 'multiple-schedulers:null', 'overlapping-runs:poll_feeds']);
  assert.match(runCli(['analyze', '--no-config', SEED, '--baseline', file, '--format', 'compact']).stdout, /baseline: .*5 in the baseline, 3 no longer found \(drop them with --prune-baseline\)/);
  const before = readFileSync(file, 'utf8');
  const pruned = runCli(['analyze', '--no-config', SEED, '--baseline', file, '--prune-baseline', '--format', 'json']);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.equal(JSON.parse(pruned.stdout).baseline.pruned, 3);
  const after = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(after.findings.length, 5);
  assert.ok(after.findings.every((e: { fingerprint: string }) => before.includes(e.fingerprint)));
  assert.equal(JSON.parse(runCli(['analyze', '--no-config', SEED, '--baseline', file, '--format', 'json']).stdout).baseline.absent, 0);
  // Without --write-baseline a missing baseline is still an error: a typo must not accept everything.
  oneLine(['analyze', '--no-config', SEED, '--baseline', join(dir, 'missing.json')], /cannot read baseline .*missing\.json: no such file/);
  assert.ok(!existsSync(join(dir, 'missing.json')));
});

test('config: two config files in one folder is an error; the file used is named in every format', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-configs-'));
  mkdirSync(join(dir, 'two'));
  writeFileSync(join(dir, 'two', 'sched-doctor.config.json'), '{}');
  writeFileSync(join(dir, 'two', '.sched-doctorrc.json'), '{}');
  oneLine(['analyze', SEED], /^sched-doctor: two config files in .*two: sched-doctor\.config\.json and \.sched-doctorrc\.json; keep one/, join(dir, 'two'));
  writeFileSync(join(dir, 'sched-doctor.config.json'), '{"rules": {"long-run": "info"}}');
  for (const format of ['table', 'compact', 'json', 'ndjson', 'sarif', 'junit', 'github', 'markdown']) {
    const r = runCli(['analyze', SEED, '--format', format], { cwd: dir });
    assert.equal(r.code, 1, `${format}: ${r.stderr}`);
    assert.ok(r.stdout.includes('sched-doctor.config.json'), `${format} does not name the config file`);
  }
});

test('analyze --source: a folder that is not there is refused; one holding none of the modules is a warning beside the orphans', () => {
  const db = `sqlite:///${join(ROOT, 'test/fixtures/seed/jobs.sqlite')}`;
  oneLine(['analyze', '--no-config', '--db', db, '--source', '/nonexistent-project'], /^sched-doctor: --source \/nonexistent-project: no such folder; orphan-job needs/);
  const empty = mkdtempSync(join(tmpdir(), 'sched-doctor-src-'));
  const r = runCli(['analyze', '--no-config', '--db', db, '--source', empty, '--format', 'json', '--fail-on', 'never']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(report.warnings.map((w: { kind: string }) => w.kind), ['source-folder']);
  assert.match(report.warnings[0].message, /none of the 1 module the store's jobs refer to \(jobs\) is under it/);
  assert.equal(report.findings.filter((f: { rule: string }) => f.rule === 'orphan-job').length, 1);
  writeFileSync(join(empty, 'jobs.py'), 'def job_1():\n    pass\n');
  const right = runCli(['analyze', '--no-config', '--db', db, '--source', empty, '--format', 'json', '--fail-on', 'never']);
  const fixed = JSON.parse(right.stdout);
  assert.equal(fixed.warnings, undefined, 'the folder holds the jobs module: no warning');
  assert.equal(fixed.findings.filter((f: { rule: string }) => f.rule === 'orphan-job').length, 0);
});
