// The pipeline for job stores: rows → decoded jobs → store rules; and the link between a store
// and a log (`store-log-mismatch`).

import { STORE_RULES } from '../analyzers';
import { ruleOptions, withSeverity } from '../analyzers/rule-settings';
import type { Finding, Severity } from '../model/finding';
import type { DecodedStoreJob, StoreJob } from '../model/store-job';
import type { RawStoreRow } from '../model/store-record';
import { openStore } from '../stores/open-store';
import type { StoreOptions } from '../stores/store';
import { storeJobOf } from './decode-row';
import { decodeInThreads, type DecodedBatch, type DecodeTask } from './decode-pool';
import type { JobSummary } from './job-stats';
import { rowEvidence } from '../analyzers/store-evidence';

export interface StoreRead {
  display: string;
  table: string;
  /** How the rows were read (one snapshot, or bounded transactions), for the report. */
  readMode: string | null;
}

export interface LoadOptions {
  /**
   * Keep each row's pickle (`row.jobState`): `clean` needs the bytes to back up and to match its
   * delete. Analysis does not, and a large store's pickles are most of its memory.
   */
  keepPickles?: boolean;
  /**
   * Keep of each decoded row only what analysis reads (StoreJobSummary, the arguments as JSON
   * text), not the pickle: on a 100,000-row store the whole decoded states were ~200 MB of live
   * heap, and the collector's work with it.
   */
  summaries?: boolean;
}

export { decodeRow } from './decode-row';

/** The store's jobs, decoded whole a batch at a time as they are read: for output that streams. */
export function storeJobBatches(url: string, options: StoreOptions, read: (info: StoreRead) => void = () => undefined, load: LoadOptions = {}): AsyncIterable<DecodedStoreJob[]> {
  return batchesOf(url, options, read, false, load.keepPickles ?? true) as AsyncIterable<DecodedStoreJob[]>;
}

/** The store's rows, decoded whole or as `summaries` (in this thread unless the tests ask for threads: decode-pool.ts). */
async function* batchesOf(url: string, options: StoreOptions, read: (info: StoreRead) => void, summaries: boolean, keepPickles: boolean): AsyncIterable<StoreJob[]> {
  for await (const { rows, states, display, table } of decodedBatches(url, options, read, { summary: summaries, skip: invalid, dropPickles: !keepPickles })) {
    yield rows.map((row, i) => storeJobOf(display, table, row, keepPickles, states![i] ?? undefined));
  }
}

/**
 * The store's jobs decoded whole and rendered, a batch at a time, by `renderer` (a module path,
 * see BatchRenderer): the text is made in the decoding threads, in pieces joined by ',\n', to be
 * written before the next batch is asked for.
 */
export async function* storeJobTexts(url: string, options: StoreOptions, read: (info: StoreRead) => void, renderer: string): AsyncIterable<{ count: number; texts: Iterable<string> }> {
  for await (const { rows, texts } of decodedBatches(url, options, read, { summary: false, skip: invalid, render: renderer })) {
    yield { count: rows.length, texts: texts! };
  }
}

/** The store opened, its rows decoded by `task` batch by batch, how it was read told to `read`, and the store closed. */
async function* decodedBatches(url: string, options: StoreOptions, read: (info: StoreRead) => void, task: DecodeTask): AsyncIterable<DecodedBatch & { display: string; table: string }> {
  const store = await openStore(url, options);
  try {
    for await (const batch of decodeInThreads(store.batches(), { ...task, expectedRows: store.sizeHint?.() })) {
      read({ display: store.display, table: store.table, readMode: store.readMode });
      yield { ...batch, display: store.display, table: store.table };
    }
    read({ display: store.display, table: store.table, readMode: store.readMode });
  } finally {
    await store.close();
  }
}

/** A row the store marked invalid (a NULL job_state, a -inf time) is not decoded. */
function invalid(row: RawStoreRow): boolean {
  return Boolean(row.invalid);
}

/** Every job of the store, with how it was read (with `summaries`, only what analysis reads of each). */
export async function loadStore(url: string, options: StoreOptions, load: LoadOptions = {}): Promise<StoreRead & { jobs: StoreJob[] }> {
  const jobs: StoreJob[] = [];
  let info: StoreRead = { display: '', table: '', readMode: null };
  const batches = batchesOf(url, options, (i) => (info = i), load.summaries === true, load.summaries ? false : load.keepPickles ?? true);
  for await (const batch of batches) for (const j of batch) jobs.push(j);
  return { ...info, jobs };
}

/** Every job of the store, decoded whole. */
export async function loadStoreJobs(url: string, options: StoreOptions, load: Omit<LoadOptions, 'summaries'> = {}): Promise<DecodedStoreJob[]> {
  const jobs: DecodedStoreJob[] = [];
  for await (const batch of storeJobBatches(url, options, undefined, load)) for (const j of batch) jobs.push(j);
  return jobs;
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
