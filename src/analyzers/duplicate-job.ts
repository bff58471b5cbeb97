import type { Finding } from '../model/finding';
import { callArguments, type CallArguments, type StoreJob } from '../model/store-job';
import { rowEvidence } from './store-evidence';
import type { StoreRule } from './rule';

const UUID_HEX = /^[0-9a-f]{32}$/;

/**
 * The groups of the last store grouped: the rule and the recommender (planStore) ask for the same
 * rows' groups, and grouping 100,000 rows takes 65-110 ms. A store's rows are not
 * changed once loaded; a list that grew or shrank is grouped again.
 */
const groupsOf = new WeakMap<readonly StoreJob[], { length: number; groups: StoreJob[][] }>();

/** Rows that are the same job registered again: same callable, trigger, arguments. Each group oldest first; callers do not change them. */
export function duplicateGroups(jobs: readonly StoreJob[]): StoreJob[][] {
  const known = groupsOf.get(jobs);
  if (known && known.length === jobs.length) return known.groups;
  const groups = groupCopies(jobs);
  groupsOf.set(jobs, { length: jobs.length, groups });
  return groups;
}

/**
 * Rows grouped by what makes two rows the same job (trigger text, callable, zone, executor,
 * arguments, keyword arguments), in the order of each group's first row. No key is built: the
 * rows are parted by trigger text, then by each other member in turn, each a string the row
 * already holds, where a 250-character key made and hashed per row cost 160 ms on 100,000 rows
 * (and the keys outlived the young generation). A part of one row goes no further. Grouped once
 * per store: the recommender's second grouping reuses the groups (duplicateGroups).
 */
function groupCopies(jobs: readonly StoreJob[]): StoreJob[][] {
  const found: { first: number; group: StoreJob[] }[] = [];
  const byTrigger = new Map<string, number[]>();
  for (let i = 0; i < jobs.length; i++) {
    const s = jobs[i].state;
    // A row without a state is no one's copy.
    if (!s) continue;
    const part = byTrigger.get(s.trigger.text);
    if (part) part.push(i);
    else byTrigger.set(s.trigger.text, [i]);
  }
  // The arguments' text once per row: a row decoded whole makes it with JSON.stringify each time it is asked.
  const calls: (CallArguments | undefined)[] = new Array(jobs.length);
  const call = (i: number): CallArguments => (calls[i] ??= callArguments(jobs[i])!);
  // The members after the trigger text, in turn.
  const members: ((i: number) => string | null)[] = [
    (i) => jobs[i].state!.func,
    (i) => jobs[i].state!.trigger.timezone ?? null,
    (i) => jobs[i].state!.executor,
    (i) => call(i).args,
    (i) => call(i).kwargs,
  ];
  for (const part of byTrigger.values()) if (part.length > 1) split(jobs, members, part, 0, found);
  // The order one Map of every row's key gave: by each group's first row.
  found.sort((a, b) => a.first - b.first);
  return found.map((g) => g.group.sort(byAge));
}

/** Rows of `part` (equal in the members before `member`) parted by the rest; groups of two or more into `found`. */
function split(jobs: readonly StoreJob[], members: ((i: number) => string | null)[], part: number[], member: number, found: { first: number; group: StoreJob[] }[]): void {
  if (member === members.length) {
    found.push({ first: part[0], group: part.map((i) => jobs[i]) });
    return;
  }
  const of = members[member];
  const parts = new Map<string | null, number[]>();
  for (const i of part) {
    const v = of(i);
    const known = parts.get(v);
    if (known) known.push(i);
    else parts.set(v, [i]);
  }
  for (const p of parts.values()) if (p.length > 1) split(jobs, members, p, member + 1, found);
}

/** Oldest first: the trigger's start date says when a copy was added; the next run breaks ties. */
function byAge(a: StoreJob, b: StoreJob): number {
  const start = (j: StoreJob) => {
    return j.state?.trigger.startDate?.epochMicros ?? Infinity;
  };
  return start(a) - start(b) || (a.row.nextRunTime ?? Infinity) - (b.row.nextRunTime ?? Infinity) || a.row.id.localeCompare(b.row.id);
}

export function isGeneratedId(id: string): boolean {
  return UUID_HEX.test(id);
}

export const duplicateJob: StoreRule = {
  id: 'duplicate-job',
  scope: 'store',
  severity: 'error',
  summary: 'Several job-store rows hold the same job (callable, trigger, arguments) under different ids.',
  docs: {
    what: 'Two or more rows in the job store have the same `func`, trigger, args and kwargs under different ids — typically 32-hex-digit ids that `add_job` generates when no `id=` is given. `count` is the number of rows in the group; the evidence lists the ids, oldest first.',
    why: 'An app that calls `add_job(func, "interval", minutes=2)` at every start without `id=` and `replace_existing=True` adds one more copy per restart, and every copy runs: three restarts, three runs per interval.',
    detection: 'Decoded `job_state` rows grouped by func, trigger text and zone, args, kwargs and executor.',
    example: 'id=0f3c…e1 func=app.tasks:sync trigger=interval[0:02:00]\nid=7a9d…04 func=app.tasks:sync trigger=interval[0:02:00]\nid=c21b…9f func=app.tasks:sync trigger=interval[0:02:00]',
    fix: 'Give the job an explicit id and `replace_existing=True`: `scheduler.add_job(sync, "interval", minutes=2, id="sync", replace_existing=True)`. Then remove the extra rows (`sched-doctor clean`).',
  },
  check(jobs) {
    const findings: Finding[] = [];
    for (const group of duplicateGroups(jobs)) {
      const s = group[0].state!;
      findings.push({
        rule: 'duplicate-job', severity: 'error', job: s.name, trigger: s.trigger.text, count: group.length,
        message: `${group.length} rows hold the same job ${s.func} ${s.trigger.text}: ids ${group.map((g) => g.row.id).join(', ')} (oldest first)`,
        evidence: group.slice(0, 5).map(rowEvidence),
        data: { ids: group.map((g) => g.row.id), func: s.func, generatedIds: group.filter((g) => isGeneratedId(g.row.id)).length },
      });
    }
    return findings;
  },
};
