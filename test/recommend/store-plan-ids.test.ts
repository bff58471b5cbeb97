// firstPlannedIds is what recommend reads of the plan without planning every row: it must give,
// for each list of ids, the id of the first of them in planStore's order, generated ids or not.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duplicateJob } from '../../src/analyzers/duplicate-job';
import type { StoreJob } from '../../src/model/store-job';
import { firstPlannedIds, planStore } from '../../src/recommend/store-plan';

function storeJob(id: string, name: string, args: unknown[], start: number): StoreJob {
  return {
    store: 'sqlite:///jobs.sqlite', table: 'apscheduler_jobs',
    row: { id, nextRunTime: 1_800_000_000, jobState: Buffer.alloc(0) },
    state: {
      id, name, func: 'app.tasks:sync', executor: 'default', args, kwargs: {},
      misfireGraceTime: 1, coalesce: true, maxInstances: 1, nextRunTime: null,
      trigger: { type: 'interval', text: 'interval[0:01:00]', timezone: null, startDate: { iso: '', epochMicros: start, zone: null, text: '' } },
      text: `${name} (trigger: interval[0:01:00], paused)`,
    },
  } as StoreJob;
}

/** The plan's answer, read the way recommend once read it: the first planned row of each list. */
function fromPlan(jobs: StoreJob[], lists: string[][]): (string | undefined)[] {
  const plan = planStore(jobs).jobs;
  return lists.map((ids) => plan.find((p) => ids.includes(p.job.row.id))?.id);
}

function store(generated: boolean): StoreJob[] {
  const jobs: StoreJob[] = [];
  const hex = (n: number) => n.toString(16).padStart(32, '0');
  for (let i = 0; i < 60; i++) {
    const id = generated && i % 3 === 0 ? hex(i) : `job-${i}`;
    // Names collide across jobs (so the order's tie on name is met), arguments tell copies apart.
    jobs.push(storeJob(id, `task_${i % 7}`, [i % 20], 1000 - i));
  }
  // The same id twice (a store without a key on it): whichever the plan meets first wins.
  jobs.push(storeJob('job-5', 'task_0', [99], 5));
  return jobs;
}

for (const generated of [false, true]) {
  test(`firstPlannedIds gives the plan's first id of each list (${generated ? 'with' : 'without'} generated ids)`, () => {
    const jobs = store(generated);
    const lists = duplicateJob.check(jobs, { now: 0, options: {} }).map((f) => f.data!.ids as string[]);
    assert.ok(lists.length > 5);
    lists.push(['not-a-row'], ['job-5', 'job-6'], []);
    assert.deepEqual(firstPlannedIds(jobs, lists), fromPlan(jobs, lists));
  });
}
