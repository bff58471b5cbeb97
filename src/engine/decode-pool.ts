// Job-store rows decoded in worker threads (decode-worker.ts) while the main thread reads the
// next rows and writes what is done: unpickling is most of the time of `jobs` on a large store,
// and with cores to spare it need not wait for the database or the output. Batches
// come back in the order they were read, a few in flight per worker, so memory stays a few
// batches whatever the store's size. The first batch is decoded in this thread: a store of one
// read batch never starts a worker (a worker costs some tens of milliseconds to start). For
// analysis a worker is started only on a large store (rowsBeforeWorker). While a worker is
// starting, or has its batches in hand, this thread decodes the next batch itself rather than
// wait: on two cores one worker and this thread share the decoding.
//
// Decoded objects cost as much to send back as to make (structured cloning walks and rebuilds
// every property), so a worker sends none: for output that is text anyway (`jobs --format
// json`) the request names a renderer, a module the worker loads, whose `renderBatch` turns rows
// into their text there (render-slices.ts); summaries for analysis (`analyze --db`) come back
// packed, a batch's distinct texts and two typed arrays (summary-wire.ts). States decoded whole
// for other uses (`clean`, `recommend`) stay in this thread by default (see decodeInThreads).

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorkerBeside } from '../model/worker-start';
import type { RawStoreRow } from '../model/store-record';
import { decodeState, NO_PICKLE, type DecodedState } from './decode-row';
import { renderedSlices, type BatchRenderer, type RowHead } from './render-slices';
import { unpackStates, type PackedStates } from './summary-wire';

export type { BatchRenderer, RowHead } from './render-slices';

export interface DecodeRequest {
  seq: number;
  summary: boolean;
  /** The rows' pickles one after another (moved to the worker, not copied): see `lengths`. */
  pickles: Uint8Array;
  /** Each row's pickle's length in `pickles`, or -1 for a row not to decode. */
  lengths: Int32Array;
  /** The path of a module exporting `renderBatch`: the reply is then its text. */
  render?: string;
  heads?: RowHead[];
  /** The rows' ids, when the reply is packed (summary-wire.ts). */
  ids?: string[];
}

export type DecodeReply =
  | { seq: number; states: (DecodedState | null)[] }
  | { seq: number; texts: string[] }
  /** Summaries (DecodeRequest.summary), packed: summary-wire.ts. */
  | { seq: number; packed: PackedStates }
  /** The batch could not be decoded or rendered (a renderer threw): its error, where the batch is taken. */
  | { seq: number; error: string; stack?: string };

export interface DecodedBatch {
  rows: RawStoreRow[];
  /** Each row's state (null: not decoded); absent when the batch was rendered. */
  states?: (DecodedState | null)[];
  /**
   * The renderer's text of the batch, in pieces of a few rows (render-slices.ts): joined by
   * ',\n' they are the batch's text. To be read before the next batch is asked for.
   */
  texts?: Iterable<string>;
  /** Where the batch was decoded (for the tests). */
  decodedBy: 'this thread' | 'a worker';
}

export interface DecodeTask {
  /** Decode only what analysis reads (summaryOf). */
  summary: boolean;
  /** Rows for which no state is made (the store marked them invalid). */
  skip: (row: RawStoreRow) => boolean;
  /** A renderer's module path (see BatchRenderer): batches come back as its text. */
  render?: string;
  /**
   * Each row's pickle is let go once decoded here (the row then holds an empty one): the pickles
   * are not kept, and held to the end of their batch they lived through young-generation
   * collections, to be promoted and freed only by a full one (analyze --db, 100,000 rows: up to
   * 48 MB of them at the end of the read).
   */
  dropPickles?: boolean;
  /** About how many rows the store holds (JobStoreReader.sizeHint), when it can tell. */
  expectedRows?: number;
}

/**
 * `auto`: for rendered output, a worker from the second batch of rows on, and this thread
 * decoding too while the workers are busy; `always`: from the first batch, every batch in a
 * worker, on any machine (tests); `never`: none.
 */
