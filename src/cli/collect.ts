// What analyze and recommend share: read the logs and the store, run every rule, link them,
// and derive the recommendations.

import { analyzeLogs, sortFindings, type AnalyzeOptions, type LogAnalysis } from '../engine/analyze';
import { checkStore, linkStoreAndLog, loadStore } from '../engine/analyze-store';
import type { StoreJob } from '../model/store-job';
import { UserError } from '../model/errors';
import { recommend } from '../recommend/recommend';
import type { Recommendation } from '../recommend/recommendation';
import { parseNow, type StoreFlags } from './store-flags';
import { parseFieldOption } from '../readers/json-fields';
import { withoutCredentials } from '../stores/db-url';
import type { Command } from 'commander';

export interface CollectFlags extends Partial<StoreFlags> {
  logFormat?: string;
  tz?: string;
  sameProcess?: boolean;
  allowOverlap?: string[];
  /** --field, repeatable: `message=msg,time=ts`. */
  field?: string[];
  hostFrom?: string;
}

/** The options that say how to read the inputs: shared by analyze and recommend. */
export function addInputOptions(command: Command): Command {
  return command
    .option('--log-format <format>', "the Python logging format of the log, e.g. '%(asctime)s - %(name)s - %(levelname)s - %(message)s'")
    .option('--tz <zone>', 'time zone of log timestamps that carry no offset (IANA name, UTC, +08:00); default: inferred from the log')
    .option('--same-process', "the files are one process's log, not separate processes (rotated parts of one file are grouped without it)")
    .option('--field <map>', 'JSON logs: which fields hold what, e.g. message=msg,time=ts,host=host,pid=pid (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--host-from <where>', "where a record's host comes from: record (default; else the file stands for the host) or filename")
    .option('--allow-overlap <job...>', 'jobs that are safe to overlap: size max_instances for them instead of recommending 1')
    .option('--config <file>', 'config file (default: sched-doctor.config.json or .sched-doctorrc.json here or in a folder above)')
    .option('--no-config', 'use no config file');
}

export interface Collected {
  analysis: LogAnalysis;
  storeJobs?: StoreJob[];
  recommendations: Recommendation[];
  /** Report sections beyond the log analysis. */
  extra: Record<string, unknown>;
}

export async function collect(logs: string[], flags: CollectFlags, engine: Partial<AnalyzeOptions> = {}): Promise<Collected> {
  if (logs.filter((l) => l === '-').length > 1) throw new UserError('standard input (-) can be read only once');
  if (logs.length === 0 && !flags.db) throw new UserError('nothing to analyze: give log files, - for standard input, or --db URL');
  const now = parseNow(flags.now);
  const analysis: LogAnalysis = logs.length
    ? await analyzeLogs(logs, {
        logFormat: flags.logFormat, tz: flags.tz, sameProcess: flags.sameProcess,
        fields: flags.field?.length ? Object.assign({}, ...flags.field.map(parseFieldOption)) : undefined,
        hostFrom: flags.hostFrom as AnalyzeOptions['hostFrom'],
        ...engine,
      })
    : { sources: [], jobs: [], findings: [], pairing: { exact: 0, ambiguous: 0, unmatched: 0 } };
  const extra: Record<string, unknown> = {};
  let storeJobs: StoreJob[] | undefined;
  if (flags.db) {
    // Analysis needs the decoded rows, not their pickles (most of a large store's memory).
    const store = await loadStore(flags.db, { table: flags.table ?? 'apscheduler_jobs', schema: flags.schema }, { keepPickles: false });
    storeJobs = store.jobs;
    analysis.findings.push(...checkStore(storeJobs, { now, sourceDir: flags.source, ruleOptions: engine.ruleOptions, ruleSeverity: engine.ruleSeverity }));
    if (logs.length) analysis.findings.push(...linkStoreAndLog(storeJobs, analysis.jobs));
    analysis.findings = sortFindings(analysis.findings);
    extra.store = {
      url: storeJobs[0]?.store ?? withoutCredentials(flags.db),
      rows: storeJobs.length,
      read: store.readMode,
      jobs: storeJobs.map((j) => ({ id: j.row.id, name: j.state?.name ?? null, func: j.state?.func ?? null, trigger: j.state?.trigger.text ?? null, nextRunTime: j.row.nextRunTime, decodeError: j.decodeError ?? null })),
    };
  }
  const recommendations = recommend({ jobs: analysis.jobs, findings: analysis.findings, storeJobs, allowOverlap: flags.allowOverlap });
  extra.recommendations = recommendations;
  return { analysis, storeJobs, recommendations, extra };
}
