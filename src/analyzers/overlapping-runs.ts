import { intervalMicros } from '../model/trigger';
import { JobTally, plural } from './job-tally';
import type { LogRule } from './rule';

export const overlappingRuns: LogRule = {
  id: 'overlapping-runs',
  scope: 'log',
  severity: 'warning',
  summary: 'A run started while another run of the same job was still running.',
  docs: {
    what: 'A run of a job began while an earlier run of the same job (another scheduled time) had not finished, in the same scheduler process. `count` is the number of runs that started on top of another.',
    why: 'Overlapping runs of one job compete for the same rows, files and locks; most jobs are not written for it. It happens when `max_instances` is above 1 and a run lasts longer than the interval.',
    detection: 'Start and end lines are paired per job and process (by thread name when the log has one, otherwise first in, first out). Copies of the same scheduled time are `duplicate-run`, not overlap. A run left open by a crashed process does not count against its successor.',
    example: '… [ThreadPoolExecutor-0_0] Running job "sync (trigger: interval[0:00:01], …)" (scheduled at 2026-11-26 14:00:01+00:00)\n… [ThreadPoolExecutor-0_1] Running job "sync (trigger: interval[0:00:01], …)" (scheduled at 2026-11-26 14:00:02+00:00)',
    fix: 'Set `max_instances=1` unless the job is known to be safe to overlap, or make the interval longer than the job\'s run time.',
  },
  create() {
    const tally = new JobTally(() => ({ maxConcurrent: 0 }));
    return {
      runStart(run, open) {
        // Another job with the same name and interval (its scheduled times a few microseconds
        // apart) is not an overlap: an earlier run of this job was scheduled a period before.
        const period = intervalMicros(run.job.trigger);
        const others = open.filter((r) => r.scheduledAt.at !== run.scheduledAt.at && r.epoch === run.epoch
          && (period === undefined || run.scheduledAt.at - r.scheduledAt.at >= period / 2));
        if (others.length === 0) return;
        const t = tally.hit(run.job, run.start, [others[0].evidence, run.evidence]);
        const distinct = new Set(others.map((r) => r.scheduledAt.at)).size + 1;
        t.data.maxConcurrent = Math.max(t.data.maxConcurrent, distinct);
      },
      finish() {
        return tally.findings('overlapping-runs', 'warning', (t) => ({
          message: `${plural(t.count, 'run')} of ${t.job.name} started while an earlier run was still running (up to ${t.data.maxConcurrent} at once)`,
          data: { overlappingRuns: t.count, maxConcurrent: t.data.maxConcurrent },
        }));
      },
    };
  },
};
