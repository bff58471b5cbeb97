// The terminal report: sources, the jobs table, then the findings, most severe first, each with
// its evidence lines.

import Table from 'cli-table3';
import type { JobSummary } from '../engine/job-stats';
import type { Finding } from '../model/finding';
import type { Report } from './report';
import type { Recommendation } from '../recommend/recommendation';

export interface TableOptions {
  color: boolean;
}

const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const CYAN = '\x1b[36m';
const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

export function renderTable(report: Report, options: TableOptions): string {
  const paint = (code: string, text: string) => (options.color ? code + text + RESET : text);
  const style = options.color ? {} : { head: [], border: [] };
  const out: string[] = [];

  out.push(paint(BOLD, 'Sources'));
  for (const s of report.sources) {
    const span = s.firstTime ? ` ${s.firstTime} → ${s.lastTime}` : '';
    out.push(`  ${s.source}: ${s.lines} lines, ${s.records} APScheduler records${span}`);
    out.push(paint(DIM, `    format ${s.format}; log time zone ${s.zone}`));
    const notes: string[] = [];
    if (s.unrecognised) notes.push(`${s.unrecognised} APScheduler-looking lines not recognised (first at line ${s.unrecognisedSamples[0]?.line})`);
    if (s.apscheduler4) notes.push(`${s.apscheduler4} of them come from APScheduler 4, whose logs sched-doctor does not analyse yet (it reads 3.x)`);
    if (s.echoes) notes.push(`${s.echoes} records logged twice by one process (two handlers) counted once`);
    if (s.joined) notes.push(`${s.joined} records split over two lines put back together`);
    if (s.badTimes) notes.push(`${s.badTimes} records with a time out of any plausible range not understood`);
    if (s.longLines) notes.push(`${s.longLines} lines longer than 1 MiB read for their first MiB only`);
    if (s.skippedDirs?.length) notes.push(`sub-folders not read (add --recursive): ${s.skippedDirs.join(', ')}`);
    for (const n of notes) out.push(paint(DIM, `    ${n}`));
    for (const w of s.warnings ?? []) out.push(paint(YELLOW, `    warning: ${w}`));
  }
  if (report.pairing.ambiguous > 0) {
    out.push(paint(DIM, `  ${report.pairing.ambiguous} run ends paired first-in-first-out (no thread names in the log): durations are approximate`));
  }

  out.push('', paint(BOLD, 'Jobs'));
  if (report.jobs.length === 0) out.push('  no runs found');
  else out.push(jobsTable(report.jobs, style));

  out.push('', paint(BOLD, 'Findings'));
  if (report.findings.length === 0) out.push('  none: no duplicate, overlapping, missed or failed runs found');
  for (const f of report.findings) out.push(...findingLines(f, paint));

  const recs = report.recommendations as Recommendation[] | undefined;
  if (recs) {
    out.push('', paint(BOLD, 'Recommendations'));
    if (recs.length === 0) out.push('  no change recommended');
    for (const r of recs) {
      const who = r.job === null ? 'deployment' : r.job;
      out.push(`  ${paint(BOLD, who)}: ${r.setting === 'deployment' ? '' : `${r.setting} ${r.current} (${r.currentSource}) → `}${paint(BOLD, r.recommended)}  [${r.confidence}]`);
      out.push(`          ${r.reason}`);
      if (r.question) out.push(paint(DIM, `          question: ${r.question}`));
    }
    if (recs.length) out.push(paint(DIM, '  paste-ready Python: sched-doctor recommend <same arguments>'));
  }
  return out.join('\n') + '\n';
}

function jobsTable(jobs: JobSummary[], style: object): string {
  const table = new Table({
    head: ['job', 'trigger', 'runs', 'errors', 'max concurrent', 'duration p50 / p95 / max', 'lateness p95'],
    style,
    wordWrap: true,
    colWidths: [null, 34, null, null, null, null, null] as unknown as number[],
  });
  for (const j of jobs) {
    table.push([
      j.name, j.trigger, String(j.runs), String(j.errors), String(j.maxConcurrency),
      j.duration.p50 === undefined ? '–' : `${fmt(j.duration.p50)} / ${fmt(j.duration.p95)} / ${fmt(j.duration.max)}`,
      j.lateness.p95 === undefined ? '–' : fmt(j.lateness.p95),
    ]);
  }
  return table.toString();
}

function findingLines(f: Finding, paint: (code: string, text: string) => string): string[] {
  const color = f.severity === 'error' ? RED : f.severity === 'warning' ? YELLOW : CYAN;
  const lines = [`  ${paint(color, f.severity.toUpperCase().padEnd(7))} ${paint(BOLD, f.rule)}${f.job === null ? '' : `  [${f.job}]`}  ×${f.count}${f.baseline === 'unchanged' ? paint(DIM, '  (in the baseline)') : ''}`, `          ${f.message}`];
  if (f.firstTime) lines.push(paint(DIM, `          first ${f.firstTime}${f.lastTime && f.lastTime !== f.firstTime ? `, last ${f.lastTime}` : ''}`));
  for (const e of f.evidence) lines.push(paint(DIM, `          ${e.source}:${e.line}  ${(e.text ?? '').split('\n')[0].slice(0, 220)}`));
  return lines;
}

export function fmt(seconds: number | undefined): string {
  if (seconds === undefined) return '–';
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)}h`;
  if (seconds >= 60) return `${(seconds / 60).toFixed(1)}m`;
  if (seconds >= 1) return `${seconds.toFixed(2)}s`;
  return `${Math.round(seconds * 1000)}ms`;
}
