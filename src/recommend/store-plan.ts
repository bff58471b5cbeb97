// The store's distinct jobs, one per group of copies, each with the id the printed add_job uses.
//
// The row a group stands for is the one `clean` keeps (its own chooser, not a copy of the policy),
// so the comment can name exactly the ids `clean` deletes. Ids: an explicit id stays (it is the one
// the app replaces); a generated uuid gives way to one made from the job's name, disambiguated, so
// pasting the call twice — or at every start — never adds a copy.

import { duplicateGroups, isGeneratedId } from '../analyzers/duplicate-job';
import { callArguments, type StoreJob } from '../model/store-job';
import { chooseKeptCopy, type KeptChoice } from '../clean/kept-copy';

export interface PlannedJob {
  /** The row whose state the call recreates. */
  job: StoreJob;
  /** The id the call uses. */
  id: string;
  /** The other copies of the same job, which `clean` deletes. */
  removedByClean: readonly string[];
  /** Why clean keeps `job`, when there are copies. */
  keptWhy?: string;
  /** The kept row's generated id, superseded by `id`: a copy once the app has added `id`. */
  supersedes?: string;
}

export interface StorePlan {
  jobs: PlannedJob[];
  /** Rows that could not be decoded: not recreated. */
  undecodable: StoreJob[];
}

/** A job without copies: nothing for clean to remove (one list for them all). */
const NONE: readonly string[] = Object.freeze([]);

/**
 * The plan, made with few objects per row: on a 100,000-row store each step's copy of the rows (the
 * decoded ones, the entries with their ids, the sort's pairs) outlived the young generation, and
 * analyze --db's peak memory was the old generation's garbage. One entry per planned row is made,
 * whole (a member added later is stored apart from the object), and given its id in place.
 */
export function planStore(storeJobs: StoreJob[]): StorePlan {
  const entries: PlannedJob[] = [];
  eachPlanned(storeJobs, (job, choice) => {
    entries.push(choice ? { job, removedByClean: choice.removed.map((r) => r.row.id), keptWhy: choice.why, id: job.row.id } : { job, removedByClean: NONE, id: job.row.id });
  });
  giveIds(entries.filter((e) => isGeneratedId(e.job.row.id)), entries);
  return { jobs: inPlanOrder(entries), undecodable: storeJobs.filter((j) => !j.state) };
}

/**
 * For each list of row ids (a duplicate-job finding's), the id the plan gives the first of them
 * it plans, in its order; undefined when it plans none. What recommend reads of the plan: when no
 * planned row has a generated id, every planned id is the row's, and only the rows the lists name
 * are ordered (a subset of a stable sort keeps its order), not every row of the store.
 */
export function firstPlannedIds(storeJobs: StoreJob[], lists: readonly (readonly string[])[]): (string | undefined)[] {
  const named = new Set(lists.flat());
  let generated = false;
  const some: PlannedJob[] = [];
  eachPlanned(storeJobs, (job) => {
    if (isGeneratedId(job.row.id)) generated = true;
    else if (named.has(job.row.id)) some.push({ job, removedByClean: NONE, id: job.row.id });
  });
  const ordered = generated ? planStore(storeJobs).jobs : inPlanOrder(some);
  const position = new Map<string, number>();
  ordered.forEach((p, i) => {
    if (named.has(p.job.row.id) && !position.has(p.job.row.id)) position.set(p.job.row.id, i);
  });
  return lists.map((ids) => {
    let first = Infinity;
    for (const id of ids) first = Math.min(first, position.get(id) ?? Infinity);
    return first === Infinity ? undefined : ordered[first].id;
  });
}

/** Each row the plan recreates, in the entries' order: the kept copy of each group of copies (with the choice), then every decoded row without copies. */
function eachPlanned(storeJobs: StoreJob[], visit: (job: StoreJob, choice?: KeptChoice) => void): void {
  const grouped = new Set<StoreJob>();
  for (const group of duplicateGroups(storeJobs)) {
    const choice = chooseKeptCopy(group);
    for (const j of group) grouped.add(j);
    visit(choice.keep, choice);
  }
  for (const j of storeJobs) if (j.state && !grouped.has(j)) visit(j);
}

/**
 * By name, then id, stable; each job's name fetched once, not twice per comparison (100,000 jobs:
 * half a second of the comparisons chasing job → state → name). Positions are sorted, not pairs.
 */
function inPlanOrder(entries: PlannedJob[]): PlannedJob[] {
  const names = entries.map((e) => e.job.state!.name);
  const order = entries.map((_, i) => i).sort((a, b) => compareText(names[a], names[b]) || compareText(entries[a].id, entries[b].id));
  return order.map((i) => entries[i]);
}

/**
 * A generated id (each entry's id is its row's until here) gives way to one made from the job's
 * name, free among the explicit ids and those given before it. Without generated ids no set of
 * every id is made.
 */
function giveIds(generatedEntries: PlannedJob[], entries: PlannedJob[]): void {
  if (generatedEntries.length === 0) return;
  const taken = new Set(entries.filter((e) => !isGeneratedId(e.job.row.id)).map((e) => e.job.row.id));
  // Generated ids are random: order by what the job is, so the same jobs get the same ids.
  // Each identity made once, not twice per comparison (it stringifies the arguments).
  const generated = generatedEntries
    .map((e) => ({ e, key: identity(e.job) }))
    .sort((a, b) => compare(a.key, b.key))
    .map((x) => x.e);
  // Where each base's search for a free suffix goes on: the ids below it are taken and stay
  // taken, so k jobs of one name cost k steps, not k**2.
  const nextSuffix = new Map<string, number>();
  for (const e of generated) {
    const base = idBase(e.job);
    let id = base;
    if (taken.has(id)) {
      let n = nextSuffix.get(base) ?? 2;
      while (taken.has(`${base}_${n}`)) n++;
      id = `${base}_${n}`;
      nextSuffix.set(base, n + 1);
    }
    taken.add(id);
    if (id !== e.job.row.id) Object.assign(e, { id, supersedes: e.job.row.id });
  }
}

/** An id from the job's name (else its function's name) that reads well in code and logs. */
function idBase(job: StoreJob): string {
  const s = job.state!;
  const fromName = s.name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '');
  if (fromName) return fromName;
  const qual = (s.func.split(':')[1] ?? '').replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '');
  return qual || 'job';
}

function identity(job: StoreJob): string[] {
  const s = job.state!;
  const call = callArguments(job);
  return [s.name, s.func, s.trigger.text, s.trigger.timezone ?? '', call?.args ?? '', call?.kwargs ?? '', s.executor, job.row.id];
}

function compareText(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function compare(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}
