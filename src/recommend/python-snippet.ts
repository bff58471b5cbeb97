// Recommendations as Python to paste. With a job store: one add_job per distinct stored job,
// recreated from its state with only the recommended values changed, under ids that are unique
// and the ones `clean` keeps. From a log alone: the settings, with the call's unknowns marked.

import type { StoreJob } from '../model/store-job';
import type { Recommendation } from './recommendation';
import { logJobCall, storeJobCall, type JobCall, type Overrides } from './job-call';
import { PythonSource } from './python-literal';
import { planStore, type PlannedJob } from './store-plan';

export interface SnippetInput {
  recommendations: Recommendation[];
  /** What was read, for the header: log files and the store's display URL. */
  sources: string[];
  /** The jobs the logs show (name and trigger), for scheduler-wide evidence. */
  logJobs?: { name: string; trigger: string }[];
  storeJobs?: StoreJob[];
  /** Store rows that would not import (orphan-job): not recreated. */
  orphans?: Map<string, string>;
}

const SCHEDULER = 'BackgroundScheduler';
const OPTIONS = ['max_instances', 'coalesce', 'misfire_grace_time'] as const;

export function pythonSnippet(input: SnippetInput): string {
  const recs = input.recommendations;
  const lines: string[] = [`# sched-doctor recommendations (from ${input.sources.join(', ') || 'the job store'})`];
  const plan = input.storeJobs ? planStore(input.storeJobs) : undefined;
  if (recs.length === 0 && !plan) {
    lines.push('# No change recommended: no duplicate, overlapping, replayed or missed runs were found.');
    return lines.join('\n') + '\n';
  }
  lines.push(
    `# Merge this into your app's own scheduler set-up; it assumes a ${SCHEDULER} (nothing read says which`,
    '# class your app uses; add_job and job_defaults are the same for every APScheduler 3.x scheduler).',
  );
  if (recs.length === 0) lines.push('# No setting change recommended.');
  const deployment = recs.find((r) => r.setting === 'deployment');
  if (deployment) {
    lines.push('#', `# FIRST, THE DEPLOYMENT: ${deployment.recommended}.`, ...wrap(deployment.reason, '#   '));
    lines.push('#   No setting below stops another scheduler from running the same jobs.');
  }
  const jobRecs = recs.filter((r) => r.job !== null && r.setting !== 'deployment');
  const src = new PythonSource();
  const body: string[] = [];

  // Scheduler-wide evidence: the same value recommended for every job that was seen.
  const defaults = schedulerWide(jobRecs, input.logJobs ?? [], plan?.jobs ?? []);

  const recsFor = (name: string, trigger: string) => jobRecs.filter((r) => r.job === name && (r.trigger ?? '') === trigger);
  const used = new Set<Recommendation>();
  if (plan) {
    const one = plan.jobs.length === 1;
    body.push('', `# The ${one ? 'one job' : `${plan.jobs.length} distinct jobs`} of the store, recreated from ${one ? 'its' : 'their'} stored state: only values marked`);
    body.push("# 'sched-doctor:' differ. Functions are the stored text references ('module:function').");
    for (const planned of plan.jobs) {
      const s = planned.job.state!;
      const mine = recsFor(s.name, s.trigger.text);
      mine.forEach((r) => used.add(r));
      body.push('', ...jobComments(`${s.name} (${s.trigger.text})`, mine));
      if (planned.removedByClean.length) {
        body.push(...wrap(`${planned.removedByClean.length + 1} rows hold this job: \`sched-doctor clean\` deletes ${planned.removedByClean.join(', ')} and keeps ${planned.job.row.id} (${planned.keptWhy}).`, '# '));
      }
      if (planned.supersedes) {
        body.push(...wrap(`Stored under the generated id ${planned.supersedes}; added here as '${planned.id}'. Once your app has added it, ${planned.supersedes} is a copy and \`sched-doctor clean\` deletes it (it keeps the explicit id).`, '# '));
      }
      const orphan = input.orphans?.get(planned.job.row.id);
      if (orphan) {
        body.push(...wrap(`Not recreated: ${s.func} would not import (${orphan}); APScheduler itself would delete this row.`, '# '));
        body.push(...storeJobCall(planned, overridesOf(mine), src).lines.map((l) => `# ${l}`));
        continue;
      }
      const call = storeJobCall(planned, overridesOf(mine), src);
      body.push(...emitCall(call));
      const changes = changed(mine);
      if (changes && !planned.supersedes) body.push(`# or, on a running scheduler: scheduler.modify_job('${planned.id}', ${changes})`);
    }
    for (const u of plan.undecodable) body.push('', ...wrap(`Not recreated: row ${u.row.id} cannot be decoded (${u.decodeError}); \`sched-doctor clean\` deletes it.`, '# '));
  }

  // Log jobs with a recommendation and no stored job to recreate.
  const logOnly = new Map<string, Recommendation[]>();
  for (const r of jobRecs) {
    if (used.has(r) || r.setting === 'replace_existing') continue;
    const key = `${r.job}\u0000${r.trigger ?? ''}`;
    logOnly.set(key, [...(logOnly.get(key) ?? []), r]);
  }
  for (const list of logOnly.values()) {
    const { job, trigger } = list[0];
    body.push('', ...jobComments(`${job} (${trigger ?? 'trigger not known'})`, list));
    body.push(
      ...wrap(`The log shows this job's name and trigger, not its function, arguments or id: fill in every <…>, then uncomment. The id must be the one your app already uses for ${job}; under another id, replace_existing=True adds a second job next to it.`, '# '),
    );
    body.push(...emitCall(logJobCall(job!, trigger, overridesOf(list), src)));
  }

  // The deployment alone is advice, not code.
  if (body.length === 0 && defaults.length === 0) return lines.join('\n') + '\n';
  lines.push('', ...src.importLines(), `from apscheduler.schedulers.background import ${SCHEDULER}`, '');
  if (defaults.length) {
    lines.push('job_defaults = {');
    for (const d of defaults) lines.push(`    '${d.setting}': ${d.value},  # ${d.why}`);
    lines.push('}', `scheduler = ${SCHEDULER}(job_defaults=job_defaults)`);
  } else {
    lines.push(`scheduler = ${SCHEDULER}()  # no scheduler-wide change: each job's own settings below`);
  }
  lines.push(...body);
  return lines.join('\n') + '\n';
}

