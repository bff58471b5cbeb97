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

/** `rule job` → count, as analyze --db on the execution table alone must report it. */
export function expectedFindings(truth: Truth): Record<string, number> {
  const has = (job: string, kind: string) => instants(truth, job, kind);
  // A later status overwrites an earlier one on the same (job, run_time) row: a skip by one process
  // of a run the other process executed is gone from the table.
  const outcome = (job: string) => new Set([...has(job, 'executed'), ...has(job, 'error'), ...has(job, 'missed')]);
  const skips = (job: string) => [...has(job, 'max_instances')].filter((t) => !outcome(job).has(t)).length;
  const cutOff = (job: string) => truth.cut_off.filter((e) => e.job === job && !has(job, 'max_instances').has(e.scheduled)).length;
  const executed = truth.events.filter((e) => e.job === 'rebuild_index' && e.kind === 'executed');
  const submitted = new Map(truth.events.filter((e) => e.kind === 'submitted').map((e) => [`${e.pid} ${e.job} ${e.scheduled}`, e.at]));
  // A cut-off run ran until its process was killed, just after that process's last event.
  const killedAt = Math.max(...truth.events.filter((e) => e.pid === truth.killed_pid).map((e) => e.at));
  const spans = [
    ...executed.map((e) => [submitted.get(`${e.pid} ${e.job} ${e.scheduled}`)!, e.at]),
    ...truth.cut_off.filter((e) => e.job === 'rebuild_index').map((e) => [e.at, killedAt]),
  ].sort((a, b) => a[0] - b[0]);
  const overlapping = spans.filter((s, i) => spans.slice(0, i).some((o) => o[0] < s[0] && s[0] < o[1])).length;
  const found: Record<string, number> = {
    'job-error charge_cards': has('charge_cards', 'error').size,
    'misfire send_digest': has('send_digest', 'missed').size,
    'max-instances-skip rebuild_index': skips('rebuild_index'),
    'max-instances-skip send_digest': skips('send_digest'),
    'long-run rebuild_index': executed.filter((e) => e.at - e.scheduled > 1).length,
    'overlapping-runs rebuild_index': overlapping,
    'unfinished-run rebuild_index': cutOff('rebuild_index'),
    'unfinished-run send_digest': cutOff('send_digest'),
  };
  return Object.fromEntries(Object.entries(found).filter(([, n]) => n > 0));
}

export function findingCounts(doc: { findings: { rule: string; job: string; count: number }[] }): Record<string, number> {
  return Object.fromEntries(doc.findings.map((f) => [`${f.rule} ${f.job}`, f.count]));
}
