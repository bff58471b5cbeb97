// Progress on stderr for large inputs, only when stderr is a terminal (a CI log or a pipe gets
// nothing). Bytes are what the process has read, from Linux's /proc/self/io (`rchar`): the
// readers need no hook, and a gzip file counts its compressed bytes, as its size does. Where
// that file does not exist, no progress is shown.

import { readFileSync, statSync } from 'node:fs';

/** Below this, a run is over before a progress line would help. */
const MIN_BYTES = 64 * 1024 * 1024;
const EVERY_MS = 500;

export interface Progress {
  stop(): void;
}

const NONE: Progress = { stop() {} };

export function startProgress(files: string[], stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return NONE;
  const total = files.reduce((n, f) => n + (f === '-' ? 0 : sizeOf(f)), 0);
  const base = bytesRead();
  if (total < MIN_BYTES || base === undefined) return NONE;
  const started = Date.now();
  let shown = false;
  const timer = setInterval(() => {
    const done = Math.min(total, (bytesRead() ?? base) - base);
    const seconds = (Date.now() - started) / 1000;
    const rate = done / Math.max(seconds, 0.001);
    const left = rate > 0 ? (total - done) / rate : Infinity;
    const line = `sched-doctor: read ${mb(done)} of ${mb(total)} MB (${Math.round((100 * done) / total)}%), ${mb(rate)} MB/s, ${Number.isFinite(left) ? `${Math.ceil(left)} s left` : 'starting'}`;
    stream.write(`\r${line.slice(0, (stream.columns ?? 80) - 1)}\x1b[K`);
    shown = true;
  }, EVERY_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function bytesRead(): number | undefined {
  try {
    const m = /^rchar:\s*(\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0);
}
