import type { Finding } from '../model/finding';
import { isoFromMicros } from '../model/time';
import { seconds } from './job-tally';
import { rowEvidence } from './store-evidence';
import type { StoreRule } from './rule';

export const staleJob: StoreRule = {
  id: 'stale-job',
  scope: 'store',
  severity: 'warning',
  summary: 'A job\'s next_run_time is further in the past than its misfire grace allows: no scheduler is processing the store.',
  docs: {
    what: 'The row\'s `next_run_time` lies in the past (relative to `--now`, default the clock) by more than the job\'s `misfire_grace_time` and at least `minOverdueSeconds`.',
    why: 'A running scheduler moves `next_run_time` forward after every run. A row that stays behind means no scheduler has processed this store since then — or the job will replay a backlog (or be dropped as missed) when one starts.',
    detection: 'Per decoded row: now − next_run_time > max(misfire_grace_time, minOverdueSeconds). Paused rows (NULL) are `paused-job`.',
    example: 'id=nightly next_run_time=2026-10-01T03:00:00Z (56 days ago) misfire_grace_time=1',
    fix: 'Check that a scheduler runs against this store. If the rows are leftovers, remove them (`sched-doctor clean --rules stale-job`).',
  },
  options: { minOverdueSeconds: { default: 60, description: 'smallest overdue time reported' } },
  check(jobs, context) {
    const floor = (context.options.minOverdueSeconds ?? 60) * 1e6;
    const findings: Finding[] = [];
    for (const job of jobs) {
      if (job.row.nextRunTime === null || job.row.index?.inJobs === false) continue;
      const next = Math.round(job.row.nextRunTime * 1e6);
      const overdue = context.now - next;
      const grace = job.state?.misfireGraceTime;
      if (overdue <= Math.max(floor, (grace ?? 0) * 1e6)) continue;
      findings.push({
        rule: 'stale-job', severity: 'warning', job: job.state?.name ?? job.row.id, trigger: job.state?.trigger.text, count: 1,
        message: `${job.row.id}: next run was due ${isoFromMicros(next)}, ${seconds(overdue)} before now (misfire_grace_time ${grace === null ? 'None' : grace ?? 'unknown'})`,
        firstTime: isoFromMicros(next), evidence: [rowEvidence(job)],
        data: { id: job.row.id, overdueSeconds: overdue / 1e6, misfireGraceTime: grace ?? null },
      });
    }
    return findings;
  },
};
