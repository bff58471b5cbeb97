// What changed between two snapshots of a followed log's findings, by fingerprint: a finding
// never seen is new (printed once); one whose count grew is an update of the first (printed
// again with the new count). A count that shrinks or a finding that goes away (a statistical
// rule changing its mind) prints nothing: what was said stays said.

import { fingerprintOf, identityOf } from '../baseline/fingerprint';
import type { Finding } from '../model/finding';

export interface FindingChange {
  kind: 'new' | 'update';
  finding: Finding;
  /** For an update: the count last printed. */
  previousCount?: number;
}

export class FindingDiff {
  /** Per fingerprint, the largest count printed. */
  private readonly printed = new Map<string, number>();

  changes(findings: Finding[]): FindingChange[] {
    const out: FindingChange[] = [];
    for (const f of findings) {
      const fingerprint = f.fingerprint ?? fingerprintOf(identityOf(f));
      const finding = f.fingerprint ? f : { ...f, fingerprint };
      const before = this.printed.get(fingerprint);
      if (before === undefined) out.push({ kind: 'new', finding });
      else if (f.count > before) out.push({ kind: 'update', finding, previousCount: before });
      else continue;
      this.printed.set(fingerprint, f.count);
    }
    return out;
  }

  /** Findings printed so far. */
  get size(): number {
    return this.printed.size;
  }
}
