// The metrics text: HELP and TYPE for every documented metric, label values escaped as the
// exposition format 0.0.4 wants, counters that never go down, and the endpoint over loopback.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LiveMetrics } from '../../src/engine/live-metrics';
import { escapeLabelValue, METRICS, renderPrometheus } from '../../src/report/prometheus';
import { isLoopback, parseMetricsAddress, serveMetrics } from '../../src/cli/metrics-server';
import type { Finding } from '../../src/model/finding';
import { parseExposition, scrape } from '../support/watch';

const finding = (job: string | null, count: number, extra: Partial<Finding> = {}): Finding => ({ rule: 'duplicate-run', severity: 'error', job, trigger: 'interval[0:00:10]', count, message: '', evidence: [], ...extra });

test('label values: backslash, double quote and line feed are escaped, nothing else', () => {
  assert.equal(escapeLabelValue('a\\b"c\nd é,}'), 'a\\\\b\\"c\\nd é,}');
});

test('every documented metric has HELP and TYPE; a hostile job name round-trips through a strict parser', () => {
  const m = new LiveMetrics();
  const hostile = 'report "daily"\\n\nnext';
  m.findingsSeen([finding(hostile, 2), finding(null, 3, { rule: 'multiple-schedulers' })]);
  m.event({ kind: 'run-start', ctx: { source: 'a', line: 1, text: '', time: 1_800_000_000e6 }, job: { name: hostile, trigger: 'interval[0:00:10]' }, scheduledAt: { at: 1_800_000_000e6, offsetMinutes: 0, text: '' } });
  m.event({ kind: 'run-end', ctx: { source: 'a', line: 2, text: '' }, job: { name: hostile, trigger: 'interval[0:00:10]' }, outcome: 'error' });
  m.event({ kind: 'max-instances', ctx: { source: 'a', line: 3, text: '' }, job: { name: hostile, trigger: 'interval[0:00:10]' }, maxInstances: 1 });
  const text = renderPrometheus(m.view(2));
  const parsed = parseExposition(text);
  for (const doc of METRICS) {
    assert.equal(parsed.types.get(doc.name), doc.type);
    assert.equal(parsed.help.get(doc.name), doc.help);
  }
  const get = (name: string, labels: Record<string, string>) => parsed.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).map((s) => s.value);
  assert.deepEqual(get('sched_doctor_findings_total', { rule: 'duplicate-run', job: hostile }), [2]);
  assert.deepEqual(get('sched_doctor_findings_total', { rule: 'multiple-schedulers', job: '' }), [3]);
  assert.deepEqual(get('sched_doctor_runs_total', { job: hostile, outcome: 'error' }), [1]);
  assert.deepEqual(get('sched_doctor_runs_total', { job: hostile, outcome: 'skipped' }), [1]);
  assert.deepEqual(get('sched_doctor_last_run_timestamp_seconds', { job: hostile }), [1_800_000_000]);
  assert.deepEqual(get('sched_doctor_next_run_timestamp_seconds', { job: hostile }), [1_800_000_010]);
  assert.deepEqual(get('sched_doctor_schedulers', {}), [2]);
});

test('a counter never goes down: a finding whose count shrinks keeps its largest; two findings of one rule and job add up', () => {
  const m = new LiveMetrics();
  m.findingsSeen([finding('sync', 4)]);
  m.findingsSeen([finding('sync', 3)]);
  m.findingsSeen([finding('sync', 1, { trigger: 'interval[0:00:05]' })]);
  assert.deepEqual(m.view(0).findings, [{ rule: 'duplicate-run', job: 'sync', value: 5 }]);
});

test('the address: loopback only unless allowed; the endpoint answers GET /metrics and 404 elsewhere', async () => {
  assert.ok(isLoopback('127.0.0.1') && isLoopback('127.1.2.3') && isLoopback('::1') && isLoopback('localhost'));
  assert.ok(!isLoopback('0.0.0.0') && !isLoopback('10.0.0.1') && !isLoopback('::'));
  assert.deepEqual(parseMetricsAddress('[::1]:9464', false), { host: '::1', port: 9464 });
  assert.deepEqual(parseMetricsAddress('0.0.0.0:9464', true), { host: '0.0.0.0', port: 9464 });
  assert.throws(() => parseMetricsAddress('0.0.0.0:9464', false), /not a loopback address/);
  assert.throws(() => parseMetricsAddress('127.0.0.1:99999', false), /must be HOST:PORT/);
  const server = await serveMetrics({ host: '127.0.0.1', port: 0 }, () => renderPrometheus(new LiveMetrics().view(1)));
  try {
    const r = await scrape(server.port);
    assert.equal(r.status, 200);
    assert.equal(r.type, 'text/plain; version=0.0.4; charset=utf-8');
    assert.deepEqual(parseExposition(r.text).samples, [{ name: 'sched_doctor_schedulers', labels: {}, value: 1 }]);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/other`)).status, 404);
  } finally {
    server.close();
  }
});

test("the README's metrics table is these names, types and help texts", () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  for (const m of METRICS) assert.ok(readme.includes(`| \`${m.name}\` | ${m.type} | `) && readme.includes(` | ${m.help} |`), m.name);
});
