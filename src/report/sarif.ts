// SARIF 2.1.0 (OASIS), the format code-scanning services read: one reportingDescriptor per rule
// with the rule's own docs, one result per finding. Log evidence becomes a physical location
// (path relative to the working folder, under the SRCROOT base, and the line); job-store rows
// become logical locations. Baseline state and a partial fingerprint let a server track a
// finding across runs without line numbers.

import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES } from '../analyzers';
import type { Rule } from '../analyzers/rule';
import type { Evidence, Finding, Severity } from '../model/finding';
import { placeOf } from './evidence-location';
import type { Report } from './report';
import type { RenderOptions } from './render-options';
import { explainMarkdown, explainText } from './rule-help';
import { warningsOf } from './notes';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json';
const FINGERPRINT_KEY = 'schedDoctor/v1';

type Json = Record<string, unknown>;

/** Where the tool is documented: the package page (the README, with every rule's table row). */
export const INFORMATION_URI = 'https://www.npmjs.com/package/sched-doctor';

export function renderSarif(report: Report, options: Pick<RenderOptions, 'cwd' | 'stdinName'>): string {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const fallback = fallbackFile(report, options.cwd);
  const config = report.config as { file: string } | undefined;
  const window = report.window as Json | undefined;
  const invocation: Json = {
    executionSuccessful: true,
    toolExecutionNotifications: warningsOf(report).map((w) => ({ level: 'warning', message: { text: w.message }, descriptor: { id: `input/${w.kind}` } })),
  };
  if (window) invocation.properties = { window };
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'sched-doctor', semanticVersion: toolVersion(), informationUri: INFORMATION_URI, rules: RULES.map(descriptor) } },
        invocations: [invocation],
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(options.cwd).href.replace(/\/?$/, '/') } },
        ...(config ? { artifacts: [{ location: fileLocation(resolve(options.cwd, config.file), options.cwd), roles: ['userSpecifiedConfiguration'] }] } : {}),
        results: report.findings.map((f) => result(f, ruleIndex.get(f.rule), { cwd: options.cwd, stdinName: options.stdinName, fallback })),
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

interface Where {
  cwd: string;
  stdinName?: string;
  /** The file a result without one of its own points at (GitHub shows a result only on a file). */
  fallback?: Json;
}

/**
 * A result that has no log line of its own (a job-store row, standard input without
 * --stdin-filename) still needs a file for code scanning to show it: the SQLite file when it is
 * in the working folder, else the config file, else the first log read there. With none of
 * them, the result keeps its logical location only.
 */
function fallbackFile(report: Report, cwd: string): Json | undefined {
  const store = report.store as { url?: string } | undefined;
  const sqlite = store?.url ? /^sqlite(?:\+\w+)?:\/\/\/(.+)$/.exec(store.url)?.[1] : undefined;
  const config = report.config as { file: string } | undefined;
  const candidates = [sqlite, config?.file, ...report.sources.map((s) => s.source).filter((s) => s !== '-')];
  for (const c of candidates) {
    if (c === undefined) continue;
    const loc = fileLocation(resolve(cwd, c), cwd);
    if (loc.uriBaseId) return loc;
  }
  return undefined;
}

/** Relative to SRCROOT under the working folder; an absolute file URI elsewhere. */
function fileLocation(absolute: string, cwd: string): Json {
  const rel = relative(cwd, absolute);
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  return inside ? { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' } : { uri: pathToFileURL(absolute).href };
}

function descriptor(rule: Rule): Json {
  return {
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.docs.what },
    help: { text: explainText(rule), markdown: explainMarkdown(rule) },
    helpUri: `${INFORMATION_URI}#rules`,
    defaultConfiguration: { level: level(rule.severity) },
    properties: { tags: ['apscheduler', rule.scope === 'log' ? 'log' : 'job-store'] },
  };
}

function result(f: Finding, index: number | undefined, where: Where): Json {
  const [first, ...rest] = f.evidence;
  const jobLocation = f.job === null ? [] : [{ name: f.job, fullyQualifiedName: f.trigger ? `${f.job} ${f.trigger}` : f.job, kind: 'function' }];
  let primary: Json | undefined = first ? location(first, where, jobLocation) : jobLocation.length ? { logicalLocations: jobLocation } : undefined;
  if (!primary?.physicalLocation && where.fallback) primary = { ...primary, physicalLocation: { artifactLocation: where.fallback, region: { startLine: 1 } } };
  const out: Json = { ruleId: f.rule };
  if (index !== undefined) out.ruleIndex = index;
  out.level = level(f.severity);
  out.message = { text: f.message };
  if (primary) out.locations = [primary];
  if (rest.length) out.relatedLocations = rest.map((e, i) => ({ id: i + 1, ...location(e, where, []) }));
  if (f.fingerprint) out.partialFingerprints = { [FINGERPRINT_KEY]: f.fingerprint };
  if (f.baseline) out.baselineState = f.baseline;
  const properties: Json = { job: f.job, count: f.count };
  if (f.trigger !== undefined) properties.trigger = f.trigger;
  if (f.firstTime !== undefined) properties.firstTime = f.firstTime;
  if (f.lastTime !== undefined) properties.lastTime = f.lastTime;
  if (f.data !== undefined) properties.data = f.data;
  out.properties = properties;
  return out;
}

function location(e: Evidence, where: Where, logical: Json[]): Json {
  const place = placeOf(e, where.cwd);
  const snippet = e.text ? { snippet: { text: e.text.split('\n')[0] } } : {};
  const withLogical = (loc: Json): Json => (logical.length ? { ...loc, logicalLocations: logical } : loc);
  switch (place.kind) {
    case 'file': {
      const artifactLocation = place.inside
        ? { uri: place.path.split('/').map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' }
        : { uri: pathToFileURL(place.absolute).href };
      return withLogical({ physicalLocation: { artifactLocation, region: { startLine: place.line, ...snippet } } });
    }
    case 'stdin': {
      // --stdin-filename names the file the piped log is, so the line lands on it.
      // Without it there is no file to name: the line is told in words, and the result falls back like a store row.
      if (!where.stdinName) return withLogical({ message: { text: `standard input, line ${place.line}${e.text ? `: ${e.text.split('\n')[0]}` : ''}` } });
      return withLogical({ physicalLocation: { artifactLocation: fileLocation(resolve(where.cwd, where.stdinName), where.cwd), region: { startLine: place.line, ...snippet } } });
    }
    case 'row':
      return {
        logicalLocations: [...logical, { name: place.row, fullyQualifiedName: `${place.store}#${place.row}`, kind: 'object' }],
        ...(e.text ? { message: { text: e.text } } : {}),
      };
  }
}

function level(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'info' ? 'note' : severity;
}

let version: string | undefined;
function toolVersion(): string {
  // dist/report or src/report: the package's own package.json is two folders up either way.
  version ??= (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