export type DecodeThreads = 'auto' | 'always' | 'never';

/**
 * Two at most. Measured on two cores (100,000 rows, `jobs --format json`): one worker beside a
 * main thread that only read and wrote saved 2-13 % of the wall time; two workers 25 %, for
 * ~160 MB more peak memory; one worker with this thread decoding beside it: see the README.
 */
const MAX_WORKERS = 2;

/**
 * Rows decoded for analysis in this thread before a worker is started, on a store that cannot
 * say how many rows it holds: on two cores a worker only pays for itself on a large store. It starts in some tens of milliseconds, decodes its
 * first batches before its code is optimised, and each thread decodes at about 0.6 of its speed
 * alone while both do. Measured, `analyze --db` in this thread alone against a worker from the
 * first batches: 12,000 rows 0.52 s against 0.66 s, 25,000 rows 0.83 s against 0.89 s, 50,000
 * rows 1.33 s against 1.29 s, 100,000 rows 2.42 s against 2.03 s; from 20,000 rows on: 12,000
 * rows need none, 50,000 rows 1.32-1.35 s, 100,000 rows 2.07-2.14 s. Rendering for `jobs` (more
 * work a row, and its text is written meanwhile) pays for a worker sooner: RENDER_WORKER.
 */
const SUMMARIES_ALONE = 20_000;

/**
 * A store that says it holds this many rows or more (DecodeTask.expectedRows) is analysed with a
 * worker from the second batch on; a smaller one in this thread alone. 50,000 rows is where a
 * worker from the start broke even in the measurements above; 100,000 rows: 2.03-2.05 s with it
 * from the start, 2.20-2.32 s from the 20,000th row, in the same hour as 2.65-2.77 s alone.
 */
const SUMMARIES_WORKER = 50_000;

/**
 * A store that says it holds fewer rows than this is rendered (`jobs --format json`) in this
 * thread alone; a larger one, or one that cannot say, with a worker from the second batch. In
 * this thread alone against a worker from the second batch: 3,000 rows 0.27 s against
 * 0.34-0.37 s, 12,000 rows 0.49 s against 0.53-0.57 s, 25,000 rows 0.76 s against 0.73 s,
 * 100,000 rows 2.32 s against 1.70 s.
 */
const RENDER_WORKER = 20_000;

/** Rows decoded in this thread before a worker is started (auto). */
function rowsBeforeWorker(task: DecodeTask): number {
  if (task.render !== undefined) return task.expectedRows !== undefined && task.expectedRows < RENDER_WORKER ? Infinity : 1;
  if (task.expectedRows === undefined) return SUMMARIES_ALONE;
  return task.expectedRows >= SUMMARIES_WORKER ? 1 : Infinity;
}

/** Batches sent to each worker and not yet back: enough to keep it busy while the main thread writes. */
const AHEAD_PER_WORKER = 2;

/** SCHED_DOCTOR_DECODE_THREADS=never|always|auto (auto: the default). */
export function defaultDecodeThreads(): DecodeThreads {
  const v = process.env.SCHED_DOCTOR_DECODE_THREADS;
  return v === 'never' || v === 'always' ? v : 'auto';
}

/**
 * Workers: SCHED_DOCTOR_DECODE_WORKERS when set; else a core is left to the main thread (which
 * reads, writes and decodes when the workers are busy), with one worker at least.
 */
function workerCount(): number {
  const asked = Number(process.env.SCHED_DOCTOR_DECODE_WORKERS);
  if (Number.isInteger(asked) && asked > 0) return Math.min(asked, 16);
  return Math.max(1, Math.min(MAX_WORKERS, availableParallelism() - 1));
}

/**
 * Rows decoded as one batch at most. A read batch (2,000 rows) in flight lived through several
 * young-generation collections of this thread (its rows, their pickles and the text that came
 * back) and was promoted, to die in the old generation; a batch of a few hundred rows is written
 * and gone before.
 */
