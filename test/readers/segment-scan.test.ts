// The segment scan (readers/segment-scan.ts) against the plain definition, on random files. The
// lines whole in a segment (after its first newline, up to its last) that hold a marker are
// listed, by their starts; with none, and the line the segment begins inside starting at most the
// line limit before it and holding no marker, the segment is inert instead: its lines are its
// newlines, its cut lines those longer than the limit, and reading resumes after its last
// newline. More candidates than the list holds, and the reader searches the segment itself.
// Small segments, lists and line limits, so lines cross segments and are cut, and lists fill up.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CANDIDATE_MARKERS } from '../../src/readers/candidate-lines';
import { ListedCandidates, SegmentBoard, SegmentScanner } from '../../src/readers/segment-scan';
import { tempDir } from './read-log';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const hasMarker = (bytes: Buffer) => CANDIDATE_MARKERS.some((m) => bytes.indexOf(m) >= 0);

type Found = { inert: { lines: number; truncated: number; resume: number } } | { listed: number[] } | undefined;

function reference(buf: Buffer, a: number, b: number, maxLine: number, room: number): Found {
  const lineStart = buf.lastIndexOf(10, a - 1) + 1;
  const near = a - lineStart <= maxLine;
  const newlines: number[] = [];
  for (let i = a; i < b; i++) if (buf[i] === 10) newlines.push(i);
  if (newlines.length === 0) return near ? { listed: [] } : undefined;
  const listed: number[] = [];
  for (let k = 0; k + 1 < newlines.length; k++) {
    const start = newlines[k] + 1;
    if (hasMarker(buf.subarray(start, newlines[k + 1]))) listed.push(start - a);
  }
  if (listed.length > room) return undefined;
  if (listed.length > 0 || !near || hasMarker(buf.subarray(lineStart, newlines[0]))) return { listed };
  let from = lineStart;
  let truncated = 0;
  for (const nl of newlines) {
    if (nl - from > maxLine) truncated++;
    from = nl + 1;
  }
  return { inert: { lines: newlines.length, truncated, resume: newlines[newlines.length - 1] + 1 } };
}

test('the segment scan lists candidate lines, or says inert with the counts, exactly as the plain definition', () => {
  const words = ['app: request done ', 'GET /healthz ', 'x'.repeat(40), '\r', ' ', 'Traceback', 'heduler', 'Running job "', 'Job "', '\x1b[', 'Booting worker', 'hedule', 'Tracebac'];
  const { dir, cleanup } = tempDir();
  const seen = { inert: 0, listed: 0, full: 0 };
  try {
    for (let seed = 1; seed <= 300; seed++) {
      const rand = lcg(seed);
      const parts: string[] = [];
      const markers = rand() < 0.5 ? 0.002 : 0.03;
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
      const room = 1 + Math.floor(rand() * 12);
      const fd = openSync(path, 'r');
      try {
        const scanner = new SegmentScanner(fd, buf.length, segment, maxLine);
        for (let s = 1; s * segment < buf.length; s++) {
          const list = new Int32Array(room);
          const got = scanner.scan(s, list);
          const as: Found = !got || 'inert' in got ? got : { listed: [...list.subarray(0, got.listed)] };
          const want = reference(buf, s * segment, Math.min(buf.length, (s + 1) * segment), maxLine, room);
          assert.deepEqual(as, want, `file ${seed}, segment ${s} (segment ${segment}, line limit ${maxLine}, list of ${room})`);
          if (!want) seen.full++;
          else if ('inert' in want) seen.inert++;
          else if (want.listed.length > 0) seen.listed++;
        }
      } finally {
        closeSync(fd);
      }
    }
  } finally {
    cleanup();
  }
  // Every answer must have been given often, or the comparison proves little.
  assert.ok(seen.inert > 300 && seen.listed > 300 && seen.full > 100, JSON.stringify(seen));
});

test('listed candidates answer as the search does: the first listed line at or after a place, within the body', () => {
  // Segment at 1000; lines listed at 1010, 1050 and 1200 (file offsets); a body at 1040 of 100 bytes.
  const listed = new ListedCandidates(Int32Array.from([10, 50, 200]), 1000);
  assert.equal(listed.next(0, 1040, 100), 10);
  assert.equal(listed.next(11, 1040, 100), -1); // 1200 is past the body's end
  assert.equal(listed.next(0, 1150, 100), 50);
});

test('the board: a segment taken by the reader is not scanned; one scanned is waited for and read back', () => {
  const board = new SegmentBoard(5);
  assert.equal(board.arrive(1), undefined);
  assert.equal(board.claim(1), false);
  assert.equal(board.claim(2), true);
  board.publish(2, { inert: { lines: 7, truncated: 1, resume: 12345 } });
  assert.deepEqual(board.arrive(2), { inert: { lines: 7, truncated: 1, resume: 12345 } });
  assert.equal(board.claim(3), true);
  board.listOf(3).set([5, 9]);
  board.publish(3, { listed: 2 });
  assert.deepEqual(board.arrive(3), { listed: Int32Array.from([5, 9]) });
  // Not begun: the reader takes it, and the scanner then leaves it.
  assert.equal(board.arrive(0), undefined);
  assert.equal(board.claim(0), false);
  assert.equal(board.claim(4), true);
  board.publish(4, undefined);
  assert.equal(board.arrive(4), undefined);
  assert.equal(board.arrive(9), undefined);
});
