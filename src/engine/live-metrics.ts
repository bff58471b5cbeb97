// The numbers `watch --metrics` exposes, kept as the events and snapshots go by: bounded by jobs
// and rules, never by time. Counters only grow (a finding whose count shrinks keeps its largest),
// as Prometheus counters must for rate() and increase().

import type { LogEvent } from '../model/event';
import type { Finding } from '../model/finding';
import { fingerprintOf, identityOf } from '../baseline/fingerprint';
import { scheduleOf } from '../triggers/schedule';
import { nextFireTime } from '../triggers/cron';
import { fixedZone } from '../triggers/zone';

export type RunOutcome = 'success' | 'error' | 'skipped' | 'misfired';

export interface MetricsView {
  /** Per rule and job (`''` for scheduler-wide findings): the occurrences counted. */
  findings: { rule: string; job: string; value: number }[];
  runs: { job: string; outcome: RunOutcome; value: number }[];
  /** Epoch seconds. */
  lastRun: { job: string; value: number }[];
  nextRun: { job: string; value: number }[];
  schedulers: number;
}

export class LiveMetrics {
  private readonly findingMax = new Map<string, { rule: string; job: string; count: number }>();
  private readonly runs = new Map<string, { job: string; outcome: RunOutcome; value: number }>();
  private readonly last = new Map<string, number>();
  private readonly next = new Map<string, number>();

  event(e: LogEvent): void {
    switch (e.kind) {
      case 'run-start': {
        const name = e.job.name;
        if (e.ctx.time !== undefined && (this.last.get(name) ?? -Infinity) < e.ctx.time) this.last.set(name, e.ctx.time);
        const next = expectedNext(e.job.trigger, e.scheduledAt.at, e.scheduledAt.offsetMinutes);
        if (next !== undefined && (this.next.get(name) ?? -Infinity) < next) this.next.set(name, next);
        break;
      }
      case 'run-end':
        this.count(e.job.name, e.outcome);
        break;
      case 'max-instances':
        this.count(e.job.name, 'skipped');
        break;
      case 'misfire':
        this.count(e.job.name, 'misfired');
        break;
      default:
    }
  }

  findingsSeen(findings: Finding[]): void {
    for (const f of findings) {
      const key = f.fingerprint ?? fingerprintOf(identityOf(f));
      const seen = this.findingMax.get(key);
      if (!seen) this.findingMax.set(key, { rule: f.rule, job: f.job ?? '', count: f.count });
      else if (f.count > seen.count) seen.count = f.count;
    }
  }

  view(schedulers: number): MetricsView {
    const findings = new Map<string, { rule: string; job: string; value: number }>();
    for (const f of this.findingMax.values()) {
      const key = `${f.rule}\u0000${f.job}`;
      const row = findings.get(key);
      if (row) row.value += f.count;
      else findings.set(key, { rule: f.rule, job: f.job, value: f.count });
    }
    const seconds = (m: Map<string, number>) => [...m].map(([job, us]) => ({ job, value: us / 1e6 }));
    return { findings: [...findings.values()], runs: [...this.runs.values()], lastRun: seconds(this.last), nextRun: seconds(this.next), schedulers };
  }

  private count(job: string, outcome: RunOutcome): void {
    const key = `${job}\u0000${outcome}`;
    const row = this.runs.get(key);
    if (row) row.value++;
    else this.runs.set(key, { job, outcome, value: 1 });
  }
}

/** The fire time after `at` by the trigger (interval: one period on; cron: the next match in the run's offset). */
function expectedNext(trigger: string, at: number, offsetMinutes: number): number | undefined {
  const s = scheduleOf(trigger);
  if (!s) return undefined;
  if (s.kind === 'interval') return at + s.period;
  return nextFireTime(s.spec, fixedZone(offsetMinutes * 60), at + 1);
}
