// JUnit XML for CI test reports: one test suite per rule that ran, one test case per rule × job
// (plus one for scheduler-wide findings). A case fails when its rule found something at or above
// --fail-on that the baseline does not hold; smaller and baselined findings are written to the
// case's output, so they show without failing.

import { RULES } from '../analyzers';
import type { Finding } from '../model/finding';
import { placeOf, placeText } from './evidence-location';
import type { Report } from './report';
import { failsRun, type RenderOptions } from './render-options';

const SCHEDULER = '(scheduler)';

interface Case {
  name: string;
  findings: Finding[];
}

export function renderJunit(report: Report, options: Pick<RenderOptions, 'failOn' | 'cwd' | 'rules'>): string {
  const enabled = new Set(options.rules ?? RULES.map((r) => r.id));
  const logJobs = report.jobs.map((j) => jobName(j.name, j.trigger));
  const store = report.store as { jobs?: { name: string | null; trigger: string | null }[] } | undefined;
  const storeJobs = (store?.jobs ?? []).filter((j) => j.name !== null).map((j) => jobName(j.name!, j.trigger ?? undefined));
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const rule of RULES) {
    const mine = report.findings.filter((f) => f.rule === rule.id);
    if (!enabled.has(rule.id) && mine.length === 0) continue;
    if (rule.scope === 'log' && report.sources.length === 0 && mine.length === 0) continue;
    if (rule.scope === 'store' && !store && mine.length === 0) continue;
    const names = new Set([...(rule.scope === 'log' ? logJobs : storeJobs), ...mine.filter((f) => f.job !== null).map((f) => jobName(f.job!, f.trigger))]);
    const cases: Case[] = [...names].sort().map((name) => ({ name, findings: mine.filter((f) => f.job !== null && jobName(f.job, f.trigger) === name) }));
    cases.push({ name: SCHEDULER, findings: mine.filter((f) => f.job === null) });
    const body = cases.map((c) => testCase(rule.id, c, options));
    const failed = cases.filter((c) => c.findings.some((f) => failsRun(f, options.failOn))).length;
    tests += cases.length;
    failures += failed;
    suites.push(`  <testsuite name="${attr(rule.id)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0" time="0">\n${body.join('')}  </testsuite>\n`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sched-doctor" tests="${tests}" failures="${failures}" errors="0" time="0">\n${suites.join('')}</testsuites>\n`;
}

function testCase(rule: string, c: Case, options: Pick<RenderOptions, 'failOn' | 'cwd'>): string {
  const open = `    <testcase classname="sched-doctor.${attr(rule)}" name="${attr(c.name)}" time="0"`;
  if (c.findings.length === 0) return `${open}/>\n`;
  const failing = c.findings.filter((f) => failsRun(f, options.failOn));
  const passing = c.findings.filter((f) => !failsRun(f, options.failOn));
  const parts: string[] = [];
  // One <failure> per case (the JUnit schema allows no more): several findings share it.
  if (failing.length) {
    const message = failing.length === 1 ? failing[0].message : `${failing[0].message} (and ${failing.length - 1} more)`;
    parts.push(`      <failure type="${failing[0].severity}" message="${attr(message)}">${text(failing.map((f) => details(f, options.cwd)).join('\n\n'))}</failure>\n`);
  }
  if (passing.length) {
    const why = (f: Finding) => (f.baseline === 'unchanged' ? 'in the baseline' : `below --fail-on ${options.failOn}`);
    parts.push(`      <system-out>${text(passing.map((f) => `${f.severity} (${why(f)}): ${details(f, options.cwd)}`).join('\n'))}</system-out>\n`);
  }
  return `${open}>\n${parts.join('')}    </testcase>\n`;
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
