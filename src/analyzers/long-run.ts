import { addEvidence, JobTally, plural, seconds } from './job-tally';
import type { LogRule } from './rule';

export const longRun: LogRule = {
  id: 'long-run',
  scope: 'log',
  severity: 'warning',
  summary: 'Runs of a job last longer than its trigger\'s interval.',
  docs: {
    what: 'A run took longer than the time between two scheduled runs of its job: its `interval[…]`, or for other triggers the smallest gap seen between its scheduled times. `count` is the number of such runs.',
    why: 'The next run falls due while this one is still going: with `max_instances=1` it is skipped, above 1 the runs overlap. Either way the schedule does not fit the job.',
    detection: 'Durations from paired start and end lines with real timestamps; with first-in-first-out pairing they are approximate, and the report says so.',
    example: '2026-11-26 14:00:01,001 … Running job "sync (trigger: interval[0:00:01], …)" (scheduled at …)\n2026-11-26 14:00:03,502 … Job "sync (trigger: interval[0:00:01], …)" executed successfully',
    fix: 'Lengthen the interval beyond the job\'s p95 run time, or make the job faster.',
  },
  create() {
    const tally = new JobTally(() => ({ max: 0, period: 0 }));
    // Per job: the trigger's own interval (read once from its text), else the smallest gap seen.
    const perJob = new Map<string, PerJob>();
    return {
      runStart(run) {
        let g = perJob.get(run.key);
        if (!g) perJob.set(run.key, (g = { last: NaN, gap: Infinity, exact: intervalMicros(run.job.trigger), dated: run.job.trigger.startsWith('date[') }));
        // Against NaN (no run yet) every comparison is false.
        if (run.scheduledAt.at > g.last) g.gap = Math.min(g.gap, run.scheduledAt.at - g.last);
        if (!(run.scheduledAt.at <= g.last)) g.last = run.scheduledAt.at;
      },
      runEnd(run, endInferred) {
        if (run.end === undefined || run.startInferred || endInferred) return;
        const period = periodOf(run.job.trigger, perJob.get(run.key));
        if (period === undefined) return;
        const duration = run.end - run.start;
        if (duration <= period) return;
        const t = tally.hit(run.job, run.start);
        // The evidence is the longest run's start and end: the headline's duration is read off these two lines.
        if (duration > t.data.max) {
          t.evidence.length = 0;
          for (const e of pairOf(run)) addEvidence(t.evidence, e);
        }
        t.data.max = Math.max(t.data.max, duration);
        t.data.period = period;
      },
      finish() {
        return tally.findings('long-run', 'warning', (t) => ({
          message: `${plural(t.count, 'run')} of ${t.job.name} lasted longer than its ${seconds(t.data.period)} interval (longest ${seconds(t.data.max)})`,
          data: { longRuns: t.count, maxDurationSeconds: t.data.max / 1e6, periodSeconds: t.data.period / 1e6 },
        }));
      },
    };
  },
};

import { intervalMicros } from '../model/trigger';
import type { Evidence } from '../model/finding';
import type { Run } from '../model/run';

function pairOf(run: Run): Evidence[] {
  return run.endEvidence ? [run.evidence, run.endEvidence] : [run.evidence];
}

/** `last`: the latest scheduled time, NaN before any (a number from the start: set per run, a field added later sat in a second object). */
interface PerJob { last: number; gap: number; exact: number | undefined; dated: boolean }

/** `job`: undefined when the run's start was not seen (the log began mid-run). */
function periodOf(trigger: string, job: PerJob | undefined): number | undefined {
  if (!job) {
    const exact = intervalMicros(trigger);
    return exact;
  }
  if (job.exact !== undefined) return job.exact;
  if (job.dated) return undefined;
  return Number.isFinite(job.gap) ? job.gap : undefined;
}
