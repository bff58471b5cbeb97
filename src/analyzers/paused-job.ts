import { rowEvidence } from './store-evidence';
import type { StoreRule } from './rule';

export const pausedJob: StoreRule = {
  id: 'paused-job',
  scope: 'store',
  severity: 'info',
  summary: 'A job is paused (next_run_time is NULL).',
  docs: {
    what: 'The row\'s `next_run_time` is NULL: the job was paused with `pause_job()` and will not run until resumed.',
    why: 'Usually intended; sometimes a job paused during an incident and forgotten.',
    detection: 'next_run_time IS NULL.',
    example: 'id=report next_run_time=NULL',
    fix: '`scheduler.resume_job("report")` if it should run, or remove it.',
  },
  check(jobs) {
    return jobs
      // Paused means both the index and the state say so; one alone is next-run-mismatch.
      .filter((j) => j.row.nextRunTime === null && (j.state === undefined || j.state.nextRunTime === null))
      .map((j) => ({
        rule: 'paused-job', severity: 'info' as const, job: j.state?.name ?? j.row.id, trigger: j.state?.trigger.text, count: 1,
        message: `${j.row.id} is paused`, evidence: [rowEvidence(j)], data: { id: j.row.id },
      }));
  },
};
