// What analyze and recommend share: read the logs and the store, run every rule, link them,
// and derive the recommendations.

import { analyzeLogs, sortFindings, type AnalyzeOptions, type LogAnalysis } from '../engine/analyze';
import { checkStore, linkStoreAndLog, loadStore } from '../engine/analyze-store';
import type { StoreJob } from '../model/store-job';
import { UserError } from '../model/errors';
import { startProgress } from './progress';
import { recommend } from '../recommend/recommend';
import { StoreRows } from '../report/store-rows';
import type { Recommendation } from '../recommend/recommendation';
import { parseNow, storeOptionsFrom, type StoreFlags } from './store-flags';
import { sourceFolderDoubt } from '../clean/source-folder';
import { parseFieldOption } from '../readers/json-fields';
import { withoutCredentials } from '../stores/db-url';
import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { executionHistory, type HistorySource } from '../readers/django-executions';
import { readDjangoExecutions } from '../stores/django-executions-store';
import { loggedRuns, withoutLoggedRuns, type HistoryMatch } from '../engine/history-match';

/** The run history of a django-apscheduler store, with each job's name and trigger from its state. */
async function djangoHistory(url: string, schema: string | undefined, storeJobs: StoreJob[]): Promise<HistorySource | undefined> {
  const executions = await readDjangoExecutions(url, schema);
  if (!executions) return undefined;
  const jobs = new Map(storeJobs.filter((j) => j.state).map((j) => [j.row.id, { name: j.state!.name, trigger: j.state!.trigger.text, maxInstances: j.state!.maxInstances }]));
  return executionHistory(executions.display, executions.rows, jobs);
}

/** An input that can be read a second time: a file or folder (a glob matches files), not stdin or a pipe. */
function readableTwice(input: string): boolean {
  if (input === '-') return false;
  try {
    const st = statSync(input);
    return st.isFile() || st.isDirectory();
  } catch {
    return true;
  }
}

export interface CollectFlags extends Partial<StoreFlags> {
  logFormat?: string;
  dateFormat?: string;
  tz?: string;
  sameProcess?: boolean;
  allowOverlap?: string[];
  /** --field, repeatable: `message=msg,time=ts`. */
  field?: string[];
  hostFrom?: string;
  followSymlinks?: boolean;
  recursive?: boolean;
  /** Keep each store row's pickle (default; recommend writes the jobs back as Python from them, analyze needs only the decoded rows). */
  keepPickles?: boolean;
}

/** How a log's records are read (its format, stamps, zone, JSON fields): analyze, recommend, watch. */
export function addRecordOptions(command: Command): Command {
  return command
    .option('--log-format <format>', "the Python logging format of the log, e.g. '%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s'")
    .option('--date-format <datefmt>', "Python's datefmt of the log's timestamps, e.g. '%d/%m/%Y %H:%M:%S' (day and month order then certain)")
    .option('--tz <zone>', 'time zone of log timestamps that carry no offset (IANA name, UTC, +08:00); default: inferred from the log')
    .option('--same-process', "the files are one process's log, not separate processes (rotated parts of one file are grouped without it)")
    .option('--field <map>', 'JSON logs: which fields hold what, e.g. message=msg,time=ts,host=host,pid=pid (repeatable)', (v: string, prev: string[] = []) => [...prev, v]);
}

