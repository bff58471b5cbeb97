// A pull-request comment: a verdict line, one table row per finding, and the recommendations,
// with the evidence folded away.

import { relative, resolve, sep } from 'node:path';
import type { Evidence, Finding } from '../model/finding';
import { contextNotes, warningsOf } from './notes';
import type { Recommendation } from '../recommend/recommendation';
import { placeOf, placeText } from './evidence-location';
import type { Report } from './report';
import { failsRun, severityCounts, type RenderOptions } from './render-options';
import { markdownTimeline } from './markdown-timeline';

/** A bot that posts this comment finds its earlier one by this line and updates it instead of adding another. */
export const COMMENT_MARKER = '<!-- sched-doctor-report -->';

export function renderMarkdown(report: Report, options: Pick<RenderOptions, 'failOn' | 'cwd'>): string {
  const out: string[] = [COMMENT_MARKER, '## sched-doctor', ''];
  const findings = report.findings;
  const c = severityCounts(findings);
  const failing = findings.filter((f) => failsRun(f, options.failOn)).length;
  const baselined = findings.filter((f) => f.baseline === 'unchanged').length;
  const withBaseline = findings.some((f) => f.baseline !== undefined);
  const sources = report.sources.map((s) => code(shownPath(s.source, options.cwd))).join(', ');
  const verdict = failing
    ? `**${failing} finding${failing === 1 ? '' : 's'} at or above \`${options.failOn}\`${withBaseline ? ' not in the baseline' : ''}**`
    : findings.length ? `No finding at or above \`${options.failOn}\`${withBaseline ? ' outside the baseline' : ''}` : 'No findings';
  const tally = findings.length ? `: ${c.error} error, ${c.warning} warning, ${c.info} info${baselined ? `, ${baselined} in the baseline` : ''}` : '';
  out.push(`${verdict}${tally}.${sources ? ` Analyzed ${sources}${report.jobs.length ? ` (${report.jobs.length} job${report.jobs.length === 1 ? '' : 's'})` : ''}.` : ''}`);
  const warnings = warningsOf(report);
  if (warnings.length) out.push('', ...warnings.map((w) => `> **Warning:** ${cell(relativeIn(w.message, options.cwd))}`));
  out.push('', cell(contextNotes(report).map((n) => relativeIn(n, options.cwd)).join(' · ')));

  if (findings.length) {
    out.push('', `| severity | rule | job | count | finding | where |${withBaseline ? ' baseline |' : ''}`, `|---|---|---|---:|---|---|${withBaseline ? '---|' : ''}`);
    for (const f of findings) {
      const where = f.evidence[0] ? code(where_(f.evidence[0], options.cwd)) : '';
      const row = [f.severity, code(f.rule), f.job === null ? '–' : code(f.job), String(f.count), cell(f.message), where];
      if (withBaseline) row.push(f.baseline === 'unchanged' ? 'baselined' : '**new**');
      out.push(`| ${row.join(' | ')} |`);
    }
    out.push(...markdownTimeline(report));
    out.push('', '<details><summary>Evidence</summary>', '');
    for (const f of findings) {
      out.push(`**${f.rule}**${f.job === null ? '' : ` ${code(f.job)}`}`, '', '```text', ...evidence(f, options.cwd), '```', '');
    }
    out.push('</details>');
  }

  const recs = report.recommendations as Recommendation[] | undefined;
  if (recs?.length) {
    out.push('', '### Recommendations', '', '| job | setting | current | recommended | why |', '|---|---|---|---|---|');
    for (const r of recs) {
      out.push(`| ${r.job === null ? 'deployment' : code(r.job)} | ${code(r.setting)} | ${r.setting === 'deployment' ? '' : cell(`${r.current} (${r.currentSource})`)} | ${cell(r.recommended)} | ${cell(r.reason)} |`);
    }
  }
  return out.join('\n') + '\n';
}

function evidence(f: Finding, cwd: string): string[] {
  const lines = f.evidence.map((e) => `${where_(e, cwd)}  ${(e.text ?? '').split('\n')[0]}`);
  // A line of backticks would close the fence early.
  return lines.length ? lines.map((l) => l.replace(/```/g, "'''")) : ['(no log lines: see the message)'];
}

/**
 * A pull-request comment is read on another machine: paths are relative to the working folder
 * (with `../` when outside it), never this machine's absolute paths.
 */
function shownPath(source: string, cwd: string): string {
  if (source === '-') return 'standard input';
  const rel = relative(cwd, resolve(cwd, source)).split(sep).join('/');
  return rel === '' ? '.' : rel;
}

function where_(e: Evidence, cwd: string): string {
  const place = placeOf(e, cwd);
  return place.kind === 'file' ? `${shownPath(place.absolute, cwd)}:${place.line}` : placeText(place);
}

/** Absolute paths under the working folder inside a sentence, made relative. */
function relativeIn(text: string, cwd: string): string {
  return text.split(cwd.endsWith(sep) ? cwd : cwd + sep).join('');
}

/** Table-cell text: no line breaks, pipes escaped, no raw HTML. */
function cell(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/[\u0000-\u001F]/g, '').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An inline code span that survives backticks and pipes inside it. */
function code(s: string): string {
  const text = s.replace(/[\r\n]+/g, ' ').replace(/[\u0000-\u001F]/g, '').replace(/\|/g, '\\|');
  const fence = text.includes('`') ? '`` ' : '`';
  return `${fence}${text}${fence === '`` ' ? ' ``' : '`'}`;
}
