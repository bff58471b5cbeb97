// Byte streams to lines: files, gzip (detected by its magic bytes, whatever the name), stdin,
// named pipes. Lines are handed over in batches per chunk, so the per-line cost is a string
// slice, not a promise. Lines are cut on bytes (a newline byte never sits inside a UTF-8
// character), so a line spanning many chunks costs time linear in its length: its pieces are
// kept as Buffers and decoded once, and only the first MAX_LINE bytes of it are kept at all.
// Memory holds one chunk and at most MAX_LINE bytes of a partial line.

import { promises as fs, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { isMainThread } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import { describeFsError, UserError } from '../model/errors';
import { SEGMENT_BYTES, type SegmentMap } from './segment-scan';
import { segmentedChunks, type PlacedChunk, type SegmentSkipping, type SkippedLines } from './segmented-file';

export interface LineBatch {
  /** Line number of lines[0]. */
  firstLine: number;
  lines: string[];
  /** Lines of this batch cut to MAX_LINE bytes. */
  truncated?: number;
}

// 128 KiB: a chunk is one batch of events, alive until it is encoded and posted, so its objects
// are what a young-generation collection finds alive and copies. Against 1 MiB, measured on the
// 256 MiB bench log: peak RSS 205-245 MB instead of 256-306 MB, the wall time within the noise.
const CHUNK = 1 << 17;
/**
 * What is kept of one line. No APScheduler record is this long (a job's repr and a traceback's
 * first line); a longer line is an application's, read for its head only, so one huge line costs
 * its bytes' scan and never its bytes' memory.
 */
export const MAX_LINE = 1 << 20;
/** How long a named pipe may wait for its writer before the user is told. */
const FIFO_NOTICE_MS = 1000;

/**
 * The bytes of a path, opened once: a named pipe is never probed and reopened (a probe's close
 * would end the writer with SIGPIPE, and a second open would wait for a writer that is gone).
 */
export async function openBytes(path: string, skipping?: SegmentSkipping): Promise<AsyncIterable<Buffer | PlacedChunk | SkippedLines>> {
  if (path === '-') return process.stdin;
  let stat;
  try {
    stat = await fs.stat(path);
  } catch (err) {
    const link = await fs.lstat(path).catch(() => undefined);
    if (link?.isSymbolicLink()) throw new UserError(`cannot read ${path}: a symbolic link to nothing (its target ${await fs.readlink(path).catch(() => '?')} does not exist)`);
    throw new UserError(`cannot read ${path}: ${describeFsError(err)}`);
  }
  if (stat.isDirectory()) throw new UserError(`cannot read ${path}: it is a directory (pass the log files inside it)`);
  if (stat.isSocket()) throw new UserError(`cannot read ${path}: it is a socket, not a file (pipe its output to sched-doctor with -)`);
  const notice = stat.isFIFO()
    ? setTimeout(() => process.stderr.write(`sched-doctor: waiting for a writer on the named pipe ${path}\n`), FIFO_NOTICE_MS)
    : undefined;
  let handle;
  try {
    handle = await fs.open(path, 'r');
  } catch (err) {
    throw new UserError(`cannot read ${path}: ${describeFsError(err)}`);
  } finally {
    if (notice) clearTimeout(notice);
  }
  // A reader thread does nothing but read and parse: it reads a regular file with blocking reads,
  // each a system call, where a stream's read was a round trip through the thread pool and the
  // event loop (on a log of application lines the reader thread sat idle a fifth of the time).
  // The main thread keeps the stream: it must not block on a slow disk.
  if (stat.isFile() && skipping && (skipping.segment !== undefined || !isMainThread)) {
    const segment = skipping.segment ?? SEGMENT_BYTES;
    if (stat.size >= 3 * segment && !startsGzip(handle.fd)) return segmentedChunks(handle, stat.size, segment, skipping, CHUNK, MAX_LINE);
  }
  if (!isMainThread && stat.isFile()) return blockingChunks(handle);
  return handle.createReadStream({ highWaterMark: CHUNK });
}

/** Whether bytes begin with gzip's magic bytes: how gzip is told, whatever a file's name. */
export function isGzipStart(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Whether an open file begins with gzip's magic bytes. */
export function startsGzip(fd: number): boolean {
  const head = Buffer.alloc(2);
  return readSync(fd, head, 0, 2, 0) === 2 && isGzipStart(head);
}

async function* blockingChunks(handle: FileHandle): AsyncGenerator<Buffer> {
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const n = readSync(handle.fd, buf, 0, CHUNK, null);
      if (n === 0) return;
      yield n === CHUNK ? buf : buf.subarray(0, n);
    }
  } finally {
    await handle.close();
  }
}

