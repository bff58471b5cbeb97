// A large file's byte ranges (segments) scanned by a second thread, so that on two cores the
// search for candidate lines (candidate-lines.ts) is shared. The reader goes forward from the
// start; the scanning thread (segment-scan-worker.ts) goes backward from the end, and they meet
// wherever their speeds take them. For each segment it scanned, the reader then gets:
//   - the segment's candidate lines, found as the reader's own search would find them (the first
//     line at or after a place that holds a marker), so it reads the segment without searching;
//   - or, when no line ending in the segment holds a marker, the segment's count of lines: a
//     reader between records jumps over it (a line without a marker changes nothing but the
//     count), so a log of application lines is read at twice the speed.
// A segment with more candidates than a list holds is searched by the reader as before. Every
// event and statistic is what reading every byte gives (test/readers/segment-skip-differential).
//
// The board is shared memory: each segment's state moves FREE → SCANNING → DONE (the scanner) or
// FREE → TAKEN (the reader, which then searches it itself); nothing waits on a message.

import { readSync } from 'node:fs';
import { CandidateFinder } from './candidate-lines';

/** Bytes per segment: a stretch of application lines shorter than two of them is never skipped. */
export const SEGMENT_BYTES = 4 << 20;
/** Candidate lines a segment's list holds at most: a denser segment is searched by the reader (a line in 500 bytes). */
const MAX_LISTED = 8192;
/** Listed lines over all segments at most (16 MB of address space; pages never written cost no memory): a file of 10 GB lists 1,600 a segment. */
const LISTED_BUDGET = 4 << 20;

const FREE = 0;
const SCANNING = 1;
const DONE = 2;
const TAKEN = 3;
/** What a scan found. */
const SEARCH_IT = 0;
const INERT = 1;
const LISTED = 2;
/** Per segment: the kind found, then for INERT newlines, cut lines, resume offset; for LISTED the count. */
const FIELDS = 4;
/**
 * How long the reader waits for a segment being scanned (a scan takes milliseconds) before it
 * searches the segment itself and stops waiting on the scanner at all: a scanner that died
 * mid-scan never publishes.
 */
const PATIENCE_MS = 1000;

/** What skipping a segment means for the reader: the lines it held, and where reading resumes. */
export interface InertSegment {
  /** Lines that end in the segment (its newlines), the line it began inside included. */
  lines: number;
  /** Of those, lines longer than the line limit (the reader's count of cut lines). */
  truncated: number;
  /** The offset after the segment's last newline: the start of the line the segment ends inside. */
  resume: number;
}

/** A scan's finding: inert, or the starts of the lines holding a marker among those whole in the segment. */
export type SegmentScan = { inert: InertSegment } | { listed: Int32Array } | undefined;

export class SegmentBoard {
  readonly buffer: SharedArrayBuffer;
  private readonly state: Int32Array;
  private readonly result: Float64Array;
  /** Per segment, `room` slots: line starts relative to the segment's start. */
  private readonly lists: Int32Array;
  private readonly room: number;
  private gaveUp = false;

  constructor(readonly count: number, buffer?: SharedArrayBuffer) {
    this.room = Math.max(1, Math.min(MAX_LISTED, Math.floor(LISTED_BUDGET / count)));
    const stateBytes = Math.ceil((count * 4) / 8) * 8;
    const resultBytes = count * FIELDS * 8;
    this.buffer = buffer ?? new SharedArrayBuffer(stateBytes + resultBytes + count * this.room * 4);
    this.state = new Int32Array(this.buffer, 0, count);
    this.result = new Float64Array(this.buffer, stateBytes, count * FIELDS);
    this.lists = new Int32Array(this.buffer, stateBytes + resultBytes, count * this.room);
  }

  /**
   * The reader at the start of segment `s`: what the scanner found, or undefined (the reader
   * searches it). A segment being scanned is waited for, one not yet begun is taken from the scanner.
   */
  arrive(s: number): SegmentScan {
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
    if (r[o] === INERT) return { inert: { lines: r[o + 1], truncated: r[o + 2], resume: r[o + 3] } };
    if (r[o] === LISTED) return { listed: this.lists.subarray(s * this.room, s * this.room + r[o + 1]) };
    return undefined;
  }

  /** The scanner: whether segment `s` is still its to scan. */
  claim(s: number): boolean {
    return Atomics.compareExchange(this.state, s, FREE, SCANNING) === FREE;
  }

  /** The scanner: the list to fill for segment `s`. */
  listOf(s: number): Int32Array {
    return this.lists.subarray(s * this.room, (s + 1) * this.room);
  }

