// The config file: found upward from the working folder, strict about every key, and what each
// setting changes in a real analysis.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { globToRegExp, jobFilter } from '../../src/config/job-filter';
import { findConfig, loadConfig } from '../../src/config/load-config';
import { validateConfig } from '../../src/config/validate-config';
import { ROOT, runCli } from '../support/cli';

const SEED = join(ROOT, 'test/fixtures/seed/app.log');
const FAILING = join(ROOT, 'test/fixtures/failing/app.log');

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function findings(cwd: string, args: string[]): { code: number | null; rules: string[]; stderr: string } {
  const res = runCli(['analyze', ...args, '--format', 'json'], { cwd });
  const rules = res.stdout ? (JSON.parse(res.stdout).findings as { rule: string; severity: string; job: string | null; count: number }[]).map((f) => `${f.rule}:${f.severity}:${f.job}`) : [];
  return { code: res.code, rules, stderr: res.stderr };
}

test('found in the working folder or any folder above; --config wins; --no-config ignores it', () => {
  const dir = project({ 'sched-doctor.config.json': '{"rules":{"duplicate-run":"off"}}', 'a/b/.keep': '', 'other.json': '{"rules":{"long-run":"off"}}' });
  assert.equal(findConfig(join(dir, 'a', 'b')), join(dir, 'sched-doctor.config.json'));
  assert.deepEqual(loadConfig(undefined, join(dir, 'a', 'b')).ruleSeverity, { 'duplicate-run': 'off' });
  assert.deepEqual(loadConfig('other.json', dir).ruleSeverity, { 'long-run': 'off' });
  assert.deepEqual(loadConfig(false, dir).ruleSeverity, {});
  const rc = project({ '.sched-doctorrc.json': '{"tz":"UTC"}', 'x/.keep': '' });
  assert.equal(loadConfig(undefined, join(rc, 'x')).tz, 'UTC');

  const nested = findings(join(dir, 'a', 'b'), [SEED]);
  assert.ok(!nested.rules.some((r) => r.startsWith('duplicate-run')), nested.rules.join());
  assert.ok(findings(join(dir, 'a', 'b'), [SEED, '--no-config']).rules.some((r) => r.startsWith('duplicate-run')));
  assert.ok(!findings(dir, [SEED, '--config', 'other.json']).rules.some((r) => r.startsWith('long-run')));
});

test('per-rule severity and off change the findings and the exit code', () => {
  const dir = project({ 'sched-doctor.config.json': JSON.stringify({ rules: { 'duplicate-run': 'warning', 'multiple-schedulers': { severity: 'off' }, 'long-run': 'info' } }) });
  const r = findings(dir, [SEED]);
  assert.deepEqual(r.rules, ['duplicate-run:warning:job_1', 'overlapping-runs:warning:job_1', 'submit-error:info:job_1', 'long-run:info:job_1']);
  assert.equal(r.code, 0, 'no error left');
});

test('rule options (thresholds) reach the rule', () => {
  const burst = join(ROOT, 'test/fixtures/downtime-burst/app.log');
  const none = project({ 'sched-doctor.config.json': JSON.stringify({ rules: { 'catch-up-burst': { options: { minRuns: 50 } } } }) });
  assert.ok(findings(ROOT, [burst, '--no-config']).rules.some((r) => r.startsWith('catch-up-burst')));
  assert.ok(!findings(none, [burst]).rules.some((r) => r.startsWith('catch-up-burst')));
  // Options not given keep their defaults.
  assert.deepEqual(validateConfig({ rules: { 'catch-up-burst': { options: { minRuns: 50 } } } }, 'c.json').ruleOptions['catch-up-burst'], { minRuns: 50, minLagSeconds: 1, maxGapSeconds: 5 });
});

test('jobs include/exclude: glob patterns on the job name', () => {
  assert.ok(globToRegExp('job_*').test('job_1') && !globToRegExp('job_?').test('job_10') && globToRegExp('a.b').test('a.b') && !globToRegExp('a.b').test('axb'));
  const keep = jobFilter({ include: ['*_feed', 'charge_*'], exclude: ['charge_cards'] })!;
  assert.deepEqual(['import_feed', 'charge_cards', 'charge_fees', 'flaky_fetch'].filter(keep), ['import_feed', 'charge_fees']);
  const dir = project({ 'sched-doctor.config.json': JSON.stringify({ jobs: { exclude: ['flaky_*'] } }) });
  const r = findings(dir, [FAILING]);
  assert.deepEqual(r.rules, ['job-error:warning:charge_cards', 'job-error:warning:import_feed']);
  const res = runCli(['analyze', FAILING, '--format', 'json'], { cwd: dir });
  assert.ok(!JSON.parse(res.stdout).jobs.some((j: { name: string }) => j.name === 'flaky_fetch'));
});

