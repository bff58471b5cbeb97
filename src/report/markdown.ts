// A pull-request comment: a verdict line, one table row per finding, and the recommendations,
// with the evidence folded away.

import type { Finding } from '../model/finding';
import type { Recommendation } from '../recommend/recommendation';
import { placeOf, placeText } from './evidence-location';
import type { Report } from './report';
import { failsRun, severityCounts, type RenderOptions } from './render-options';
import { markdownTimeline } from './markdown-timeline';

export function renderMarkdown(report: Report, options: Pick<RenderOptions, 'failOn' | 'cwd'>): string {
  const out: string[] = ['## sched-doctor', ''];
  const findings = report.findings;
  const c = severityCounts(findings);
  const failing = findings.filter((f) => failsRun(f, options.failOn)).length;
  const baselined = findings.filter((f) => f.baseline === 'unchanged').length;
  const withBaseline = findings.some((f) => f.baseline !== undefined);
  const sources = report.sources.map((s) => code(placeText(placeOf({ source: s.source, line: 1 }, options.cwd)).replace(/:1$/, ''))).join(', ');
  const verdict = failing
    ? `**${failing} finding${failing === 1 ? '' : 's'} at or above \`${options.failOn}\`${withBaseline ? ' not in the baseline' : ''}**`
    : findings.length ? `No finding at or above \`${options.failOn}\`${withBaseline ? ' outside the baseline' : ''}` : 'No findings';
  const tally = findings.length ? `: ${c.error} error, ${c.warning} warning, ${c.info} info${baselined ? `, ${baselined} in the baseline` : ''}` : '';
  out.push(`${verdict}${tally}.${sources ? ` Analyzed ${sources}${report.jobs.length ? ` (${report.jobs.length} job${report.jobs.length === 1 ? '' : 's'})` : ''}.` : ''}`);

  if (findings.length) {
    out.push('', `| severity | rule | job | count | finding | where |${withBaseline ? ' baseline |' : ''}`, `|---|---|---|---:|---|---|${withBaseline ? '---|' : ''}`);
    for (const f of findings) {
      const where = f.evidence[0] ? code(placeText(placeOf(f.evidence[0], options.cwd))) : '';
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
  const lines = f.evidence.map((e) => `${placeText(placeOf(e, cwd))}  ${(e.text ?? '').split('\n')[0]}`);
  // A line of backticks would close the fence early.
  return lines.length ? lines.map((l) => l.replace(/```/g, "'''")) : ['(no log lines: see the message)'];
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
