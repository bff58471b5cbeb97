// What `watch` prints: one line per new finding, one per update (a grown count, referring to the
// first by its fingerprint), and a summary when it stops. Three forms: table (people), ndjson
// (a program reading line by line), github (workflow commands, for a CI job watching a test run).

import type { FindingChange } from '../engine/live-findings';
import type { Finding, Severity } from '../model/finding';
import { placeOf, placeText } from './evidence-location';
import { escapeData, escapeProperty } from './github';

export const WATCH_FORMATS = ['table', 'ndjson', 'github'] as const;
export type WatchFormat = (typeof WATCH_FORMATS)[number];

export interface WatchSummary {
  /** Why it stopped: a signal's name, `end of input`, or `--fail-on`. */
  stoppedBy: string;
  seconds: number;
  sources: string[];
  lines: number;
  events: number;
  /** Every finding printed, at its last count. */
  findings: Finding[];
}

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** One change, as one line (with its newline). `now`: epoch ms, for the table's clock. */
export function changeLine(change: FindingChange, format: WatchFormat, cwd: string, now: number): string {
  const f = change.finding;
  if (format === 'ndjson') {
    const head = change.kind === 'update' ? { type: 'finding', update: true, previousCount: change.previousCount } : { type: 'finding' };
    return JSON.stringify({ ...head, ...f }) + '\n';
  }
  const where = f.evidence[0] ? placeOf(f.evidence[0], cwd) : undefined;
  if (format === 'github') {
    const props: string[] = [];
    if (where?.kind === 'file') props.push(`file=${escapeProperty(where.path)}`, `line=${where.line}`);
    const again = change.kind === 'update' ? ' again' : '';
    props.push(`title=${escapeProperty(`sched-doctor ${f.rule}${f.job === null ? '' : ` (${f.job})`}${again}`)}`);
    return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(`${f.message} (×${f.count})`)}\n`;
  }
  const clock = new Date(now).toISOString().slice(11, 19);
  const again = change.kind === 'update' ? `again (${change.previousCount} → ${f.count}, ${f.fingerprint}): ` : '';
  const at = where ? `  [${placeText(where)}]` : '';
  return `${clock} ${f.severity.toUpperCase().padEnd(7)} ${f.rule.padEnd(20)} ${again}${f.message}${at}\n`;
}

export function summaryText(s: WatchSummary, format: WatchFormat): string {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of s.findings) counts[f.severity]++;
  if (format === 'ndjson') {
    return JSON.stringify({ type: 'summary', stoppedBy: s.stoppedBy, seconds: round(s.seconds), sources: s.sources, lines: s.lines, events: s.events, counts: { findings: s.findings.length, ...counts } }) + '\n';
  }
  const head = `sched-doctor watch: stopped (${s.stoppedBy}) after ${round(s.seconds)} s; ${plural(s.sources.length, 'source')}, ${plural(s.lines, 'line')}, ${plural(s.events, 'APScheduler record')}; ${plural(s.findings.length, 'finding')} (${counts.error} error, ${counts.warning} warning, ${counts.info} info)`;
  if (format === 'github') return `${head}\n`;
  const rows = s.findings.map((f) => `  ${f.severity.padEnd(8)} ${f.rule.padEnd(20)} ${(f.job ?? '(scheduler)').padEnd(20)} ×${f.count}`);
  return [head, ...rows].join('\n') + '\n';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function round(s: number): number {
  return Math.round(s * 10) / 10;
}
