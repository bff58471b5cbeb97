// Each format's own rules: escaping, thresholds, line structure; and several reports from one run.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LOG_RULES } from '../../src/analyzers';
import { pairTargets } from '../../src/cli/output-targets';
import type { Finding } from '../../src/model/finding';
import { escapeData, escapeProperty, renderGithub } from '../../src/report/github';
import { renderJunit } from '../../src/report/junit';
import { renderMarkdown } from '../../src/report/markdown';
import { renderNdjson } from '../../src/report/ndjson';
import { buildReport } from '../../src/report/report';
import { BIN, ROOT, runCli } from '../support/cli';
import { GOLDEN_RUNS, normalise, renderAll } from './scenarios';

process.chdir(ROOT);

const tricky: Finding = {
  rule: 'job-error', severity: 'warning', job: 'send "weekly" | digest, <EU>: 100%', trigger: 'interval[0:00:05]', count: 2,
  message: 'line one\nline two | 50% done\r, with: colon & <tag> \u0001 ```',
  evidence: [{ source: 'logs/app.log', line: 7, text: 'ERROR Job "x" raised an exception ```' }],
};
const report = buildReport({ sources: [], jobs: [], findings: [tricky], pairing: { exact: 0, ambiguous: 0, unmatched: 0 } });
const options = { failOn: 'warning' as const, cwd: ROOT, color: false };

test('github: workflow-command escaping (data: % CR LF; properties also : and ,)', () => {
  assert.equal(escapeData('100% done\r\nnext'), '100%25 done%0D%0Anext');
  assert.equal(escapeProperty('a:b,c%d\ne'), 'a%3Ab%2Cc%25d%0Ae');
  const [line] = renderGithub(report, options).split('\n');
  assert.ok(line.startsWith('::warning file=logs/app.log,line=7,title=sched-doctor job-error (send "weekly" | digest%2C <EU>%3A 100%25)::'), line);
  const data = line.slice(line.indexOf('::', 2) + 2);
  assert.ok(!/[\r\n]/.test(data) && data.startsWith('line one%0Aline two | 50%25 done%0D, with: colon'), data);
});

test('github: baselined findings are counted, not annotated', () => {
  const r = buildReport({ ...report, findings: [{ ...tricky, baseline: 'unchanged' }] });
  const out = renderGithub(r, options);
  assert.ok(!out.includes('::warning'));
  assert.match(out, /1 in the baseline; 0 at or above warning/);
});

test('junit: failures at or above --fail-on; the rest is output, not failure; XML-safe text', () => {
  const failing = renderJunit(report, { ...options, rules: ['job-error'] });
  assert.match(failing, /<testsuites name="sched-doctor" tests="2" failures="1"/);
  assert.match(failing, /name="send &quot;weekly&quot; \| digest, &lt;EU&gt;: 100% interval\[0:00:05\]"/);
  assert.match(failing, /<failure type="warning" message="line one&#10;line two/);
  assert.ok(!failing.includes('\u0001') && !failing.includes('<tag>'));
  const passing = renderJunit(report, { ...options, failOn: 'error', rules: ['job-error'] });
  assert.match(passing, /failures="0"/);
  assert.match(passing, /<system-out>warning \(below --fail-on error\): line one/);
});

test('junit: one test case per finding with its file and line, a passing case per job the rule did not report, an inputs suite', async () => {
  const seed = (await renderAll(GOLDEN_RUNS.find((r) => r.name === 'seed')!)).outputs.junit;
  const suites = [...seed.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)"/g)].map((m) => `${m[1]}:${m[2]}:${m[3]}`);
  assert.ok(suites.includes('duplicate-run:2:1') && suites.includes('multiple-schedulers:2:1') && suites.includes('long-run:2:0'), suites.join(' '));
  assert.equal(suites[0], 'inputs:1:0');
  assert.equal(suites.length, LOG_RULES.length + 1, 'the inputs and the log rules only: no job store was read');
  assert.match(seed, /<testcase classname="sched-doctor.duplicate-run" name="job_1 interval\[0:00:02\]" time="0" file="test\/fixtures\/seed\/app.log" line="25">\n      <failure type="error"/);
  assert.match(seed, /<testcase classname="sched-doctor.multiple-schedulers" name="\(scheduler\)" time="0" file="test\/fixtures\/seed\/app.log" line="3">/);
  assert.match(seed, /<testcase classname="sched-doctor.misfire" name="job_1 interval\[0:00:02\]" time="0"\/>/);
  // Two findings of one rule on one job are two cases.
  const two = renderJunit(buildReport({ ...report, findings: [tricky, { ...tricky, evidence: [{ source: 'logs/app.log', line: 9 }] }] }), { ...options, rules: ['job-error'] });
  assert.equal([...two.matchAll(/<testcase classname="sched-doctor.job-error"/g)].length, 3, two);
  assert.match(two, /#1" time="0" file="logs\/app.log" line="7"/);
  assert.match(two, /#2" time="0" file="logs\/app.log" line="9"/);
});

test('junit and github: an empty input is skipped with its reason, and a warning', () => {
  const r = buildReport({ ...report, sources: [{ source: 'logs/empty.log' } as never] }, { warnings: [{ kind: 'empty', source: 'logs/empty.log', message: 'logs/empty.log: empty (no lines)' }] });
  assert.match(renderJunit(r, { ...options, rules: ['job-error'] }), /<testcase classname="sched-doctor.inputs" name="logs\/empty.log" time="0">\n      <skipped message="logs\/empty.log: empty \(no lines\)"\/>/);
  assert.ok(renderGithub(r, options).startsWith('::warning title=sched-doctor input::logs/empty.log: empty (no lines)\n'));
});

test('github: past 10 annotations of a type, a notice says how many GitHub does not show', () => {
  const many = buildReport({ ...report, findings: Array.from({ length: 13 }, (_, i) => ({ ...tricky, job: `job${i}` })) });
  const out = renderGithub(many, options).trimEnd().split('\n');
  assert.equal(out.filter((l) => l.startsWith('::warning ')).length, 13, 'every finding is still in the log');
  assert.equal(out.at(-2), '::notice title=sched-doctor::3 warning annotations more than GitHub shows (10 per type per step): they are in this log and the step summary');
  assert.equal(renderGithub(buildReport({ ...report, findings: Array(10).fill(tricky) }), options).includes('::notice'), false);
});

test('github: the Markdown report is appended to $GITHUB_STEP_SUMMARY when it is set', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-summary-'));
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, 'earlier step\n');
  const res = spawnSync(process.execPath, [BIN, 'analyze', '--no-config', 'test/fixtures/seed/app.log', '--format', 'github'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: summary } });
  assert.equal(res.status, 1, res.stderr);
  const text = readFileSync(summary, 'utf8');
  assert.ok(text.startsWith('earlier step\n<!-- sched-doctor-report -->\n## sched-doctor\n'), text.slice(0, 200));
  assert.equal(text.slice('earlier step\n'.length), readFileSync(join(__dirname, 'golden', 'seed', 'comment.md'), 'utf8'));
});