/** Decompressed bytes when the stream starts with gzip's magic bytes, else the bytes as they are. */
async function* bytesOf(raw: AsyncIterable<Buffer | PlacedChunk | SkippedLines>): AsyncGenerator<Buffer | PlacedChunk | SkippedLines> {
  const iterator = raw[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = first.value;
  const rest: AsyncIterable<Buffer | PlacedChunk | SkippedLines> = { [Symbol.asyncIterator]: () => iterator };
  // Segments are skipped only in a file that is not gzip (openBytes checked): the first item is bytes.
  if (!Buffer.isBuffer(head) || !isGzipStart(head)) {
    yield head;
    yield* rest;
    return;
  }
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  // Once gunzip fails it never drains: wait for 'close' too, and stop reading (which closes the file).
  const drained = () => new Promise<void>((resolve) => {
    const done = () => {
      gunzip.off('drain', done);
      gunzip.off('close', done);
      resolve();
    };
    gunzip.once('drain', done);
    gunzip.once('close', done);
  });
  (async () => {
    try {
      gunzip.write(head);
      for await (const chunk of rest as AsyncIterable<Buffer>) {
        if (gunzip.destroyed) break;
        if (!gunzip.write(chunk)) await drained();
      }
      if (!gunzip.destroyed) gunzip.end();
    } catch (err) {
      gunzip.destroy(err as Error);
    }
  })();
  yield* gunzip as AsyncIterable<Buffer>;
}

/** Collects the pieces of a line that spans chunks, keeping at most MAX_LINE bytes of it. */
class PartialLine {
  private pieces: Buffer[] = [];
  private kept = 0;
  cut = false;

  get empty(): boolean {
    return this.kept === 0 && !this.cut;
  }

  /** Forgets the line: it was among lines the reader went past unread. */
  reset(): void {
    this.pieces = [];
    this.kept = 0;
    this.cut = false;
  }

  add(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const room = MAX_LINE - this.kept;
    if (room <= 0) {
      this.cut = true;
      return;
    }
    // A copy: the piece must not pin its whole chunk in memory.
    const piece = Buffer.from(bytes.length > room ? bytes.subarray(0, room) : bytes);
    if (bytes.length > room) this.cut = true;
    this.pieces.push(piece);
    this.kept += piece.length;
  }

  take(): { text: string; cut: boolean } {
    const bytes = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces, this.kept);
    const out = { text: bytes.toString('utf8'), cut: this.cut };
    this.pieces = [];
    this.kept = 0;
    this.cut = false;
    return out;
  }
}

/**
 * What one chunk completes: `head`, the line that ended in it (begun in earlier chunks, or its
 * first line), and `body`, the chunk's further complete lines as bytes (separated by newlines,
 * without the last one), so a reader can choose which of them to decode.
 */
export interface LineBlock {
  head: string;
  body?: Buffer;
  /** Lines of this block cut to MAX_LINE bytes (only `head` can be: a body line is shorter than a chunk). */
  truncated?: number;
  /** The map of the body's segment, made by the scanning thread (segment-scan.ts), and the body's file offset. */
  map?: SegmentMap;
  bodyAt?: number;
}

