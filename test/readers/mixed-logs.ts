// Generated logs in mixed shapes, for the differential tests of the readers' fast paths against
// the plain reference: windows of the recorded fixtures (text, JSON, Docker, journald, structlog,
// tracebacks, echoes), cut at random lines, with application lines between them (some mentioning
// jobs, some coloured, some long), CRLF endings, blank lines, gzip, and logs larger than a chunk.

import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ReaderOptions } from '../../src/readers/log-reader';
import { zoneFromName } from '../../src/readers/zone';
import { ROOT } from '../support/cli';
// Seeded (mulberry32), so a failure names a log that can be made again.
import { prng } from '../../src/bench/generate-log';

export function fixtureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'gen' && name !== 'pickle' && name !== 'stores') out.push(...fixtureFiles(p));
    } else if (/\.(log|jsonl|json)$/.test(name) && name !== 'truth.json') out.push(p);
  }
  return out.sort();
}

export const APP_LINES = [
  '2026-11-26 13:05:10,004 INFO app.web: GET /api/items 200 12ms',
  '2026-11-26 13:05:10,004 [4101] INFO app.jobs: the nightly job queue has 3 items',
  'INFO:app:Job board refreshed',
  '\x1b[32mINFO\x1b[0m app: coloured line',
  '    at some.frame (file.js:1:2)',
  '{"level": "info", "msg": "request done", "status": 200}',
  '{"message": "job queue drained", "name": "app.worker"}',
  'Traceback (most recent call last):',
  '  File "/app/x.py", line 3, in f',
  'ValueError: not a scheduler problem',
  '',
  'plain text without anything',
  // An APScheduler logger with a message no pattern knows: counted as not recognised.
  '2026-11-26 13:05:10,004 INFO apscheduler.scheduler: Something new happened',
  '2026-11-26 13:05:10,004 INFO apscheduler._schedulers.async_: Added schedule "x"',
  // A traceback whose last line names an APScheduler class: part of the traceback, not a record.
  'Traceback (most recent call last):\n  File "/app/x.py", line 3, in f\n    raise JobLookupError(job_id)\napscheduler.jobstores.base.JobLookupError: \'No job by the id of x was found\'',
  // A head without its message, the message on the next line.
  '2026-11-26 13:05:10,004 INFO apscheduler.scheduler:',
];

/** The recorded fixtures' lines, one array per file. */
export function fixtureSources(): string[][] {
  return fixtureFiles(join(ROOT, 'test/fixtures')).map((f) => readFileSync(f, 'utf8').split('\n'));
}

/** Log number `seed`, written under `dir`: its path and the reader options it is read with. */
export function writeMixedLog(dir: string, sources: string[][], seed: number): { path: string; options: ReaderOptions; tz?: string } {
  const rand = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const out: string[] = [];
  const parts = 1 + Math.floor(rand() * 3);
  for (let p = 0; p < parts; p++) {
    const src = pick(sources);
    const from = Math.floor(rand() * src.length);
    const to = Math.min(src.length, from + 5 + Math.floor(rand() * 200));
    for (let i = from; i < to; i++) {
      if (rand() < 0.15) out.push(pick(APP_LINES));
      if (rand() < 0.01) out.push('x'.repeat(1000 + Math.floor(rand() * 5000)));
      out.push(src[i]);
    }
  }
  // Every tenth log is larger than a chunk, so lines meet chunk boundaries.
  if (seed % 10 === 0) {
    const filler: string[] = [];
    for (let k = 0; k < 12000; k++) filler.push(`2026-11-26 13:05:10,004 INFO app.noise: line ${k} ${'y'.repeat(80)}`);
    out.splice(Math.floor(out.length / 2), 0, ...filler);
  }
  const eol = seed % 7 === 0 ? '\r\n' : '\n';
  const text = out.join(eol) + (seed % 5 === 0 ? '' : eol);
  const gz = seed % 4 === 0;
  const path = join(dir, `log-${seed}${gz ? '.gz' : '.log'}`);
  writeFileSync(path, gz ? gzipSync(Buffer.from(text)) : text);
  return seed % 3 === 0 ? { path, options: { zone: zoneFromName('UTC') }, tz: 'UTC' } : { path, options: {} };
}
