// The scanning thread of segment-scan.ts: every other segment of one file, from `first` on, each
// published on the shared board. The reader reads the segments between (on two cores both
// threads scan at once), takes over any this thread has not begun, and waits for one it has.
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

for (let s = spec.first; s < spec.count; s += 2) {
  if (!board.claim(s)) continue;
  let inert;
  try {
    inert = scanner.scan(s);
  } catch {
    // A read that fails here fails the reader too, which reports it: this segment is its to read.
    inert = undefined;
  }
  board.publish(s, inert);
}
