import { rowEvidence } from './store-evidence';
import type { StoreRule } from './rule';

export const undecodableJob: StoreRule = {
  id: 'undecodable-job',
  scope: 'store',
  severity: 'error',
  summary: 'A row\'s job_state cannot be read.',
  docs: {
    what: 'The `job_state` pickle of a row could not be decoded (truncated, corrupted, or not an APScheduler job state), or is larger than sched-doctor decodes (its arguments expand past the decoding budget: repeated references to large values).',
    why: 'A broken state: APScheduler will fail to restore it too; it logs `Unable to restore job … -- removing it` and deletes the row when it falls due. A state only over the budget is not broken (Python may load it), but nothing else in it could be checked: it is reported as a warning, and `clean` leaves it unless it is named with `--job`.',
    detection: 'The pickle is read by a decoder that never executes anything; any error is reported with its offset.',
    example: 'id=broken job_state=80 05 95 … (truncated at byte 212)',
    fix: 'Remove the row (`sched-doctor clean --rules undecodable-job`, which keeps a backup) and add the job again.',
  },
  check(jobs) {
    return jobs
      // A Redis run-times entry with no state at all is next-run-mismatch's, not a broken pickle.
      .filter((j) => j.state === undefined && j.row.index?.inJobs !== false)
      .map((j) => j.decodeLimited
        ? {
            rule: 'undecodable-job', severity: 'warning' as const, job: j.row.id, count: 1,
            message: `${j.row.id}: job_state not decoded: ${j.decodeError} (over what sched-doctor decodes, not necessarily broken: APScheduler may load it)`,
            evidence: [rowEvidence(j)], data: { id: j.row.id, error: j.decodeError, overBudget: true },
          }
        : {
            rule: 'undecodable-job', severity: 'error' as const, job: j.row.id, count: 1,
            message: `${j.row.id}: job_state cannot be decoded: ${j.decodeError}`, evidence: [rowEvidence(j)], data: { id: j.row.id, error: j.decodeError },
          });
  },
};
