// Clean's selection policy: what `clean` would delete, and why — rows chosen by the store rules (or
// named with --job), and for each group of duplicate copies the one it keeps, with the reason. It
// sits above both the rules and the stores: src/stores/ only reads and writes rows.

import { duplicateGroups } from '../analyzers/duplicate-job';
import { orphanJob } from '../analyzers/orphan-job';
import { staleJob } from '../analyzers/stale-job';
import { undecodableJob } from '../analyzers/undecodable-job';
import type { StoreJob } from '../model/store-job';
import { UserError } from '../model/errors';
import { chooseKeptCopy } from './kept-copy';

export const CLEAN_RULES = ['duplicate-job', 'stale-job', 'orphan-job', 'undecodable-job'] as const;
export type CleanRule = (typeof CLEAN_RULES)[number];
export const DEFAULT_CLEAN_RULES: CleanRule[] = ['duplicate-job', 'undecodable-job'];
/** What a row named with --job is listed under. */
export const NAMED_RULE = '--job';

export interface CleanSelection {
  rules: CleanRule[];
  /** stale-job: only rows overdue by more than this. */
  olderThanSeconds: number;
  /** --job: rows named explicitly. */
  jobIds: string[];
  sourceDir?: string;
  /** Reference instant for stale-job, epoch microseconds. */
  now: number;
}

export interface CleanRow {
  job: StoreJob;
  /** Every rule that selects the row (`--job` for a row named with it). */
  rules: string[];
  /** One reason per rule, same order. */
  reasons: string[];
}

export interface KeptCopy {
  keep: StoreJob;
  why: string;
  /** The other copies, deleted. */
  removed: StoreJob[];
  /** Rules other than duplicate-job that delete the kept row too (it is then not kept). */
  alsoSelectedBy: string[];
}

export interface CleanPlan {
  rows: CleanRow[];
  groups: KeptCopy[];
}

export function parseCleanRules(value: string): CleanRule[] {
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw new UserError(`--rules needs at least one of ${CLEAN_RULES.join(', ')}`);
  for (const id of ids) {
    if (!(CLEAN_RULES as readonly string[]).includes(id)) throw new UserError(`--rules: '${id}' is not a rule clean can act on (use ${CLEAN_RULES.join(', ')})`);
  }
  return CLEAN_RULES.filter((r) => ids.includes(r));
}

export function planClean(jobs: StoreJob[], selection: CleanSelection): CleanPlan {
  const byId = new Map(jobs.map((j) => [j.row.id, j]));
  const picked = new Map<string, CleanRow>();
  const pick = (job: StoreJob, rule: string, reason: string) => {
    const entry = picked.get(job.row.id) ?? { job, rules: [], reasons: [] };
    entry.rules.push(rule);
    entry.reasons.push(reason);
    picked.set(job.row.id, entry);
  };
  const fromFindings = (rule: string, findings: { data?: Record<string, unknown>; message: string }[]) => {
    for (const f of findings) {
      const id = f.data!.id as string;
      pick(byId.get(id)!, rule, f.message.startsWith(`${id}: `) ? f.message.slice(id.length + 2) : f.message);
    }
  };

  const groups: KeptCopy[] = [];
  for (const rule of selection.rules) {
    if (rule === 'duplicate-job') {
      for (const group of duplicateGroups(jobs)) {
        const choice = chooseKeptCopy(group);
        groups.push({ ...choice, alsoSelectedBy: [] });
        const position = new Map(group.map((job, i) => [job, i + 1]));
        for (const copy of choice.removed) pick(copy, rule, `copy ${position.get(copy)} of ${group.length} (oldest first) of ${describe(copy)}; ${choice.keep.row.id} is kept`);
      }
    } else if (rule === 'undecodable-job') {
      // A state only too large to decode here is not broken: APScheduler may run it. Only --job deletes it.
      fromFindings(rule, undecodableJob.check(jobs.filter((j) => !j.decodeLimited), { now: selection.now, options: {} }));
    } else if (rule === 'stale-job') {
      fromFindings(rule, staleJob.check(jobs, { now: selection.now, options: { minOverdueSeconds: selection.olderThanSeconds } }));
    } else if (rule === 'orphan-job') {
      if (!selection.sourceDir) throw new UserError('--rules orphan-job needs --source DIR (the project folder the job functions live in)');
      fromFindings(rule, orphanJob.check(jobs, { now: selection.now, sourceDir: selection.sourceDir, options: {} }));
    }
  }
  for (const given of selection.jobIds) {
    const job = resolveJobId(given, jobs, byId);
    pick(job, NAMED_RULE, job.row.id === given ? 'named with --job' : `named with --job ${given}`);
  }
  for (const g of groups) {
    g.alsoSelectedBy = picked.get(g.keep.row.id)?.rules ?? [];
  }
  // The table's order: by id, as the store lists them.
  const rows = [...picked.values()].sort((a, b) => (a.job.row.id < b.job.row.id ? -1 : a.job.row.id > b.job.row.id ? 1 : 0));
  return { rows, groups };
}

/**
 * `--job` takes a whole id or a prefix of one, as `jobs` shows it in a terminal (`0f3c2a1b…`: the
 * ellipsis may be pasted with it). An exact id wins; a prefix must name one row.
 */
export function resolveJobId(given: string, jobs: StoreJob[], byId = new Map(jobs.map((j) => [j.row.id, j]))): StoreJob {
  const exact = byId.get(given);
  if (exact) return exact;
  const prefix = given.replace(/(?:…|\.\.\.)$/, '');
  const store = jobs[0]?.store ?? 'the store';
  const matches = prefix === '' ? [] : jobs.filter((j) => j.row.id.startsWith(prefix));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new UserError(`--job ${given}: no row with that id or id prefix in ${store} (see 'sched-doctor jobs')`);
  const shown = matches.slice(0, 5).map((j) => j.row.id).join(', ');
  throw new UserError(`--job ${given}: ${matches.length} rows have ids starting with '${prefix}' (${shown}${matches.length > 5 ? ', …' : ''}); give more of the id`);
}

function describe(job: StoreJob): string {
  return job.state ? `${job.state.func} ${job.state.trigger.text}` : job.row.id;
}
