// The jobs table: per job (name and trigger), what the log shows of its runs. Fixed memory per
// job: counters and two histograms.

import type { JobRef, LogEvent } from '../model/event';
import { jobKey } from '../model/event';
import type { Run } from '../model/run';
import { intervalMicros } from '../model/trigger';
import { Histogram } from '../stats/histogram';
import type { SchedulerCensus } from './scheduler-census';

export interface JobSummary {
  name: string;
  trigger: string;
  runs: number;
  completed: number;
  errors: number;
  misfires: number;
  skips: number;
  maxConcurrency: number;
  /** Schedulers that ran the job: processes, and in a stream without pids those the log shows (a lower bound). */
  instances: number;
  /** Seconds. */
  duration: { p50?: number; p95?: number; max?: number };
  lateness: { p50?: number; p95?: number; p99?: number; max?: number };
  /** Largest `was missed by`, seconds. */
  maxMissedBy?: number;
  /** The trigger's period in seconds, or the smallest gap observed between scheduled times. */
  periodSeconds?: number;
  periodSource?: 'trigger' | 'observed';
  firstRun?: number;
  lastRun?: number;
}

interface Acc {
  job: JobRef;
  runs: number;
  completed: number;
  errors: number;
  misfires: number;
  skips: number;
  maxConcurrency: number;
  instances: Set<string>;
  /** The instance of the last run: most runs come from it, and are already in `instances`. */
  lastInstance: string | undefined;
  durations: Histogram;
  lateness: Histogram;
  maxMissedBy: number;
  // NaN until the first run. Every field is in the literal that makes the record, as a number:
  // fields added later sat in a second object, and one that held undefined boxed each store.
  lastScheduled: number;
  minGap: number;
  firstRun: number;
  lastRun: number;
}

export class JobStats {
  private jobs = new Map<string, Acc>();

  private acc(job: JobRef): Acc {
    const key = jobKey(job);
    let a = this.jobs.get(key);
    if (!a) {
      a = { job: { name: job.name, trigger: job.trigger }, runs: 0, completed: 0, errors: 0, misfires: 0, skips: 0, maxConcurrency: 0,
        instances: new Set(), lastInstance: undefined, durations: new Histogram(), lateness: new Histogram(), maxMissedBy: 0,
        lastScheduled: NaN, minGap: Infinity, firstRun: NaN, lastRun: NaN };
      this.jobs.set(key, a);
    }
    return a;
  }

  runStart(run: Run, open: Run[]): void {
    const a = this.acc(run.job);
    a.runs++;
    if (run.instance !== a.lastInstance) {
      a.instances.add(run.instance);
      a.lastInstance = run.instance;
    }
    // A run left open by a crashed predecessor (an older scheduler epoch) is not running alongside.
    let alongside = 1;
    for (let i = 0; i < open.length; i++) if (open[i].epoch === run.epoch) alongside++;
    a.maxConcurrency = Math.max(a.maxConcurrency, alongside);
    if (!run.startInferred) a.lateness.add(Math.max(0, run.start - run.scheduledAt.at));
    const s = run.scheduledAt.at;
    // Against NaN (no run yet) every comparison is false.
    if (s > a.lastScheduled) a.minGap = Math.min(a.minGap, s - a.lastScheduled);
    if (!(s <= a.lastScheduled)) a.lastScheduled = s;
    if (Number.isNaN(a.firstRun)) a.firstRun = run.start;
    a.lastRun = run.start;
  }

  runEnd(run: Run, endInferred: boolean): void {
    const a = this.acc(run.job);
    a.completed++;
    if (run.outcome === 'error') a.errors++;
    if (!run.startInferred && !endInferred && run.end !== undefined) a.durations.add(run.end - run.start);
  }

  event(event: LogEvent): void {
    if (event.kind === 'misfire') {
      const a = this.acc(event.job);
      a.misfires++;
      a.maxMissedBy = Math.max(a.maxMissedBy, event.lateMicros);
    } else if (event.kind === 'max-instances') {
      this.acc(event.job).skips++;
    }
  }

  /** The period of a job: its interval, or the smallest gap between distinct scheduled times. */
  period(key: string): { micros: number; source: 'trigger' | 'observed' } | undefined {
    const a = this.jobs.get(key);
    if (!a) return undefined;
    const exact = intervalMicros(a.job.trigger);
    if (exact !== undefined) return { micros: exact, source: 'trigger' };
    return Number.isFinite(a.minGap) ? { micros: a.minGap, source: 'observed' } : undefined;
  }

  summaries(census?: SchedulerCensus): JobSummary[] {
    const sec = (v: number | undefined) => (v === undefined ? undefined : round(v / 1e6));
    return [...this.jobs.entries()]
      .map(([key, a]) => {
        const period = this.period(key);
        return {
          name: a.job.name,
          trigger: a.job.trigger,
          runs: a.runs,
          completed: a.completed,
          errors: a.errors,
          misfires: a.misfires,
          skips: a.skips,
          maxConcurrency: a.maxConcurrency,
          instances: census ? [...a.instances].reduce((n, i) => n + census.forJob(i, key), 0) : a.instances.size,
          duration: { p50: sec(a.durations.quantile(0.5)), p95: sec(a.durations.quantile(0.95)), max: sec(a.durations.quantile(1)) },
          lateness: { p50: sec(a.lateness.quantile(0.5)), p95: sec(a.lateness.quantile(0.95)), p99: sec(a.lateness.quantile(0.99)), max: sec(a.lateness.quantile(1)) },
          maxMissedBy: a.misfires ? sec(a.maxMissedBy) : undefined,
          periodSeconds: period ? sec(period.micros) : undefined,
          periodSource: period?.source,
          firstRun: Number.isNaN(a.firstRun) ? undefined : a.firstRun,
          lastRun: Number.isNaN(a.lastRun) ? undefined : a.lastRun,
        };
      })
      .sort((x, y) => x.name.localeCompare(y.name) || x.trigger.localeCompare(y.trigger));
  }
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
