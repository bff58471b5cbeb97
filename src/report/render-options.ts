// What every renderer is told beyond the report: the threshold that fails a run, and the folder
// that file locations are relative to.

import { SEVERITY_RANK, type Finding, type Severity } from '../model/finding';

export type FailOn = Severity | 'never';

export interface RenderOptions {
  /** --fail-on: findings at or above it fail the run (unless the baseline holds them). */
  failOn: FailOn;
  /** File locations are written relative to this folder (the working folder). */
  cwd: string;
  /** ANSI colours (table only). */
  color: boolean;
  /** Rules that ran (config "off" leaves a rule out): junit's test cases. Default: every rule. */
  rules?: string[];
  /** --max-findings: the verdict tolerates this many failing findings. */
  maxFindings?: number;
  /** --write-baseline: this run records its findings as accepted, and passes (exit 0). */
  recording?: boolean;
  /** Text formats: the width to fit (the terminal's, COLUMNS, or 80). */
  width?: number;
  /** -q: only the verdict and the findings that fail the run. */
  quiet?: boolean;
  /** --all-jobs: the jobs table lists every job, not only those with findings. */
  allJobs?: boolean;
  /** --stdin-filename: the name standard input stands for in files-based formats. */
  stdinName?: string;
}

/** True when this finding fails the run: at or above the threshold and not in the baseline. */
export function failsRun(f: Finding, failOn: FailOn): boolean {
  return failOn !== 'never' && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn] && f.baseline !== 'unchanged';
}

export function severityCounts(findings: Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
