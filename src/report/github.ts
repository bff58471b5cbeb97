// GitHub Actions workflow commands: `::error file=…,line=…,title=…::message` puts an annotation
// on the log line in the run's summary (and on the file in a pull request's diff when the log is
// in the repository). Baselined findings are accepted: they are counted, not annotated.

import type { Finding } from '../model/finding';
import { placeOf, placeText } from './evidence-location';
import type { Report } from './report';
import { contextNotes, warningsOf } from './notes';
import { failsRun, severityCounts, type RenderOptions } from './render-options';

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** GitHub shows at most this many annotations of each type (error, warning, notice) per step. */
export const ANNOTATIONS_SHOWN = 10;

export function renderGithub(report: Report, options: Pick<RenderOptions, 'failOn' | 'cwd' | 'stdinName'>): string {
  const out: string[] = [];
  for (const w of warningsOf(report)) out.push(`::warning title=${escapeProperty('sched-doctor input')}::${escapeData(w.message)}`);
  const perType: Record<string, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of report.findings) {
    if (f.baseline === 'unchanged') continue;
    perType[COMMAND[f.severity]]++;
    out.push(annotation(f, options));
  }
  // Annotations past the limit are still in the log, but not shown on the run or the diff: say so.
  const hidden = Object.entries(perType).filter(([, n]) => n > ANNOTATIONS_SHOWN).map(([type, n]) => `${n - ANNOTATIONS_SHOWN} ${type}`);
  if (hidden.length) out.push(`::notice title=sched-doctor::${escapeData(`${hidden.join(', ')} annotations more than GitHub shows (${ANNOTATIONS_SHOWN} per type per step): they are in this log and the step summary`)}`);
  out.push(summary(report, options));
  return out.join('\n') + '\n';
}

function annotation(f: Finding, options: Pick<RenderOptions, 'cwd' | 'stdinName'>): string {
  const cwd = options.cwd;
  const props: string[] = [];
  const first = f.evidence[0] ? placeOf(f.evidence[0], cwd) : undefined;
  if (first?.kind === 'file') props.push(`file=${escapeProperty(first.path)}`, `line=${first.line}`);
  else if (first?.kind === 'stdin' && options.stdinName) props.push(`file=${escapeProperty(options.stdinName)}`, `line=${first.line}`);
  props.push(`title=${escapeProperty(`sched-doctor ${f.rule}${f.job === null ? '' : ` (${f.job})`}`)}`);
  const lines = [`${f.message} (×${f.count})`, ...f.evidence.map((e) => `${placeText(placeOf(e, cwd))}  ${(e.text ?? '').split('\n')[0]}`)];
  return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(lines.join('\n'))}`;
}

function summary(report: Report, options: Pick<RenderOptions, 'failOn'>): string {
  const findings = report.findings;
  const c = severityCounts(findings);
  const baselined = findings.filter((f) => f.baseline === 'unchanged').length;
  const failing = findings.filter((f) => failsRun(f, options.failOn)).length;
  const parts = [`${findings.length} finding${findings.length === 1 ? '' : 's'} (${c.error} error, ${c.warning} warning, ${c.info} info)`];
  if (baselined) parts.push(`${baselined} in the baseline`);
  parts.push(options.failOn === 'never' ? 'never failing (--fail-on never)' : `${failing} at or above ${options.failOn}`);
  return `sched-doctor: ${[...parts, ...contextNotes(report)].join('; ')}`;
}

// The escaping of @actions/core's command.ts: data escapes % CR LF; properties also : and ,.
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
