// The reader that reads a large file's segments from the lists of candidate lines a second thread
// made, and jumps over inert ones (readers/segment-scan.ts), against the plain reference (every line decoded and looked at), on
// generated logs: windows of the recorded fixtures (records, tracebacks, split records, JSON)
// between long stretches of application lines, with segments of a few KiB so that stretches span
// several, records and tracebacks sit on segment starts, and lines longer than the line limit
// are cut inside skipped segments. Events, line numbers, texts and statistics must be identical,
// and segments must really have been skipped and read from lists.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogReader, type ReaderOptions } from '../../src/readers/log-reader';
import { openReader } from '../../src/readers/reader-thread';
import { MAX_LINE } from '../../src/readers/line-source';
import { SegmentScanner } from '../../src/readers/segment-scan';
import { generateAppLog, prng } from '../../src/bench/generate-log';
import { tempDir } from './read-log';
import { APP_LINES, fixtureSources } from './mixed-logs';

/**
 * A failed run whose traceback has only the application's frames: the lines after its header hold
 * no marker, yet they are the record's (its exception). A reader inside it must read them.
 */
function failedRun(second: number): string[] {
  const job = `sync (trigger: interval[0:00:05], next run at: 2026-11-26 13:05:${String(second + 5).padStart(2, '0')} UTC)`;
  return [
    `2026-11-26 13:05:${String(second).padStart(2, '0')},004 INFO apscheduler.executors.default: Running job "${job}" (scheduled at 2026-11-26 13:05:${String(second).padStart(2, '0')}+00:00)`,
    `2026-11-26 13:05:${String(second).padStart(2, '0')},904 ERROR apscheduler.executors.default: Job "${job}" raised an exception`,
    'Traceback (most recent call last):',
    '  File "/srv/app/orders/sync.py", line 88, in push',
    '    resp = session.post(url, json=body, timeout=30)',
    '  File "/srv/app/orders/client.py", line 12, in post',
    '    raise TimeoutError("upstream did not answer")',
    `TimeoutError: upstream did not answer (attempt ${second})`,
  ];
}

/** Application lines that hold no candidate marker: what a skipped segment is made of. */
const QUIET = [
  '2026-11-26 13:05:10,004 INFO app.web: GET /api/items 200 12ms',
  '2026-11-26 13:05:10,004 [4101] INFO app.jobs: the nightly job queue has 3 items',
  '{"level": "info", "msg": "request done", "status": 200}',
  '',
  '    at some.frame (file.js:1:2)',
];

function writeLog(dir: string, sources: string[][], seed: number): { path: string; segment: number; read: number } {
  const rand = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const segment = 2048 + Math.floor(rand() * 14336);
  // Reads shorter than a segment, so that the reader is asked at many places inside one.
  const read = 64 + Math.floor(rand() * 2048);
  const out: string[] = [];
  const parts = 2 + Math.floor(rand() * 4);
  for (let p = 0; p < parts; p++) {
    // A stretch of quiet lines, up to a few segments long.
    const quiet = Math.floor((rand() * 4 * segment) / 60);
    for (let i = 0; i < quiet; i++) {
      out.push(pick(QUIET));
      if (rand() < 0.02) out.push(...failedRun(Math.floor(rand() * 50)));
    }
    if (rand() < 0.1) out.push('q'.repeat(MAX_LINE + 1 + Math.floor(rand() * 1000)));
    const src = pick(sources);
    const from = Math.floor(rand() * src.length);
    const to = Math.min(src.length, from + 5 + Math.floor(rand() * 100));
    for (let i = from; i < to; i++) {
      if (rand() < 0.1) out.push(pick(APP_LINES));
      out.push(src[i]);
    }
  }
  const eol = seed % 7 === 0 ? '\r\n' : '\n';
  const text = out.join(eol) + (seed % 5 === 0 ? '' : eol);
  const path = join(dir, `seg-${seed}.log`);
  writeFileSync(path, text);
  return { path, segment, read };
}

async function read(path: string, options: ReaderOptions, threaded = false): Promise<string> {
  const reader = threaded ? openReader(path, options, undefined, 'always') : new LogReader(path, options);
  const events: unknown[] = [];
  for await (const batch of reader.events()) events.push(...batch);
  return JSON.stringify({ events, stats: reader.stats });
}

/** Counts the segments found without a candidate, and those with candidate lines listed, in this thread. */
function countScans(): { inert: () => number; listed: () => number; restore: () => void } {
  const scan = SegmentScanner.prototype.scan;
  let inert = 0;
  let listed = 0;
  SegmentScanner.prototype.scan = function (this: SegmentScanner, s: number, list: Int32Array) {
    const r = scan.call(this, s, list);
    if (r && r.listed === 0 && r.headClean) inert++;
    else if (r && r.listed > 0) listed++;
    return r;
  };
  return { inert: () => inert, listed: () => listed, restore: () => (SegmentScanner.prototype.scan = scan) };
}

test('segments skipped or read from their lists give exactly what reading every line gives, on 120 generated logs', async () => {
  const sources = fixtureSources();
  const { dir, cleanup } = tempDir();
  const spy = countScans();
  try {
    for (let seed = 1; seed <= 120; seed++) {
      const { path, segment, read: chunk } = writeLog(dir, sources, seed);
      const skipping = await read(path, { segmentBytes: segment, scanSegmentsHere: true, segmentReadBytes: chunk });
      const plain = await read(path, { everyLine: true });
      assert.equal(skipping, plain, `log ${seed} (${path}, segments of ${segment} bytes) differs from the reference`);
    }
    assert.ok(spy.inert() >= 30 && spy.listed() >= 300, `segments found inert: ${spy.inert()}, with candidates listed: ${spy.listed()}`);
  } finally {
    spy.restore();
    cleanup();
  }
});

// The scanning thread may or may not be ahead of the reader on logs this small: what is skipped
// varies from run to run, what is read must not.
test('in the reader thread, with its scanning thread, as analyze runs it', async () => {
  const sources = fixtureSources();
  const { dir, cleanup } = tempDir();
  try {
    for (let seed = 1001; seed <= 1010; seed++) {
      const { path, segment } = writeLog(dir, sources, seed);
      const threaded = await read(path, { segmentBytes: segment }, true);
      const plain = await read(path, { everyLine: true });
      assert.equal(threaded, plain, `log ${seed} (${path}, segments of ${segment} bytes) differs from the reference`);
    }
  } finally {
    cleanup();
  }
});

test('a 24 MiB log of application lines with the default segments and the scanning thread: every line counted, nothing read as a record', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'app-only.log');
    const made = generateAppLog({ path, targetBytes: 24 << 20, seed: 5 });
    const threaded = JSON.parse(await read(path, {}, true));
    const plain = JSON.parse(await read(path, { everyLine: true }));
    assert.deepEqual(threaded, plain);
    assert.equal(threaded.stats.lines, made.lines);
    assert.equal(threaded.stats.records, 0);
    assert.equal(threaded.stats.unrecognised, 0);
  } finally {
    cleanup();
  }
});