test('logFormat and tz come from the file; the command line wins', () => {
  const dir = project({ 'sched-doctor.config.json': JSON.stringify({ logFormat: '%(asctime)s - %(name)s - %(levelname)s - %(message)s', tz: '+05:00' }) });
  const source = (args: string[]) => JSON.parse(runCli(['analyze', FAILING, '--format', 'json', ...args], { cwd: dir }).stdout).sources[0];
  const fromFile = source([]);
  assert.match(fromFile.format, /%\(asctime\)s - %\(name\)s/);
  assert.match(fromFile.zone, /\+05:00/);
  assert.match(source(['--tz', 'UTC']).zone, /UTC/);
});

const BAD: [string, unknown, RegExp][] = [
  ['unknown key', { rulez: {} }, /unknown key 'rulez' \(did you mean 'rules'\?\) \(allowed: \$schema, rules, jobs, logFormat, tz\)/],
  ['unknown rule', { rules: { 'duplicate-runs': 'off' } }, /unknown rule 'duplicate-runs' in 'rules' \(did you mean 'duplicate-run'\?\)$/],
  ['unknown rule, nothing close', { rules: { 'zzz-top': 'off' } }, /unknown rule 'zzz-top' in 'rules' \(known: duplicate-run, /],
  ['severity alias', { rules: { misfire: 'warn' } }, /'rules\.misfire' severity must be error, warning, info, off \(got "warn"\) \(did you mean 'warning'\?\)/],
  ['bad severity', { rules: { 'duplicate-run': 'fatal' } }, /'rules\.duplicate-run' severity must be error, warning, info, off \(got "fatal"\)/],
  ['unknown rule key', { rules: { misfire: { severity: 'info', threshold: 3 } } }, /unknown key 'rules\.misfire\.threshold' \(allowed: severity, options\)/],
  ['unknown option', { rules: { 'catch-up-burst': { options: { minRun: 3 } } } }, /unknown option 'rules\.catch-up-burst\.options\.minRun' \(options of catch-up-burst: minRuns, minLagSeconds, maxGapSeconds\)/],
  ['option of a rule without options', { rules: { misfire: { options: { x: 1 } } } }, /misfire has no options/],
  ['option not a number', { rules: { 'unfinished-run': { options: { graceSeconds: '10' } } } }, /'rules\.unfinished-run\.options\.graceSeconds' must be a number/],
  ['jobs key', { jobs: { only: ['x'] } }, /unknown key 'jobs\.only' \(allowed: include, exclude\)/],
  ['jobs not a list', { jobs: { include: 'job_*' } }, /'jobs\.include' must be a list/],
  ['bad tz', { tz: 'Mars/Olympus' }, /unknown time zone 'Mars\/Olympus'/],
  ['bad logFormat', { logFormat: '%(asctime)s %(levelname)s' }, /logFormat '.*' has no %\(message\)s/],
  ['not an object', [1, 2], /must be a JSON object/],
];

for (const [what, raw, message] of BAD) {
  test(`config error, one line, exit 2: ${what}`, () => {
    assert.throws(() => validateConfig(raw, 'c.json'), (err: Error) => err.name === 'UserError' && message.test(err.message) && err.message.startsWith('c.json: '));
  });
}

test('config errors through the CLI: one line naming the file, exit 2, nothing on stdout', () => {
  for (const [text, message] of [
    ['{"rules":{"duplicate-runs":"off"}}', /^sched-doctor: sched-doctor\.config\.json: unknown rule 'duplicate-runs'/],
    ['{"rulez":{}}', /^sched-doctor: sched-doctor\.config\.json: unknown key 'rulez'/],
    ['{"rules":{"misfire":"fatal"}}', /^sched-doctor: sched-doctor\.config\.json: 'rules\.misfire' severity must be/],
    ['{"rules":{', /^sched-doctor: sched-doctor\.config\.json: not valid JSON: /],
  ] as const) {
    const dir = project({ 'sched-doctor.config.json': text });
    const res = runCli(['analyze', SEED], { cwd: dir });
    assert.equal(res.code, 2, res.stderr);
    assert.equal(res.stdout, '');
    assert.equal(res.stderr.split('\n').length, 2, res.stderr);
    assert.match(res.stderr, message);
  }
  const missing = runCli(['analyze', SEED, '--config', 'nope.json'], { cwd: project({}) });
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'sched-doctor: cannot read config nope.json: no such file\n');
});

test("the README's example config is valid", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Config file'));
  const block = /```json\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'no json block in the README config section');
  const config = validateConfig(JSON.parse(block[1]), 'README');
  assert.equal(config.ruleSeverity['silent-runs'], 'off');
  assert.equal(config.ruleOptions['catch-up-burst'].minRuns, 3);
});
