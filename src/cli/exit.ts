import { SEVERITY_RANK, type Finding, type Severity } from '../model/finding';
import { UserError } from '../readers/errors';

export type FailOn = Severity | 'never';

export function parseFailOn(value: string): FailOn {
  if (value === 'error' || value === 'warning' || value === 'info' || value === 'never') return value;
  throw new UserError(`--fail-on must be error, warning, info or never (got '${value}')`);
}

/** 1 when a finding is at or above the threshold, else 0. */
export function exitCodeFor(findings: Finding[], failOn: FailOn): number {
  if (failOn === 'never') return 0;
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) ? 1 : 0;
}
