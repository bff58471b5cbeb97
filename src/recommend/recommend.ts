// Findings and measured numbers → settings, with the evidence. Deployment first: when several
// schedulers run the same jobs, no per-job setting fixes it (`max_instances` is per process).

import type { JobSummary } from '../engine/job-stats';
import type { Finding } from '../model/finding';
import type { StoreJob } from '../model/store-job';
import { readableSeconds } from './readable-number';
import type { Recommendation } from './recommendation';
import { firstPlannedIds } from './store-plan';
import { shellWord } from './shell-word';
import { deploymentAdvice } from './deployment';

export interface RecommendInput {
  jobs: JobSummary[];
  findings: Finding[];
  storeJobs?: StoreJob[];
  /** Jobs the user says may overlap (--allow-overlap). */
  allowOverlap?: string[];
}

// APScheduler 3.x's own defaults (`_job_defaults`, every version from 3.0 to 3.11).
const DEFAULTS = { max_instances: '1', coalesce: 'True', misfire_grace_time: '1' };

export function recommend(input: RecommendInput): Recommendation[] {
  const out: Recommendation[] = [];
  const deployment = deploymentAdvice(input.findings);
  if (deployment) out.push(deployment);
  const byJob = (rule: string, job: JobSummary) => input.findings.find((f) => f.rule === rule && f.job === job.name && f.trigger === job.trigger);
  const firstStored = input.jobs.length ? firstStoredJobs(input.storeJobs ?? []) : undefined;
  for (const job of input.jobs) {
    const stored = firstStored?.get(job.name)?.get(job.trigger)?.state;
    const current = (setting: 'max_instances' | 'coalesce' | 'misfire_grace_time', fromLog?: string): Pick<Recommendation, 'current' | 'currentSource'> => {
      if (stored) {
        const v = setting === 'max_instances' ? String(stored.maxInstances) : setting === 'coalesce' ? (stored.coalesce ? 'True' : 'False') : stored.misfireGraceTime === null ? 'None' : String(stored.misfireGraceTime);
        return { current: v, currentSource: 'store' };
      }
      if (fromLog !== undefined) return { current: fromLog, currentSource: 'log' };
      return { current: DEFAULTS[setting], currentSource: 'default' };
    };
    const base = { job: job.name, trigger: job.trigger, id: stored?.id };
    const p95 = job.duration.p95;
    const period = job.periodSeconds;

    // max_instances, or the interval when the job simply does not fit its schedule.
    // Overlap across schedulers is the deployment's (above): max_instances governs one process only.
    const anyOverlap = byJob('overlapping-runs', job);
    const overlap = anyOverlap && anyOverlap.data?.inProcess !== 0 ? anyOverlap : undefined;
    const skips = byJob('max-instances-skip', job);
    if (overlap || skips) {
      const allowed = input.allowOverlap?.includes(job.name);
      const tooLong = p95 !== undefined && period !== undefined && p95 > period;
      if (allowed && p95 !== undefined && period) {
        const n = Math.max(1, Math.ceil(p95 / period));
        out.push({ ...base, setting: 'max_instances', ...current('max_instances', overlap ? `>= ${job.maxConcurrency}` : undefined), recommended: String(n), confidence: 'medium',
          reason: `you allow ${job.name} to overlap: ceil(p95 duration ${p95.toFixed(2)} s / interval ${period} s) = ${n} runs can be going at once`,
          evidence: { p95DurationSeconds: p95, periodSeconds: period, maxConcurrency: job.maxConcurrency } });
      } else if (overlap) {
        out.push({ ...base, setting: 'max_instances', ...current('max_instances', `>= ${job.maxConcurrency}`), recommended: '1', confidence: 'high',
          reason: `${overlap.count} runs started on top of an earlier one (up to ${job.maxConcurrency} at once); a job is not safe to overlap unless written for it (pass --allow-overlap ${shellWord(job.name)} if it is)`,
          question: `Is ${job.name} safe to run twice at once? If yes, keep overlap and size max_instances instead.`,
          evidence: { overlappingRuns: overlap.count, maxConcurrency: job.maxConcurrency, p95DurationSeconds: p95 ?? null, periodSeconds: period ?? null } });
      }
      if (tooLong && period !== undefined && p95 !== undefined && (skips || overlap)) {
        const longer = readableSeconds(p95 * 1.5);
        out.push({ ...base, setting: 'interval', current: `${period} s`, currentSource: job.periodSource === 'trigger' ? 'log' : 'unknown', recommended: `>= ${longer} s`, confidence: 'medium',
          reason: `runs last longer than the interval (p95 ${p95.toFixed(2)} s > ${period} s)${skips ? `, so ${skips.count} runs were skipped` : ''}: the interval or the job is the problem, not max_instances`,
          evidence: { p95DurationSeconds: p95, periodSeconds: period, skips: skips?.count ?? 0 } });
      }
    }

    // coalesce: a replayed backlog after downtime is what coalesce=True collapses.
    const burst = byJob('catch-up-burst', job);
    if (burst) {
      out.push({ ...base, setting: 'coalesce', ...current('coalesce', 'False'), recommended: 'True', confidence: 'high',
        reason: `after downtime ${burst.count} overdue runs were replayed back to back (up to ${(burst.data?.maxLagSeconds as number).toFixed(1)} s late); coalesce=True runs the latest one once`,
        question: `Does every single run of ${job.name} matter (e.g. one invoice per period)? Then keep coalesce=False and make the job cope with a backlog.`,
        evidence: { replayedRuns: burst.count, maxLagSeconds: burst.data?.maxLagSeconds } });
    }

    // misfire_grace_time: cover the measured lateness and the delays of the runs that were missed.
    const missed = byJob('misfire', job);
    if (missed) {
      const maxMissed = (missed.data?.maxDelaySeconds as number) ?? 0;
      const p99 = job.lateness.p99 ?? 0;
      const grace = readableSeconds(Math.max(p99 * 1.5, maxMissed * 1.2, 1));
      out.push({ ...base, setting: 'misfire_grace_time', ...current('misfire_grace_time'), recommended: String(grace), confidence: job.runs >= 20 ? 'high' : 'medium',
        reason: `${missed.count} runs were dropped as missed (largest delay ${maxMissed.toFixed(1)} s); ${grace} s covers that delay and the p99 lateness of the runs that did start (${p99.toFixed(2)} s). Use None only if the job must run however late`,
        evidence: { misses: missed.count, maxMissedSeconds: maxMissed, p99LatenessSeconds: p99, runs: job.runs } });
    }
  }

  // Duplicate registrations in the store: an explicit id and replace_existing=True — the id the
  // printed add_job uses for the copy `clean` keeps.
  const duplicates = input.findings.filter((x) => x.rule === 'duplicate-job');
  // Without duplicates the plan is not read: a 100,000-row store is not planned for nothing.
  const planned = input.storeJobs && duplicates.length ? firstPlannedIds(input.storeJobs, duplicates.map((f) => (f.data?.ids as string[] | undefined) ?? [])) : [];
  for (const [k, f] of duplicates.entries()) {
    const func = String(f.data?.func ?? '');
    const ids = (f.data?.ids as string[] | undefined) ?? [];
    const id = planned[k] ?? suggestedId(func, f.job ?? 'job');
    out.push({ job: f.job, trigger: f.trigger, setting: 'replace_existing', current: 'False (no id= given)', currentSource: 'store', recommended: `True, with id='${id}'`, confidence: 'high',
      reason: (f.data?.generatedIds as number | undefined) === 0
        ? `${f.count} copies of ${func} ${f.trigger} are in the store under ids the app gave (${ids.join(', ')}): one job added under several ids; keep one id`
        : `${f.count} copies of ${func} ${f.trigger} are in the store: add_job without id= adds one more at every start`,
      evidence: { ids: f.data?.ids, func } });
  }
  return out;
}

/**
 * The first stored job of each name and trigger. Looked up, not searched per job or per finding: a
 * 100,000-row store with thousands of duplicate groups made the searches quadratic (minutes). By
 * name, then trigger: the texts the rows share, where one key made of both was a new string a row.
 */
function firstStoredJobs(storeJobs: StoreJob[]): Map<string, Map<string, StoreJob>> {
  const first = new Map<string, Map<string, StoreJob>>();
  for (const s of storeJobs) {
    if (!s.state) continue;
    let byTrigger = first.get(s.state.name);
    if (!byTrigger) first.set(s.state.name, (byTrigger = new Map()));
    if (!byTrigger.has(s.state.trigger.text)) byTrigger.set(s.state.trigger.text, s);
  }
  return first;
}

/** Without the rows (a finding alone): an id from the job's name. */
function suggestedId(func: string, name: string): string {
  return (name || func.split(':')[1] || 'job').replace(/[^\w.-]+/g, '_');
}

