// What every format says besides the findings, written once: the verdict (does the gate pass,
// and why), the input warnings (an empty input among several, folders not read), the window
// and the records it left out, the config file used, and baselined findings that no longer occur.

import type { Finding } from '../model/finding';
import type { Report } from './report';
import { failsRun, severityCounts, type RenderOptions } from './render-options';

export interface ReportWarning {
  kind: string;
  source: string | null;
  message: string;
}

export interface Verdict {
  /** The exit code's answer: true when the run fails (exit 1). */
  fails: boolean;
  failing: number;
  counts: Record<'error' | 'warning' | 'info', number>;
  baselined: number;
  /** The finding that explains most: the first one (most severe, then the rules' order). */
  main?: Finding;
}

export function verdictOf(report: Report, options: Pick<RenderOptions, 'failOn' | 'maxFindings' | 'recording'>): Verdict {
  const failing = report.findings.filter((f) => failsRun(f, options.failOn)).length;
  return {
    // The exit code's own rule: a run that writes the baseline accepts what it found.
    fails: !options.recording && failing > (options.maxFindings ?? 0),
    failing,
    counts: severityCounts(report.findings),
    baselined: report.findings.filter((f) => f.baseline === 'unchanged').length,
    main: mainCause(report.findings),
  };
}

/**
 * Rules whose finding explains the others: several schedulers on one set of jobs is why runs are
 * duplicated and overlap, so it is named as the cause even though duplicate-run sorts first.
 */
const CAUSES_FIRST = ['multiple-schedulers'];

function mainCause(findings: Finding[]): Finding | undefined {
  const open = findings.filter((f) => f.baseline !== 'unchanged');
  const pool = open.length ? open : findings;
  const top = pool[0];
  const cause = pool.find((f) => CAUSES_FIRST.includes(f.rule) && f.severity === top?.severity);
  return cause ?? top;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `2 errors, 1 warning, 0 info`: the words people read. */
export function countsText(c: Verdict['counts']): string {
  return `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${c.info} info`;
}

export function warningsOf(report: Report): ReportWarning[] {
  return (report.warnings as ReportWarning[] | undefined) ?? [];
}

/** Lines about how the run was set up: config, window, baseline. Same words in every format. */
export function contextNotes(report: Report): string[] {
  const notes: string[] = [];
  const config = report.config as { file: string } | undefined;
  notes.push(config ? `config: ${config.file}` : 'config: none');
  const window = report.window as { since: string | null; until: string | null; outside?: number } | undefined;
  if (window) {
    const span = [window.since ? `since ${window.since}` : '', window.until ? `until ${window.until}` : ''].filter(Boolean).join(' ');
    notes.push(`window: ${span}${window.outside !== undefined ? `; ${plural(window.outside, 'record')} outside it not analyzed` : ''}`);
  }
  const baseline = report.baseline as { file: string; new: number; unchanged: number; absent: number; pruned?: number } | undefined;
  if (baseline) {
    let text = `baseline: ${baseline.file}: ${baseline.new} new, ${baseline.unchanged} in the baseline`;
    if (baseline.absent) text += `, ${baseline.absent} no longer found (${baseline.pruned !== undefined ? 'pruned from the file' : 'drop them with --prune-baseline'})`;
    notes.push(text);
  }
  return notes;
}