  /** The scanner: segment `s` scanned (a list, filled in listOf(s), given by its length). */
  publish(s: number, found: { inert: InertSegment } | { listed: number } | undefined): void {
    const r = this.result;
    const o = s * FIELDS;
    if (found && 'inert' in found) {
      r[o] = INERT;
      r[o + 1] = found.inert.lines;
      r[o + 2] = found.inert.truncated;
      r[o + 3] = found.inert.resume;
    } else if (found) {
      r[o] = LISTED;
      r[o + 1] = found.listed;
    } else r[o] = SEARCH_IT;
    Atomics.store(this.state, s, DONE);
    Atomics.notify(this.state, s);
  }
}

/** The segments of a file of `size` bytes: each `segment` bytes, the last one shorter. */
export function segmentCount(size: number, segment: number): number {
  return Math.ceil(size / segment);
}

/**
 * A segment's listed candidate lines as the reader's search: in a body of lines at file offset
 * `at`, the first listed line start at or after `pos`, or -1. Places asked for only grow.
 */
export class ListedCandidates {
  private i = 0;

  constructor(private readonly list: Int32Array, private readonly segmentStart: number) {}

  next(pos: number, at: number, bodyLength: number): number {
    const want = at + pos - this.segmentStart;
    const { list } = this;
    while (this.i < list.length && list[this.i] < want) this.i++;
    if (this.i === list.length) return -1;
    const c = list[this.i] + this.segmentStart - at;
    return c < bodyLength ? c : -1;
  }
}

/** First look this far back for the start of the line a segment begins inside. */
const LOOK_BACK = 4096;

/**
 * Scans segments of one open file for the scanning thread: one buffer, reused. `maxLine` is the
 * reader's limit (line-source.ts): a longer line is cut, and counted.
 */
export class SegmentScanner {
  private readonly finder = new CandidateFinder();
  private readonly buf: Buffer;

  constructor(private readonly fd: number, private readonly fileSize: number, private readonly segment: number, private readonly maxLine: number) {
    this.buf = Buffer.allocUnsafe(segment + maxLine + 1);
  }

  /**
   * Segment `s`: inert, or its candidate lines written to `list` (their count returned), or
   * undefined when they are more than the list holds or the file is shorter than it was.
   */
  scan(s: number, list: Int32Array): { inert: InertSegment } | { listed: number } | undefined {
    const a = s * this.segment;
    const b = Math.min(this.fileSize, a + this.segment);
    if (a <= 0 || a >= b) return undefined;
    const { buf } = this;
    // buf[0] is the file's byte at `origin`: the start of the line holding `a` when it is near,
    // else `a` itself (that line then is too long to be skipped over, and is not listed anyway).
    const lineStart = this.lineStartBefore(a);
    const origin = lineStart < 0 ? a : lineStart;
    const back = a - origin;
    const end = back + (b - a);
    if (!this.readInto(origin, 0, end)) return undefined;
    const first = buf.indexOf(10, back);
    if (first < 0 || first >= end) return lineStart < 0 ? undefined : this.noLines();
    const last = buf.lastIndexOf(10, end - 1);
    // The lines whole in the segment, [first + 1, last): the ones the reader's search goes over.
    const whole = buf.subarray(0, last);
    let n = 0;
    for (let pos = first + 1; pos < last; ) {
      const m = this.finder.find(whole, pos);
      if (m < 0 || m >= last) break;
      if (n === list.length) return undefined;
      const start = buf.lastIndexOf(10, m) + 1;
      list[n++] = origin + start - a;
      pos = buf.indexOf(10, m) + 1;
    }
    if (n > 0 || lineStart < 0 || this.finder.find(buf.subarray(0, first), 0) >= 0) return { listed: n };
    return { inert: this.counted(first, last, origin) };
  }

  /** A segment without a newline: nothing of it is whole, nothing to list. */
  private noLines(): { listed: number } {
    return { listed: 0 };
  }

  /** An inert segment's lines: its newlines, those longer than the limit, and where the last one ends. */
  private counted(first: number, last: number, origin: number): InertSegment {
    const { buf } = this;
    let lines = 0;
    let truncated = 0;
    let from = 0;
    for (let nl = first; nl >= 0 && nl <= last; nl = buf.indexOf(10, nl + 1)) {
      lines++;
      if (nl - from > this.maxLine) truncated++;
      from = nl + 1;
    }
    return { lines, truncated, resume: origin + last + 1 };
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
