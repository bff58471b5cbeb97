// The kill-restart scenario (test/fixtures/gen/kill_restart.py, real APScheduler 3.9.1): kill -9,
// 14 s down, a restart that re-adds two jobs with replace_existing=True, a job store outage and two
// rows APScheduler deleted. Every number comes from the truth: the fire times APScheduler's own
// triggers produced while each job existed, less every fire time an event names.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeLogs } from '../../src/engine/analyze';
import { isoFromMicros } from '../../src/model/time';
import { runCli } from '../support/cli';
import { readTruth } from './check-scenario';

const DIR = join(__dirname, '..', 'fixtures', 'kill-restart');
const truth = readTruth(DIR) as ReturnType<typeof readTruth> & { details: { lost_run: { job_id: string; scheduler: string; fire_time_us: number }[] } };
const lost = truth.details.lost_run;

test('kill-restart: each job\'s lost fire times, first and last, from the truth', async () => {
  const a = await analyzeLogs([join(DIR, 'app.log')]);
  const missed = a.findings.filter((f) => f.rule === 'missed-run');
  assert.deepEqual(missed.map((f) => f.job).sort(), [...new Set(lost.map((l) => l.job_id))].sort());
  for (const f of missed) {
    const mine = lost.filter((l) => l.job_id === f.job).map((l) => l.fire_time_us).sort((x, y) => x - y);
    assert.equal(f.count, mine.length, f.job!);
    assert.equal(f.firstTime, isoFromMicros(mine[0]), `${f.job} first`);
    assert.equal(f.lastTime, isoFromMicros(mine[mine.length - 1]), `${f.job} last`);
  }
  // The interval job: the old phase's fire times until the re-add, then the outage's.
  const sync = missed.find((f) => f.job === 'sync_orders')!;
  const byScheduler = (s: string) => lost.filter((l) => l.job_id === 'sync_orders' && l.scheduler === s).length;
  assert.deepEqual(sync.data!.causes, { replaced: byScheduler('A'), 'store-error': byScheduler('B') });
  // The cron job in America/New_York (the log is in Europe/Berlin): downtime, then the outage.
  const pulse = missed.find((f) => f.job === 'pulse')!;
  const pulseLost = (s: string) => lost.filter((l) => l.job_id === 'pulse' && l.scheduler === s).length;
  assert.deepEqual(pulse.data!.causes, { restart: pulseLost('A'), 'store-error': pulseLost('B') });
  assert.equal(pulse.data!.uncertain, false);

  const store = a.findings.filter((f) => f.rule === 'store-error');
  assert.equal(store.length, 1);
  assert.equal(store[0].count, truth.expected.store_error);
  assert.equal(store[0].severity, 'error');
  assert.match(store[0].message, /no such table: apscheduler_jobs/);
  assert.ok((store[0].data!.spanSeconds as number) > 5, 'the outage lasted until the retry');

  assert.deepEqual(a.findings.filter((f) => f.rule === 'job-removed').map((f) => [f.data!.reason, f.data!.id]).sort(), [['executor-lookup-failed', 'nightly_report'], ['restore-failed', 'legacy_cleanup']]);
  for (const absent of ['duplicate-run', 'multiple-schedulers', 'overlapping-runs', 'catch-up-burst', 'max-instances-skip']) {
    assert.ok(!a.findings.some((f) => f.rule === absent), `${absent} must not appear`);
  }
});

test('kill-restart: `analyze` lists the fire times that never ran, with count, first, last and cause', () => {
  const r = runCli(['analyze', join(DIR, 'app.log')]);
  assert.equal(r.code, 1, r.stderr);
  const n = lost.filter((l) => l.job_id === 'sync_orders').length;
  // The terminal report wraps its prose to the width: read it as one line.
  const text = r.stdout.replace(/\n +/g, ' ');
  assert.match(text, new RegExp(`${n} fire times of sync_orders never ran and no line says so \\(first `));
  assert.match(text, /before the job was added again with a new phase/);
  assert.match(text, /while the job store could not be read/);
});
