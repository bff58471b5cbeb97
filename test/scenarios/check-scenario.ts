// The checks every scenario recorded from real APScheduler must pass: the findings equal what its
// own events (truth.json, recorded with add_listener) say happened — including the findings that
// must NOT appear. Expected counts are computed from the truth here, never typed in.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeLogs } from '../../src/engine/analyze';
import type { Finding } from '../../src/model/finding';
import { intervalMicros } from '../../src/model/trigger';

export interface TruthRun { job_id: string; job_name: string; scheduled_run_time_us: number; pid: number; start_us: number; end_us: number | null; outcome: string }
export interface Truth {
  scenario: string;
  log_files: string[];
  log_format: string | string[];
  expected: Record<string, unknown> & { absent: string[] };
  counts: { jobs: Record<string, { job_name: string; error: number; missed: number; max_instances: number }> };
  runs: TruthRun[];
}

// The truth's phenomenon names → rule ids. Phenomena with no rule of their own (a coalesced
// downtime gap, two interleaved series from a reloader) are covered by other rules.
export const RULE_OF: Record<string, string | undefined> = {
  multiple_schedulers: 'multiple-schedulers',
  duplicate_run: 'duplicate-run',
  overlapping_runs: 'overlapping-runs',
  max_instances_skip: 'max-instances-skip',
  missed_run: 'misfire',
  downtime_gap: 'missed-run',
  lost_run: 'missed-run',
  submit_error: 'submit-error',
  catch_up_burst: 'catch-up-burst',
  unfinished_run: 'unfinished-run',
  job_error: 'job-error',
};

export function byJob(findings: Finding[], rule: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings.filter((x) => x.rule === rule)) out[f.job ?? '*'] = (out[f.job ?? '*'] ?? 0) + f.count;
  return out;
}

export function sumByName(truth: Truth, field: 'error' | 'missed' | 'max_instances'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const j of Object.values(truth.counts.jobs)) if (j[field] > 0) out[j.job_name] = (out[j.job_name] ?? 0) + j[field];
  return out;
}

/** Scheduled times run more than once, per job name. */
export function duplicatesFromTruth(truth: Truth): Record<string, number> {
  const copies = new Map<string, number>();
  const names = new Map<string, string>();
  for (const r of truth.runs) {
    const k = `${r.job_id}|${r.scheduled_run_time_us}`;
    copies.set(k, (copies.get(k) ?? 0) + 1);
    names.set(k, r.job_name);
  }
  const out: Record<string, number> = {};
  for (const [k, n] of copies) if (n > 1) out[names.get(k)!] = (out[names.get(k)!] ?? 0) + 1;
  return out;
}

/** Runs that started while another run of the same job was running, in whichever process (a crashed run never ended). */
export function overlapsFromTruth(truth: Truth): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of truth.runs) {
    const over = truth.runs.some((o) => o !== r && o.job_id === r.job_id && o.start_us < r.start_us && o.end_us !== null && o.end_us > r.start_us);
    if (over) out[r.job_name] = (out[r.job_name] ?? 0) + 1;
  }
  return out;
}


/**
 * Fire times that never ran, per job name: the scenario's own `lost_run` (APScheduler's triggers
 * replayed over each job's lifetime, kill-restart) or, for the interval jobs of the older
 * scenarios, `downtime_gap` (scheduled times with no event at all).
 */
export function lostFromTruth(truth: Truth): Record<string, number> {
  const lost = truth.expected.lost_run as Record<string, number> | undefined;
  if (lost) return lost;
  const out: Record<string, number> = {};
  const gap = (truth.expected.downtime_gap ?? {}) as Record<string, number>;
  for (const [id, n] of Object.entries(gap)) {
    const name = truth.counts.jobs[id]?.job_name ?? id;
    out[name] = (out[name] ?? 0) + n;
  }
  return out;
}

interface TruthEvent { event: string; job_name: string | null; pid: number; time: number }

/** Submit errors per job name, split by whether their process shut down within 5 s (the rule's info case). */
export function submitErrorsFromTruth(truth: Truth & { events?: TruthEvent[] }): Record<string, { lost: number; atShutdown: number }> {
  const events = truth.events ?? [];
  const out: Record<string, { lost: number; atShutdown: number }> = {};
  for (const e of events.filter((x) => x.event === 'submit_error')) {
    const near = events.some((x) => x.event === 'scheduler_shutdown' && x.pid === e.pid && Math.abs(x.time - e.time) <= 5e6);
    const o = (out[e.job_name ?? '*'] ??= { lost: 0, atShutdown: 0 });
    if (near) o.atShutdown++;
    else o.lost++;
  }
  return out;
}

/**
 * Missed and unfinished runs against the truth. Exact, except for the runs in flight when a
 * process was killed (`kill_edge`): whether such a run's `Running job` line reached the file is a
 * race with the kill, so the log shows it either as a cut-off run or as a fire time that never ran.
 * For those jobs the lost work (missed + unfinished) is still exact, and the split may move by at
 * most the runs in flight.
 */
