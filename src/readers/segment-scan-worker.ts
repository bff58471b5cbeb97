// The scanning thread of segment-scan.ts: the segments of one file from the last back to
// `first`, each published on the shared board, until it meets the reader coming forward (which
// has taken the segment this thread would scan next: every one before it is the reader's too).
// The file descriptor is the reader's own (threads share a process's descriptors): the same file
// even if the path is rotated meanwhile.

import { workerData } from 'node:worker_threads';
import { SegmentBoard, SegmentScanner } from './segment-scan';

export interface SegmentScanSpec {
  fd: number;
  fileSize: number;
  segment: number;
  maxLine: number;
  first: number;
  board: SharedArrayBuffer;
  count: number;
}

const spec = workerData as SegmentScanSpec;
const board = new SegmentBoard(spec.count, spec.board);
const scanner = new SegmentScanner(spec.fd, spec.fileSize, spec.segment, spec.maxLine);

for (let s = spec.count - 1; s >= spec.first; s--) {
  if (!board.claim(s)) break;
  let found;
  try {
    found = scanner.scan(s, board.listOf(s));
  } catch {
    // A read that fails here fails the reader too, which reports it: this segment is its to search.
    found = undefined;
  }
  board.publish(s, found);
}
