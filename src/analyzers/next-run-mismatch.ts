// A job's own state and the store's due-time index disagree. APScheduler decides what is due from
// the index alone (the `next_run_time` column, or RedisJobStore's `run_times` sorted set), so a
// disagreement means the job runs at another time than it says, never runs, or fails to restore.

import type { Finding } from '../model/finding';
import type { StoreJob } from '../model/store-job';
import { isoFromMicros } from '../model/time';
import { rowEvidence } from './store-evidence';
import type { StoreRule } from './rule';

/** The index is a float of epoch seconds: anything closer than this is the same instant. */
const SAME_INSTANT_MICROS = 2;

const messages = {
  indexOnly: '{{id}} is in {{index}} (due {{due}}) but has no job state: when it falls due APScheduler logs "Unable to restore job" and drops it',
  stateOnly: '{{id}} ({{name}}) says its next run is {{next}}, but {{index}} does not hold it: no scheduler will ever run it (it behaves as paused)',
  differs: '{{id}} ({{name}}) says its next run is {{next}}, but {{index}} has it due {{due}}: the scheduler runs it at the index\'s time',
  pausedInIndex: '{{id}} ({{name}}) is paused in its state, but {{index}} has it due {{due}}: the scheduler will run it then',
} as const;

function fill(id: keyof typeof messages, data: Record<string, string>): string {
  return messages[id].replace(/\{\{(\w+)\}\}/g, (_, k: string) => data[k] ?? '');
}

function indexName(job: StoreJob): string {
  return job.row.index?.kind === 'redis' ? 'the run-times sorted set' : 'the next_run_time column';
}

function at(seconds: number): string {
  return isoFromMicros(Math.round(seconds * 1e6));
}

export const nextRunMismatch: StoreRule = {
  id: 'next-run-mismatch',
  scope: 'store',
  severity: 'warning',
  summary: "A job's pickled next_run_time and the store's due-time index (column or Redis sorted set) disagree.",
  docs: {
    what: "The store keeps each job twice: its pickled state (with `next_run_time`) and an index the scheduler queries for due jobs — SQLAlchemyJobStore's `next_run_time` column, RedisJobStore's `apscheduler.run_times` sorted set beside the `apscheduler.jobs` hash. Here they disagree: an id only in the index, a job missing from the index although its state has a next run, or two different instants.",
    why: 'APScheduler trusts the index: a job missing from it never runs, an index entry without a state makes APScheduler log `Unable to restore job … -- removing it` when it falls due, and a different instant runs the job at a time nobody configured. APScheduler itself writes both in one transaction, so this comes from hand edits, a partial restore, a crash of a non-transactional writer, or two apps sharing keys.',
    detection: 'Per row: the index instant against the decoded `next_run_time` (equal within 2 µs: the index is a float), and for Redis whether the id is in both the hash and the sorted set. Undecodable rows are `undecodable-job`.',
    example: 'redis: apscheduler.jobs holds "sync" with next_run_time 2026-12-02 10:00:00+00:00; apscheduler.run_times has no "sync"',
    fix: "Let APScheduler rewrite the job: `scheduler.add_job(…, id='sync', replace_existing=True)` (or `modify_job`/`reschedule_job`), or remove the leftover index entry (`sched-doctor clean --job ID` removes both parts, after a backup).",
  },
  check(jobs) {
    const findings: Finding[] = [];
    for (const job of jobs) {
      const index = indexName(job);
      const id = job.row.id;
      const finding = (message: keyof typeof messages, data: Record<string, string>): Finding => ({
        rule: 'next-run-mismatch', severity: 'warning', job: job.state?.name ?? id, trigger: job.state?.trigger.text, count: 1,
        message: fill(message, { id, index, ...data }), evidence: [rowEvidence(job)], data: { id, kind: message, index: job.row.index?.kind ?? 'column' },
      });
      if (job.row.index && !job.row.index.inJobs) {
        findings.push(finding('indexOnly', { due: job.row.nextRunTime === null ? 'never' : at(job.row.nextRunTime) }));
        continue;
      }
      if (!job.state) continue;
      const pickled = job.state.nextRunTime?.epochMicros ?? null;
      const indexed = job.row.nextRunTime === null ? null : Math.round(job.row.nextRunTime * 1e6);
      const name = job.state.name;
      if (pickled !== null && indexed === null) findings.push(finding('stateOnly', { name, next: isoFromMicros(pickled) }));
      else if (pickled === null && indexed !== null) findings.push(finding('pausedInIndex', { name, due: isoFromMicros(indexed) }));
      else if (pickled !== null && indexed !== null && Math.abs(pickled - indexed) > SAME_INSTANT_MICROS) findings.push(finding('differs', { name, next: isoFromMicros(pickled), due: isoFromMicros(indexed) }));
    }
    return findings;
  },
};
