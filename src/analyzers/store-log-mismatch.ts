import type { StoreRule } from './rule';

// Its findings need both a store and a log: the engine's linkStoreAndLog produces them.
export const storeLogMismatch: StoreRule = {
  id: 'store-log-mismatch',
  scope: 'store',
  severity: 'info',
  summary: 'With --db and a log: a job the store holds never ran in the log, or a job ran that the store does not hold.',
  docs: {
    what: 'Store jobs are matched to log runs by name and trigger text (the log never shows ids). A scheduled (not paused) store job with no run in the log, or a log job absent from the store, is listed.',
    why: 'A store job that never runs points at a scheduler that does not load this store, or a log from another deployment; a log job missing from the store ran from another job store or was removed since.',
    detection: 'Only with `analyze LOG --db URL`. Informational: memory-store jobs legitimately appear only in the log.',
    example: 'sync_v1 (interval[0:05:00]) is in the store but never ran in the log',
    fix: 'Check that the log and the store belong to the same deployment and time; remove leftovers with `sched-doctor clean`.',
  },
  check: () => [],
};
