// Which copy of a duplicated job stays when `clean` removes the others. `recommend` names the same
// row in its advice, so both commands import this one function.

import { isGeneratedId } from '../analyzers/duplicate-job';
import type { StoreJob } from '../model/store-job';
import { isoFromMicros } from '../model/time';

export interface KeptChoice {
  keep: StoreJob;
  why: string;
  /** The other copies, which clean deletes. */
  removed: StoreJob[];
}

/**
 * The copy to keep: the one with an explicit id (the app names it, so it is the one the app
 * replaces and removes), else the most recently scheduled one — the newest copy (latest trigger
 * start date, then latest next run), which is what the app's last start registered.
 * `group` comes oldest first, as duplicateGroups (analyzers/duplicate-job) returns it.
 */
export function chooseKeptCopy(group: StoreJob[]): KeptChoice {
  const explicit = group.filter((j) => !isGeneratedId(j.row.id));
  const newest = (list: StoreJob[]) => list[list.length - 1];
  let keep: StoreJob;
  let why: string;
  if (explicit.length === 1) {
    keep = explicit[0];
    why = `its id is explicit (not a generated uuid): the app names it; the others are copies added without id=`;
  } else if (explicit.length > 1) {
    keep = newest(explicit);
    why = `${explicit.length} copies have explicit ids; kept the most recently scheduled of them (${scheduled(keep)})`;
  } else {
    keep = newest(group);
    why = `every id is generated (add_job without id=); kept the most recently scheduled copy (${scheduled(keep)})`;
  }
  return { keep, why, removed: group.filter((j) => j !== keep) };
}

function scheduled(job: StoreJob): string {
  const start = job.state?.trigger.startDate?.epochMicros;
  const next = job.row.nextRunTime;
  if (start !== null && start !== undefined) return `trigger starts ${isoFromMicros(start)}`;
  return next === null ? 'paused' : `next run ${isoFromMicros(Math.round(next * 1e6))}`;
}