/** The options that say how to read the inputs: shared by analyze and recommend. */
export function addInputOptions(command: Command): Command {
  // --config FILE and --no-config say opposite things: which one was meant is not ours to guess.
  const said = new Set<string>();
  const once = (flag: string) => () => {
    said.add(flag);
    if (said.size === 2) throw new UserError('--config and --no-config contradict each other: give one of them');
  };
  command.on('option:config', once('config')).on('option:no-config', once('no-config'));
  return addRecordOptions(command)
    .option('--host-from <where>', "where a record's host comes from: record (default; else the file stands for the host) or filename")
    .option('--recursive', 'read the log files in the sub-folders of a folder given as input too')
    .option('--follow-symlinks', 'let ** and --recursive descend into symbolic links to folders (each folder read once)')
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
  // Analysis needs the decoded rows, not their pickles (most of a large store's memory); the
  // Python that recommend prints is made from the pickles.
  const store = flags.db ? await loadStore(flags.db, storeOptionsFrom(flags), flags.keepPickles === false ? { summaries: true } : {}) : undefined;
  const storeJobs = store?.jobs;
  // django-apscheduler keeps a row per run: read like a log, beside any log files.
  let history = flags.db && storeJobs ? await djangoHistory(flags.db, storeOptionsFrom(flags).schema, storeJobs) : undefined;
  // Someone who typed `-` at a prompt sees why nothing happens.
  if (logs.includes('-') && process.stdin.isTTY) process.stderr.write('sched-doctor: reading standard input (end it with Ctrl-D, or pass log files as arguments)\n');
  const options: AnalyzeOptions = {
    logFormat: flags.logFormat, dateFormat: flags.dateFormat, tz: flags.tz, sameProcess: flags.sameProcess,
    fields: flags.field?.length ? Object.assign({}, ...flags.field.map(parseFieldOption)) : undefined,
    hostFrom: flags.hostFrom as AnalyzeOptions['hostFrom'],
    followSymlinks: flags.followSymlinks, recursive: flags.recursive,
    ...engine,
  };
  // Logs and the run history of one project: a run in both is one run. Matching reads the logs
  // twice: standard input and pipes cannot be, so they are not matched, and the report says so.
  let match: HistoryMatch | undefined;
  let unmatched: string | undefined;
  if (history && logs.length && logs.every(readableTwice)) {
    const matched = withoutLoggedRuns(history, await loggedRuns(logs, options));
    history = matched.history;
    match = matched.match;
  } else if (history && logs.length) {
    // Unmatched, a run in both would count twice (a false duplicate): the logs alone, then.
    unmatched = `standard input or a pipe is read once, so the run history in ${history.stats.source} was not matched with it and is left out; analyze --db alone reads the history`;
    history = undefined;
  }
  const progress = startProgress(logs);
  const analysis: LogAnalysis = logs.length || history
    ? await analyzeLogs(logs, { ...options, history: history ? [history] : undefined }).finally(() => progress.stop())
    : { sources: [], jobs: [], findings: [], pairing: { exact: 0, ambiguous: 0, unmatched: 0 } };
  const extra: Record<string, unknown> = {};
  if (match) {
    extra.history = match;
    const source = analysis.sources.find((s) => s.source === history?.stats.source);
    if (source) source.format += `; matched with the logs: ${match.matched} runs in both (counted once), ${match.onlyInHistory} only here, ${match.onlyInLogs} only in the logs`;
  } else if (unmatched) {
    extra.history = { matched: null, why: unmatched };
    process.stderr.write(`sched-doctor: ${unmatched}\n`);
  }
  if (flags.db && storeJobs) {
    // A mistyped --source makes every job an orphan: a folder that is not there is refused, one
    // that holds none of the jobs' modules is said beside the findings.
    const doubt = flags.source ? sourceFolderDoubt(flags.source, storeJobs, 'orphan-job needs the project folder the job functions live in') : undefined;
    if (doubt) extra.warnings = [{ kind: 'source-folder', source: flags.source, message: `${doubt} every orphan-job finding may come from the wrong folder` }];
    analysis.findings.push(...checkStore(storeJobs, { now, sourceDir: flags.source, ruleOptions: engine.ruleOptions, ruleSeverity: engine.ruleSeverity }));
    if (logs.length || history) analysis.findings.push(...linkStoreAndLog(storeJobs, analysis.jobs));
    analysis.findings = sortFindings(analysis.findings);
    extra.store = {
      url: storeJobs[0]?.store ?? withoutCredentials(flags.db),
      rows: storeJobs.length,
      read: store?.readMode ?? null,
      jobs: StoreRows.of(storeJobs),
    };
  }
  const recommendations = recommend({ jobs: analysis.jobs, findings: analysis.findings, storeJobs, allowOverlap: flags.allowOverlap });
  extra.recommendations = recommendations;
  return { analysis, storeJobs, recommendations, extra };
}