function checkLostWork(missed: Record<string, number>, unfinished: Record<string, number>, lost: Record<string, number>, cut: Record<string, number>, edge: Record<string, number>): void {
  const jobs = new Set([...Object.keys(missed), ...Object.keys(unfinished), ...Object.keys(lost), ...Object.keys(cut)]);
  for (const job of jobs) {
    const [m, u, l, c, e] = [missed[job] ?? 0, unfinished[job] ?? 0, lost[job] ?? 0, cut[job] ?? 0, edge[job] ?? 0];
    if (e === 0) {
      assert.equal(m, l, `missed-run ${job}`);
      assert.equal(u, c, `unfinished-run ${job}`);
      continue;
    }
    assert.equal(m + u, l + c, `${job}: missed + unfinished runs (the lost work)`);
    assert.ok(Math.abs(m - l) <= e, `${job}: missed-run ${m}, truth ${l}, with ${e} run(s) in flight at the kill`);
  }
}

export function readTruth(dir: string): Truth {
  return JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));
}

/** Analyze a scenario's logs (auto-detected, or with its own --log-format) and check them against its truth. */
export async function checkScenario(name: string, dir: string, truth: Truth, mode: 'auto' | 'log-format'): Promise<void> {
  const logs = truth.log_files.map((f) => join(dir, f));
  const analysis = await analyzeLogs(logs, mode === 'log-format' ? { logFormat: truth.log_format as string } : {});
  const f = analysis.findings;
  for (const s of analysis.sources) assert.equal(s.unrecognised, 0, `${s.source}: ${JSON.stringify(s.unrecognisedSamples)}`);

  // Every run APScheduler started is in the jobs table.
  const runsByName: Record<string, number> = {};
  for (const r of truth.runs) runsByName[r.job_name] = (runsByName[r.job_name] ?? 0) + 1;
  const tableRuns: Record<string, number> = {};
  for (const j of analysis.jobs) tableRuns[j.name] = (tableRuns[j.name] ?? 0) + j.runs;
  assert.deepEqual(tableRuns, runsByName);

  assert.deepEqual(byJob(f, 'duplicate-run'), duplicatesFromTruth(truth), 'duplicate-run');
  assert.deepEqual(byJob(f, 'overlapping-runs'), overlapsFromTruth(truth), 'overlapping-runs');
  assert.deepEqual(byJob(f, 'job-error'), sumByName(truth, 'error'), 'job-error');
  assert.deepEqual(byJob(f, 'misfire'), sumByName(truth, 'missed'), 'misfire');
  assert.deepEqual(byJob(f, 'max-instances-skip'), sumByName(truth, 'max_instances'), 'max-instances-skip');

  checkLostWork(byJob(f, 'missed-run'), byJob(f, 'unfinished-run'), lostFromTruth(truth), (truth.expected.unfinished_run ?? {}) as Record<string, number>, (truth.expected.kill_edge ?? {}) as Record<string, number>);
  const submits = submitErrorsFromTruth(truth);
  assert.deepEqual(Object.fromEntries(f.filter((x) => x.rule === 'submit-error').map((x) => [x.job, { lost: x.data!.lost, atShutdown: x.data!.atShutdown }])), submits, 'submit-error');
  for (const x of f.filter((y) => y.rule === 'submit-error')) assert.equal(x.severity, submits[x.job!].lost ? 'warning' : 'info', 'submit-error severity');
  const removed = (truth.expected.job_removed ?? {}) as Record<string, number>;
  assert.deepEqual(f.filter((x) => x.rule === 'job-removed').map((x) => String(x.data!.id)).sort(), Object.keys(removed).sort(), 'job-removed');
  assert.equal(byJob(f, 'store-error')['*'] ?? 0, (truth.expected.store_error as number | undefined) ?? 0, 'store-error');

  const expectMultiple = truth.expected.multiple_schedulers === true;
  assert.equal(f.some((x) => x.rule === 'multiple-schedulers'), expectMultiple, 'multiple-schedulers');



  const burst = (truth.expected.catch_up_burst ?? {}) as Record<string, number>;
  assert.deepEqual(Object.keys(byJob(f, 'catch-up-burst')), Object.keys(burst), 'catch-up-burst');

  // long-run: runs longer than the trigger's interval, from the truth's own start/end times.
  const longRuns: Record<string, number> = {};
  for (const r of truth.runs) {
    const job = analysis.jobs.find((j) => j.name === r.job_name);
    const period = job && intervalMicros(job.trigger);
    if (period !== undefined && period !== null && r.end_us !== null && r.end_us - r.start_us > period + 5000) longRuns[r.job_name] = (longRuns[r.job_name] ?? 0) + 1;
  }
  const reported = byJob(f, 'long-run');
  assert.deepEqual(Object.keys(reported).sort(), Object.keys(longRuns).sort(), 'long-run jobs');

  for (const phenomenon of truth.expected.absent) {
    const rule = RULE_OF[phenomenon];
    if (rule) assert.ok(!f.some((x) => x.rule === rule), `${rule} must not appear in ${name}`);
  }
  if (name === 'healthy' || name === 'two-schedulers-distinct') {
    assert.deepEqual(f.filter((x) => x.severity !== 'info').map((x) => x.rule), [], 'a healthy log gives no finding above info');
  }
}