function jobComments(title: string, recs: Recommendation[]): string[] {
  const out: string[] = [];
  if (recs.length === 0) out.push(`# ${title}: no change`);
  for (const r of recs) out.push(...wrap(`${title} — ${r.setting} = ${r.recommended}: ${r.reason}`, '# '));
  for (const r of recs) if (r.question) out.push(...wrap(`QUESTION: ${r.question}`, '# '));
  const interval = recs.find((r) => r.setting === 'interval');
  if (interval) out.push(`# interval: choose one ${interval.recommended} in the trigger below`);
  return out;
}

/** A call with unfilled placeholders is printed commented out: pasting it changes nothing. */
function emitCall(call: JobCall): string[] {
  if (call.placeholders.length === 0) return call.lines;
  return ['# fill in every <…>, then uncomment:', ...call.lines.map((l) => `# ${l}`)];
}

function overridesOf(recs: Recommendation[]): Overrides {
  const o: Overrides = {};
  for (const r of recs) if ((OPTIONS as readonly string[]).includes(r.setting)) o[r.setting as (typeof OPTIONS)[number]] = r.recommended;
  return o;
}

function changed(recs: Recommendation[]): string {
  return recs.filter((r) => (OPTIONS as readonly string[]).includes(r.setting)).map((r) => `${r.setting}=${r.recommended}`).join(', ');
}

/**
 * A setting belongs in job_defaults only when the evidence covers the scheduler: the same value
 * recommended for every job seen (at least two), not for one job that happens to need it.
 */
function schedulerWide(recs: Recommendation[], logJobs: { name: string; trigger: string }[], stored: PlannedJob[]): { setting: string; value: string; why: string }[] {
  const seen = new Set([...logJobs.map((j) => `${j.name}\u0000${j.trigger}`), ...stored.map((p) => `${p.job.state!.name}\u0000${p.job.state!.trigger.text}`)]);
  if (seen.size < 2) return [];
  const out: { setting: string; value: string; why: string }[] = [];
  for (const setting of OPTIONS) {
    const values = new Map<string, string>();
    for (const r of recs) if (r.setting === setting) values.set(`${r.job}\u0000${r.trigger ?? ''}`, r.recommended);
    const distinct = new Set(values.values());
    if (distinct.size === 1 && [...seen].every((k) => values.has(k))) {
      out.push({ setting, value: [...distinct][0], why: `recommended for every one of the ${seen.size} jobs` });
    }
  }
  return out;
}

function wrap(text: string, prefix: string, width = 100): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && prefix.length + line.length + 1 + word.length > width) {
      out.push(prefix + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(prefix + line);
  return out;
}
