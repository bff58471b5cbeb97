// JUnit XML for CI test reports: a suite for the inputs (one case each; one that gave nothing is
// skipped with its reason), then one suite per rule that ran, with one test case per finding
// (carrying the `file` and `line` of its first evidence) and a passing case per job the rule did
// not report. A case fails when its finding is at or above --fail-on and the baseline does not
// hold it; smaller and baselined findings are written to the case's output.

import { RULES } from '../analyzers';
import type { Finding } from '../model/finding';
import { placeOf, placeText } from './evidence-location';
import type { Report } from './report';
import { contextNotes, warningsOf } from './notes';
import { failsRun, type RenderOptions } from './render-options';

const SCHEDULER = '(scheduler)';

interface Case {
  name: string;
  /** The finding this case stands for; none for a job (or the scheduler) the rule passed. */
  finding?: Finding;
}

export function renderJunit(report: Report, options: Pick<RenderOptions, 'failOn' | 'cwd' | 'rules' | 'stdinName'>): string {
  const enabled = new Set(options.rules ?? RULES.map((r) => r.id));
  const logJobs = report.jobs.map((j) => jobName(j.name, j.trigger));
  const store = report.store as { jobs?: Iterable<{ name: string | null; trigger: string | null }> } | undefined;
  const storeJobs = Array.from(store?.jobs ?? []).filter((j) => j.name !== null).map((j) => jobName(j.name!, j.trigger ?? undefined));
  const suites: string[] = [inputsSuite(report, options)];
  let tests = report.sources.length;
  let failures = 0;
  for (const rule of RULES) {
    const mine = report.findings.filter((f) => f.rule === rule.id);
    if (!enabled.has(rule.id) && mine.length === 0) continue;
    if (rule.scope === 'log' && report.sources.length === 0 && mine.length === 0) continue;
    if (rule.scope === 'store' && !store && mine.length === 0) continue;
    // One case per finding (with its file and line), then one passing case per job it did not report.
    const named = mine.map((f) => f.job === null ? SCHEDULER : jobName(f.job, f.trigger));
    const cases: Case[] = mine.map((f, i) => ({ name: named.filter((n) => n === named[i]).length > 1 ? `${named[i]} #${named.slice(0, i + 1).filter((n) => n === named[i]).length}` : named[i], finding: f }));
    const reported = new Set(named);
    for (const name of [...new Set(rule.scope === 'log' ? logJobs : storeJobs)].sort()) if (!reported.has(name)) cases.push({ name });
    if (!reported.has(SCHEDULER)) cases.push({ name: SCHEDULER });
    const body = cases.map((c) => testCase(rule.id, c, options));
    const failed = cases.filter((c) => c.finding && failsRun(c.finding, options.failOn)).length;
    tests += cases.length;
    failures += failed;
    suites.push(`  <testsuite name="${attr(rule.id)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0" time="0">\n${body.join('')}  </testsuite>\n`);
  }
  const skipped = warningsOf(report).filter((w) => w.source !== null).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sched-doctor" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0">\n${suites.join('')}</testsuites>\n`;
}

/** Each input is a test case; one that gave nothing is skipped with the reason. The run's setup is the suite's properties. */
function inputsSuite(report: Report, options: Pick<RenderOptions, 'cwd' | 'stdinName'>): string {
  const warnings = warningsOf(report);
  const properties = contextNotes(report).map((n) => {
    const [name, ...value] = n.split(': ');
    return `      <property name="${attr(name)}" value="${attr(value.join(': '))}"/>\n`;
  });
  const cases = report.sources.map((s) => {
    const name = s.source === '-' ? (options.stdinName ?? 'standard input') : placeText(placeOf({ source: s.source, line: 1 }, options.cwd)).replace(/:1$/, '');
    const why = warnings.find((w) => w.source === s.source);
    const open = `    <testcase classname="sched-doctor.inputs" name="${attr(name)}" time="0"`;
    return why ? `${open}>\n      <skipped message="${attr(why.message)}"/>\n    </testcase>\n` : `${open}/>\n`;
  });
  const general = warnings.filter((w) => w.source === null || !report.sources.some((s) => s.source === w.source));
  const out = general.length ? `    <system-out>${text(general.map((w) => `warning: ${w.message}`).join('\n'))}</system-out>\n` : '';
  const skipped = cases.filter((c) => c.includes('<skipped')).length;
  return `  <testsuite name="inputs" tests="${cases.length}" failures="0" errors="0" skipped="${skipped}" time="0">\n    <properties>\n${properties.join('')}    </properties>\n${cases.join('')}${out}  </testsuite>\n`;
}

function testCase(rule: string, c: Case, options: Pick<RenderOptions, 'failOn' | 'cwd' | 'stdinName'>): string {
  const f = c.finding;
  let open = `    <testcase classname="sched-doctor.${attr(rule)}" name="${attr(c.name)}" time="0"`;
  if (!f) return `${open}/>\n`;
  const place = f.evidence[0] ? placeOf(f.evidence[0], options.cwd) : undefined;
  if (place?.kind === 'file') open += ` file="${attr(place.path)}" line="${place.line}"`;
  else if (place?.kind === 'stdin' && options.stdinName) open += ` file="${attr(options.stdinName)}" line="${place.line}"`;
  const body = failsRun(f, options.failOn)
    ? `      <failure type="${f.severity}" message="${attr(f.message)}">${text(details(f, options.cwd))}</failure>\n`
    : `      <system-out>${text(`${f.severity} (${f.baseline === 'unchanged' ? 'in the baseline' : `below --fail-on ${options.failOn}`}): ${details(f, options.cwd)}`)}</system-out>\n`;
  return `${open}>\n${body}    </testcase>\n`;
}

function details(f: Finding, cwd: string): string {
  const lines = [`${f.message} (×${f.count})`];
  if (f.firstTime) lines.push(`first ${f.firstTime}${f.lastTime && f.lastTime !== f.firstTime ? `, last ${f.lastTime}` : ''}`);
  for (const e of f.evidence) lines.push(`${placeText(placeOf(e, cwd))}  ${(e.text ?? '').split('\n')[0]}`);
  return lines.join('\n');
}

function jobName(name: string, trigger: string | undefined): string {
  return trigger ? `${name} ${trigger}` : name;
}

// XML 1.0 cannot hold most control characters at all, even escaped.
function text(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
