// GitHub Actions workflow commands: `::error file=…,line=…,title=…::message` puts an annotation
// on the log line in the run's summary (and on the file in a pull request's diff when the log is
// in the repository). Baselined findings are accepted: they are counted, not annotated.

import type { Finding } from '../model/finding';
import { placeOf, placeText } from './evidence-location';
import type { Report } from './report';
import { failsRun, severityCounts, type RenderOptions } from './render-options';

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

export function renderGithub(report: Report, options: Pick<RenderOptions, 'failOn' | 'cwd'>): string {
  const out: string[] = [];
  for (const f of report.findings) {
    if (f.baseline === 'unchanged') continue;
    out.push(annotation(f, options.cwd));
  }
  out.push(summary(report.findings, options));
  return out.join('\n') + '\n';
}

function annotation(f: Finding, cwd: string): string {
  const props: string[] = [];
  const first = f.evidence[0] ? placeOf(f.evidence[0], cwd) : undefined;
  if (first?.kind === 'file') props.push(`file=${escapeProperty(first.path)}`, `line=${first.line}`);
  props.push(`title=${escapeProperty(`sched-doctor ${f.rule}${f.job === null ? '' : ` (${f.job})`}`)}`);
  const lines = [`${f.message} (×${f.count})`, ...f.evidence.map((e) => `${placeText(placeOf(e, cwd))}  ${(e.text ?? '').split('\n')[0]}`)];
  return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(lines.join('\n'))}`;
}

function summary(findings: Finding[], options: Pick<RenderOptions, 'failOn'>): string {
  const c = severityCounts(findings);
  const baselined = findings.filter((f) => f.baseline === 'unchanged').length;
  const failing = findings.filter((f) => failsRun(f, options.failOn)).length;
  const parts = [`${findings.length} finding${findings.length === 1 ? '' : 's'} (${c.error} error, ${c.warning} warning, ${c.info} info)`];
  if (baselined) parts.push(`${baselined} in the baseline`);
  parts.push(options.failOn === 'never' ? 'never failing (--fail-on never)' : `${failing} at or above ${options.failOn}`);
  return `sched-doctor: ${parts.join('; ')}`;
}

// The escaping of @actions/core's command.ts: data escapes % CR LF; properties also : and ,.
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
