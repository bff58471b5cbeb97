import type { Evidence } from '../model/finding';
import { isoFromMicros } from '../model/time';
import { addEvidence, evidenceOf, plural, seconds } from './job-tally';
import type { LogRule } from './rule';

/** Runs that start this soon after the store answers again are the ones it held back. */
const RECOVERY_BURST = 1e6;

interface Outage {
  store: string;
  errors: number;
  first?: number;
  last?: number;
  error: string;
  /** The first run after the last error: the store answered again. */
  recovered?: number;
  delayed: number;
  maxDelay: number;
  evidence: Evidence[];
}

export const storeError: LogRule = {
  id: 'store-error',
  scope: 'log',
  severity: 'error',
  summary: 'The scheduler could not read its job store: every run due meanwhile was late or lost.',
  docs: {
    what: "`Error getting due jobs from job store 'ALIAS': …`: the scheduler asked the store for due jobs and failed (database down, connection closed, table gone). `count` is the number of such lines; the finding gives the span from the first error to the first run after the last one, the exception, and how many runs due in that span ran late.",
    why: 'While the store does not answer, nothing in it runs. APScheduler retries only after `jobstore_retry_interval` (10 s by default); then, with `coalesce=True`, each job runs once and the other fire times of the outage are dropped without a line (`missed-run` counts them), or they misfire.',
    detection: 'The WARNING line from `apscheduler.scheduler`, per job store alias. The outage ends, as far as the log shows, at the first `Running job` after the last error; runs starting within a second of it whose `scheduled at` lies in the outage are counted as held back. Without timestamps only the count and the exception are given.',
    example: "2026-12-02 02:09:23,794 WARNING apscheduler.scheduler: Error getting due jobs from job store 'default': (sqlite3.OperationalError) no such table: apscheduler_jobs",
    fix: 'Find why the database was unreachable (restarts, failovers, idle connections cut by a proxy: `engine_options={"pool_pre_ping": True}`); lower `jobstore_retry_interval` if runs must not wait 10 s; check `missed-run` for the runs that never happened.',
  },
  create() {
    const outages = new Map<string, Outage>();
    return {
      eventKinds: ['jobstore-error'],
      event(event) {
        if (event.kind === 'jobstore-error') {
          let o = outages.get(event.store);
          if (!o) outages.set(event.store, (o = { store: event.store, errors: 0, error: event.error.slice(0, 300), delayed: 0, maxDelay: 0, evidence: [] }));
          o.errors++;
          o.recovered = undefined;
          const t = event.ctx.time;
          if (t !== undefined) {
            o.first ??= t;
            o.last = t;
          }
          addEvidence(o.evidence, evidenceOf(event.ctx));
        }
      },
      runStart(run) {
        if (run.startInferred) return;
        for (const o of outages.values()) {
          if (o.first === undefined || o.last === undefined || run.start < o.last) continue;
          if (o.recovered === undefined) {
            o.recovered = run.start;
            addEvidence(o.evidence, run.evidence);
          }
          if (run.start - o.recovered <= RECOVERY_BURST && run.scheduledAt.at >= o.first - 1e6 && run.scheduledAt.at < o.recovered) {
            o.delayed++;
            o.maxDelay = Math.max(o.maxDelay, run.start - run.scheduledAt.at);
          }
        }
      },
      finish() {
        return [...outages.values()].map((o) => {
          const end = o.recovered ?? o.last;
          const span = o.first !== undefined && end !== undefined ? end - o.first : undefined;
          const spanText = span === undefined ? '' : o.recovered === undefined ? ` from ${isoFromMicros(o.first!)} on, with no run logged after it` : ` for ${seconds(span)}, until the next run`;
          const delayed = o.delayed ? `; ${plural(o.delayed, 'run')} due meanwhile ran up to ${seconds(o.maxDelay)} late` : '';
          return {
            rule: 'store-error', severity: 'error' as const, job: null, count: o.errors,
            message: `job store '${o.store}' could not be read (${plural(o.errors, 'error')})${spanText}: ${o.error}${delayed}; fire times that never ran are in missed-run`,
            firstTime: o.first === undefined ? undefined : isoFromMicros(o.first),
            lastTime: end === undefined ? undefined : isoFromMicros(end),
            evidence: o.evidence,
            data: { store: o.store, errors: o.errors, spanSeconds: span === undefined ? null : span / 1e6, recovered: o.recovered !== undefined, exception: o.error, delayedRuns: o.delayed, maxDelaySeconds: o.maxDelay / 1e6 },
          };
        });
      },
    };
  },
};
