// duplicate-run in a handful of lines, and on gunicorn -w 3 recorded with default logging: the
// copies are attributed only as far as the log allows, and the evidence is one whole group.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeLogs } from '../../src/engine/analyze';
import { readTruth } from '../scenarios/check-scenario';
import { analyzeLines, basic, withPid } from '../support/log-lines';
import { withRepeatedFinish } from '../support/repeat-finish';
import { sameRunsOnHosts } from '../support/same-runs-on-hosts';
import { duplicateRun } from '../../src/analyzers/duplicate-run';

const CRON = "cron[minute='*/5']";
const GUNICORN = join(__dirname, '..', 'fixtures', 'server-gunicorn-w3');

test('gunicorn -w 3, default logging: at least 3 schedulers, never "by 1 scheduler", one whole group as evidence', async () => {
  const truth = readTruth(GUNICORN);
  const a = await analyzeLogs([join(GUNICORN, 'app.log')]);
  const dups = a.findings.filter((f) => f.rule === 'duplicate-run');
  assert.ok(dups.length > 0);
  for (const f of dups) {
    assert.doesNotMatch(f.message, /by 1 scheduler/);
    assert.equal(f.data!.schedulers, 3);
    assert.equal(f.data!.attribution, 'inferred');
    // The largest group, all its copies: the same `scheduled at` on every line, as many lines as the headline says.
    const max = f.data!.maxCopies as number;
    assert.equal(f.evidence.length, max);
    const at = f.evidence.map((e) => /scheduled at ([^)]+)\)/.exec(e.text!)![1]);
    assert.equal(new Set(at).size, 1);
    // The truth's largest group for this job is that size.
    const copies = new Map<number, number>();
    for (const r of truth.runs.filter((x) => x.job_name === f.job)) copies.set(r.scheduled_run_time_us, (copies.get(r.scheduled_run_time_us) ?? 0) + 1);
    assert.equal(max, Math.max(...copies.values()));
  }
  // The jobs table says the same number.
  for (const j of a.jobs) assert.equal(j.instances, 3, j.name);
});

test('one process (a pid) running the same cron run twice: copies in its store, not more schedulers', async () => {
  const a = await analyzeLines([
    withPid(basic.start, 4101, '2026-11-26 14:00:00,001'),
    withPid(basic.run('report', CRON, '2026-11-26 14:05:00'), 4101, '2026-11-26 14:05:00,002'),
    withPid(basic.run('report', CRON, '2026-11-26 14:05:00'), 4101, '2026-11-26 14:05:00,003'),
    withPid(basic.ok('report', CRON, '2026-11-26 14:10:00'), 4101, '2026-11-26 14:05:00,100'),
    withPid(basic.ok('report', CRON, '2026-11-26 14:10:00'), 4101, '2026-11-26 14:05:00,101'),
  ]);
  const dup = a.findings.find((f) => f.rule === 'duplicate-run')!;
  assert.equal(dup.data!.attribution, 'store-copies');
  assert.equal(dup.data!.schedulers, 1);
  assert.match(dup.message, /copies of the job .*not more schedulers/);
  assert.ok(!a.findings.some((f) => f.rule === 'multiple-schedulers'), 'one process is one scheduler');
  assert.ok(!a.findings.some((f) => f.rule === 'overlapping-runs'), 'copies inside one process are not max_instances overlap');
});

test('valid: two jobs sharing a name and interval, microseconds apart, in one process: nothing', async () => {
  const IV = 'interval[0:00:04]';
  const lines = [withPid(basic.start, 7, '2026-11-26 14:00:00,000')];
  for (let s = 10; s <= 30; s += 4) {
    lines.push(withPid(basic.run('sync_shard', IV, `2026-11-26 14:00:${s}.100000`), 7, `2026-11-26 14:00:${s},101`));
    lines.push(withPid(basic.run('sync_shard', IV, `2026-11-26 14:00:${s}.100313`), 7, `2026-11-26 14:00:${s},102`));
    lines.push(withPid(basic.ok('sync_shard', IV, 'x'), 7, `2026-11-26 14:00:${s},300`), withPid(basic.ok('sync_shard', IV, 'x'), 7, `2026-11-26 14:00:${s},301`));
  }
  const a = await analyzeLines(lines);
  assert.deepEqual(a.findings.map((f) => f.rule), []);
});

test('finish() is repeatable: called twice on one state, the same findings, and the first left as it was', async () => {
  const { dir, cleanup } = sameRunsOnHosts(3, 20);
  try {
    for (const input of [[dir], [join(GUNICORN, 'app.log')]]) {
      const plain = await analyzeLogs(input);
      const { value, calls } = await withRepeatedFinish(duplicateRun, () => analyzeLogs(input));
      assert.equal(calls.length, 1);
      const found = JSON.parse(calls[0].first) as { rule: string; evidence: unknown[] }[];
      assert.ok(found.length > 0 && found.every((f) => f.rule === 'duplicate-run' && f.evidence.length > 0));
      assert.equal(calls[0].second, calls[0].first);
      assert.equal(calls[0].again, calls[0].first);
      assert.deepEqual(value.findings, plain.findings, 'a second finish() changes nothing the engine reports');
    }
  } finally {
    cleanup();
  }
});
