// Job-store rows decoded in worker threads (decode-worker.ts) while the main thread reads the
// next rows and writes what is done: unpickling is most of the time of `jobs` on a large store,
// and with cores to spare it need not wait for the database or the output. Batches
// come back in the order they were read, a few in flight per worker, so memory stays a few
// batches whatever the store's size. The first batch is decoded in this thread: a store of one
// read batch never starts a worker (a worker costs some tens of milliseconds to start).
//
// Decoded objects cost as much to send back as to make (structured cloning walks and rebuilds
// every property), so threads are used for output that is text anyway (`jobs --format json`),
// which names a renderer: a module the worker loads, whose `renderBatch` turns a batch into its
// text there. Decoding for analysis stays in this thread by default (see decodeInThreads).

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorkerBeside } from '../model/worker-start';
import type { RawStoreRow } from '../model/store-record';
import { decodeState, type DecodedState } from './decode-row';

/** Of a row, what a renderer reads besides its pickle. */
export interface RowHead {
  id: string;
  nextRunTime: number | null;
  invalid?: string;
}

/** A batch's text from its rows and their states (null: the row was not decoded: `invalid`). */
export type BatchRenderer = (rows: RowHead[], states: (DecodedState | null)[]) => string;

export interface DecodeRequest {
  seq: number;
  summary: boolean;
  /** Each row's pickle, or null for a row not to decode. */
  pickles: (Uint8Array | null)[];
  /** The path of a module exporting `renderBatch`: the reply is then its text. */
  render?: string;
  heads?: RowHead[];
}

export type DecodeReply = { seq: number; states: (DecodedState | null)[] } | { seq: number; text: string };

export interface DecodedBatch {
  rows: RawStoreRow[];
  /** Each row's state (null: not decoded); absent when the batch was rendered. */
  states?: (DecodedState | null)[];
  /** The renderer's text of the batch. */
  text?: string;
}

export interface DecodeTask {
  /** Decode only what analysis reads (summaryOf). */
  summary: boolean;
  /** Rows for which no state is made (the store marked them invalid). */
  skip: (row: RawStoreRow) => boolean;
  /** A renderer's module path (see BatchRenderer): batches come back as its text. */
  render?: string;
}

/**
 * `auto`: threads from the second batch of rows on, where there are cores for two workers beside
 * the main thread; `always`: from the first batch, on any machine (tests); `never`: none.
 */
export type DecodeThreads = 'auto' | 'always' | 'never';

/**
 * Cores below which `auto` decodes in this thread. Measured on two cores (100,000 rows, `jobs
 * --format json`): one worker beside the main thread saved 2-13 % of the wall time for ~95 MB
 * more peak memory, two workers 25 % for ~210 MB; the decoding itself is the bound, and two
 * workers pay only where they do not share a core with the main thread.
 */
const MIN_CORES = 3;
/** Two at most: each worker's heap holds its own garbage (~95 MB more peak memory each, measured here). */
const MAX_WORKERS = 2;

/** Batches sent to each worker and not yet back: enough to keep it busy while the main thread writes. */
const AHEAD_PER_WORKER = 2;

/** SCHED_DOCTOR_DECODE_THREADS=never|always|auto (auto: the default). */
export function defaultDecodeThreads(): DecodeThreads {
  const v = process.env.SCHED_DOCTOR_DECODE_THREADS;
  return v === 'never' || v === 'always' ? v : 'auto';
}

/**
 * Workers: SCHED_DOCTOR_DECODE_WORKERS when set; else a core is left to the main thread, which
 * reads and writes, and none below MIN_CORES (unless `always`: one at least).
 */
function workerCount(always: boolean): number {
  const asked = Number(process.env.SCHED_DOCTOR_DECODE_WORKERS);
  if (Number.isInteger(asked) && asked > 0) return Math.min(asked, 16);
  const cores = availableParallelism();
  if (cores < MIN_CORES && !always) return 0;
  return Math.max(1, Math.min(MAX_WORKERS, cores - 1));
}

/** Each batch of rows with its decoded states, or its rendered text, in the order of `batches`. */
export async function* decodeInThreads(batches: AsyncIterable<RawStoreRow[]>, task: DecodeTask, threads: DecodeThreads = defaultDecodeThreads()): AsyncGenerator<DecodedBatch> {
  let pool: Pool | undefined;
  const pending: { rows: RawStoreRow[]; reply: Promise<DecodeReply> }[] = [];
  // Decoded objects stay in this thread unless the tests ask: cloning them back cost more than
  // the decoding saved (`analyze --db`, 100,000 rows, two workers: the same 11 s, 4 s more CPU).
  const workers = threads === 'never' || (threads === 'auto' && task.render === undefined) ? 0 : workerCount(threads === 'always');
  try {
    let first = true;
    for await (const rows of batches) {
      if (workers === 0 || (threads === 'auto' && first)) {
        first = false;
        // Batches in flight come first: the order is the store's.
        while (pending.length) yield await take(pending);
        yield here(rows, task);
        continue;
      }
      pool ??= new Pool(workers);
      const reply = pool.decode({
        summary: task.summary,
        pickles: rows.map((r) => (task.skip(r) ? null : r.jobState)),
        ...(task.render === undefined ? {} : { render: task.render, heads: rows.map(head) }),
      });
      // Handled now, so that a failure is not reported as unhandled before its turn: it is
      // thrown when this batch is taken.
      reply.catch(() => undefined);
      pending.push({ rows, reply });
      if (pending.length >= pool.size * AHEAD_PER_WORKER) yield await take(pending);
    }
    while (pending.length) yield await take(pending);
  } finally {
    await pool?.close();
  }
}

function here(rows: RawStoreRow[], task: DecodeTask): DecodedBatch {
  const states = rows.map((r) => (task.skip(r) ? null : decodeState(r.jobState, task.summary)));
  if (task.render === undefined) return { rows, states };
  return { rows, text: (require(task.render) as { renderBatch: BatchRenderer }).renderBatch(rows.map(head), states) };
}

function head(row: RawStoreRow): RowHead {
  return row.invalid === undefined ? { id: row.id, nextRunTime: row.nextRunTime } : { id: row.id, nextRunTime: row.nextRunTime, invalid: row.invalid };
}

async function take(pending: { rows: RawStoreRow[]; reply: Promise<DecodeReply> }[]): Promise<DecodedBatch> {
  const { rows, reply } = pending.shift()!;
  const r = await reply;
  return 'text' in r ? { rows, text: r.text } : { rows, states: r.states };
}

class Pool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (r: DecodeReply) => void; reject: (e: Error) => void }>();
  private seq = 0;
  private failure: Error | undefined;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = startWorker();
      w.on('message', (m: DecodeReply) => {
        const p = this.waiting.get(m.seq);
        this.waiting.delete(m.seq);
        p?.resolve(m);
      });
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a job-state decoding thread stopped (exit code ${code})`));
      });
      this.workers.push(w);
    }
  }

  /** Batches go round the workers in turn: they are of equal size, and each worker answers in order. */
  decode(request: Omit<DecodeRequest, 'seq'>): Promise<DecodeReply> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = this.seq++;
    const worker = this.workers[seq % this.workers.length];
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      worker.postMessage({ ...request, seq } satisfies DecodeRequest);
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

function startWorker(): Worker {
  return startWorkerBeside(__dirname, 'decode-worker', __filename);
}
