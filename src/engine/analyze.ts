// The pipeline for logs: readers → merged timeline → the engine (run tracker → rules) → findings.

import { RULES } from '../analyzers';
import type { LogEvent } from '../model/event';
import { SEVERITY_RANK, type Finding, type Severity } from '../model/finding';
import type { SourceStats } from '../readers/log-reader';
import { openReader, type ReaderThreads } from '../readers/reader-thread';
import type { HistorySource } from '../readers/django-executions';
import { checkFieldMap } from '../readers/json-fields';
import { expandSources, hostNames } from '../readers/sources';
import { UserError } from '../model/errors';
import { compileLogFormat } from '../readers/python-logging-format';
import { compileDateFormat } from '../readers/date-format';
import { userZone } from '../readers/clock';
import { isoFromMicros } from '../model/time';
import type { JobSummary } from './job-stats';
import { mergeByTime } from './merge';
import type { PairingStats } from './run-tracker';
import { Engine } from './engine';
import type { RunLog } from './run-log';

export interface AnalyzeOptions {
  logFormat?: string;
  /** Python's `datefmt` of the log's stamps (--date-format). */
  dateFormat?: string;
  tz?: string;
  sameProcess?: boolean;
  /** Per-rule numeric options (from the config file). */
  ruleOptions?: Record<string, Record<string, number>>;
  /** Per-rule severity, or 'off'. */
  ruleSeverity?: Record<string, Severity | 'off'>;
  /** Analyze only events in [since, until) (epoch microseconds; --since/--until). */
  since?: number;
  until?: number;
  /**
   * JSON field paths that replace the detected ones, read from the top of each JSON line: keys
   * `message`, `time`, `level`, `logger`, `host`, `pid`, `thread`, `exception`; values a key or a
   * dotted path (`jsonPayload.msg`). From `--field message=msg,time=ts` (parseFieldOption).
   */
  fields?: Record<string, string>;
  /**
   * Where a source's host comes from: `record` (default: a host field or prefix in the records;
   * without one the file stands for the host) or `filename` (`logs/web-1.jsonl` → `web-1`, for
   * every record of the file, whatever the records say). From `--host-from`.
   */
  hostFrom?: 'record' | 'filename';
  /** Event sources that are not log files (django-apscheduler's run history), merged with the logs. */
  history?: HistorySource[];
  /** `**` and --recursive descend into symbolic links to folders (--follow-symlinks). */
  followSymlinks?: boolean;
  /** Folders are read with their sub-folders (--recursive). */
  recursive?: boolean;
  /** Analyze only the jobs whose name this accepts (--job GLOB); scheduler-wide events stay. */
  jobs?: (name: string) => boolean;
  /** Collects every run for the timeline views (HTML, `runs`, markdown's chart). */
  runLog?: RunLog;
  /** Large sources parsed in worker threads (default `auto`; see readers/reader-thread). */
  readerThreads?: ReaderThreads;
}

export interface SourceReport extends Omit<SourceStats, 'firstTime' | 'lastTime'> {
  firstTime?: string;
  lastTime?: string;
  /** With --since/--until: records of this source outside the window (not analyzed). */
  outsideWindow?: number;
}

export interface LogAnalysis {
  sources: SourceReport[];
  jobs: JobSummary[];
  findings: Finding[];
  pairing: PairingStats;
}

export async function analyzeLogs(paths: string[], options: AnalyzeOptions = {}): Promise<LogAnalysis> {
  const format = options.logFormat ? compileLogFormat(options.logFormat) : undefined;
  const dateFormat = options.dateFormat ? compileDateFormat(options.dateFormat) : undefined;
  const zone = userZone(options.tz);
  const fields = options.fields ? checkFieldMap(options.fields) : undefined;
  if (options.hostFrom !== undefined && options.hostFrom !== 'record' && options.hostFrom !== 'filename') {
    throw new UserError(`--host-from must be record or filename (got '${options.hostFrom}')`);
  }
  // Globs, folders and rotated parts: one reader per log, its parts read oldest first.
  const sources = paths.length ? await expandSources(paths, { followSymlinks: options.followSymlinks, recursive: options.recursive }) : [];
  const hosts = options.hostFrom === 'filename' ? hostNames(sources) : undefined;
  const engine = new Engine({ sameProcess: options.sameProcess, ruleOptions: options.ruleOptions, ruleSeverity: options.ruleSeverity, runLog: options.runLog });
  const readers: { stats: SourceStats; events(): AsyncIterable<LogEvent[]> }[] = [
    ...sources.map((s, i) => openReader(s.label, { logFormat: format, dateFormat, zone, fields, host: hosts?.[i], files: s.files, skippedDirs: s.skippedDirs }, options.tz, options.readerThreads, engine.internJob)),
    ...(options.history ?? []),
  ];

  // Per source, what the window left out: a window that drops everything must not look healthy.
  const windowed = options.since !== undefined || options.until !== undefined;
  const outside = new Map<string, number>();
  for await (const batch of mergeByTime(readers.map((r) => r.events()))) {
    for (const event of batch) {
      if (inWindow(event.ctx.time, options)) {
        if (ofJobs(event, options.jobs)) engine.feed(event);
      } else {
        const key = event.ctx.stream ?? event.ctx.source;
        outside.set(key, (outside.get(key) ?? 0) + 1);
      }
    }
  }

  const findings = engine.finish();

  return {
    sources: readers.map((r) => {
      const { firstTime, lastTime: last, ...rest } = r.stats;
      const report: SourceReport = { ...rest, firstTime: firstTime === undefined ? undefined : isoFromMicros(firstTime), lastTime: last === undefined ? undefined : isoFromMicros(last) };
      if (windowed) report.outsideWindow = outside.get(r.stats.source) ?? 0;
      return report;
    }),
    jobs: engine.stats.summaries(engine.census),
    findings: sortFindings(findings),
    pairing: engine.tracker.pairing,
  };
}

// Events with no instant at all are kept: nothing says they fall outside the window.
function inWindow(time: number | undefined, w: AnalyzeOptions): boolean {
  return time === undefined || ((w.since === undefined || time >= w.since) && (w.until === undefined || time < w.until));
}

function ofJobs(event: LogEvent, jobs: AnalyzeOptions['jobs']): boolean {
  if (!jobs) return true;
  if ('job' in event) return jobs(event.job.name);
  return event.kind !== 'job-added' || jobs(event.name);
}

export function sortFindings(findings: Finding[]): Finding[] {
  const order = new Map(RULES.map((r, i) => [r.id, i]));
  return findings.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      (order.get(a.rule) ?? 99) - (order.get(b.rule) ?? 99) ||
      b.count - a.count ||
      (a.job ?? '').localeCompare(b.job ?? ''),
  );
}
