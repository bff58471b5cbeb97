// The JSON document: the report as it is, except that every instant is ISO 8601 in UTC (the
// engine keeps epoch microseconds for arithmetic; a reader of JSON should not have to know that).

import { isoFromMicros } from '../model/time';
import { jsonPieces } from './json-pieces';
import type { Report } from './report';

export function renderJson(report: Report): string {
  return JSON.stringify(jsonView(report), null, 2) + '\n';
}

/** The same text in pieces (json-pieces.ts), for writing a large report without making it one string. */
export function* renderJsonPieces(report: Report): Generator<string> {
  yield* jsonPieces(jsonView(report) as unknown as Record<string, unknown>);
  yield '\n';
}

export function jsonView(report: Report): Report {
  const iso = (us: number | undefined) => (us === undefined ? undefined : isoFromMicros(us));
  return { ...report, jobs: report.jobs.map((j) => ({ ...j, firstRun: iso(j.firstRun), lastRun: iso(j.lastRun) })) as unknown as Report['jobs'] };
}
