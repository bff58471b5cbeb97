// The segment scan (readers/segment-scan.ts) against the plain definition, on random files. The
// lines whole in a segment (after its first newline, up to its last) that hold a marker are
// listed by their starts, each with the segment's newlines before it; the facts say whether the
// line the segment begins inside holds a marker, how many newlines the segment has, and where its
// last line starts. No map when the list would overflow, a line is longer than the limit (the
// line the segment begins inside included), or the segment has no newline. Small segments, lists
// and line limits, so lines cross segments, lists fill up and lines are too long.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CANDIDATE_MARKERS } from '../../src/readers/candidate-lines';
import { SegmentBoard, SegmentMap, SegmentScanner } from '../../src/readers/segment-scan';
import { tempDir } from './read-log';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const hasMarker = (bytes: Buffer) => CANDIDATE_MARKERS.some((m) => bytes.indexOf(m) >= 0);

interface Map {
  pairs: number[];
  headClean: boolean;
  newlines: number;
  tail: number;
}

function reference(buf: Buffer, a: number, b: number, maxLine: number, room: number): Map | undefined {
  const lineStart = buf.lastIndexOf(10, a - 1) + 1;
  const newlines: number[] = [];
  for (let i = a; i < b; i++) if (buf[i] === 10) newlines.push(i);
  if (newlines.length === 0) return undefined;
  if (newlines[0] - lineStart > maxLine) return undefined;
  const pairs: number[] = [];
  for (let k = 0; k + 1 < newlines.length; k++) {
    const start = newlines[k] + 1;
    if (newlines[k + 1] - start > maxLine) return undefined;
    if (hasMarker(buf.subarray(start, newlines[k + 1]))) pairs.push(start - a, k + 1);
  }
  if (pairs.length / 2 > room) return undefined;
  return { pairs, headClean: !hasMarker(buf.subarray(lineStart, newlines[0])), newlines: newlines.length, tail: newlines[newlines.length - 1] + 1 - a };
}

test('the segment scan maps a segment exactly as the plain definition', () => {
  const words = ['app: request done ', 'GET /healthz ', 'x'.repeat(40), '\r', ' ', 'Traceback', 'heduler', 'Running job "', 'Job "', '\x1b[', 'Booting worker', 'hedule', 'Tracebac'];
  const { dir, cleanup } = tempDir();
  const seen = { clean: 0, listed: 0, none: 0 };
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
      const maxLine = 150 + Math.floor(rand() * 400);
      const room = 1 + Math.floor(rand() * 12);
      const fd = openSync(path, 'r');
      try {
        const scanner = new SegmentScanner(fd, buf.length, segment, maxLine);
        for (let s = 1; s * segment < buf.length; s++) {
          const list = new Int32Array(2 * room);
          const facts = scanner.scan(s, list);
          const got: Map | undefined = facts && { pairs: [...list.subarray(0, 2 * facts.listed)], headClean: facts.headClean, newlines: facts.newlines, tail: facts.tail };
          const want = reference(buf, s * segment, Math.min(buf.length, (s + 1) * segment), maxLine, room);
          assert.deepEqual(got, want, `file ${seed}, segment ${s} (segment ${segment}, line limit ${maxLine}, list of ${room})`);
          if (!want) seen.none++;
          else if (want.pairs.length > 0) seen.listed++;
          else if (want.headClean) seen.clean++;
        }
      } finally {
        closeSync(fd);
      }
    }
  } finally {
    cleanup();
  }
  // Every answer must have been given often, or the comparison proves little.
  assert.ok(seen.clean > 300 && seen.listed > 300 && seen.none > 100, JSON.stringify(seen));
});

test('a map answers the search (the first listed line at or after a place, within the body) and says where to go on unread', () => {
  // Segment at 1000, newlines: 3 before the line at 1010, 5 before 1050, 9 before 1200; 12 in all; last line at 1300.
  const facts = { listed: 3, headClean: true, newlines: 12, tail: 300 };
  const pairs = Int32Array.from([10, 3, 50, 5, 200, 9]);
  const search = new SegmentMap(1000, pairs, facts);
  assert.equal(search.next(0, 1040, 100), 10);
  assert.equal(search.next(11, 1040, 100), -1); // 1200 is past the body's end
  assert.equal(search.next(0, 1150, 100), 50);
  const jumps = new SegmentMap(1000, pairs, facts);
  assert.deepEqual(jumps.jump(1000, 0), { to: 1010, newlines: 3 }); // from the line the segment begins inside
  assert.equal(jumps.jump(1010, 3), undefined); // a listed line is read
  assert.deepEqual(jumps.jump(1020, 4), { to: 1050, newlines: 1 });
  assert.deepEqual(jumps.jump(1210, 10), { to: 1300, newlines: 2 }); // past the last listed: to the last line
  assert.equal(jumps.jump(1300, 12), undefined); // the last line runs on into the next segment
  assert.equal(new SegmentMap(1000, pairs, { ...facts, headClean: false }).jump(1000, 0), undefined);
});

test('the board: a segment taken by the reader is not scanned; one scanned is waited for and read back', () => {
  const board = new SegmentBoard(5);
  assert.equal(board.arrive(1, 100), undefined);
  assert.equal(board.claim(1), false);
  assert.equal(board.claim(2), true);
  board.listOf(2).set([5, 1, 9, 2]);
  board.publish(2, { listed: 2, headClean: true, newlines: 4, tail: 30 });
  const map = board.arrive(2, 200)!;
  assert.deepEqual(map.jump(200, 0), { to: 205, newlines: 1 });
  assert.equal(map.next(0, 209, 10), 0);
  assert.equal(board.claim(3), true);
  board.publish(3, undefined);
  assert.equal(board.arrive(3, 300), undefined);
  // Not begun: the reader takes it, and the scanner then leaves it.
  assert.equal(board.arrive(0, 0), undefined);
  assert.equal(board.claim(0), false);
  assert.equal(board.arrive(9, 900), undefined);
});
