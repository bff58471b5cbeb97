// One row per run (and per misfire or skip) of the chosen lanes in a window: what `runs` prints
// and what its JSON holds. The outcome is named from the log's evidence only.

import { RUN_FLAG, type LoggedRun, type PointMark, type RunLogSnapshot } from '../engine/run-log';
import type { Micros } from '../model/event';
import { isoFromMicros } from '../model/time';

export type Outcome = 'ran' | 'failed' | 'unfinished' | 'no end logged' | 'skipped' | 'missed';

export interface RunRow {
  job: string;
  trigger: string;
  instance: string;
  host?: string;
  pid?: string;
  /** ISO 8601 UTC; absent for a skip (the log does not say which scheduled time it was). */
  scheduledAt?: string;
  start?: string;
  end?: string;
  durationSeconds?: number;
  outcome: Outcome;
  /** A duplicate copy: the instance whose copy started first. */
  duplicateOf?: string;
  /** The first copy of a duplicated run: how many copies started. */
  copies?: number;
  overlap?: boolean;
  /** misfire: how late, in seconds. */
  lateSeconds?: number;
  exception?: string;
  evidence: { source: string; line: number };
  /** Epoch microseconds, for sorting and charts; not in the JSON. */
  at: Micros;
  scheduledMicros?: Micros;
  endMicros?: Micros;
  offsetMinutes: number;
}

export function runRows(snap: RunLogSnapshot, lanes: Set<number>, from?: Micros, to?: Micros): RunRow[] {
  const inWindow = (t: Micros) => (from === undefined || t >= from) && (to === undefined || t <= to);
  const rows: RunRow[] = [];
  for (const r of snap.runs) if (lanes.has(r.lane) && inWindow(r.start)) rows.push(runRow(snap, r));
  for (const p of snap.points) if (lanes.has(p.lane) && inWindow(p.time)) rows.push(pointRow(snap, p));
  return rows.sort((a, b) => (a.scheduledMicros ?? a.at) - (b.scheduledMicros ?? b.at) || a.at - b.at);
}

export function outcomeOf(flags: number): Outcome {
  if (flags & RUN_FLAG.failed) return 'failed';
  if (flags & RUN_FLAG.unfinished) return 'unfinished';
  if (flags & RUN_FLAG.noEnd) return 'no end logged';
  return 'ran';
}

function runRow(snap: RunLogSnapshot, r: LoggedRun): RunRow {
  const lane = snap.lanes[r.lane];
  const exact = r.end !== undefined && !(r.flags & (RUN_FLAG.startInferred | RUN_FLAG.endInferred));
  return {
    job: lane.job, trigger: lane.trigger, instance: lane.label, host: lane.host, pid: lane.pid,
    scheduledAt: isoFromMicros(r.scheduledAt), start: isoFromMicros(r.start), end: r.end === undefined ? undefined : isoFromMicros(r.end),
    durationSeconds: exact ? (r.end! - r.start) / 1e6 : undefined,
    outcome: outcomeOf(r.flags),
    duplicateOf: r.copyOf === undefined ? undefined : snap.lanes[r.copyOf].label,
    copies: r.copies, overlap: (r.flags & RUN_FLAG.overlap) !== 0 || undefined, exception: r.exception,
    evidence: { source: snap.sources[r.source], line: r.line },
    at: r.start, scheduledMicros: r.scheduledAt, endMicros: r.end, offsetMinutes: lane.offsetMinutes,
  };
}

function pointRow(snap: RunLogSnapshot, p: PointMark): RunRow {
  const lane = snap.lanes[p.lane];
  const scheduled = p.lateMicros === undefined ? undefined : p.time - p.lateMicros;
  return {
    job: lane.job, trigger: lane.trigger, instance: lane.label, host: lane.host, pid: lane.pid,
    scheduledAt: scheduled === undefined ? undefined : isoFromMicros(scheduled),
    outcome: p.kind === 'skip' ? 'skipped' : 'missed',
    lateSeconds: p.lateMicros === undefined ? undefined : p.lateMicros / 1e6,
    evidence: { source: snap.sources[p.source], line: p.line },
    at: p.time, scheduledMicros: scheduled, offsetMinutes: lane.offsetMinutes,
  };
}

/** The outcome with its marks, for people: `ran, duplicate copy of app.log pid 15372`. */
export function outcomeText(row: RunRow): string {
  const parts: string[] = [row.outcome === 'missed' && row.lateSeconds !== undefined ? `missed by ${row.lateSeconds.toFixed(3)} s` : row.outcome];
  if (row.duplicateOf !== undefined) parts.push(`duplicate copy of ${row.duplicateOf}`);
  if (row.copies !== undefined) parts.push(`first of ${row.copies} copies`);
  if (row.overlap) parts.push('overlapped an earlier run');
  return parts.join(', ');
}
