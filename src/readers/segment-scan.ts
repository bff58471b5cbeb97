// A large file's byte ranges (segments) scanned by a second thread, so that on two cores the
// search for candidate lines (candidate-lines.ts) is shared. The reader goes forward from the
// start; the scanning thread (segment-scan-worker.ts) goes backward from the end, and they meet
// wherever their speeds take them. For each segment it scanned, the reader gets its map: the
// lines whole in it that hold a marker (found as the reader's own search would find them), each
// with the count of newlines before it, and the segment's count of newlines. Between records, a
// line without a marker changes nothing but the line count, so the reader, wherever it is
// between records, goes straight on to the next listed line (or to the segment's last line) and
// counts the lines between without reading them: a log of application lines is read at twice
// the speed, and a sparse one without a search. A segment with more candidates than its list
// holds, or with a line longer than the reader keeps, is searched by the reader as before.
// Every event and statistic is what reading every byte gives (test/readers/segment-skip-differential).
//
// The board is shared memory: each segment's state moves FREE → SCANNING → DONE (the scanner) or
// FREE → TAKEN (the reader, which then searches it itself); nothing waits on a message.

import { readSync } from 'node:fs';
import { CandidateFinder } from './candidate-lines';

/** Bytes per segment. */
export const SEGMENT_BYTES = 4 << 20;
/** Candidate lines a segment's list holds at most: a denser segment is searched by the reader (a line in 500 bytes). */
const MAX_LISTED = 8192;
/** Listed lines over all segments at most (32 MB of address space; pages never written cost no memory): a file of 10 GB lists 1,600 a segment. */
const LISTED_BUDGET = 4 << 20;

const FREE = 0;
const SCANNING = 1;
const DONE = 2;
const TAKEN = 3;
/** Per segment: mapped (1) or not (0), listed lines, head line clean (1 or 0), newlines, tail. */
const FIELDS = 5;
/**
 * How long the reader waits for a segment being scanned (a scan takes milliseconds) before it
 * searches the segment itself and stops waiting on the scanner at all: a scanner that died
 * mid-scan never publishes.
 */
const PATIENCE_MS = 1000;

/** What a scan found of a segment, relative to its start. */
export interface SegmentFacts {
  /** Lines listed in the board's list: [start, newlines before it] pairs. */
  listed: number;
  /** The line the segment begins inside holds no marker. */
  headClean: boolean;
  /** Newlines in the segment. */
  newlines: number;
  /** After the segment's last newline: the start of its last line, which runs on into the next. */
  tail: number;
}

export class SegmentBoard {
  readonly buffer: SharedArrayBuffer;
  private readonly state: Int32Array;
  private readonly result: Float64Array;
  /** Per segment, `room` pairs: a listed line's start and the newlines before it, relative to the segment's start. */
  private readonly lists: Int32Array;
  private readonly room: number;
  private gaveUp = false;

  constructor(readonly count: number, buffer?: SharedArrayBuffer) {
    this.room = Math.max(1, Math.min(MAX_LISTED, Math.floor(LISTED_BUDGET / count)));
    const stateBytes = Math.ceil((count * 4) / 8) * 8;
    const resultBytes = count * FIELDS * 8;
    this.buffer = buffer ?? new SharedArrayBuffer(stateBytes + resultBytes + count * this.room * 8);
    this.state = new Int32Array(this.buffer, 0, count);
    this.result = new Float64Array(this.buffer, stateBytes, count * FIELDS);
    this.lists = new Int32Array(this.buffer, stateBytes + resultBytes, count * this.room * 2);
  }

  /**
   * The reader at the start of segment `s` (its file offset `start`): the segment's map, or
   * undefined (the reader searches it). A segment being scanned is waited for, one not yet begun
   * is taken from the scanner.
   */
  arrive(s: number, start: number): SegmentMap | undefined {
    if (s >= this.count) return undefined;
    const { state } = this;
    if (Atomics.compareExchange(state, s, FREE, TAKEN) === FREE) return undefined;
    const until = Date.now() + PATIENCE_MS;
    while (Atomics.load(state, s) === SCANNING) {
      const left = until - Date.now();
      if (left <= 0 || this.gaveUp) {
        this.gaveUp = true;
        return undefined;
      }
      Atomics.wait(state, s, SCANNING, left);
    }
    if (Atomics.load(state, s) !== DONE) return undefined;
    const r = this.result;
    const o = s * FIELDS;
    if (r[o] !== 1) return undefined;
    const facts: SegmentFacts = { listed: r[o + 1], headClean: r[o + 2] === 1, newlines: r[o + 3], tail: r[o + 4] };
    return new SegmentMap(start, this.listOf(s).subarray(0, 2 * facts.listed), facts);
  }

  /** The scanner: whether segment `s` is still its to scan. */
  claim(s: number): boolean {
    return Atomics.compareExchange(this.state, s, FREE, SCANNING) === FREE;
  }

  /** The list to fill for segment `s` (pairs). */
  listOf(s: number): Int32Array {
    return this.lists.subarray(s * this.room * 2, (s + 1) * this.room * 2);
  }

  /** The scanner: segment `s` scanned (its list filled in listOf(s)), or undefined: the reader searches it. */
  publish(s: number, facts: SegmentFacts | undefined): void {
    const r = this.result;
    const o = s * FIELDS;
    r[o] = facts ? 1 : 0;
    if (facts) {
      r[o + 1] = facts.listed;
      r[o + 2] = facts.headClean ? 1 : 0;
      r[o + 3] = facts.newlines;
      r[o + 4] = facts.tail;
    }
    Atomics.store(this.state, s, DONE);
    Atomics.notify(this.state, s);
  }
}

