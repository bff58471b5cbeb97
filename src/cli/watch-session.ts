// One `watch` run: follow the inputs, feed every record to the one engine as it arrives (sources
// merged by arrival: waiting for every source's next instant, as analyze's merge does, would hold
// a quiet log's neighbours back forever), snapshot the findings every few hundred milliseconds
// when something changed (and every second anyway: a missed fire time is found by the clock, not
// by a line), print what is new or grew, and keep the metrics for --metrics.

import type { Server } from 'node:http';
import type { Readable } from 'node:stream';
import { withFingerprints } from '../baseline/fingerprint';
import { Engine, type EngineOptions } from '../engine/engine';
import { FindingDiff } from '../engine/live-findings';
import { LiveMetrics } from '../engine/live-metrics';
import { sortFindings } from '../engine/analyze';
import type { Finding } from '../model/finding';
import { followInputs, type FollowedSource } from '../readers/follow';
import { LogReader, type ReaderOptions } from '../readers/log-reader';
import { renderPrometheus } from '../report/prometheus';
import { failsRun, type FailOn } from '../report/render-options';
import { changeLine, summaryText, type WatchFormat } from '../report/watch-lines';
import { serveMetrics, type MetricsAddress } from './metrics-server';

export interface WatchOptions {
  format: WatchFormat;
  failOn: FailOn;
  fromStart?: boolean;
  metrics?: MetricsAddress;
  engine: EngineOptions;
  reader: ReaderOptions;
  /** Findings of the job store (--db), read once at the start: printed with the first snapshot. */
  storeFindings?: Finding[];
  /** Findings of these jobs only (the config's job list); scheduler-wide findings always. */
  keepJob?: (name: string) => boolean;
  /** Stops following (SIGINT, SIGTERM); `stopReason()` names why, for the summary. */
  signal: AbortSignal;
  stopReason: () => string;
  write: (text: string) => void;
  notice: (text: string) => void;
  stdin?: Readable;
  pollMs?: number;
  snapshotMs?: number;
  cwd?: string;
  /** Told the metrics port once listening (a test asks for port 0). */
  listening?: (port: number) => void;
}

export async function watchLogs(inputs: string[], o: WatchOptions): Promise<number> {
  const started = Date.now();
  const engine = new Engine(o.engine);
  const diff = new FindingDiff();
  const metrics = new LiveMetrics();
  const shown = new Map<string, Finding>();
  const readers: LogReader[] = [];
  const stop = new AbortController();
  const onOuterStop = () => stop.abort();
  o.signal.addEventListener('abort', onOuterStop, { once: true });
  if (o.signal.aborted) stop.abort();
  let exitCode = 0;
  let stoppedBy: string | undefined;
  let failure: unknown;
  let changed = false;
  let lastSnapshot = 0;

  const server: (Server & { port: number }) | undefined = o.metrics
    ? await serveMetrics(o.metrics, () => renderPrometheus(metrics.view(engine.tracker.instances.size)))
    : undefined;
  if (server) o.listening?.(server.port);

  const snapshot = () => {
    changed = false;
    lastSnapshot = Date.now();
    let findings = withFingerprints([...(o.storeFindings ?? []), ...engine.findings({ now: Date.now() * 1000 })]);
    if (o.keepJob) findings = findings.filter((f) => f.job === null || o.keepJob!(f.job));
    metrics.findingsSeen(findings);
    for (const change of diff.changes(sortFindings(findings))) {
      shown.set(change.finding.fingerprint!, change.finding);
      o.write(changeLine(change, o.format, o.cwd ?? process.cwd(), Date.now()));
      if (exitCode === 0 && failsRun(change.finding, o.failOn)) {
        exitCode = 1;
        stoppedBy = `--fail-on ${o.failOn}: ${change.finding.rule}`;
        stop.abort();
      }
    }
  };
  const timer = setInterval(() => {
    if (changed || Date.now() - lastSnapshot >= 1000) snapshot();
  }, o.snapshotMs ?? 250);

  const pump = async (source: FollowedSource) => {
    const reader = new LogReader(source.label, o.reader);
    readers.push(reader);
    for await (const batch of reader.followed(source.blocks)) {
      for (const event of batch) {
        engine.feed(event);
        metrics.event(event);
      }
      if (batch.length) changed = true;
    }
  };
  const fail = (err: unknown) => {
    failure ??= err;
    stop.abort();
  };
  const pumps: Promise<void>[] = [];
  try {
    for await (const source of followInputs(inputs, { fromStart: o.fromStart, signal: stop.signal, notice: o.notice, stdin: o.stdin, pollMs: o.pollMs })) {
      pumps.push(pump(source).catch(fail));
    }
  } catch (err) {
    fail(err);
  }
  await Promise.all(pumps);
  clearInterval(timer);
  o.signal.removeEventListener('abort', onOuterStop);
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (failure) throw failure;
  // What the last records made certain, then the summary (the findings at their last count).
  snapshot();
  o.write(summaryText({
    stoppedBy: stoppedBy ?? (o.signal.aborted ? o.stopReason() : 'end of input'),
    seconds: (Date.now() - started) / 1000,
    sources: readers.map((r) => r.stats.source),
    lines: readers.reduce((n, r) => n + r.stats.lines, 0),
    events: engine.events,
    findings: sortFindings([...shown.values()]),
  }, o.format));
  return exitCode;
}