export const DECODE_BATCH = 250;

function* slicesOf(rows: RawStoreRow[]): Generator<RawStoreRow[]> {
  if (rows.length <= DECODE_BATCH) {
    yield rows;
    return;
  }
  for (let at = 0; at < rows.length; at += DECODE_BATCH) yield rows.slice(at, at + DECODE_BATCH);
}

/** A batch on its way: decoded here already, or a worker's reply to come. */
interface Pending {
  rows: RawStoreRow[];
  done?: DecodedBatch;
  reply?: Promise<DecodeReply>;
  settled: boolean;
}

/** Each batch of rows with its decoded states, or its rendered text, in the order of `batches`. */
export async function* decodeInThreads(batches: AsyncIterable<RawStoreRow[]>, task: DecodeTask, threads: DecodeThreads = defaultDecodeThreads()): AsyncGenerator<DecodedBatch> {
  let pool: Pool | undefined;
  const pending: Pending[] = [];
  // Whole decoded objects stay in this thread unless the tests ask: cloning them back cost more
  // than the decoding saved (`analyze --db` before summaries were packed, 100,000 rows, two
  // workers: the same 11 s, 4 s more CPU).
  const workers = threads === 'never' || (threads === 'auto' && task.render === undefined && !task.summary) ? 0 : workerCount();
  const helps = threads === 'auto';
  try {
    const alone = rowsBeforeWorker(task);
    let seen = 0;
    for await (const read of batches) for (const rows of slicesOf(read)) {
      const early = seen < alone;
      seen += rows.length;
      if (workers === 0 || (threads === 'auto' && early)) {
        // Batches in flight come first: the order is the store's.
        while (pending.length) yield await take(pending);
        yield here(rows, task, true);
        continue;
      }
      pool ??= new Pool(workers);
      if (helps && pool.busy()) {
        // Every worker has its batches: this one is decoded here meanwhile, then the workers'
        // replies that came in the while are let in (they arrive between turns of the loop).
        pending.push({ rows, done: here(rows, task, false), settled: true });
        await new Promise((resolve) => setImmediate(resolve));
      } else {
        const reply = pool.decode({
          summary: task.summary,
          ...picklesOf(rows, task),
          ...(task.render === undefined ? (task.summary ? { ids: rows.map((r) => r.id) } : {}) : { render: task.render, heads: rows.map(head) }),
        });
        // The worker has the pickles (a copy of them: picklesOf).
        if (task.dropPickles) for (const r of rows) r.jobState = NO_PICKLE;
        const p: Pending = { rows, reply, settled: false };
        // Handled now, so that a failure is not reported as unhandled before its turn: it is
        // thrown when this batch is taken.
        reply.then(() => (p.settled = true), () => (p.settled = true));
        pending.push(p);
      }
      while (pending.length && pending[0].settled) yield await take(pending);
      if (pending.length > pool.size * AHEAD_PER_WORKER) yield await take(pending);
    }
    while (pending.length) yield await take(pending);
  } finally {
    await pool?.close();
  }
}

/**
 * The batch's pickles in one buffer of their own, to be moved to a worker: sent one by one, each
 * was copied into a buffer of its own there, 100,000 small allocations in the worker's heap
 * and its memory.
 */
function picklesOf(rows: RawStoreRow[], task: DecodeTask): { pickles: Uint8Array; lengths: Int32Array } {
  const lengths = new Int32Array(rows.length);
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const n = task.skip(rows[i]) ? -1 : rows[i].jobState.length;
    lengths[i] = n;
    if (n > 0) total += n;
  }
  // allocUnsafeSlow: a buffer that is not a slice of Node's shared pool, so it can be moved.
  const pickles = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (let i = 0; i < rows.length; i++) if (lengths[i] > 0) at += rows[i].jobState.copy(pickles, at);
  return { pickles, lengths };
}

