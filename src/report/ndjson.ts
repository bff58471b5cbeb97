// One JSON object per line: every finding as `{"type":"finding", …}`, then one
// `{"type":"summary", …}` line with everything else the JSON report holds and the counts. A
// consumer can act on each finding as it reads it; the summary line says the stream is complete.

import type { Finding } from '../model/finding';
import type { Report } from './report';
import { jsonView } from './json';
import { failsRun, severityCounts, type RenderOptions } from './render-options';

export function* ndjsonLines(report: Report, options: Pick<RenderOptions, 'failOn'>): Generator<string> {
  for (const f of report.findings) yield JSON.stringify({ type: 'finding', ...f }) + '\n';
  const { findings, ...rest } = jsonView(report);
  yield JSON.stringify({ type: 'summary', ...rest, counts: counts(findings, options) }) + '\n';
}

export function renderNdjson(report: Report, options: Pick<RenderOptions, 'failOn'>): string {
  return [...ndjsonLines(report, options)].join('');
}

function counts(findings: Finding[], options: Pick<RenderOptions, 'failOn'>) {
  return {
    findings: findings.length,
    ...severityCounts(findings),
    baselined: findings.filter((f) => f.baseline === 'unchanged').length,
    failing: findings.filter((f) => failsRun(f, options.failOn)).length,
  };
}
