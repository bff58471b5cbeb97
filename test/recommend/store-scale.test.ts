// The recommender on a large store: duplicate-job findings by the thousand against tens of
// thousands of rows. It once searched every planned job for every finding (quadratic: minutes
// on a 100,000-row store); the ids it gives must still be the ones the plan chose.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duplicateJob } from '../../src/analyzers/duplicate-job';
import type { StoreJob } from '../../src/model/store-job';
import { recommend } from '../../src/recommend/recommend';
import { planStore } from '../../src/recommend/store-plan';

function storeJob(i: number, copy: number): StoreJob {
  const name = `task_${i}`;
  return {
    store: 'sqlite:///jobs.sqlite', table: 'apscheduler_jobs',
    row: { id: `job-${i}-${copy}`, nextRunTime: 1_800_000_000 + i, jobState: Buffer.alloc(0) },
    state: {
      id: `job-${i}-${copy}`, name, func: `app.tasks:${name}`, executor: 'default', args: [i], kwargs: {},
      misfireGraceTime: 1, coalesce: true, maxInstances: 1, nextRunTime: null,
      trigger: { type: 'interval', text: `interval[0:0${i % 10}:00]`, timezone: null, startDate: null },
      text: `${name} (trigger: interval[0:0${i % 10}:00], paused)`,
    },
  };
}

test('duplicate-job recommendations on 40,000 rows (10,000 duplicated jobs) take the plan\'s ids, in linear time', () => {
  const jobs: StoreJob[] = [];
  for (let i = 0; i < 30_000; i++) jobs.push(storeJob(i, 0));
  for (let i = 0; i < 10_000; i++) jobs.push(storeJob(i * 3, 1));
  const findings = duplicateJob.check(jobs, { now: 0, options: {} });
  assert.equal(findings.length, 10_000);
  const started = process.hrtime.bigint();
  const recs = recommend({ jobs: [], findings, storeJobs: jobs });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const plan = planStore(jobs);
  const planned = new Map(plan.jobs.map((p) => [p.job.row.id, p.id]));
  assert.equal(recs.length, 10_000);
  for (const [k, f] of findings.entries()) {
    const ids = f.data!.ids as string[];
    const want = ids.map((id) => planned.get(id)).find((id) => id !== undefined);
    assert.equal(recs[k].recommended, `True, with id='${want}'`);
  }
  // The quadratic search took minutes here; the lookup a fraction of a second. The bound leaves
  // room for a machine shared with other work.
  assert.ok(seconds < 20, `recommend took ${seconds.toFixed(1)} s`);
});
