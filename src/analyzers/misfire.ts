import { JobTally, evidenceOf, plural, seconds } from './job-tally';
import type { LogRule } from './rule';

export const misfire: LogRule = {
  id: 'misfire',
  scope: 'log',
  severity: 'warning',
  summary: 'A run was dropped because it started later than `misfire_grace_time` allows.',
  docs: {
    what: 'APScheduler dropped a run: `Run time of job "…" was missed by 0:00:07.156346`. `count` is the number of missed runs; the largest delay is reported.',
    why: 'A missed run never executes. It happens after downtime, when the thread pool is saturated, or when the process was suspended; the default grace time (1 s) is short.',
    detection: 'The WARNING line from `apscheduler.executors.*`, per job, with the delay parsed from the timedelta.',
    example: '2026-11-26 14:25:38,101 WARNING apscheduler.executors.default: Run time of job "report (trigger: interval[0:00:01], next run at: 2026-11-26 14:25:39 EET)" was missed by 0:00:07.156346',
    fix: 'Raise `misfire_grace_time` to cover the delays you want to tolerate (or `None` for jobs that must always run), and set `coalesce=True` if only the latest missed run matters.',
  },
  create() {
    const tally = new JobTally(() => ({ maxLate: 0 }));
    return {
      eventKinds: ['misfire'],
      event(event) {
        if (event.kind !== 'misfire') return;
        const t = tally.hit(event.job, event.ctx.time, evidenceOf(event.ctx));
        t.data.maxLate = Math.max(t.data.maxLate, event.lateMicros);
      },
      finish() {
        return tally.findings('misfire', 'warning', (t) => ({
          message: `${plural(t.count, 'run')} of ${t.job.name} missed (largest delay ${seconds(t.data.maxLate)})`,
          data: { misses: t.count, maxDelaySeconds: t.data.maxLate / 1e6 },
        }));
      },
    };
  },
};
