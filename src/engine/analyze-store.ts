// The pipeline for job stores: rows → decoded jobs → store rules; and the link between a store
// and a log (`store-log-mismatch`).

import { STORE_RULES } from '../analyzers';
import { ruleOptions, withSeverity } from '../analyzers/rule-settings';
import type { Finding, Severity } from '../model/finding';
import type { StoreJob } from '../model/store-job';
import { openStore } from '../stores/open-store';
import type { StoreOptions } from '../stores/store';
import { decodeJobState } from '../stores/job-state';
import type { JobSummary } from './job-stats';
import { rowEvidence } from '../analyzers/store-evidence';

export async function loadStoreJobs(url: string, options: StoreOptions): Promise<StoreJob[]> {
  const store = await openStore(url, options);
  try {
    const rows = await store.readRows();
    return rows.map((row) => {
      try {
        return { store: store.display, table: store.table, row, state: decodeJobState(row.jobState) };
      } catch (err) {
        return { store: store.display, table: store.table, row, decodeError: (err as Error).message };
      }
    });
  } finally {
    await store.close();
  }
}

export interface StoreCheckOptions {
  now?: number;
  sourceDir?: string;
  ruleOptions?: Record<string, Record<string, number>>;
  ruleSeverity?: Record<string, Severity | 'off'>;
}

export function checkStore(jobs: StoreJob[], options: StoreCheckOptions = {}): Finding[] {
  const now = options.now ?? Date.now() * 1000;
  const findings: Finding[] = [];
  for (const rule of STORE_RULES) {
    const severity = options.ruleSeverity?.[rule.id];
    if (severity === 'off') continue;
    for (const f of rule.check(jobs, { now, sourceDir: options.sourceDir, options: ruleOptions(rule, options.ruleOptions) })) {
      findings.push(withSeverity(f, severity));
    }
  }
  return findings;
}

/** Jobs the store holds that the log never shows running, and the reverse: info only. */
export function linkStoreAndLog(jobs: StoreJob[], logJobs: JobSummary[]): Finding[] {
  const inLog = new Set(logJobs.map((j) => `${j.name}\u0000${j.trigger}`));
  const inStore = new Set(jobs.filter((j) => j.state).map((j) => `${j.state!.name}\u0000${j.state!.trigger.text}`));
  const findings: Finding[] = [];
  for (const job of jobs) {
    if (!job.state || job.row.nextRunTime === null) continue;
    if (inLog.has(`${job.state.name}\u0000${job.state.trigger.text}`)) continue;
    findings.push({
      rule: 'store-log-mismatch', severity: 'info', job: job.state.name, trigger: job.state.trigger.text, count: 1,
      message: `${job.row.id} (${job.state.name} ${job.state.trigger.text}) is in the store but never ran in the log`,
      evidence: [rowEvidence(job)], data: { id: job.row.id, side: 'store-only' },
    });
  }
  for (const j of logJobs) {
    if (inStore.has(`${j.name}\u0000${j.trigger}`)) continue;
    findings.push({
      rule: 'store-log-mismatch', severity: 'info', job: j.name, trigger: j.trigger, count: j.runs,
      message: `${j.name} (${j.trigger}) ran ${j.runs} times in the log but is not in the store (another job store, or removed since)`,
      evidence: [], data: { side: 'log-only' },
    });
  }
  return findings;
}
