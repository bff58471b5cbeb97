// The terminal report, in the order a person acts on it: the verdict on the first line, then
// the findings with their evidence, the jobs that have findings, the recommendations, what was
// read, and a summary line. Everything fits the width it is given: prose is wrapped, log lines
// are cut, the jobs table drops its boxes when narrow.

import type { JobSummary } from '../engine/job-stats';
import type { Finding } from '../model/finding';
import type { Recommendation } from '../recommend/recommendation';
import { placeOf, placeText } from './evidence-location';
import { contextNotes, countsText, plural, verdictOf, warningsOf, type Verdict } from './notes';
import type { Report } from './report';
import { failsRun, type RenderOptions } from './render-options';
import { cut, elide, textTable, wrap } from './text-layout';

export type TableOptions = Pick<RenderOptions, 'color' | 'failOn' | 'maxFindings' | 'recording' | 'width' | 'quiet' | 'allJobs'> & { cwd?: string };

const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const YELLOW = '\x1b[33m';
const CYAN = '\x1b[36m';
const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';
/** Wide enough for boxes around the jobs table. */
const BOX_WIDTH = 100;
const INDENT = '    ';

export function renderTable(report: Report, options: TableOptions): string {
  const width = options.width ?? 80;
  const failOn = options.failOn ?? 'error';
  const cwd = options.cwd ?? process.cwd();
  const paint = (code: string, text: string) => (options.color ? code + text + RESET : text);
  const verdict = verdictOf(report, { failOn, maxFindings: options.maxFindings, recording: options.recording });
  const out: string[] = [verdictLine(report, verdict, failOn, width, paint, options.recording === true)];

  for (const w of warningsOf(report)) out.push(...wrap(`warning: ${w.message}`, width).map((l) => paint(YELLOW, l)));

  const shown = options.quiet ? report.findings.filter((f) => failsRun(f, failOn)) : report.findings;
  if (shown.length) {
    out.push('', paint(BOLD, 'Findings'));
    for (const f of shown) out.push(...findingLines(f, width, cwd, paint));
  }
  if (options.quiet) return out.join('\n') + '\n';

  const withFindings = new Set(report.findings.map((f) => f.job));
  const jobs = options.allJobs ? report.jobs : report.jobs.filter((j) => withFindings.has(j.name));
  if (jobs.length) {
    const hidden = report.jobs.length - jobs.length;
    out.push('', paint(BOLD, options.allJobs ? 'Jobs' : 'Jobs with findings'));
    out.push(...jobsTable(jobs, width));
    if (hidden) out.push(paint(DIM, `  ${plural(hidden, 'other job')} without findings (--all-jobs lists them)`));
  } else if (report.jobs.length && !options.allJobs) {
    out.push('', paint(DIM, `${plural(report.jobs.length, 'job')}, none with findings (--all-jobs lists them)`));
  }

  const recs = report.recommendations as Recommendation[] | undefined;
  if (recs?.length) {
    out.push('', paint(BOLD, 'Recommendations'));
    for (const r of recs) {
      const who = r.job === null ? 'deployment' : r.job;
      const change = r.setting === 'deployment' ? r.recommended : `${r.setting} ${r.current} (${r.currentSource}) → ${r.recommended}`;
      out.push(...wrap(`${elide(who, 40)}: ${change} [${r.confidence}]`, width, '  '));
      out.push(...wrap(r.reason, width, INDENT).map((l) => paint(DIM, l)));
      if (r.question) out.push(...wrap(`question: ${r.question}`, width, INDENT).map((l) => paint(DIM, l)));
    }
    out.push(...wrap('paste-ready Python: sched-doctor recommend <same arguments>', width, '  ').map((l) => paint(DIM, l)));
  }

  out.push('', paint(BOLD, 'Read'));
  for (const s of report.sources) {
    const span = s.firstTime ? `, ${s.firstTime} → ${s.lastTime}` : '';
    out.push(...wrap(`${s.source}: ${s.lines} lines, ${s.records} APScheduler records${span}`, width, '  '));
    const notes = [`format ${s.format}`, `log time zone ${s.zone}`];
    if (s.unrecognised) notes.push(`${s.unrecognised} APScheduler-looking lines not recognised (first at line ${s.unrecognisedSamples[0]?.line})`);
    if (s.apscheduler4) notes.push(`${s.apscheduler4} of them come from APScheduler 4, whose logs sched-doctor does not analyse yet (it reads 3.x)`);
    if (s.echoes) notes.push(`${s.echoes} records logged twice by one process (two handlers) counted once`);
    if (s.joined) notes.push(`${s.joined} records split over two lines put back together`);
    if (s.badTimes) notes.push(`${s.badTimes} records with a time out of any plausible range not understood`);
    if (s.longLines) notes.push(`${s.longLines} lines longer than 1 MiB read for their first MiB only`);
    if (s.skippedDirs?.length) notes.push(`sub-folders not read (add --recursive): ${s.skippedDirs.join(', ')}`);
    if (s.outsideWindow) notes.push(`${s.outsideWindow} records outside the window`);
    for (const n of notes) out.push(...wrap(n, width, INDENT).map((l) => paint(DIM, l)));
  }
  const store = report.store as { url: string; rows: number } | undefined;
  if (store) out.push(...wrap(`${store.url}: ${plural(store.rows, 'row')}`, width, '  '));
  if (report.pairing.ambiguous > 0) {
    out.push(...wrap(`${report.pairing.ambiguous} run ends paired first-in-first-out (no thread names in the log): durations are approximate`, width, '  ').map((l) => paint(DIM, l)));
  }
  for (const n of contextNotes(report)) out.push(...wrap(n, width, '  ').map((l) => paint(DIM, l)));

  out.push('', ...wrap(summaryLine(report, verdict, failOn), width));
  return out.join('\n') + '\n';
}