test('markdown: a hidden marker first, paths relative even outside the working folder', () => {
  const outside = buildReport({ ...report, findings: [{ ...tricky, evidence: [{ source: join(ROOT, '..', 'other', 'app.log'), line: 2 }] }] });
  const md = renderMarkdown(outside, options);
  assert.equal(md.split('\n')[0], '<!-- sched-doctor-report -->');
  assert.ok(md.includes('`../other/app.log:2`') && !md.includes(ROOT), md);
});

test('ndjson: one finding per line, then one summary line', () => {
  const lines = renderNdjson(buildReport({ ...report, findings: [tricky, { ...tricky, job: 'other', severity: 'error' }] }), options).trimEnd().split('\n');
  assert.equal(lines.length, 3);
  const parsed = lines.map((l) => JSON.parse(l));
  assert.deepEqual(parsed.map((p) => p.type), ['finding', 'finding', 'summary']);
  assert.equal(parsed[0].message, tricky.message);
  assert.deepEqual(parsed[2].counts, { findings: 2, error: 1, warning: 1, info: 0, baselined: 0, failing: 2 });
  assert.equal(parsed[2].findings, undefined);
});

test('markdown: cells never break the table', () => {
  const md = renderMarkdown(report, options);
  const row = md.split('\n').find((l) => l.startsWith('| warning'))!;
  assert.ok(row, md);
  assert.equal(row.split(/(?<!\\)\|/).length, 8, row);
  assert.ok(row.includes('line one line two \\| 50% done , with: colon') && row.includes('&lt;tag&gt;') && !row.includes('\u0001'), row);
  assert.ok(!md.includes('``` \n') && md.includes("'''"), 'a fence inside evidence is defused');
});

test('several --format/--output pairs: pairing rules', () => {
  const f = (value: string) => ({ flag: 'format' as const, value });
  const o = (value: string) => ({ flag: 'output' as const, value });
  assert.deepEqual(pairTargets([]), [{ format: 'table', output: undefined }]);
  assert.deepEqual(pairTargets([o('r.json'), f('json')]), [{ format: 'json', output: 'r.json' }]);
  assert.deepEqual(pairTargets([f('sarif'), o('r.sarif'), f('table')]), [{ format: 'sarif', output: 'r.sarif' }, { format: 'table' }]);
  assert.deepEqual(pairTargets([f('table'), f('sarif'), o('r.sarif')]), [{ format: 'table' }, { format: 'sarif', output: 'r.sarif' }]);
  assert.throws(() => pairTargets([f('table'), f('json')]), /both go to standard output/);
  assert.throws(() => pairTargets([f('json'), o('a'), o('b')]), /--output b has no --format/);
  assert.throws(() => pairTargets([f('json'), o('a'), f('sarif'), o('a')]), /--output a is given twice/);
});

test('one run writes several reports, each the same as its own run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-multi-'));
  const res = runCli(['analyze', '--no-config', 'test/fixtures/seed/app.log', '--format', 'sarif', '--output', join(dir, 'r.sarif'),
    '--format', 'github', '--format', 'markdown', '-o', join(dir, 'c.md')]);
  assert.equal(res.code, 1, res.stderr);
  assert.equal(res.stdout, readFileSync(join(__dirname, 'golden', 'seed', 'github.txt'), 'utf8'));
  assert.equal(normalise(readFileSync(join(dir, 'r.sarif'), 'utf8'), dir), readFileSync(join(__dirname, 'golden', 'seed', 'report.sarif'), 'utf8'));
  assert.equal(readFileSync(join(dir, 'c.md'), 'utf8'), readFileSync(join(__dirname, 'golden', 'seed', 'comment.md'), 'utf8'));
  const bad = runCli(['analyze', '--no-config', 'test/fixtures/seed/app.log', '--format', 'json', '--format', 'table']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  const unknown = runCli(['analyze', '--no-config', 'test/fixtures/seed/app.log', '--format', 'xml']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^sched-doctor: --format must be one of table, compact, json, ndjson, sarif, junit, github, markdown, html \(got 'xml'\)\n$/);
});
