// The markdown report's small picture: the lanes of the top finding's job over the window where
// it first shows, as Unicode text in a code block (PR comments render no images of their own).

import type { Report } from './report';
import { laneChart } from './lane-chart';
import { timelineOf } from './timeline-attachment';

/** Periods of the job shown when a finding spans longer: its first occurrence, not a smear. */
const MAX_PERIODS = 24;

export function markdownTimeline(report: Report): string[] {
  const snap = timelineOf(report);
  // The top finding a reader acts on: a new one before one the baseline accepted.
  const drawable = report.findings.filter((f) => f.firstTime !== undefined && f.job !== null);
  const top = drawable.find((f) => f.baseline !== 'unchanged') ?? drawable[0];
  if (!snap || !top) return [];
  const lanes = snap.lanes.map((l, i) => ({ l, i })).filter(({ l }) => l.job === top.job).map(({ i }) => i);
  if (lanes.length === 0) return [];
  const first = Date.parse(top.firstTime!) * 1000;
  const last = top.lastTime ? Date.parse(top.lastTime) * 1000 : first;
  const period = (report.jobs.find((j) => j.name === top.job)?.periodSeconds ?? 0) * 1e6;
  const pad = Math.max(period, 1e6);
  const to = period > 0 ? Math.min(last, first + MAX_PERIODS * period) : last;
  const chart = laneChart(snap, { from: first - pad, to: to + pad * 2, width: 60, lanes, maxLanes: 8 });
  if (chart.length === 0) return [];
  return ['', `**Timeline** of \`${top.rule}\` for \`${top.job}\`, where it first shows:`, '', '```text', ...chart.map((l) => l.replace(/```/g, "'''")), '```'];
}
