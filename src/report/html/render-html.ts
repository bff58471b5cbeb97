// `--format html`: one self-contained file (its data, style and code inline; no request of any
// kind, so it opens from file:// and offline): the verdict and the findings at the top, then the
// timeline of every run, one lane per job and scheduler instance.

import type { Finding } from '../../model/finding';
import { offsetName } from '../../model/wall-clock';
import type { Report } from '../report';
import { failsRun, severityCounts, type RenderOptions } from '../render-options';
import { placeOf, placeText } from '../evidence-location';
import { timelineOf } from '../timeline-attachment';
import { RunLog } from '../../engine/run-log';
import { timelineData } from './timeline-data';
import { PAGE_STYLE } from './page-style';
import { VIEWER_SCRIPT } from './viewer-script';

export function renderHtml(report: Report, options: Pick<RenderOptions, 'failOn' | 'cwd'>): string {
  // A report built without the run log (a library caller) still renders: findings, no runs.
  const snap = timelineOf(report) ?? new RunLog().snapshot();
  const data = timelineData(report, snap, options.cwd);
  const findings = report.findings;
  const c = severityCounts(findings);
  const failing = findings.filter((f) => failsRun(f, options.failOn)).length;
  const verdict = failing
    ? `${failing} finding${failing === 1 ? '' : 's'} at or above ${options.failOn}`
    : !findings.length ? 'No findings' : options.failOn === 'never' ? `${findings.length} finding${findings.length === 1 ? '' : 's'}` : `No finding at or above ${options.failOn}`;
  const sources = data.sources.join(', ');
  // A job store alone (or a log without runs) has nothing to draw: no empty axis at 1970.
  const drawable = data.lanes.length > 0;
  const kept = data.totals.dropped > 0
    ? `<p class="note">${data.totals.runs.toLocaleString('en')} runs; exact bars for ${data.totals.kept.toLocaleString('en')} of them (the spans with the most problems), density counts for all.</p>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sched-doctor: ${esc(verdict)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>sched-doctor</h1>
<p class="verdict ${failing ? 'fail' : 'pass'}"><strong>${esc(verdict)}</strong>${findings.length ? `: ${c.error} error, ${c.warning} warning, ${c.info} info` : ''}.
Analyzed ${esc(sources || 'no log')} (${report.jobs.length} job${report.jobs.length === 1 ? '' : 's'}, ${data.totals.runs.toLocaleString('en')} runs).</p>
</header>
<main>
<section aria-labelledby="findings-title">
<h2 id="findings-title">Findings</h2>
${findings.length ? `<ol class="findings">${findings.map((f, i) => findingItem(f, i, options.cwd)).join('\n')}</ol>` : '<p>No findings.</p>'}
</section>
${drawable ? `<section aria-labelledby="timeline-title">
<h2 id="timeline-title">Timeline</h2>
<p class="help">Times in ${esc(offsetName(data.offset))} (the offset of <code>scheduled at</code>). Wheel or <kbd>+</kbd>/<kbd>-</kbd> to zoom, drag or arrow keys to pan, wheel over the names to scroll; with the timeline focused, <kbd>↑</kbd>/<kbd>↓</kbd> pick a lane and <kbd>[</kbd>/<kbd>]</kbd> step through its runs; <kbd>0</kbd> shows the whole log. Click a finding to zoom to it.</p>
${kept}
<div class="toolbar"><button type="button" id="zoom-in">Zoom in</button> <button type="button" id="zoom-out">Zoom out</button> <button type="button" id="zoom-all">Whole log</button> <span id="status" aria-live="polite"></span></div>
<div class="plot"><canvas id="timeline" tabindex="0" role="img" aria-label="Runs over time, one row per job and scheduler instance; the lane list below says the same in words"></canvas></div>
<ul id="legend" class="legend" aria-label="Legend"></ul>
<details><summary>Lanes in words</summary><ul id="lane-list"></ul></details>
<div id="announce" class="sr-only" aria-live="polite"></div>
` : '<section><h2>Timeline</h2><p>No runs in the input: nothing to draw.</p>'}
</section>
</main>
<div id="tooltip" role="tooltip" hidden></div>
${drawable ? `<script type="application/json" id="timeline-data">${scriptJson(data)}</script>
<script>${VIEWER_SCRIPT}</script>` : ''}
</body>
</html>
`;
}

function findingItem(f: Finding, i: number, cwd: string): string {
  const where = f.evidence[0] ? placeText(placeOf(f.evidence[0], cwd)) : '';
  const evidence = f.evidence.map((e) => `${placeText(placeOf(e, cwd))}  ${(e.text ?? '').split('\n')[0]}`).join('\n');
  return `<li class="finding sev-${f.severity}"><button type="button" data-finding="${i}" aria-label="Zoom the timeline to ${esc(f.rule)}${f.job === null ? '' : ` for ${esc(f.job)}`}">`
    + `<span class="sev">${f.severity}</span> <code>${esc(f.rule)}</code>${f.job === null ? '' : ` <code>${esc(f.job)}</code>`} <span class="count">×${f.count}</span> ${esc(f.message)}</button>`
    + (evidence ? `<details><summary>evidence (${esc(where)})</summary><pre>${esc(evidence)}</pre></details>` : '') + '</li>';
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON that cannot end its script element or open a comment: every `<` is escaped. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
