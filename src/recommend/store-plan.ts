// The store's distinct jobs, one per group of copies, each with the id the printed add_job uses.
//
// The row a group stands for is the one `clean` keeps (its own chooser, not a copy of the policy),
// so the comment can name exactly the ids `clean` deletes. Ids: an explicit id stays (it is the one
// the app replaces); a generated uuid gives way to one made from the job's name, disambiguated, so
// pasting the call twice — or at every start — never adds a copy.

import { duplicateGroups, isGeneratedId } from '../analyzers/duplicate-job';
import { callArguments, type StoreJob } from '../model/store-job';
import { chooseKeptCopy } from '../clean/kept-copy';

export interface PlannedJob {
  /** The row whose state the call recreates. */
  job: StoreJob;
  /** The id the call uses. */
  id: string;
  /** The other copies of the same job, which `clean` deletes. */
  removedByClean: string[];
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

export function planStore(storeJobs: StoreJob[]): StorePlan {
  const decoded = storeJobs.filter((j) => j.state);
  const grouped = new Set<StoreJob>();
  const entries: Omit<PlannedJob, 'id'>[] = [];
  for (const group of duplicateGroups(storeJobs)) {
    const choice = chooseKeptCopy(group);
    for (const j of group) grouped.add(j);
    entries.push({ job: choice.keep, removedByClean: choice.removed.map((r) => r.row.id), keptWhy: choice.why });
  }
  for (const j of decoded) if (!grouped.has(j)) entries.push({ job: j, removedByClean: [] });

  const taken = new Set(entries.filter((e) => !isGeneratedId(e.job.row.id)).map((e) => e.job.row.id));
  // Generated ids are random: order by what the job is, so the same jobs get the same ids.
  // Each identity made once, not twice per comparison (it stringifies the arguments).
  const generated = entries
    .filter((e) => isGeneratedId(e.job.row.id))
    .map((e) => ({ e, key: identity(e.job) }))
    .sort((a, b) => compare(a.key, b.key))
    .map((x) => x.e);
  const ids = new Map<Omit<PlannedJob, 'id'>, string>();
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
    ids.set(e, id);
  }
  const jobs = entries.map((e) => {
    const id = ids.get(e) ?? e.job.row.id;
    return { ...e, id, ...(id !== e.job.row.id ? { supersedes: e.job.row.id } : {}) };
  });
  // By name, then id; each job's name fetched once, not twice per comparison (100,000 jobs: half
  // a second of the comparisons chasing job → state → name).
  const sorted = jobs
    .map((p) => ({ p, name: p.job.state!.name, id: p.id }))
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id))
    .map((x) => x.p);
  return { jobs: sorted, undecodable: storeJobs.filter((j) => !j.state) };
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
