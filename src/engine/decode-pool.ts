// A large store's pickles decoded in worker threads (decode-worker.ts), batch by batch, while the
// main thread reads the next rows and uses the decoded ones: on a 100,000-row store the decoding
// is most of the time, and on two cores it no longer adds to the rest. The states come back by
// structured clone (plain data); the rows stay here, so a kept pickle is still this thread's Buffer.
// A small store never starts a thread (a thread costs some tens of milliseconds to start): the
// pool starts with the store's second batch. Off by default: see decodeThreads.

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DecodedState } from './decode-row';

export interface DecodeTask {
  id: number;
  /** null: a row not to decode (the store marked it invalid). */
  pickles: (Uint8Array | null)[];
  summary: boolean;
}

export type DecodeReply = { id: number; states: (DecodedState | null)[] } | { id: number; error: string };

/** `auto`: threads for a store of more than one batch, on a machine with two cores or more; `always` (tests): from the first batch; `never`. */
export type DecodeThreads = 'auto' | 'always' | 'never';

/**
 * Off unless SCHED_DOCTOR_DECODE_THREADS=auto (or always): measured on a 2-core machine shared with
 * other work, the threads cost ~45% more CPU (each warms its own JIT, the states cross by
 * structured clone) and ~170 MB more peak RSS (a heap per thread) for no wall time gained, the
 * cores being busy; on idle cores the decoding would overlap the rest. Measure before turning on.
 */
export function decodeThreads(): DecodeThreads {
  const v = process.env.SCHED_DOCTOR_DECODE_THREADS;
  return v === 'auto' || v === 'always' ? v : 'never';
}

export function poolSize(threads: DecodeThreads): number {
  if (threads === 'never') return 0;
  const cores = availableParallelism();
  return threads === 'always' ? Math.max(1, Math.min(2, cores)) : cores >= 2 ? Math.min(2, cores) : 0;
}

export class DecodePool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (s: (DecodedState | null)[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private turn = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const w = startWorker();
      w.on('message', (m: DecodeReply) => {
        const p = this.waiting.get(m.id);
        if (!p) return;
        this.waiting.delete(m.id);
        if ('error' in m) p.reject(new Error(`the decoding thread failed: ${m.error}`));
        else p.resolve(m.states);
      });
      const fail = (err: Error) => {
        for (const p of this.waiting.values()) p.reject(err);
        this.waiting.clear();
      };
      w.on('error', fail);
      w.on('exit', (code) => code !== 0 && fail(new Error(`the decoding thread stopped (exit code ${code})`)));
      // Only a pending batch holds the process open.
      w.unref();
      this.workers.push(w);
    }
  }

  /** The states of a batch's pickles, in order (null where a pickle is null). */
  decode(pickles: (Buffer | null)[], summary: boolean): Promise<(DecodedState | null)[]> {
    const id = this.nextId++;
    const worker = this.workers[this.turn++ % this.workers.length];
    return new Promise((resolve, reject) => {
      this.waiting.set(id, {
        resolve: (s) => {
          if (this.waiting.size === 0) for (const w of this.workers) w.unref();
          resolve(s);
        },
        reject,
      });
      for (const w of this.workers) w.ref();
      worker.postMessage({ id, pickles, summary } satisfies DecodeTask);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The worker, from dist/ as built; under the tests' TypeScript loader, from the source through it. */
function startWorker(): Worker {
  if (__filename.endsWith('.ts')) {
    const entry = join(__dirname, 'decode-worker.ts');
    const loader = require.resolve('tsx/cjs');
    return new Worker(`require(${JSON.stringify(loader)}); require(${JSON.stringify(entry)});`, { eval: true, execArgv: [] });
  }
  return new Worker(join(__dirname, 'decode-worker.js'));
}
