import { JobTally, evidenceOf, plural } from './job-tally';
import type { LogRule } from './rule';

export const maxInstancesSkip: LogRule = {
  id: 'max-instances-skip',
  scope: 'log',
  severity: 'warning',
  summary: 'A run was skipped because the job already had `max_instances` runs going.',
  docs: {
    what: 'APScheduler skipped a run: `Execution of job "…" skipped: maximum number of running instances reached (N)`. `count` is the number of skipped runs.',
    why: 'Skipped runs are work that never happened. Frequent skips mean a run lasts longer than the interval: the limit is doing its job, but the schedule does not fit the job.',
    detection: 'The WARNING line from `apscheduler.scheduler`, per job.',
    example: '2026-11-26 14:25:40,001 WARNING apscheduler.scheduler: Execution of job "Slow Job (trigger: interval[0:00:01], next run at: 2026-11-26 14:25:40 EET)" skipped: maximum number of running instances reached (1)',
    fix: 'Make the interval longer than the job\'s p95 run time, or make the job faster. Raise `max_instances` only if runs may safely overlap.',
  },
  create() {
    const tally = new JobTally(() => ({ limit: 0 }));
    return {
      eventKinds: ['max-instances'],
      event(event) {
        if (event.kind !== 'max-instances') return;
        const t = tally.hit(event.job, event.ctx.time, evidenceOf(event.ctx));
        t.data.limit = event.maxInstances;
      },
      finish() {
        return tally.findings('max-instances-skip', 'warning', (t) => ({
          message: `${plural(t.count, 'run')} of ${t.job.name} skipped: max_instances (${t.data.limit}) already running`,
          data: { skips: t.count, maxInstances: t.data.limit },
        }));
      },
    };
  },
};
