// `runs` for people: the table of runs, the copies of the run at --at, and the lane chart.

import type { RunLogSnapshot } from '../engine/run-log';
import type { Finding } from '../model/finding';
import { offsetName, shortDuration, wallClock } from '../model/wall-clock';
import { laneChart } from './lane-chart';
import { outcomeText, type RunRow } from './run-rows';
import { placeOf, placeText } from './evidence-location';

export interface RunsView {
  pattern: string;
  rows: RunRow[];
  lanes: number[];
  from?: number;
  to?: number;
  /** The scheduled time nearest to --at, and its copies. */
  nearest?: { scheduledAt: number; rows: RunRow[] };
  findings: Finding[];
  snapshot: RunLogSnapshot;
  cwd: string;
}

export function renderRunsText(v: RunsView): string {
  const out: string[] = [];
  const offset = v.snapshot.lanes[v.lanes[0]]?.offsetMinutes ?? 0;
  const jobs = new Set(v.lanes.map((i) => v.snapshot.lanes[i].job));
  const t = (us: number | undefined, digits: 3 | 6 = 3) => (us === undefined ? '–' : wallClock(us, offset, digits));
  const window = v.from !== undefined && v.to !== undefined ? ` from ${t(v.from, 3)} to ${t(v.to, 3)}` : '';
  out.push(`${v.rows.length} run${v.rows.length === 1 ? '' : 's'} of ${[...jobs].join(', ')}${window} (times in ${offsetName(offset)}, the offset of \`scheduled at\`)`);
  if (v.snapshot.droppedRuns > 0) out.push(`note: ${v.snapshot.droppedRuns} runs in this window were counted but not kept (memory bound); narrow --around to list them`);
  out.push('');
  const head = ['instance', 'scheduled at', 'start', 'end', 'duration', 'outcome', 'evidence'];
  if (jobs.size > 1) head.unshift('job');
  const body = v.rows.map((r) => {
    const cells = [
      r.instance, r.scheduledMicros === undefined ? '–' : t(r.scheduledMicros, 6), r.start === undefined ? (r.outcome === 'skipped' || r.outcome === 'missed' ? `(${t(r.at)})` : '–') : t(r.at),
      t(r.endMicros), r.durationSeconds === undefined ? '–' : shortDuration(r.durationSeconds * 1e6), outcomeText(r),
      placeText(placeOf(r.evidence, v.cwd)),
    ];
    if (jobs.size > 1) cells.unshift(r.job);
    return cells;
  });
  out.push(...columns([head, ...body]));
  if (v.nearest) {
    const n = v.nearest;
    out.push('', `Scheduled at ${t(n.scheduledAt, 6)}: ${n.rows.length === 1 ? 'ran once' : `${n.rows.length} copies`}`);
    for (const r of n.rows) out.push(`  ${r.instance}: start ${t(r.at)}, ${outcomeText(r)} (${placeText(placeOf(r.evidence, v.cwd))})`);
  }
  if (v.findings.length) {
    out.push('', 'Findings about this job:');
    for (const f of v.findings) out.push(`  ${f.severity} ${f.rule}: ${f.message.split('\n')[0]}`);
  }
  // The chart spans what the log holds of the window, not the empty margins around it.
  const first = v.snapshot.first, last = v.snapshot.last;
  const from = v.from === undefined ? first : first === undefined ? v.from : Math.max(v.from, first);
  const to = v.to === undefined ? last : last === undefined ? v.to : Math.min(v.to, last);
  if (from !== undefined && to !== undefined && v.lanes.length) {
    out.push('', ...laneChart(v.snapshot, { from, to, lanes: v.lanes, withJob: jobs.size > 1, maxLanes: 24 }));
  }
  return out.join('\n') + '\n';
}

function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
}
