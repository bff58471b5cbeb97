// The JSON document: the report as it is, except that every instant is ISO 8601 in UTC (the
// engine keeps epoch microseconds for arithmetic; a reader of JSON should not have to know that).

import { isoFromMicros } from '../model/time';
import type { Report } from './report';

export function renderJson(report: Report): string {
  return JSON.stringify(jsonView(report), null, 2) + '\n';
}

export function jsonView(report: Report): Report {
  const iso = (us: number | undefined) => (us === undefined ? undefined : isoFromMicros(us));
  return { ...report, jobs: report.jobs.map((j) => ({ ...j, firstRun: iso(j.firstRun), lastRun: iso(j.lastRun) })) as unknown as Report['jobs'] };
}
