// The one list of rules. Adding a rule: write src/analyzers/<id>.ts, add it here.

import { catchUpBurst } from './catch-up-burst';
import { clockSkew } from './clock-skew';
import { duplicateRun } from './duplicate-run';
import { jobError } from './job-error';
import { longRun } from './long-run';
import { maxInstancesSkip } from './max-instances-skip';
import { misfire } from './misfire';
import { multipleSchedulers } from './multiple-schedulers';
import { overlappingRuns } from './overlapping-runs';
import type { LogRule, Rule, StoreRule } from './rule';
import { duplicateJob } from './duplicate-job';
import { orphanJob } from './orphan-job';
import { pausedJob } from './paused-job';
import { staleJob } from './stale-job';
import { undecodableJob } from './undecodable-job';
import { storeLogMismatch } from './store-log-mismatch';
import { nextRunMismatch } from './next-run-mismatch';
import { silentRuns } from './silent-runs';
import { unfinishedRun } from './unfinished-run';
import { missedRun } from './missed-run';
import { storeError } from './store-error';
import { jobRemoved } from './job-removed';
import { submitError } from './submit-error';

export const LOG_RULES: LogRule[] = [
  duplicateRun,
  multipleSchedulers,
  overlappingRuns,
  maxInstancesSkip,
  misfire,
  missedRun,
  storeError,
  jobRemoved,
  submitError,
  catchUpBurst,
  unfinishedRun,
  jobError,
  longRun,
  silentRuns,
  clockSkew,
];

export const STORE_RULES: StoreRule[] = [duplicateJob, undecodableJob, staleJob, orphanJob, nextRunMismatch, pausedJob, storeLogMismatch];

export const RULES: Rule[] = [...LOG_RULES, ...STORE_RULES];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
