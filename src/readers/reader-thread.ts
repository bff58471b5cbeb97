// A large log source read in a worker thread (reader-worker.ts), so that the main thread runs the
// engine and the rules while the worker parses: on two cores, the time of the two halves overlaps
// instead of adding up. Events cross in a compact form (event-codec.ts), batch by batch, with at most a few
// batches in flight (the worker waits for the main thread to take them), so memory stays one
// reader's plus a few batches. Small sources stay in the main thread: a thread costs its start
// (some tens of milliseconds) and pays only over megabytes. Standard input and named pipes stay too:
// they belong to the main thread's process streams.

import { closeSync, openSync, statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { startWorkerBeside } from '../model/worker-start';
import type { LogEvent } from '../model/event';
import { UserError } from '../model/errors';
import { EventDecoder, type EncodedBatch, type InternJob } from './event-codec';
import type { FieldMap } from './json-fields';
import { LogReader, type ReaderOptions, type SourceStats } from './log-reader';
import { startsGzip } from './line-source';

/** Below this many bytes (all parts of a source together) a source is read in the main thread. */
export const THREAD_MIN_BYTES = 8 << 20;
/** Events handed on at a time from a batch (event-codec.ts: a smaller part dies young). */
const PART = 256;
/** A gzip file counts as this many times its size: logs compress about tenfold, and the worker decompresses too. */
const GZIP_RATIO = 8;

/** What a worker needs to make the same reader: the options as their sources, compiled there. */
export interface ThreadSpec {
  source: string;
  logFormat?: string;
  dateFormat?: string;
  tz?: string;
  fields?: FieldMap;
  host?: string;
  files?: string[];
  skippedDirs?: string[];
  everyLine?: boolean;
  segmentBytes?: number;
  /** The main thread interns the jobs as it decodes: runs need not carry `next run at` (EventEncoder). */
  jobsInterned?: boolean;
}

export type ToWorker = { type: 'taken' };
export type FromWorker =
  | { type: 'events'; batch: EncodedBatch }
  | { type: 'done'; stats: SourceStats }
  | { type: 'error'; message: string; user: boolean; stack?: string };

/** `auto`: large regular files in a worker; `always`: every regular file (tests); `never`: all in this thread. */
export type ReaderThreads = 'auto' | 'always' | 'never';

export interface EventSource {
  readonly stats: SourceStats;
  events(): AsyncGenerator<LogEvent[]>;
}

/**
 * The reader for a source: in a worker when `threads` allows it and the source is large enough
 * (`always`: whatever its size, for the tests that compare the two), else in this thread.
 * `tz` is the zone as the user named it (the worker compiles it again). `internJob`: the
 * consumer's canonical jobs, which a thread's events then carry (event-codec.ts, InternJob).
 */
export function openReader(source: string, options: ReaderOptions, tz: string | undefined, threads: ReaderThreads = defaultThreads(), internJob?: InternJob): EventSource {
  if (threads !== 'never' && threadable(source, options, tz, threads === 'always' ? 0 : THREAD_MIN_BYTES)) {
    return new ThreadedReader({
      source,
      logFormat: options.logFormat?.source,
      dateFormat: options.dateFormat?.source,
      tz,
      fields: options.fields,
      host: options.host,
      files: options.files,
      skippedDirs: options.skippedDirs,
      everyLine: options.everyLine,
      segmentBytes: options.segmentBytes,
    }, internJob);
  }
  return new LogReader(source, options);
}

/** SCHED_DOCTOR_READER_THREADS=never turns the threads off (to compare, or where threads misbehave). */
function defaultThreads(): ReaderThreads {
  const v = process.env.SCHED_DOCTOR_READER_THREADS;
  return v === 'never' || v === 'always' ? v : 'auto';
}

/** Regular files only, of at least `minBytes` together; and a zone the worker can make again from its name. */
function threadable(source: string, options: ReaderOptions, tz: string | undefined, minBytes: number): boolean {
  if (options.zone !== undefined && tz === undefined) return false;
  const files = options.files && options.files.length > 0 ? options.files : [source];
  let bytes = 0;
  for (const f of files) {
    if (f === '-') return false;
    try {
      const s = statSync(f);
      if (!s.isFile()) return false;
      bytes += gzipped(f) ? s.size * GZIP_RATIO : s.size;
    } catch {
      // Not readable now: the in-thread reader gives the one-line error.
      return false;
    }
  }
  return bytes >= minBytes;
}

/** Whether a file starts with gzip's magic bytes (as line-source.ts tells gzip, whatever the name). */
function gzipped(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    return startsGzip(fd);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export class ThreadedReader implements EventSource {
  stats: SourceStats;

  constructor(private readonly spec: ThreadSpec, private readonly internJob?: InternJob) {
    // What the report shows if the worker never finishes (an error ends the analysis anyway).
    this.stats = {
      source: spec.source, lines: 0, records: 0, unrecognised: 0, echoes: 0, joined: 0,
      format: '', zone: '', apscheduler4: 0, unrecognisedSamples: [],
    };
  }

  async *events(): AsyncGenerator<LogEvent[]> {
    // The worker leaves out what only an interning decoder may go without: they agree here.
    const worker = startWorker({ ...this.spec, jobsInterned: this.internJob !== undefined });
    const decoder = new EventDecoder(this.internJob);
    const queue: FromWorker[] = [];
    let wake: (() => void) | undefined;
    let failure: Error | undefined;
    const arrive = (m: FromWorker) => {
      queue.push(m);
      const w = wake;
      wake = undefined;
      w?.();
    };
    worker.on('message', arrive);
    worker.on('error', (err) => arrive({ type: 'error', message: err.message, user: false, stack: err.stack }));
    worker.on('exit', (code) => {
      if (code !== 0) arrive({ type: 'error', message: `the reader thread for ${this.spec.source} stopped (exit code ${code})`, user: false });
    });
    // The worker holds the process open only while this thread waits for it: if the analysis
    // ends another way (another source's error), a worker left behind must not keep it running.
    worker.unref();
    try {
      for (;;) {
        if (queue.length === 0) {
          worker.ref();
          while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          worker.unref();
        }
        const m = queue.shift()!;
        if (m.type === 'events') {
          worker.postMessage({ type: 'taken' } satisfies ToWorker);
          yield* decoder.parts(m.batch, PART);
        } else if (m.type === 'done') {
          this.stats = m.stats;
          return;
        } else {
          failure = m.user ? new UserError(m.message) : Object.assign(new Error(m.message), { stack: m.stack });
          throw failure;
        }
      }
    } finally {
      await worker.terminate();
    }
  }
}

function startWorker(spec: ThreadSpec): Worker {
  return startWorkerBeside(__dirname, 'reader-worker', __filename, { workerData: spec });
}