function verdictLine(report: Report, v: Verdict, failOn: string, width: number, paint: (c: string, t: string) => string, recording: boolean): string {
  const rows = (report.store as { rows?: number } | undefined)?.rows;
  // What was looked at: the jobs of the log, else the rows of the store.
  const scope = report.jobs.length || rows === undefined ? plural(report.jobs.length, 'job') : `a job store of ${plural(rows, 'row')}`;
  let text: string;
  if (report.findings.length === 0) text = `OK: no findings in ${scope}`;
  else {
    const head = v.fails ? 'FAIL' : 'OK';
    const below = v.fails ? '' : recording ? ' (written to the baseline)' : v.failing ? ` (within --max-findings)` : failOn === 'never' ? ' (--fail-on never)' : ` (none at or above ${failOn}${v.baselined ? ' outside the baseline' : ''})`;
    const affected = new Set(report.findings.filter((f) => f.job !== null).map((f) => f.job)).size;
    const of = report.jobs.length && affected && affected < report.jobs.length ? `${affected} of ` : '';
    text = `${head}: ${plural(v.counts.error, 'error')}, ${plural(v.counts.warning, 'warning')}${below} in ${of}${scope}`;
    if (v.main) text += `; main cause: ${v.main.rule}${v.main.job === null ? '' : ` (${elide(v.main.job, 30)})`}: ${v.main.message.slice(0, width).replace(/\s+/g, ' ')}`;
  }
  const line = cut(text, width);
  return paint(BOLD + (v.fails ? RED : GREEN), line);
}

function summaryLine(report: Report, v: Verdict, failOn: string): string {
  const parts = [countsText(v.counts)];
  if (v.baselined) parts.push(`${v.baselined} in the baseline`);
  parts.push(failOn === 'never' ? 'never failing (--fail-on never)' : `${v.failing} at or above ${failOn}`);
  const records = report.sources.reduce((n, s) => n + s.records, 0);
  const store = report.store as { rows: number } | undefined;
  const read = [...(report.sources.length ? [plural(report.jobs.length, 'job'), plural(records, 'record')] : []), ...(store ? [plural(store.rows, 'store row')] : [])];
  parts.push(read.join(', '));
  return `${v.fails ? 'failed' : 'passed'}: ${parts.join('; ')}`;
}

function jobsTable(jobs: JobSummary[], width: number): string[] {
  const head = ['job', 'trigger', 'runs', 'errors', 'max conc.', 'duration p50/p95/max', 'late p95'];
  const rows = jobs.map((j) => [
    j.name, j.trigger, String(j.runs), String(j.errors), String(j.maxConcurrency),
    j.duration.p50 === undefined ? '–' : `${fmt(j.duration.p50)}/${fmt(j.duration.p95)}/${fmt(j.duration.max)}`,
    j.lateness.p95 === undefined ? '–' : fmt(j.lateness.p95),
  ]);
  return textTable(head, rows, { width, boxes: width >= BOX_WIDTH, indent: '  ' });
}

function findingLines(f: Finding, width: number, cwd: string, paint: (code: string, text: string) => string): string[] {
  const color = f.severity === 'error' ? RED : f.severity === 'warning' ? YELLOW : CYAN;
  // The head line fits too: the job name gives way, the rule id and count do not.
  const job = f.job === null ? '' : `  [${elide(f.job, Math.max(10, Math.min(40, width - f.rule.length - 30)))}]`;
  const head = `  ${paint(color, f.severity.toUpperCase().padEnd(7))} ${paint(BOLD, f.rule)}${job}  ×${f.count}${f.baseline === 'unchanged' ? paint(DIM, '  (in the baseline)') : ''}`;
  const lines = [head, ...wrap(f.message, width, INDENT)];
  if (f.firstTime) lines.push(...wrap(`first ${f.firstTime}${f.lastTime && f.lastTime !== f.firstTime ? `, last ${f.lastTime}` : ''}`, width, INDENT).map((l) => paint(DIM, l)));
  for (const e of f.evidence) {
    // A store row is known by its id (the store is named under Read): the id must not be the part that is cut.
    const place = placeOf(e, cwd);
    const at = place.kind === 'row' ? `row ${place.row}` : placeText(place);
    const text = place.kind === 'row' ? (e.text ?? '').replace(`id=${place.row} `, '') : (e.text ?? '');
    const line = text.split('\n')[0];
    const one = `${INDENT}${at}  ${line}`;
    // A line that does not fit after its place goes under it, cut in the middle: a log line's
    // prefix and its message both matter, and the message is at the end.
    if (one.length <= width) lines.push(paint(DIM, one));
    else lines.push(paint(DIM, cut(`${INDENT}${at}`, width)), paint(DIM, `${INDENT}  ${elide(line, Math.max(10, width - INDENT.length - 2))}`));
  }
  return lines;
}

export function fmt(seconds: number | undefined): string {
  if (seconds === undefined) return '–';
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)}h`;
  if (seconds >= 60) return `${(seconds / 60).toFixed(1)}m`;
  if (seconds >= 1) return `${seconds.toFixed(2)}s`;
  return `${Math.round(seconds * 1000)}ms`;
}
