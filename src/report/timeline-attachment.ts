// The runs behind a report, for the views that draw them (HTML, markdown's chart). Kept beside
// the report rather than in it: a JSON or SARIF report must not grow by every run of the log.

import type { RunLogSnapshot } from '../engine/run-log';
import type { Report } from './report';

const TIMELINES = new WeakMap<Report, RunLogSnapshot>();

export function attachTimeline(report: Report, timeline: RunLogSnapshot): void {
  TIMELINES.set(report, timeline);
}

export function timelineOf(report: Report): RunLogSnapshot | undefined {
  return TIMELINES.get(report);
}
