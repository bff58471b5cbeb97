import type { Finding } from '../model/finding';
import { UserError } from '../model/errors';
import { didYouMean } from '../model/did-you-mean';
import { failsRun, type FailOn } from '../report/render-options';

export type { FailOn };

const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;

export function parseFailOn(value: string): FailOn {
  if ((FAIL_ON as readonly string[]).includes(value)) return value as FailOn;
  throw new UserError(`--fail-on must be error, warning, info or never (got '${value}')${didYouMean(value, FAIL_ON)}`);
}

/**
 * 1 when more than `maxFindings` findings are at or above the threshold and not in the baseline,
 * else 0.
 */
export function exitCodeFor(findings: Finding[], failOn: FailOn, maxFindings = 0): number {
  return findings.filter((f) => failsRun(f, failOn)).length > maxFindings ? 1 : 0;
}

export function parseMaxFindings(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value)) throw new UserError(`--max-findings must be a whole number ≥ 0 (got '${value}')`);
  return Number(value);
}