/** `lazy`: the text is made as it is read (the batch is written before the next is decoded). */
function here(rows: RawStoreRow[], task: DecodeTask, lazy: boolean): DecodedBatch {
  const decode = (i: number) => {
    const state = task.skip(rows[i]) ? null : decodeState(rows[i].jobState, task.summary);
    if (task.dropPickles) rows[i].jobState = NO_PICKLE;
    return state;
  };
  if (task.render === undefined) return { rows, states: rows.map((_, i) => decode(i)), decodedBy: 'this thread' };
  const texts = renderedSlices(rows.map(head), decode, (require(task.render) as { renderBatch: BatchRenderer }).renderBatch);
  return { rows, texts: lazy ? texts : [...texts], decodedBy: 'this thread' };
}

function head(row: RawStoreRow): RowHead {
  return row.invalid === undefined ? { id: row.id, nextRunTime: row.nextRunTime } : { id: row.id, nextRunTime: row.nextRunTime, invalid: row.invalid };
}

async function take(pending: Pending[]): Promise<DecodedBatch> {
  const { rows, done, reply } = pending.shift()!;
  if (done) return done;
  const r = await reply!;
  if ('texts' in r) return { rows, texts: r.texts, decodedBy: 'a worker' };
  if ('states' in r) return { rows, states: r.states, decodedBy: 'a worker' };
  if ('packed' in r) return { rows, states: unpackStates(r.packed, rows.map((row) => row.id)), decodedBy: 'a worker' };
  throw new Error(r.error); // never: an error reply rejects its promise (Pool)
}

class Pool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (r: DecodeReply) => void; reject: (e: Error) => void }>();
  private seq = 0;
  private failure: Error | undefined;
  private inFlight = 0;
  /** Workers that have started (their 'online' event). */
  private online = 0;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = startWorker();
      w.once('online', () => this.online++);
      w.on('message', (m: DecodeReply) => {
        const p = this.waiting.get(m.seq);
        this.waiting.delete(m.seq);
        this.inFlight--;
        if ('error' in m) p?.reject(Object.assign(new Error(m.error), { stack: m.stack }));
        else p?.resolve(m);
      });
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a job-state decoding thread stopped (exit code ${code})`));
      });
      this.workers.push(w);
    }
  }

  /**
   * Whether a batch would wait: a worker is still starting, or every worker has AHEAD_PER_WORKER
   * batches not yet back. A worker takes some tens of milliseconds to start: the batches sent to
   * it meanwhile waited, this thread with them (`jobs --format json`, 600 rows: 0.22-0.24 s, now
   * 0.18-0.19 s, as in this thread alone).
   */
  busy(): boolean {
    return this.online < this.size || this.inFlight >= this.size * AHEAD_PER_WORKER;
  }

  /** Batches go round the workers in turn: they are of equal size, and each worker answers in order. */
  decode(request: Omit<DecodeRequest, 'seq'>): Promise<DecodeReply> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = this.seq++;
    this.inFlight++;
    const worker = this.workers[seq % this.workers.length];
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      worker.postMessage({ ...request, seq } satisfies DecodeRequest, [request.pickles.buffer as ArrayBuffer, request.lengths.buffer as ArrayBuffer]);
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.waiting.values()) p.reject(this.failure);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the decoding threads were closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * A worker's young generation: 16 MB (8 MB semi-spaces) instead of V8's 48. What a worker makes
 * of a row dies with the row (summary-wire.ts, render-slices.ts), and the larger semi-spaces were
 * memory only. Measured on two cores, 100,000 rows, 3 runs each: `jobs --format json` 187-205 MB
 * at 1.67-1.76 s by default, 170-178 MB at 1.64-1.67 s with this; `analyze --db` 232-235 MB
 * against 213-220 MB, 2.04 s against 1.99-2.02 s. With 8 MB (4 MB semi-spaces) or less,
 * a batch in hand outlived the collections and was promoted: slower, and no less memory.
 */
const WORKER_YOUNG_GENERATION_MB = 16;

function startWorker(): Worker {
  return startWorkerBeside(__dirname, 'decode-worker', __filename, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
}
