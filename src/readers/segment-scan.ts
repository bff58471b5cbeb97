// A large file's byte ranges (segments) scanned ahead by a second thread, so that on two cores a
// log of application lines is read at twice the speed. Between records, a line without a
// candidate marker costs the reader nothing but its newline (candidate-lines.ts); a segment whose
// every line is such a line therefore changes nothing but the line count. The scanning thread
// (segment-scan-worker.ts) says of a segment whether it is one, with its count of lines, and the
// reader, when it reaches the segment between records, jumps over it. It never says more than
// that: a segment with a record in it is read by the reader as before, so every event and every
// statistic is what reading every byte gives.
//
// The board is shared memory: each segment's state moves FREE → SCANNING → DONE (the scanner) or
// FREE → TAKEN (the reader, which then reads it itself); nothing waits on a message.

import { readSync } from 'node:fs';
import { CandidateFinder } from './candidate-lines';

/** Bytes per segment: a stretch of application lines shorter than two of them is read as before. */
export const SEGMENT_BYTES = 4 << 20;

const FREE = 0;
const SCANNING = 1;
const DONE = 2;
const TAKEN = 3;
/** Per segment: inert (1 or 0), newlines, lines cut to the line limit, offset after the last newline. */
const FIELDS = 4;
/**
 * How long the reader waits for a segment being scanned (a scan takes milliseconds) before it
 * reads the segment itself and stops waiting on the scanner at all: a scanner that died mid-scan
 * never publishes.
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

export class SegmentBoard {
  readonly buffer: SharedArrayBuffer;
  private readonly state: Int32Array;
  private readonly result: Float64Array;
  private gaveUp = false;

  constructor(readonly count: number, buffer?: SharedArrayBuffer) {
    const stateBytes = Math.ceil((count * 4) / 8) * 8;
    this.buffer = buffer ?? new SharedArrayBuffer(stateBytes + count * FIELDS * 8);
    this.state = new Int32Array(this.buffer, 0, count);
    this.result = new Float64Array(this.buffer, stateBytes, count * FIELDS);
  }

  /**
   * The reader at the start of segment `s`: the segment when the scanner found it inert, else
   * undefined (the reader reads it). A segment being scanned is waited for, one not yet begun is
   * taken from the scanner.
   */
  arrive(s: number): InertSegment | undefined {
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
    return r[o] === 1 ? { lines: r[o + 1], truncated: r[o + 2], resume: r[o + 3] } : undefined;
  }

  /** The reader at the start of segment `s`, inside a record: it reads the segment, so the scanner need not. */
  take(s: number): void {
    if (s < this.count) Atomics.compareExchange(this.state, s, FREE, TAKEN);
  }

  /** The scanner: whether segment `s` is still its to scan. */
  claim(s: number): boolean {
    return Atomics.compareExchange(this.state, s, FREE, SCANNING) === FREE;
  }

  /** The scanner: segment `s` scanned (`inert` undefined: it holds a candidate, or could not be read whole). */
  publish(s: number, inert: InertSegment | undefined): void {
    const r = this.result;
    const o = s * FIELDS;
    r[o] = inert ? 1 : 0;
    if (inert) {
      r[o + 1] = inert.lines;
      r[o + 2] = inert.truncated;
      r[o + 3] = inert.resume;
    }
    Atomics.store(this.state, s, DONE);
    Atomics.notify(this.state, s);
  }
}

/** The segments of a file of `size` bytes: each `segment` bytes, the last one shorter. */
export function segmentCount(size: number, segment: number): number {
  return Math.ceil(size / segment);
}

/** Bytes read at a time: a segment is scanned in pieces, so the scanning thread holds one piece. */
const PIECE = 256 * 1024;
/** Bytes a piece repeats of the one before: more than the longest marker, so none is cut in two. */
const OVERLAP = 64;
/** First look this far back for the start of the line a segment begins inside. */
const LOOK_BACK = 4096;

/**
 * Scans segments of one open file for the scanning thread. `maxLine` is the reader's limit
 * (line-source.ts): a longer line is cut, and counted.
 */
export class SegmentScanner {
  private readonly finder = new CandidateFinder();
  private readonly buf: Buffer;

  /** `piece`: bytes read at a time (the tests use small ones). */
  constructor(private readonly fd: number, private readonly fileSize: number, private readonly segment: number, private readonly maxLine: number, private readonly piece = PIECE) {
    this.buf = Buffer.allocUnsafe(OVERLAP + piece);
  }

  /**
   * Segment `s` when no line ending in it holds a candidate marker, else undefined. A marker on
   * the line the segment ends inside counts too (that line is the next segment's): a segment is
   * never called inert that is not, at worst one is read that could have been skipped.
   */
  scan(s: number): InertSegment | undefined {
    const a = s * this.segment;
    const b = Math.min(this.fileSize, a + this.segment);
    if (a <= 0 || a >= b) return undefined;
    const lineStart = this.lineStartBefore(a);
    if (lineStart < 0) return undefined;
    const { buf } = this;
    let lines = 0;
    let truncated = 0;
    let lineFrom = lineStart;
    let lastNewline = -1;
    let carried = 0;
    for (let at = lineStart; at < b; ) {
      const n = Math.min(this.piece, b - at);
      if (!this.readInto(at, OVERLAP, n)) return undefined;
      // The search starts in the bytes repeated from the piece before: a marker across the two is whole.
      if (this.finder.find(buf.subarray(OVERLAP - carried, OVERLAP + n), 0) >= 0) return undefined;
      for (let i = buf.indexOf(10, OVERLAP); i >= 0 && i < OVERLAP + n; i = buf.indexOf(10, i + 1)) {
        const offset = at + i - OVERLAP;
        // Only lines that end in the segment are the segment's: the one it begins inside included.
        if (offset >= a) {
          lines++;
          if (offset - lineFrom > this.maxLine) truncated++;
          lastNewline = offset;
        }
        lineFrom = offset + 1;
      }
      carried = Math.min(OVERLAP, n);
      buf.copyWithin(OVERLAP - carried, OVERLAP + n - carried, OVERLAP + n);
      at += n;
    }
    if (lastNewline < 0) return undefined; // no newline in the segment: one line runs through it
    return { lines, truncated, resume: lastNewline + 1 };
  }

  /** Where the line holding byte `a` starts, or -1 when it began more than the line limit before `a`. */
  private lineStartBefore(a: number): number {
    const limit = Math.max(0, a - this.maxLine - 1);
    for (let end = a, span = Math.min(LOOK_BACK, this.piece); end > limit; span = this.piece) {
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
