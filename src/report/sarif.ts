// SARIF 2.1.0 (OASIS), the format code-scanning services read: one reportingDescriptor per rule
// with the rule's own docs, one result per finding. Log evidence becomes a physical location
// (path relative to the working folder, under the SRCROOT base, and the line); job-store rows
// become logical locations. Baseline state and a partial fingerprint let a server track a
// finding across runs without line numbers.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES } from '../analyzers';
import type { Rule } from '../analyzers/rule';
import type { Evidence, Finding, Severity } from '../model/finding';
import { placeOf } from './evidence-location';
import type { Report } from './report';
import type { RenderOptions } from './render-options';
import { explainMarkdown, explainText } from './rule-help';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json';
const FINGERPRINT_KEY = 'schedDoctor/v1';

type Json = Record<string, unknown>;

export function renderSarif(report: Report, options: Pick<RenderOptions, 'cwd'>): string {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'sched-doctor', semanticVersion: toolVersion(), rules: RULES.map(descriptor) } },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(options.cwd).href.replace(/\/?$/, '/') } },
        results: report.findings.map((f) => result(f, ruleIndex.get(f.rule), options.cwd)),
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function descriptor(rule: Rule): Json {
  return {
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.docs.what },
    help: { text: explainText(rule), markdown: explainMarkdown(rule) },
    defaultConfiguration: { level: level(rule.severity) },
    properties: { tags: ['apscheduler', rule.scope === 'log' ? 'log' : 'job-store'] },
  };
}

function result(f: Finding, index: number | undefined, cwd: string): Json {
  const [first, ...rest] = f.evidence;
  const jobLocation = f.job === null ? [] : [{ name: f.job, fullyQualifiedName: f.trigger ? `${f.job} ${f.trigger}` : f.job, kind: 'function' }];
  const primary = first ? location(first, cwd, jobLocation) : jobLocation.length ? { logicalLocations: jobLocation } : undefined;
  const out: Json = { ruleId: f.rule };
  if (index !== undefined) out.ruleIndex = index;
  out.level = level(f.severity);
  out.message = { text: f.message };
  if (primary) out.locations = [primary];
  if (rest.length) out.relatedLocations = rest.map((e, i) => ({ id: i + 1, ...location(e, cwd, []) }));
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

function location(e: Evidence, cwd: string, logical: Json[]): Json {
  const place = placeOf(e, cwd);
  const snippet = e.text ? { snippet: { text: e.text.split('\n')[0] } } : {};
  const withLogical = (loc: Json): Json => (logical.length ? { ...loc, logicalLocations: logical } : loc);
  switch (place.kind) {
    case 'file': {
      const artifactLocation = place.inside
        ? { uri: place.path.split('/').map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' }
        : { uri: pathToFileURL(place.absolute).href };
      return withLogical({ physicalLocation: { artifactLocation, region: { startLine: place.line, ...snippet } } });
    }
    case 'stdin':
      return withLogical({ physicalLocation: { artifactLocation: { description: { text: 'standard input' } }, region: { startLine: place.line, ...snippet } } });
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
