// A large regular file read in segments, with a second thread that maps them (segment-scan.ts):
// the reader's side. Chunks come as line-source.ts reads them, and, in a segment the scanning
// thread mapped, the lines a reader between records need not read come as their count.

import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Worker } from 'node:worker_threads';
import { startWorkerBeside } from '../model/worker-start';
import { countNewlines } from './candidate-lines';
import { SegmentBoard, SegmentMap, SegmentScanner, segmentCount } from './segment-scan';
import type { SegmentScanSpec } from './segment-scan-worker';

/**
 * How a reader lets a large file's lines that cannot matter go unread (segment-scan.ts). Asked
 * before a read, after the reader has taken every block before it.
 */
export interface SegmentSkipping {
  /** Whether the reader is between records: a line without a candidate marker would change nothing. */
  quiet(): boolean;
  /** Whether a scanning thread is worth its start: the reader finds candidates sparse. */
  sparse(): boolean;
  /** Bytes per segment (default segment-scan's SEGMENT_BYTES; the tests use small ones, in any thread). */
  segment?: number;
  /** Tests: each segment scanned in this thread as the reader reaches it, so every segment is mapped. */
  scanHere?: boolean;
  /** Tests: bytes a read takes (default 128 KiB), so that reads end inside small segments. */
  chunk?: number;
}

/** A chunk of a segment the scanning thread mapped: its file offset, and the segment's map. */
export interface PlacedChunk {
  bytes: Buffer;
  at: number;
  map: SegmentMap;
}

/**
 * Lines a reader went past unread: none held a candidate marker, and the reader was between
 * records. None is longer than MAX_LINE (a segment with such a line is not mapped): none was cut.
 */
export interface SkippedLines {
  skipped: number;
}

/**
 * A file's chunks (`readBytes` each) by blocking reads, reads stopping at segment starts. In a
 * segment the scanning thread mapped, before each read the reader is asked whether it is between
 * records: if so, the lines up to the next listed one (or the segment's last line) are counted,
 * not read; the chunks that are read come with the map, which answers the reader's search.
 * The scanning thread starts at the first segment start where the reader is between records and
 * finds candidates sparse.
 */
export async function* segmentedChunks(handle: FileHandle, size: number, segment: number, skipping: SegmentSkipping, readBytes: number, maxLine: number): AsyncGenerator<Buffer | PlacedChunk | SkippedLines> {
  const count = segmentCount(size, segment);
  const board = new SegmentBoard(count);
  const here = skipping.scanHere ? new SegmentScanner(handle.fd, size, segment, maxLine) : undefined;
  const chunk = skipping.chunk ?? readBytes;
  let scanner: Worker | null | undefined;
  let map: SegmentMap | undefined;
  // In a mapped segment: where the line being read began, and the segment's newlines before it.
  let lineStart = 0;
  let before = 0;
  let read = chunk;
  let pos = 0;
  try {
    for (;;) {
      const s = pos / segment;
      if (s > 0 && s < count && Number.isInteger(s)) {
        if (scanner === undefined && !here && s + 1 < count && skipping.quiet() && skipping.sparse()) scanner = startScanner({ fd: handle.fd, fileSize: size, segment, maxLine, first: s + 1, board: board.buffer, count });
        map = here ? mappedHere(here, board, s, pos) : board.arrive(s, pos);
        lineStart = pos;
        before = 0;
      }
      if (map && skipping.quiet()) {
        const jump = map.jump(lineStart, before);
        // A jump always lands past what was read (the next line start after a partial line's):
        // one that would not is read instead, so that nothing can loop.
        if (jump && jump.to > pos) {
          // The line begun before the jump ends among the lines jumped over: it is counted with them.
          yield { skipped: jump.newlines };
          pos = lineStart = jump.to;
          before += jump.newlines;
          // A listed line is followed by a record's few lines, then the reader jumps again.
          read = Math.min(JUMP_READ, chunk);
          continue;
        }
      }
      const boundary = (Math.floor(pos / segment) + 1) * segment;
      const length = boundary < size ? Math.min(read, boundary - pos) : read;
      read = chunk;
      const buf = Buffer.allocUnsafe(length);
      const n = readSync(handle.fd, buf, 0, length, pos);
      if (n === 0) return;
      const bytes = n === length ? buf : buf.subarray(0, n);
      if (map) {
        const last = bytes.lastIndexOf(10);
        if (last >= 0) {
          before += countNewlines(bytes, 0, last + 1);
          lineStart = pos + last + 1;
        }
        yield { bytes, at: pos, map };
      } else yield bytes;
      pos += n;
    }
  } finally {
    if (scanner) await scanner.terminate();
    await handle.close();
  }
}

/** Bytes read after a jump: the listed line and what follows it, not a whole chunk. */
const JUMP_READ = 16 * 1024;

/** The tests' scan in this thread, as the scanning thread would publish it. */
function mappedHere(scanner: SegmentScanner, board: SegmentBoard, s: number, start: number): SegmentMap | undefined {
  const list = board.listOf(s);
  const facts = scanner.scan(s, list);
  return facts && new SegmentMap(start, list.subarray(0, 2 * facts.listed), facts);
}

/** The scanning thread, or null when none can be started (the reader then searches every segment itself). */
function startScanner(spec: SegmentScanSpec): Worker | null {
  let worker: Worker;
  try {
    // It allocates next to nothing (one segment's buffer, made once): a small young generation is its memory.
    worker = startWorkerBeside(__dirname, 'segment-scan-worker', __filename, { workerData: spec, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
  } catch {
    return null;
  }
  // A scanner that fails leaves its segments unpublished: the reader stops waiting and reads them.
  worker.on('error', () => {});
  return worker;
}

