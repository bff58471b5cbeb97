import type { Run } from '../model/run';
import type { Evidence } from '../model/finding';
import { JobTally, plural, seconds } from './job-tally';
import type { LogRule } from './rule';
import { intervalMicros } from '../model/trigger';

/** A burst this soon after `Scheduler started` in its process is a restart's replay. */
const RESTART_WINDOW = 60e6;

// A burst keeps its first run's job and a copy of its evidence, never the run: a run's text pins its chunk of log.
/** One (instance, job) pair: the key of its open burst. */
type Slot = Record<string, never>;

interface Burst { instance: string; runs: number; firstStart: number; lastStart: number; minScheduled: number; maxScheduled: number; maxLag: number; job: Run['job']; evidence: Evidence;
  /** Replays of one job are a fire time apart: half the interval (half a second for other triggers). */
  minStep: number }

export const catchUpBurst: LogRule = {
  id: 'catch-up-burst',
  scope: 'log',
  severity: 'warning',
  summary: 'After downtime, several overdue runs of one job executed back to back.',
  docs: {
    what: 'Several runs of one job whose `scheduled at` times lie well in the past started one right after another: the scheduler replayed every run it missed while it was down. `count` is the number of replayed runs.',
    why: 'With a persistent job store, `coalesce=False` and a generous `misfire_grace_time`, APScheduler runs every missed time at start-up. A job that refreshes something usually needs only the latest run; the burst loads the system exactly when it comes back.',
    detection: 'Per job and process: a run late by more than `minLagSeconds`, followed within `maxGapSeconds` each by runs whose `scheduled at` was already past when the first of them started (the scheduler found them all due at once), at least `minRuns` in all, each a fire time after the one before (half the interval at least: a run scheduled microseconds after the last is a sibling job sharing the name, not a replay). Runs on time never qualify: the next scheduled time is still ahead when a punctual run starts. Needs real timestamps on the lines.',
    example: '2026-11-26 14:01:10,002 … Running job "refresh (trigger: interval[0:00:01], …)" (scheduled at 2026-11-26 14:01:02.5+00:00)\n2026-11-26 14:01:10,004 … Running job "refresh (trigger: interval[0:00:01], …)" (scheduled at 2026-11-26 14:01:03.5+00:00)',
    fix: 'Set `coalesce=True` so a backlog collapses into one run, unless every run really matters.',
  },
  options: {
    minRuns: { default: 2, description: 'replayed runs that make a burst' },
    minLagSeconds: { default: 1, description: 'smallest lateness that counts as replayed' },
    maxGapSeconds: { default: 5, description: 'largest gap between two replayed starts' },
  },
  create(context) {
    const minRuns = context.options.minRuns ?? 2;
    const minLag = (context.options.minLagSeconds ?? 1) * 1e6;
    const maxGap = (context.options.maxGapSeconds ?? 5) * 1e6;
    // Open bursts by (instance, job): a slot per pair, found through the job's instances, so no key
    // string is built per run. `open` keeps the bursts in the order they opened, as finish reads them.
    const open = new Map<Slot, Burst>();
    const slots = new Map<string, Map<string, Slot>>();
    const slotOf = (run: Run): Slot => {
      let byInstance = slots.get(run.key);
      if (!byInstance) slots.set(run.key, (byInstance = new Map()));
      let slot = byInstance.get(run.instance);
      if (!slot) byInstance.set(run.instance, (slot = {}));
      return slot;
    };
    const tally = new JobTally(() => ({ bursts: 0, afterStart: 0, largest: 0, maxLag: 0, from: 0, to: 0 }));

    /** A burst that ended (or, at the end, is still open) counts into `into`. */
    const count = (b: Burst, into: typeof tally) => {
      if (b.runs < minRuns) return;
      const t = into.hit(b.job, b.firstStart, b.evidence);
      t.count += b.runs - 1;
      t.data.bursts++;
      if (b.runs > t.data.largest) {
        t.data.largest = b.runs;
        t.data.from = b.minScheduled;
        t.data.to = b.maxScheduled;
      }
      t.data.maxLag = Math.max(t.data.maxLag, b.maxLag);
      const starts = context.instance(b.instance)?.starts ?? [];
      if (starts.some((s) => s <= b.firstStart && b.firstStart - s <= RESTART_WINDOW)) t.data.afterStart++;
    };
    const close = (key: Slot) => {
      const b = open.get(key);
      open.delete(key);
      if (b) count(b, tally);
    };

    return {
      runStart(run) {
        if (run.startInferred) return;
        const key = slotOf(run);
        const lag = run.start - run.scheduledAt.at;
        const b = open.get(key);
        // A scheduled time just after the burst's last one is a sibling's (two jobs sharing a name
        // and interval, added in a loop): it neither joins nor ends the burst.
        if (b && run.scheduledAt.at > b.maxScheduled && run.scheduledAt.at - b.maxScheduled < b.minStep) return;
        // A replay: the scheduler found this time already due when the burst began, and ran it
        // right after the previous one.
        if (b && run.scheduledAt.at < b.firstStart && run.scheduledAt.at > b.maxScheduled && run.start - b.lastStart <= maxGap) {
          b.runs++;
          b.lastStart = run.start;
          b.maxScheduled = run.scheduledAt.at;
          b.maxLag = Math.max(b.maxLag, lag);
          return;
        }
        close(key);
        if (lag > minLag) open.set(key, { runs: 1, firstStart: run.start, lastStart: run.start, minScheduled: run.scheduledAt.at, maxScheduled: run.scheduledAt.at, maxLag: lag, instance: run.instance, job: run.job, evidence: run.evidence, minStep: (intervalMicros(run.job.trigger) ?? 1e6) / 2 });
      },
      finish() {
        // Bursts still open count as they stand, in a copy: finish is asked again while a log is followed.
        const now = tally.clone();
        for (const b of open.values()) count(b, now);
        return now.findings('catch-up-burst', 'warning', (t) => ({
          message: `${plural(t.count, 'overdue run')} of ${t.job.name} replayed back to back ${t.data.afterStart === t.data.bursts ? 'after downtime' : t.data.afterStart === 0 ? 'while the scheduler was behind' : 'after downtime or while the scheduler was behind'} (${plural(t.data.bursts, 'burst')}, largest ${t.data.largest} runs covering ${seconds(t.data.to - t.data.from)} of missed schedule, up to ${seconds(t.data.maxLag)} late)`,
          data: { replayedRuns: t.count, bursts: t.data.bursts, largestBurst: t.data.largest, maxLagSeconds: t.data.maxLag / 1e6 },
        }));
      },
    };
  },
};