/** The segments of a file of `size` bytes: each `segment` bytes, the last one shorter. */
export function segmentCount(size: number, segment: number): number {
  return Math.ceil(size / segment);
}

/** A segment's map as the reader uses it. Offsets asked about only grow. */
export class SegmentMap {
  private found = 0;
  private jumped = 0;
  private readonly count: number;

  constructor(readonly start: number, private readonly pairs: Int32Array, private readonly facts: SegmentFacts) {
    this.count = pairs.length / 2;
  }

  /**
   * The reader's search in a body of lines at file offset `at`: the first listed line start at or
   * after `pos`, or -1.
   */
  next(pos: number, at: number, bodyLength: number): number {
    const want = at + pos - this.start;
    const { pairs } = this;
    while (this.found < this.count && pairs[2 * this.found] < want) this.found++;
    if (this.found === this.count) return -1;
    const c = pairs[2 * this.found] + this.start - at;
    return c < bodyLength ? c : -1;
  }

  /**
   * A reader between records, whose next line starts at file offset `line` (or, at the segment's
   * start, is the line the segment begins inside) after `before` of the segment's newlines:
   * where it may go on without reading (the next listed line, or the segment's last line) and
   * the newlines it passes; undefined when the line itself must be read.
   */
  jump(line: number, before: number): { to: number; newlines: number } | undefined {
    const rel = line - this.start;
    const { pairs, facts } = this;
    if (rel <= 0 ? !facts.headClean : rel >= facts.tail) return undefined;
    while (this.jumped < this.count && pairs[2 * this.jumped] < rel) this.jumped++;
    if (this.jumped < this.count && pairs[2 * this.jumped] === rel) return undefined;
    const to = this.jumped < this.count ? pairs[2 * this.jumped] : facts.tail;
    const newlines = this.jumped < this.count ? pairs[2 * this.jumped + 1] : facts.newlines;
    return { to: this.start + to, newlines: newlines - before };
  }
}

/** First look this far back for the start of the line a segment begins inside. */
const LOOK_BACK = 4096;

/**
 * Scans segments of one open file for the scanning thread: one buffer, reused. `maxLine` is the
 * reader's limit (line-source.ts): a segment with a longer line is left to the reader, which counts
 * cut lines as it reads them.
 */
export class SegmentScanner {
  private readonly finder = new CandidateFinder();
  private readonly buf: Buffer;

  constructor(private readonly fd: number, private readonly fileSize: number, private readonly segment: number, private readonly maxLine: number) {
    this.buf = Buffer.allocUnsafe(segment + maxLine + 1);
  }

  /**
   * Segment `s`'s facts, its candidate lines written to `list` as pairs; undefined when they are
   * more than the list holds, a line is longer than the limit, the segment holds no newline, or
   * the file is shorter than it was.
   */
  scan(s: number, list: Int32Array): SegmentFacts | undefined {
    const a = s * this.segment;
    const b = Math.min(this.fileSize, a + this.segment);
    if (a <= 0 || a >= b) return undefined;
    const { buf, maxLine } = this;
    // buf[0] is the file's byte at the start of the line holding `a`.
    const lineStart = this.lineStartBefore(a);
    if (lineStart < 0) return undefined;
    const back = a - lineStart;
    const end = back + (b - a);
    if (!this.readInto(lineStart, 0, end)) return undefined;
    const first = buf.indexOf(10, back);
    if (first < 0 || first >= end) return undefined;
    const last = buf.lastIndexOf(10, end - 1);
    if (first > maxLine) return undefined;
    const headClean = this.finder.find(buf.subarray(0, first), 0) < 0;
    // The lines whole in the segment, [first + 1, last]: the ones the reader's search goes over.
    const whole = buf.subarray(0, last);
    let newlines = 1;
    let n = 0;
    let pos = first + 1;
    for (;;) {
      const m = this.finder.find(whole, pos);
      const start = m < 0 ? last + 1 : buf.lastIndexOf(10, m) + 1;
      // Newlines up to the candidate's line (or the segment's last one), each line within the limit.
      let from = pos;
      for (let nl = buf.indexOf(10, pos); nl >= 0 && nl < start; nl = buf.indexOf(10, nl + 1)) {
        if (nl - from > maxLine) return undefined;
        newlines++;
        from = nl + 1;
      }
      if (m < 0) break;
      if (2 * n + 1 >= list.length) return undefined;
      list[2 * n] = start - back;
      list[2 * n + 1] = newlines;
      n++;
      const nl = buf.indexOf(10, m);
      if (nl - start > maxLine) return undefined;
      newlines++;
      pos = nl + 1;
      if (pos > last) break;
    }
    return { listed: n, headClean, newlines, tail: last + 1 - back };
  }

  /** Where the line holding byte `a` starts, or -1 when it began more than the line limit before `a`. */
  private lineStartBefore(a: number): number {
    const limit = Math.max(0, a - this.maxLine - 1);
    for (let end = a, span = LOOK_BACK; end > limit; span = this.segment) {
      const from = Math.max(limit, end - span);
      if (!this.readInto(from, 0, end - from)) return -1;
      const nl = this.buf.lastIndexOf(10, end - from - 1);
      if (nl >= 0) return from + nl + 1;
      end = from;
    }
    return limit === 0 ? 0 : -1;
  }

  /** Bytes [position, position + length) of the file at buf[at]; false when the file has fewer. */
  private readInto(position: number, at: number, length: number): boolean {
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, this.buf, at + done, length - done, position + done);
      if (n === 0) return false;
      done += n;
    }
    return true;
  }
}
