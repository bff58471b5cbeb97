// Is a scheduler using this store right now? The table is read twice a short interval apart: a
// running scheduler moves next_run_time forward after every run, adds and removes rows. Rows due
// within a few minutes of the clock are a weaker sign (a scheduler may be about to run them).

import type { RawStoreRow } from '../model/store-record';
import { isoFromMicros } from '../model/time';

export interface LiveCheck {
  live: boolean;
  /** Rows that changed between the two reads: a scheduler is writing. */
  moved: number;
  /** Rows due within the window around the clock. */
  nearNow: number;
  /** Human-readable evidence, a few lines at most. */
  reasons: string[];
}

const SHOWN = 3;

/** `windowMicros`: how close to `nowMicros` (before or after) a next_run_time counts as live. */
export function checkLive(first: RawStoreRow[], second: RawStoreRow[], intervalMs: number, nowMicros: number, windowMicros: number): LiveCheck {
  const before = new Map(first.map((r) => [r.id, r]));
  const after = new Map(second.map((r) => [r.id, r]));
  const changes: string[] = [];
  for (const [id, b] of after) {
    const a = before.get(id);
    if (!a) changes.push(`row ${id} appeared`);
    else if (a.nextRunTime !== b.nextRunTime) changes.push(`row ${id}: next_run_time moved from ${when(a.nextRunTime)} to ${when(b.nextRunTime)}`);
    else if (!a.jobState.equals(b.jobState)) changes.push(`row ${id}: job_state changed`);
  }
  for (const id of before.keys()) if (!after.has(id)) changes.push(`row ${id} disappeared`);

  const near: string[] = [];
  if (windowMicros > 0) {
    for (const r of second) {
      if (r.nextRunTime === null) continue;
      const at = Math.round(r.nextRunTime * 1e6);
      if (Math.abs(at - nowMicros) <= windowMicros) near.push(`row ${r.id}: next run ${when(r.nextRunTime)} is ${distance(at - nowMicros)} the clock`);
    }
  }
  const reasons = [
    ...(changes.length ? [`${changes.length} row${changes.length === 1 ? '' : 's'} changed between two reads ${intervalMs / 1000} s apart`, ...changes.slice(0, SHOWN)] : []),
    ...(near.length ? [`${near.length} row${near.length === 1 ? ' is' : 's are'} due within ${windowMicros / 60e6} min of the clock`, ...near.slice(0, SHOWN)] : []),
  ];
  return { live: changes.length > 0 || near.length > 0, moved: changes.length, nearNow: near.length, reasons };
}

function when(nextRunTime: number | null): string {
  return nextRunTime === null ? 'paused' : isoFromMicros(Math.round(nextRunTime * 1e6));
}

function distance(deltaMicros: number): string {
  const s = Math.abs(deltaMicros) / 1e6;
  const text = s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
  return deltaMicros >= 0 ? `${text} after` : `${text} before`;
}
