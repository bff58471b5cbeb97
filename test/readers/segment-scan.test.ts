// The segment scan (readers/segment-scan.ts) against the plain definition, on random files: a
// segment is inert when at least one line ends in it, the line it begins inside started at most
// the line limit before it, and no marker lies whole in the bytes from that line's start to the
// segment's end; its lines are its newlines, its cut lines those longer than the limit, and
// reading resumes after its last newline. Small pieces and a small line limit, so markers and
// lines cross pieces and segments, and lines are cut.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CANDIDATE_MARKERS } from '../../src/readers/candidate-lines';
import { SegmentBoard, SegmentScanner, type InertSegment } from '../../src/readers/segment-scan';
import { tempDir } from './read-log';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function reference(buf: Buffer, a: number, b: number, maxLine: number): InertSegment | undefined {
  const lineStart = buf.lastIndexOf(10, a - 1) + 1;
  if (a - lineStart > maxLine) return undefined;
  const region = buf.subarray(lineStart, b);
  for (const m of CANDIDATE_MARKERS) if (region.indexOf(m) >= 0) return undefined;
  let lines = 0;
  let truncated = 0;
  let from = lineStart;
  let last = -1;
  for (let i = lineStart; i < b; i++) {
    if (buf[i] !== 10) continue;
    lines++;
    if (i - from > maxLine) truncated++;
    from = i + 1;
    last = i;
  }
  return last < 0 ? undefined : { lines, truncated, resume: last + 1 };
}

test('the segment scan says inert, and counts lines and cut lines, exactly as the plain definition', () => {
  const words = ['app: request done ', 'GET /healthz ', 'x'.repeat(40), '\r', ' ', 'Traceback', 'heduler', 'Running job "', 'Job "', '\x1b[', 'Booting worker', 'hedule', 'Tracebac'];
  const { dir, cleanup } = tempDir();
  let inert = 0;
  let busy = 0;
  try {
    for (let seed = 1; seed <= 300; seed++) {
      const rand = lcg(seed);
      const parts: string[] = [];
      const markers = rand() < 0.5 ? 0.002 : 0.05;
      for (let size = 0; size < 20000; ) {
        const r = rand();
        const w = r < 0.15 ? '\n' : r < 0.15 + markers ? words[5 + Math.floor(rand() * 5)] : words[Math.floor(rand() * 5)] + (r < 0.2 ? words[10 + Math.floor(rand() * 3)] : '');
        parts.push(w);
        size += w.length;
      }
      if (seed % 7 === 0) parts.splice(Math.floor(parts.length / 2), 0, 'z'.repeat(3000)); // a line longer than a segment
      const buf = Buffer.from(parts.join(''));
      const path = join(dir, `seg-${seed}.log`);
      writeFileSync(path, buf);
      const segment = 500 + Math.floor(rand() * 1500);
      const maxLine = 100 + Math.floor(rand() * 400);
      const piece = 64 + Math.floor(rand() * 700);
      const fd = openSync(path, 'r');
      try {
        const scanner = new SegmentScanner(fd, buf.length, segment, maxLine, piece);
        for (let s = 1; s * segment < buf.length; s++) {
          const want = reference(buf, s * segment, Math.min(buf.length, (s + 1) * segment), maxLine);
          assert.deepEqual(scanner.scan(s), want, `file ${seed}, segment ${s} (segment ${segment}, line limit ${maxLine}, piece ${piece})`);
          if (want) inert++;
          else busy++;
        }
      } finally {
        closeSync(fd);
      }
    }
  } finally {
    cleanup();
  }
  // Both answers must have been given often, or the comparison proves little.
  assert.ok(inert > 500 && busy > 500, `inert ${inert}, with candidates ${busy}`);
});

test('the board: a segment taken by the reader is not scanned; one scanned is waited for and read back', () => {
  const board = new SegmentBoard(4);
  board.take(1);
  assert.equal(board.claim(1), false);
  assert.equal(board.arrive(1), undefined);
  assert.equal(board.claim(2), true);
  board.publish(2, { lines: 7, truncated: 1, resume: 12345 });
  assert.deepEqual(board.arrive(2), { lines: 7, truncated: 1, resume: 12345 });
  assert.equal(board.claim(3), true);
  board.publish(3, undefined);
  assert.equal(board.arrive(3), undefined);
  // Not begun: the reader takes it, and the scanner then leaves it.
  assert.equal(board.arrive(0), undefined);
  assert.equal(board.claim(0), false);
  assert.equal(board.arrive(9), undefined);
});
