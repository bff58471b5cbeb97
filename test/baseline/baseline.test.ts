// Baselines: accepted findings stop failing the run, new ones still fail it; identity survives
// moved lines and changed counts.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RULES } from '../../src/analyzers';
import { baselineDocument } from '../../src/baseline/baseline-file';
import { discriminatorRules, fingerprintOf, identityOf } from '../../src/baseline/fingerprint';
import type { Finding } from '../../src/model/finding';
import { ROOT, runCli } from '../support/cli';

const SEED = 'test/fixtures/seed/app.log';
const RELOADER = 'test/fixtures/reloader/app.log';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'sched-doctor-baseline-'));
}

function analyze(args: string[]) {
  const res = runCli(['analyze', '--no-config', ...args, '--format', 'json']);
  return { code: res.code, stderr: res.stderr, report: res.stdout ? JSON.parse(res.stdout) : undefined };
}

test('round trip: write a baseline, re-run with it: exit 0; a new duplicate from another log: exit 1', () => {
  const baseline = join(tmp(), '.sched-doctor-baseline.json');
  const first = analyze([SEED, '--write-baseline', baseline]);
  assert.equal(first.code, 0, 'writing a baseline accepts what it records');
  assert.match(first.stderr, /wrote 5 findings to the baseline/);
  assert.equal(analyze([SEED]).code, 1, 'without the baseline the seed fails');

  const again = analyze([SEED, '--baseline', baseline]);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(again.report.findings.every((f: Finding) => f.baseline === 'unchanged'));
  assert.deepEqual(again.report.baseline, { file: baseline, new: 0, unchanged: 5, absent: 0, absentEntries: [] });

  const more = analyze([SEED, RELOADER, '--baseline', baseline]);
  assert.equal(more.code, 1);
  const fresh = more.report.findings.filter((f: Finding) => f.baseline === 'new').map((f: Finding) => `${f.rule}:${f.job}`);
  assert.ok(fresh.includes('duplicate-run:poll_feeds'), fresh.join());
  assert.equal(more.report.findings.find((f: Finding) => f.rule === 'duplicate-run' && f.job === 'job_1').baseline, 'unchanged');

  // The same through SARIF, as the README's CI command runs it.
  const sarif = join(tmp(), 'results.sarif');
  const ci = runCli(['analyze', '--no-config', SEED, RELOADER, '--format', 'sarif', '--output', sarif, '--baseline', baseline]);
  assert.equal(ci.code, 1);
  const states = JSON.parse(readFileSync(sarif, 'utf8')).runs[0].results.map((r: { baselineState: string }) => r.baselineState);
  assert.deepEqual([...new Set(states)].sort(), ['new', 'unchanged']);
});

test('a baseline is about identity, not line numbers or counts', () => {
  const dir = tmp();
  const baseline = join(dir, 'b.json');
  assert.equal(analyze([SEED, '--write-baseline', baseline]).code, 0);
  const lines = readFileSync(join(ROOT, SEED), 'utf8').split('\n');
  // Unrelated lines first (every line number moves), and the last runs cut off (counts shrink).
  const moved = join(dir, 'app.log');
  writeFileSync(moved, ['starting web app', 'INFO werkzeug: GET /health 200', ...lines.slice(0, Math.floor(lines.length * 0.8))].join('\n'));
  const res = analyze([moved, '--baseline', baseline]);
  assert.ok(res.report.findings.length >= 2);
  assert.ok(res.report.findings.every((f: Finding) => f.baseline === 'unchanged'), JSON.stringify(res.report.findings.map((f: Finding) => [f.rule, f.count, f.baseline])));
  assert.equal(res.code, 0);
});

test('the baseline file is sorted, holds no counts, lines or times, and is the same when written twice', () => {
  const dir = tmp();
  const [a, b] = [join(dir, 'a.json'), join(dir, 'b.json')];
  analyze([SEED, RELOADER, '--write-baseline', a]);
  analyze([RELOADER, SEED, '--write-baseline', b]);
  const text = readFileSync(a, 'utf8');
  assert.equal(text, readFileSync(b, 'utf8'));
  const doc = JSON.parse(text);
  assert.equal(doc.version, 1);
  for (const e of doc.findings) assert.deepEqual(Object.keys(e).sort(), ['fingerprint', 'job', 'key', 'rule', 'trigger']);
  assert.ok(!/"(count|line|firstTime|lastTime)"/.test(text));
});

test('fingerprints: rule, job, trigger and the rule\'s own key; nothing volatile', () => {
  const base: Finding = { rule: 'duplicate-run', severity: 'error', job: 'job_1', trigger: 'interval[0:00:02]', count: 3, message: 'm', evidence: [{ source: 'a.log', line: 10 }], data: { instances: ['a.log pid 1'] } };
  const fp = (f: Finding) => fingerprintOf(identityOf(f));
  assert.equal(fp(base), fp({ ...base, count: 9, message: 'other', evidence: [{ source: 'b.log', line: 99 }], data: { instances: ['b.log pid 2'] }, severity: 'warning' }));
  assert.notEqual(fp(base), fp({ ...base, job: 'job_2' }));
  assert.notEqual(fp(base), fp({ ...base, trigger: 'interval[0:00:03]' }));
  assert.notEqual(fp(base), fp({ ...base, rule: 'long-run' }));
  const stale = (id: string): Finding => ({ ...base, rule: 'stale-job', data: { id, overdueSeconds: Math.random() } });
  assert.equal(fp(stale('a')), fp(stale('a')));
  assert.notEqual(fp(stale('a')), fp(stale('b')));
  const ids = new Set(RULES.map((r) => r.id));
  for (const rule of discriminatorRules()) assert.ok(ids.has(rule), `${rule} is not a rule`);
  assert.equal(JSON.parse(baselineDocument([base, { ...base, count: 1 }])).findings.length, 1, 'one entry per identity');
  // The fingerprint is the first 16 hex digits of SHA-256 of the identity as JSON, whichever way
  // it is hashed: baselines written by earlier versions must keep matching.
  const id = identityOf(stale('a'));
  assert.equal(fp(stale('a')), createHash('sha256').update(JSON.stringify([id.rule, id.job, id.trigger, id.key])).digest('hex').slice(0, 16));
  assert.equal(fp(base), 'f7afc8c765d29288');
});

test('baseline errors: one line, exit 2', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'bad.json'), '{"findings": [');
  writeFileSync(join(dir, 'other.json'), '{"version": 1, "tool": "sched-doctor", "sources": []}');
  for (const [file, message] of [
    ['missing.json', /cannot read baseline .*missing\.json: no such file \(create it with --write-baseline/],
    ['bad.json', /baseline .*bad\.json: not valid JSON/],
    ['other.json', /not a sched-doctor baseline/],
  ] as const) {
    const res = analyze([SEED, '--baseline', join(dir, file)]);
    assert.equal(res.code, 2);
    assert.equal(res.stderr.split('\n').length, 2, res.stderr);
    assert.match(res.stderr, message);
  }
});

test('--max-findings tolerates up to N failing findings outside the baseline', () => {
  // seed: 2 errors (duplicate-run, multiple-schedulers), 2 warnings.
  assert.equal(analyze([SEED, '--max-findings', '1']).code, 1);
  assert.equal(analyze([SEED, '--max-findings', '2']).code, 0);
  assert.equal(analyze([SEED, '--fail-on', 'warning', '--max-findings', '3']).code, 1);
  assert.equal(analyze([SEED, '--fail-on', 'warning', '--max-findings', '4']).code, 0);
  assert.equal(analyze([SEED, '--max-findings', 'many']).code, 2);
});
