// One line per finding, `file:line: severity rule: message`, as ESLint's unix and Ruff's concise
// formats: editors and `grep` read it. Input warnings are lines of the same shape, and the last
// line counts the findings and names the config file, so a log of CI output says what was checked.

import type { Finding } from '../model/finding';
import { placeOf, placeText } from './evidence-location';
import { contextNotes, countsText, verdictOf, warningsOf } from './notes';
import type { Report } from './report';
import { failsRun, type RenderOptions } from './render-options';

export function renderCompact(report: Report, options: Pick<RenderOptions, 'failOn' | 'cwd' | 'quiet' | 'maxFindings' | 'recording' | 'stdinName'>): string {
  const out: string[] = [];
  for (const w of warningsOf(report)) out.push(`${w.source === null ? 'sched-doctor' : where(w.source, options)}: warning input: ${w.message}`);
  const shown = options.quiet ? report.findings.filter((f) => failsRun(f, options.failOn)) : report.findings;
  for (const f of shown) out.push(`${location(f, report, options)}: ${f.severity} ${f.rule}: ${oneLine(f.message)}${f.job === null ? '' : ` [${oneLine(f.job)}]`}${f.baseline === 'unchanged' ? ' (in the baseline)' : ''}`);
  const v = verdictOf(report, options);
  if (!options.quiet) out.push(`sched-doctor: ${v.fails ? 'failed' : 'passed'}: ${countsText(v.counts)}; ${v.failing} at or above ${options.failOn}; ${contextNotes(report).join('; ')}`);
  return out.length ? out.join('\n') + '\n' : '';
}

function location(f: Finding, report: Report, options: Pick<RenderOptions, 'cwd' | 'stdinName'>): string {
  const e = f.evidence[0];
  if (e) {
    const place = placeOf(e, options.cwd);
    if (place.kind === 'stdin') return `${options.stdinName ?? '-'}:${place.line}`;
    return placeText(place);
  }
  return (report.store as { url?: string } | undefined)?.url ?? 'sched-doctor';
}

function where(source: string, options: Pick<RenderOptions, 'cwd' | 'stdinName'>): string {
  if (source === '-') return options.stdinName ?? '-';
  return placeText(placeOf({ source, line: 1 }, options.cwd)).replace(/:1$/, '');
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}
