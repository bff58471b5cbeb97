// A worker thread from its module beside the caller: from dist/ as built, and under the tests'
// TypeScript loader from the .ts source through that loader (a worker does not inherit it).

import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `dir` and `base`: the caller's __dirname and the worker module's name without extension. */
export function startWorkerBeside(dir: string, base: string, caller: string, options: WorkerOptions = {}): Worker {
  if (caller.endsWith('.ts')) {
    const entry = join(dir, `${base}.ts`);
    const loader = require.resolve('tsx/cjs');
    return new Worker(`require(${JSON.stringify(loader)}); require(${JSON.stringify(entry)});`, { ...options, eval: true, execArgv: [] });
  }
  return new Worker(join(dir, `${base}.js`), options);
}
