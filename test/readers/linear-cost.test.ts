// Costs linear in the input (issue 13): one long line costs time linear in its length and bounded
// memory, gzip included; N sources cost N, not N². Times are compared with a reference measured
// in the same run (the same bytes in ordinary lines), with room for a loaded machine.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mergeByTime } from '../../src/engine/merge';
import type { LogEvent } from '../../src/model/event';
import { MAX_LINE } from '../../src/readers/line-source';
import * as L from './apscheduler-3.9.1-lines';
import { readPath, tempDir } from './read-log';

const EXEC = 'apscheduler.executors.default';
const RECORD = `2026-11-26 13:05:10,004 INFO ${EXEC}: ${L.RUN_CRON}`;
const MB = 1 << 20;

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await run();
  return { ms: performance.now() - t0, value };
}

test('a 64 MB line costs what 64 MB of ordinary lines cost, and is kept only up to MAX_LINE', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const size = 64 * MB;
    const long = join(dir, 'long.log');
    const short = join(dir, 'short.log');
    const body = Buffer.alloc(size, 'x');
    writeFileSync(long, Buffer.concat([Buffer.from('app: '), body, Buffer.from('\n' + RECORD + '\n')]));
    for (let i = 99; i < size; i += 100) body[i] = 10;
    writeFileSync(short, Buffer.concat([body, Buffer.from('\n' + RECORD + '\n')]));
    const reference = await timed(() => readPath(short));
    const before = process.memoryUsage();
    const measured = await timed(() => readPath(long));
    const after = process.memoryUsage();
    const { events, stats } = measured.value;
    assert.equal(stats.lines, 2);
    assert.equal(stats.longLines, 1);
    assert.equal(events.length, 1, 'the record after the long line is read');
    assert.equal(events[0].ctx.line, 2);
    // Quadratic re-joining took 7.6 s for 100 MB; linear is about the cost of ordinary lines.
    assert.ok(measured.ms < 2 * reference.ms + 1000, `long line ${measured.ms.toFixed(0)} ms vs ordinary lines ${reference.ms.toFixed(0)} ms`);
    const grown = after.heapUsed + after.external - before.heapUsed - before.external;
    assert.ok(grown < 24 * MAX_LINE, `memory grew by ${(grown / MB).toFixed(1)} MB for one line`);
  } finally {
    cleanup();
  }
});

test('a small .gz of one huge line ends, in time linear in its decompressed size', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'huge.log.gz');
    writeFileSync(path, gzipSync(Buffer.concat([Buffer.alloc(128 * MB, "a"), Buffer.from('\n' + RECORD + '\n')])));
    const { ms, value } = await timed(() => readPath(path));
    assert.equal(value.events.length, 1);
    assert.equal(value.stats.longLines, 1);
    // Decompression alone is several hundred MB/s; 10 s leaves room for a loaded machine.
    assert.ok(ms < 10_000, `${ms.toFixed(0)} ms for 128 MB`);
  } finally {
    cleanup();
  }
});

/** N sources of `perSource` events each, with the same instants (N hosts logging the same runs). */
function streams(n: number, perSource: number): AsyncIterable<LogEvent[]>[] {
  const make = async function* (s: number): AsyncGenerator<LogEvent[]> {
    const batch: LogEvent[] = [];
    for (let i = 0; i < perSource; i++) batch.push({ kind: 'no-jobs', ctx: { source: `s${s}`, line: i + 1, time: i * 1e6, text: '' } });
    yield batch;
  };
  return Array.from({ length: n }, (_, s) => make(s));
}

async function drain(n: number, perSource: number): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  for await (const b of mergeByTime(streams(n, perSource))) for (const e of b) out.push(e);
  return out;
}

test('the merge of N sources costs N log N: 1,000 sources are not 16× 250', async () => {
  const small = await timed(() => drain(250, 60));
  const large = await timed(() => drain(1000, 60));
  assert.equal(large.value.length, 60_000);
  // In time order, ties in the order the sources were given.
  for (let i = 1; i < large.value.length; i++) {
    const a = large.value[i - 1].ctx, b = large.value[i].ctx;
    assert.ok(a.time! < b.time! || (a.time === b.time && Number(a.source.slice(1)) < Number(b.source.slice(1))), `order at ${i}`);
  }
  // Linear is 4×; the old scan over every source was 16×.
  assert.ok(large.ms < 8 * small.ms + 300, `1,000 sources ${large.ms.toFixed(0)} ms vs 250 sources ${small.ms.toFixed(0)} ms`);
});
