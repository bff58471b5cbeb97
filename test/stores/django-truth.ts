// What a recorded django-apscheduler run should make `analyze --db` report, computed from the
// APScheduler listeners' events of both processes (listener-events.json), never from the tables.
// Shared by the SQLite, PostgreSQL and MariaDB tests: the same scenario, the same arithmetic.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type TruthEvent = { pid: number; kind: string; job: string; scheduled: number; at: number };
export interface Truth {
  jobs: Record<string, string>;
  events: TruthEvent[];
  processes: number;
  killed_pid: number;
  /** Runs the killed process had submitted that no process finished, with a later finished run of the job. */
  cut_off: TruthEvent[];
}

export const FIXTURES = join(__dirname, '..', 'fixtures', 'django-apscheduler');

export function loadTruth(dir: string): Truth {
  return JSON.parse(readFileSync(join(dir, 'listener-events.json'), 'utf8')) as Truth;
}

/** Distinct scheduled instants per job and kind: the execution table has one row per (job, run_time). */
export function instants(truth: Truth, job: string, kind: string): Set<number> {
  return new Set(truth.events.filter((e) => e.job === job && e.kind === kind).map((e) => e.scheduled));
}

/** Just after the recording: nothing is stale yet. */
export function nowAfter(truth: Truth): string {
  return new Date(Math.ceil(Math.max(...truth.events.map((e) => e.at))) * 1000 + 2000).toISOString();
}

/** A row of the execution table: its final status, when and by which process it was written. */
export type TruthRow = { job: string; scheduled: number; status: string; at: number; pid: number };

/**
 * The execution table the events make, by django-apscheduler's own rule (atomic_update_or_create):
 * one row per (job, run_time); a submission creates it; any other status overwrites it, in the order
 * written (our listener runs after django-apscheduler's, so an event's `at` follows its write).
 */
export function rowsFromEvents(truth: Truth): TruthRow[] {
  const rows = new Map<string, TruthRow>();
  for (const e of [...truth.events].sort((a, b) => a.at - b.at)) {
    const key = `${e.job} ${e.scheduled}`;
    const row = rows.get(key);
    if (!row) rows.set(key, { job: e.job, scheduled: e.scheduled, status: e.kind, at: e.at, pid: e.pid });
    else if (e.kind !== 'submitted') Object.assign(row, { status: e.kind, at: e.at, pid: e.pid });
  }
  return [...rows.values()];
}

/** `rule job` → count, as analyze --db on the execution table alone must report it. */
export function expectedFindings(truth: Truth, keep: (row: TruthRow) => boolean = () => true): Record<string, number> {
  const rows = rowsFromEvents(truth).filter(keep);
  const count = (job: string, status: string) => rows.filter((r) => r.job === job && r.status === status).length;
  const lastFinished = (job: string) => Math.max(...rows.filter((r) => r.job === job && (r.status === 'executed' || r.status === 'error')).map((r) => r.scheduled));
  // Left as submitted while a later run of the job finished: the process died mid-run.
  const cutOff = rows.filter((r) => r.status === 'submitted' && r.scheduled < lastFinished(r.job));
  // A run of the history starts at its scheduled time and ends when its status was written; a
  // cut-off run ran until its process was killed, just after that process's last event.
  const killedAt = Math.max(...truth.events.filter((e) => e.pid === truth.killed_pid).map((e) => e.at));
  const spans = rows.filter((r) => r.job === 'rebuild_index' && (r.status === 'executed' || r.status === 'error')).map((r) => [r.scheduled, r.at])
    .concat(cutOff.filter((r) => r.job === 'rebuild_index').map((r) => [r.scheduled, killedAt]))
    .sort((a, b) => a[0] - b[0]);
  const overlapping = spans.filter((s, i) => spans.slice(0, i).some((o) => o[0] < s[0] && s[0] < o[1])).length;
  const found: Record<string, number> = {};
  for (const job of Object.keys(truth.jobs)) {
    found[`job-error ${job}`] = count(job, 'error');
    found[`misfire ${job}`] = count(job, 'missed');
    found[`max-instances-skip ${job}`] = count(job, 'max_instances');
    found[`long-run ${job}`] = rows.filter((r) => r.job === job && r.status === 'executed' && r.at - r.scheduled > 1).length;
    found[`unfinished-run ${job}`] = cutOff.filter((r) => r.job === job).length;
  }
  found['overlapping-runs rebuild_index'] = overlapping;
  return Object.fromEntries(Object.entries(found).filter(([, n]) => n > 0));
}

export function findingCounts(doc: { findings: { rule: string; job: string; count: number }[] }): Record<string, number> {
  return Object.fromEntries(doc.findings.map((f) => [`${f.rule} ${f.job}`, f.count]));
}
