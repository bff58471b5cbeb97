// The baseline: findings a team has accepted. A finding whose fingerprint is in it does not fail
// the run; everything else still does. The file is sorted and holds no counts or times, so
// writing it again over an unchanged log gives the same bytes (a clean diff in review).

import { readFileSync } from 'node:fs';
import type { Finding } from '../model/finding';
import { UserError } from '../model/errors';
import { describeFsError } from '../model/errors';
import { writeAtomically } from '../report/atomic-write';
import { fingerprintOf, identityOf, type Identity } from './fingerprint';

export const BASELINE_VERSION = 1;

export interface BaselineEntry extends Identity {
  fingerprint: string;
}

export interface Baseline {
  path: string;
  fingerprints: Set<string>;
  /** The entries as written, by fingerprint: what is reported when one no longer occurs. */
  entries: Map<string, BaselineEntry>;
}

/**
 * `firstRun`: the file is also the --write-baseline target, so a missing one is the empty
 * baseline (the first run of a CI job that records its own baseline), not an error.
 */
export function readBaseline(path: string, firstRun = false): Baseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (firstRun && (err as NodeJS.ErrnoException)?.code === 'ENOENT') return { path, fingerprints: new Set(), entries: new Map() };
    const hint = (err as NodeJS.ErrnoException)?.code === 'ENOENT' ? ` (create it with --write-baseline ${path})` : '';
    throw new UserError(`cannot read baseline ${path}: ${describeFsError(err)}${hint}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UserError(`baseline ${path}: not valid JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const doc = raw as { version?: unknown; findings?: unknown };
  if (typeof raw !== 'object' || raw === null || doc.version !== BASELINE_VERSION || !Array.isArray(doc.findings)) {
    throw new UserError(`baseline ${path}: not a sched-doctor baseline (version ${BASELINE_VERSION} with a findings list); write one with --write-baseline`);
  }
  const fingerprints = new Set<string>();
  const entries = new Map<string, BaselineEntry>();
  for (const entry of doc.findings as unknown[]) {
    const fp = (entry as { fingerprint?: unknown })?.fingerprint;
    if (typeof fp !== 'string' || fp === '') throw new UserError(`baseline ${path}: an entry has no fingerprint`);
    fingerprints.add(fp);
    entries.set(fp, entry as BaselineEntry);
  }
  return { path, fingerprints, entries };
}

/** The baseline's entries whose findings no longer occur: fixed, or their job is gone. */
export function absentEntries(findings: Finding[], baseline: Baseline): BaselineEntry[] {
  const seen = new Set(findings.map((f) => f.fingerprint));
  return [...baseline.entries.values()].filter((e) => !seen.has(e.fingerprint));
}

/** --prune-baseline: the file without the absent entries, every other entry byte for byte as it was. */
export async function pruneBaseline(baseline: Baseline, absent: BaselineEntry[]): Promise<void> {
  const gone = new Set(absent.map((e) => e.fingerprint));
  const kept = [...baseline.entries.values()].filter((e) => !gone.has(e.fingerprint));
  await writeAtomically(baseline.path, entriesDocument(kept));
}

/** Marks each finding new or unchanged; findings must carry their fingerprints. */
export function applyBaseline(findings: Finding[], baseline: Baseline): { findings: Finding[]; absent: number } {
  const seen = new Set<string>();
  const marked = findings.map((f): Finding => {
    const known = f.fingerprint !== undefined && baseline.fingerprints.has(f.fingerprint);
    if (known) seen.add(f.fingerprint!);
    return { ...f, baseline: known ? 'unchanged' : 'new' };
  });
  return { findings: marked, absent: baseline.fingerprints.size - seen.size };
}

export function baselineDocument(findings: Finding[]): string {
  const entries = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const id = identityOf(f);
    const fingerprint = fingerprintOf(id);
    entries.set(fingerprint, { fingerprint, ...id });
  }
  return entriesDocument([...entries.values()]);
}

function entriesDocument(entries: BaselineEntry[]): string {
  const sorted = [...entries].sort((a, b) =>
    cmp(a.rule, b.rule) || cmp(a.job ?? '', b.job ?? '') || cmp(a.trigger ?? '', b.trigger ?? '') || cmp(a.key ?? '', b.key ?? ''));
  return JSON.stringify({ version: BASELINE_VERSION, tool: 'sched-doctor', findings: sorted }, null, 2) + '\n';
}

export async function writeBaseline(path: string, findings: Finding[]): Promise<number> {
  const text = baselineDocument(findings);
  await writeAtomically(path, text);
  return (JSON.parse(text) as { findings: unknown[] }).findings.length;
}

// Code-unit order, not the locale's: the same file on every machine.
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
