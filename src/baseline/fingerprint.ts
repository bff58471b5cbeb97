// A finding's identity across runs: its rule, job and trigger, plus — for rules that can report
// one job several times — the part of the finding that tells those apart. Never line numbers,
// counts, pids, times or exception messages: those change from one log to the next.

import * as crypto from 'node:crypto';
import type { Finding } from '../model/finding';

/** Per rule: the `data` fields that tell two findings of one job apart. Other rules: none. */
const DISCRIMINATORS: Record<string, string[]> = {
  'multiple-schedulers': ['kind'],
  'duplicate-job': ['func'],
  'stale-job': ['id'],
  'paused-job': ['id'],
  'undecodable-job': ['id'],
  'orphan-job': ['id'],
  'store-log-mismatch': ['side', 'id'],
  'store-error': ['store'],
  'job-removed': ['reason', 'id'],
};

export function discriminatorRules(): string[] {
  return Object.keys(DISCRIMINATORS);
}

export interface Identity {
  rule: string;
  job: string | null;
  trigger: string | null;
  key: string;
}

export function identityOf(f: Finding): Identity {
  const key = (DISCRIMINATORS[f.rule] ?? [])
    .filter((k) => f.data?.[k] !== undefined && f.data?.[k] !== null)
    .map((k) => `${k}=${String(f.data![k])}`)
    .join(' ');
  return { rule: f.rule, job: f.job, trigger: f.trigger ?? null, key };
}

// One-shot hashing (Node 20.12+) is 2–3× faster than a Hash object per finding, which showed on
// `analyze --db` with 100,000 stale rows; older Node 20 releases use the Hash object.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
const sha256Hex = oneShot ? (text: string) => oneShot('sha256', text, 'hex') : (text: string) => crypto.createHash('sha256').update(text).digest('hex');

export function fingerprintOf(id: Identity): string {
  return sha256Hex(JSON.stringify([id.rule, id.job, id.trigger, id.key])).slice(0, 16);
}

/**
 * Each finding with its fingerprint, set in place (as the last key, where a copy would put it):
 * 100,000 store findings copied were 100,000 more objects alive beside the originals.
 */
export function withFingerprints(findings: Finding[]): Finding[] {
  for (const f of findings) f.fingerprint = fingerprintOf(identityOf(f));
  return findings;
}