/**
 * Blocks of lines of a text source; throws UserError for gzip corruption, binary content or a
 * read error. With `skipping`, the lines of a large file a reader between records need not read come as their count.
 */
export async function* readBlocks(path: string, skipping?: SegmentSkipping): AsyncGenerator<LineBlock | SkippedLines> {
  const partial = new PartialLine();
  let checked = false;
  try {
    for await (const item of bytesOf(await openBytes(path, skipping))) {
      let chunk: Buffer;
      let placed: PlacedChunk | undefined;
      if (Buffer.isBuffer(item)) chunk = item;
      else if ('bytes' in item) {
        chunk = item.bytes;
        placed = item;
      } else {
        // The line begun before the segment ended inside it: counted with the segment's lines.
        partial.reset();
        yield item;
        continue;
      }
      if (chunk.length === 0) continue;
      if (!checked) {
        checked = true;
        if (chunk.subarray(0, 8192).includes(0)) throw new UserError(`cannot read ${path}: not a text log (binary content)`);
      }
      const first = chunk.indexOf(10);
      if (first < 0) {
        partial.add(chunk);
        continue;
      }
      partial.add(chunk.subarray(0, first));
      const head = partial.take();
      const last = chunk.lastIndexOf(10);
      const block: LineBlock = { head: withoutCr(head.text) };
      if (last > first) {
        block.body = chunk.subarray(first + 1, last);
        if (placed) {
          block.map = placed.map;
          block.bodyAt = placed.at + first + 1;
        }
      }
      if (head.cut) block.truncated = 1;
      partial.add(chunk.subarray(last + 1));
      yield block;
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException)?.code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new UserError(`cannot read ${path}: corrupt or truncated gzip data`);
    if (code === 'EIO' || code === 'EINVAL' || code === 'ENXIO' || code === 'ENODEV') throw new UserError(`cannot read ${path}: not a readable file (${code})`);
    throw new UserError(`cannot read ${path}: ${describeFsError(err)}`);
  }
  if (!partial.empty) {
    const tail = partial.take();
    yield tail.cut ? { head: withoutCr(tail.text), truncated: 1 } : { head: withoutCr(tail.text) };
  }
}

/**
 * The lines of a block's body, decoded (every one of them), each its own string: split from the
 * decoded chunk, each would be a slice that keeps the whole chunk alive as long as anything keeps
 * the line (a rule's evidence), so a kept line would need a copy. Decoded line by line they cost
 * the same (64 MiB in 128 KiB chunks: 41-103 ms against 100-172 ms for decode and split), and a
 * line's text pins only itself.
 */
export function bodyLines(body: Buffer): string[] {
  const lines: string[] = [];
  const n = body.length;
  let pos = 0;
  for (;;) {
    let end = body.indexOf(10, pos);
    if (end < 0) end = n;
    lines.push(lineText(body, pos, end));
    if (end >= n) return lines;
    pos = end + 1;
  }
}

/** The line in buf[pos, end) (end at its line feed or the buffer's end), without a last carriage return: a string of its own. */
export function lineText(buf: Buffer, pos: number, end: number): string {
  return buf.toString('utf8', pos, end > pos && buf[end - 1] === 13 ? end - 1 : end);
}

export function withoutCr(l: string): string {
  return l.length > 0 && l.charCodeAt(l.length - 1) === 13 ? l.slice(0, -1) : l;
}

/** Lines of a text source, every one decoded, in batches per chunk. */
export async function* readLines(path: string): AsyncGenerator<LineBatch> {
  let lineNo = 1;
  for await (const block of readBlocks(path)) {
    if ('skipped' in block) continue; // never without `skipping`
    const lines = [block.head];
    if (block.body) for (const l of bodyLines(block.body)) lines.push(l);
    yield block.truncated ? { firstLine: lineNo, lines, truncated: block.truncated } : { firstLine: lineNo, lines };
    lineNo += lines.length;
  }
}
