// A compact Unicode picture of runs over a window, one text row per job and scheduler instance:
// under `runs`' table and in the markdown report. Marks are distinct characters (not colours),
// so it reads the same in a terminal, a PR comment and for colour-blind readers.

import { RUN_FLAG, type RunLogSnapshot } from '../engine/run-log';
import type { Micros } from '../model/event';
import { wallClock, offsetName } from '../model/wall-clock';

export const CHART_MARKS = {
  run: '█',
  noEnd: '│',
  duplicate: '▲',
  overlap: '◆',
  failed: '■',
  unfinished: '▷',
  misfire: '✕',
  skip: '○',
  downtime: '░',
  idle: '·',
} as const;

const LEGEND = `${CHART_MARKS.run} run  ${CHART_MARKS.noEnd} no end logged  ${CHART_MARKS.duplicate} duplicate copy  ${CHART_MARKS.overlap} overlap  ${CHART_MARKS.failed} failed  ${CHART_MARKS.unfinished} unfinished  ${CHART_MARKS.misfire} misfire  ${CHART_MARKS.skip} skipped  ${CHART_MARKS.downtime} no scheduler running`;

// Which mark wins a column: the rarer and worse first.
const PRIORITY = [CHART_MARKS.failed, CHART_MARKS.unfinished, CHART_MARKS.misfire, CHART_MARKS.skip, CHART_MARKS.duplicate, CHART_MARKS.overlap, CHART_MARKS.noEnd, CHART_MARKS.run, CHART_MARKS.downtime, CHART_MARKS.idle];

export interface ChartOptions {
  from: Micros;
  to: Micros;
  /** Columns of the time axis. */
  width?: number;
  /** Lanes to draw, in order; default every lane. */
  lanes?: number[];
  /** Labels start with the job's name (several jobs in one chart). */
  withJob?: boolean;
  /** At most this many lanes; the rest are counted in a last line. */
  maxLanes?: number;
}

export function laneChart(snap: RunLogSnapshot, o: ChartOptions): string[] {
  const width = o.width ?? 60;
  const to = o.to > o.from ? o.to : o.from + 1e6;
  const step = (to - o.from) / width;
  const all = o.lanes ?? snap.lanes.map((_, i) => i);
  const lanes = all.slice(0, o.maxLanes ?? all.length);
  if (lanes.length === 0) return [];
  const offset = snap.lanes[lanes[0]].offsetMinutes;
  const labels = lanes.map((i) => clip(o.withJob ? `${snap.lanes[i].job} ${snap.lanes[i].label}` : snap.lanes[i].label, 40));
  const pad = Math.max(...labels.map((l) => l.length));
  const col = (t: Micros) => Math.floor((t - o.from) / step);
  const rows = new Map<number, string[]>();
  for (const i of lanes) {
    const cells: string[] = new Array(width).fill(CHART_MARKS.idle);
    for (const d of snap.downtime) paint(cells, col(d.from), col(d.to), CHART_MARKS.downtime);
    rows.set(i, cells);
  }
  for (const r of snap.runs) {
    const cells = rows.get(r.lane);
    if (!cells || r.start > to || (r.end ?? r.start) < o.from) continue;
    const c = col(r.start);
    if (r.end !== undefined) paint(cells, c, col(r.end), CHART_MARKS.run);
    put(cells, c, startMark(r.flags));
  }
  for (const p of snap.points) {
    const cells = rows.get(p.lane);
    if (cells && p.time >= o.from && p.time <= to) put(cells, col(p.time), p.kind === 'skip' ? CHART_MARKS.skip : CHART_MARKS.misfire);
  }
  const ruler = axis(o.from, to, width, offset);
  const out = [`${' '.repeat(pad)}  ${ruler}`];
  for (let k = 0; k < lanes.length; k++) out.push(`${labels[k].padEnd(pad)}  ${rows.get(lanes[k])!.join('')}`);
  if (all.length > lanes.length) out.push(`(${all.length - lanes.length} more lanes not drawn)`);
  out.push(`${' '.repeat(pad)}  times in ${offsetName(offset)}; one column ≈ ${columnText(step)}`);
  out.push(LEGEND);
  return out;
}

function startMark(flags: number): string {
  if (flags & RUN_FLAG.failed) return CHART_MARKS.failed;
  if (flags & RUN_FLAG.unfinished) return CHART_MARKS.unfinished;
  if (flags & RUN_FLAG.duplicate) return CHART_MARKS.duplicate;
  if (flags & RUN_FLAG.overlap) return CHART_MARKS.overlap;
  if (flags & RUN_FLAG.noEnd) return CHART_MARKS.noEnd;
  return CHART_MARKS.run;
}

function put(cells: string[], c: number, mark: string): void {
  if (c < 0 || c >= cells.length) return;
  if (PRIORITY.indexOf(mark as never) < PRIORITY.indexOf(cells[c] as never)) cells[c] = mark;
}

function paint(cells: string[], from: number, to: number, mark: string): void {
  for (let c = Math.max(0, from); c <= Math.min(cells.length - 1, to); c++) put(cells, c, mark);
}

/** Start, middle and end times over the columns. */
function axis(from: Micros, to: Micros, width: number, offset: number): string {
  const sameDay = wallClock(from, offset, 0).slice(0, 10) === wallClock(to, offset, 0).slice(0, 10);
  const fmt = (t: Micros) => (sameDay ? wallClock(t, offset, 0).slice(11) : wallClock(t, offset, 0).slice(5, 16));
  const left = sameDay ? `${wallClock(from, offset, 0).slice(0, 10)} ${fmt(from)}` : fmt(from);
  const right = fmt(to);
  const mid = fmt(from + (to - from) / 2);
  const line = new Array(width).fill(' ');
  const place = (text: string, at: number) => { for (let k = 0; k < text.length && at + k < width; k++) if (at + k >= 0) line[at + k] = text[k]; };
  place(left, 0);
  if (width - left.length - right.length > mid.length + 4) place(mid, Math.floor(width / 2 - mid.length / 2));
  place(right, width - right.length);
  return line.join('');
}

function columnText(stepMicros: number): string {
  const s = stepMicros / 1e6;
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}
