// The deployment advice follows the evidence: a server's own lines name it (servers.test.ts); no
// fingerprint and no pids says what cannot be told and lowers the confidence; copies in one
// process's store are a registration problem, not a deployment one.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { collect } from '../../src/cli/collect';
import { analyzeLines, basic, withPid } from '../support/log-lines';
import { recommend } from '../../src/recommend/recommend';

const FIXTURES = join(__dirname, '..', 'fixtures');

test('the reloader log (no pids, no server lines): workers and a reloader cannot be told apart, low confidence, add %(process)d', async () => {
  const { recommendations } = await collect([join(FIXTURES, 'reloader', 'app.log')], {});
  const d = recommendations.find((r) => r.setting === 'deployment')!;
  assert.equal(d.confidence, 'low');
  assert.match(d.reason, /cannot be told apart/);
  assert.match(d.recommended, /%\(process\)d/);
  assert.equal(d.evidence.schedulers, 2);
  assert.equal(d.evidence.server, null);
});

test('several pids and no server lines: web workers are likely, not certain (medium)', async () => {
  const { recommendations } = await collect([join(FIXTURES, 'seed', 'app.log')], {});
  const d = recommendations.find((r) => r.setting === 'deployment')!;
  assert.equal(d.confidence, 'medium');
  assert.equal(d.evidence.schedulers, 3);
  assert.doesNotMatch(d.reason, /reloader/);
});

test('one process whose store holds the job twice: replace_existing and clean, no deployment advice', async () => {
  const CRON = "cron[minute='*/5']";
  const a = await analyzeLines([
    withPid(basic.start, 4101, '2026-11-26 14:00:00,001'),
    withPid(basic.run('sync', CRON, '2026-11-26 14:05:00'), 4101, '2026-11-26 14:05:00,002'),
    withPid(basic.run('sync', CRON, '2026-11-26 14:05:00'), 4101, '2026-11-26 14:05:00,003'),
    withPid(basic.ok('sync', CRON, 'x'), 4101, '2026-11-26 14:05:00,100'),
    withPid(basic.ok('sync', CRON, 'x'), 4101, '2026-11-26 14:05:00,101'),
  ]);
  const { findings: storeFindings } = await collect([], { db: `sqlite:///${join(FIXTURES, 'stores', 'restarts.sqlite')}`, table: 'apscheduler_jobs', now: '2020-01-01T00:00:00Z' }).then((c) => c.analysis);
  assert.ok(storeFindings.some((f) => f.rule === 'duplicate-job'));
  const recs = recommend({ jobs: a.jobs, findings: [...a.findings, ...storeFindings] });
  assert.ok(!recs.some((r) => r.setting === 'deployment'), JSON.stringify(recs.map((r) => r.recommended)));
  assert.ok(recs.some((r) => r.setting === 'replace_existing'));
  // Without the store the log alone says the same: one process is one scheduler.
  assert.ok(!recommend({ jobs: a.jobs, findings: a.findings }).some((r) => r.setting === 'deployment'));
});
