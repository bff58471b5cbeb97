// Following logs as `tail -F` does, for `watch`: from the end (or the start), through rotation by
// rename and create (the old file is read to its end, then the new one), copytruncate and
// truncation (the size shrinks: from 0 again), files that appear later under a glob, and standard
// input. Polls with fs.stat: fs.watch misses renames on some file systems and in containers.
// Produces blocks of whole lines as the log reader takes them, each with its first line number,
// and an `idle` mark when the source has paused (the reader then releases what it held back).

import { promises as fs, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { describeFsError, UserError } from '../model/errors';
import { countNewlines } from './candidate-lines';
import { MAX_LINE, withoutCr, type LineBlock } from './line-source';
import { glob } from './sources';

/** What a followed source yields: lines (`file` is the name evidence shows), or a pause. */
export type FollowedBlock = { block: LineBlock; file: string; firstLine: number } | { idle: true };

export interface FollowOptions {
  /** Read what the file holds first (default: only what is written from now on). */
  fromStart?: boolean;
  /** How often the file is looked at (ms). */
  pollMs?: number;
  /** A last line with no newline is taken as a line after this long without new bytes (ms). */
  partialMs?: number;
  /** Stops following; the source then ends (its partial line, if any, as a last line). */
  signal?: AbortSignal;
  /** Told once when a file is not there yet, rotated, or truncated (for a notice on stderr). */
  notice?: (message: string) => void;
}

const READ_SIZE = 256 * 1024;
const GLOB_MAGIC = /[*?[{]/;
/** Rotated parts a glob may match (`app.log.1`, `app.log.2.gz`): the renamed file is already being read. */
const ROTATED_PART = /\.\d+(?:\.gz)?$|\.gz$/;

/** Lines from chunks of bytes: whole lines as blocks, the unfinished last line kept (bounded). */
class LineCutter {
  /** Number of the next line. */
  line = 1;
  private pieces: Buffer[] = [];
  private kept = 0;
  private cut = false;

  get partial(): boolean {
    return this.kept > 0 || this.cut;
  }

  push(chunk: Buffer, file: string): FollowedBlock | undefined {
    const first = chunk.indexOf(10);
    if (first < 0) {
      this.keep(chunk);
      return undefined;
    }
    this.keep(chunk.subarray(0, first));
    const head = this.take();
    const last = chunk.lastIndexOf(10);
    const block: LineBlock = { head: head.text };
    if (head.cut) block.truncated = 1;
    if (last > first) block.body = chunk.subarray(first + 1, last);
    const firstLine = this.line;
    this.line += 1 + (block.body ? countNewlines(block.body, 0, block.body.length) + 1 : 0);
    this.keep(chunk.subarray(last + 1));
    return { block, file, firstLine };
  }

  /** The unfinished last line, as a line of its own. */
  flush(file: string): FollowedBlock | undefined {
    if (!this.partial) return undefined;
    const head = this.take();
    const block: LineBlock = head.cut ? { head: head.text, truncated: 1 } : { head: head.text };
    return { block, file, firstLine: this.line++ };
  }

  reset(): void {
    this.pieces = [];
    this.kept = 0;
    this.cut = false;
    this.line = 1;
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const room = MAX_LINE - this.kept;
    if (room <= 0) {
      this.cut = true;
      return;
    }
    // A copy: the piece must not pin its whole chunk in memory.
    this.pieces.push(Buffer.from(bytes.subarray(0, room)));
    this.kept += Math.min(room, bytes.length);
    if (bytes.length > room) this.cut = true;
  }

  private take(): { text: string; cut: boolean } {
    const out = { text: withoutCr(Buffer.concat(this.pieces, this.kept).toString('utf8')), cut: this.cut };
    this.pieces = [];
    this.kept = 0;
    this.cut = false;
    return out;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The identity of a file: a rename keeps it, a new file under the old name does not. */
export function fileId(st: Stats): string {
  return `${st.dev}:${st.ino}`;
}

async function statOf(path: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot follow ${path}: ${describeFsError(err)}`);
  }
}

/** Where to start reading from the end: after the last newline, so a line being written is read whole. */
async function lastLineStart(handle: FileHandle, size: number): Promise<{ pos: number; line: number }> {
  const buf = Buffer.allocUnsafe(READ_SIZE);
  let lines = 0;
  let lastNewline = -1;
  for (let pos = 0; pos < size; ) {
    const { bytesRead } = await handle.read(buf, 0, Math.min(READ_SIZE, size - pos), pos);
    if (bytesRead === 0) break;
    const chunk = buf.subarray(0, bytesRead);
    lines += countNewlines(chunk, 0, bytesRead);
    const nl = chunk.lastIndexOf(10);
    if (nl >= 0) lastNewline = pos + nl;
    pos += bytesRead;
  }
  return { pos: lastNewline + 1, line: lines + 1 };
}

/**
 * One file by name, for as long as the signal allows. The file may not exist yet; when it is
 * renamed away and created again it is read on under the same name, from line 1.
 */
export async function* followFile(path: string, options: FollowOptions = {}, ids?: Set<string>): AsyncGenerator<FollowedBlock> {
  const pollMs = options.pollMs ?? 200;
  const partialMs = options.partialMs ?? 1000;
  const cutter = new LineCutter();
  let handle: FileHandle | undefined;
  let id: string | undefined;
  let pos = 0;
  const open = async (fromEnd: boolean): Promise<boolean> => {
    const st = await statOf(path);
    if (!st) return false;
    if (st.isDirectory()) throw new UserError(`cannot follow ${path}: it is a directory (give the log files, or a quoted glob such as '${path}/*.log')`);
    try {
      handle = await fs.open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new UserError(`cannot follow ${path}: ${describeFsError(err)}`);
    }
    const own = await handle.stat();
    id = fileId(own);
    ids?.add(id);
    cutter.reset();
    if (fromEnd) {
      const start = await lastLineStart(handle, own.size);
      pos = start.pos;
      cutter.line = start.line;
    } else pos = 0;
    return true;
  };
  // The ids stay in `ids` after a close: the file, renamed by a rotation, was read and must not be read again.
  const close = async () => {
    await handle?.close().catch(() => undefined);
    handle = undefined;
    id = undefined;
  };
  /** Everything the open file holds past `pos`. */
  async function* drain(): AsyncGenerator<FollowedBlock> {
    while (handle) {
      const buf = Buffer.allocUnsafe(READ_SIZE);
      const { bytesRead } = await handle.read(buf, 0, READ_SIZE, pos);
      if (bytesRead === 0) return;
      pos += bytesRead;
      const b = cutter.push(buf.subarray(0, bytesRead), path);
      if (b) yield b;
    }
  }

  if (!(await open(!options.fromStart))) options.notice?.(`${path} does not exist yet: waiting for it`);
  const quiet: Quiet = { lastData: Date.now(), idleSent: true };
  try {
    while (!options.signal?.aborted) {
      const before = pos;
      for await (const b of drain()) yield b;
      if (pos !== before) {
        quiet.lastData = Date.now();
        quiet.idleSent = false;
      }
      const st = await statOf(path);
      if (handle && st && fileId(st) !== id) {
        // Rotated by rename and create: whatever the old file got before the rename, then the new one.
        for await (const b of drain()) yield b;
        const tail = cutter.flush(path);
        if (tail) yield tail;
        await close();
        options.notice?.(`${path} was rotated: reading the new file`);
        await open(false);
        continue;
      }
      if (handle && st && st.size < pos) {
        // copytruncate, or `> app.log`: the writer goes on from the start of the file.
        const tail = cutter.flush(path);
        if (tail) yield tail;
        options.notice?.(`${path} was truncated: reading it from the start`);
        cutter.reset();
        pos = 0;
        continue;
      }
      if (!handle && st && (await open(false))) continue;
      yield* whileQuiet(quiet, cutter, path, partialMs, pollMs);
      await sleep(pollMs, options.signal);
    }
    // Stopped: what was written up to now, and a last unfinished line, are read.
    for await (const b of drain()) yield b;
    const tail = cutter.flush(path);
    if (tail) yield tail;
  } finally {
    await close();
  }
}

/** When an input last gave bytes, and whether the reader was told it is quiet since. */
interface Quiet { lastData: number; idleSent: boolean }

/** While an input is quiet: its unfinished last line once `partialMs` passed, then one idle mark. */
function* whileQuiet(quiet: Quiet, cutter: LineCutter, label: string, partialMs: number, pollMs: number): Generator<FollowedBlock> {
  const ms = Date.now() - quiet.lastData;
  if (cutter.partial && ms >= partialMs) {
    const tail = cutter.flush(label);
    if (tail) yield tail;
    quiet.idleSent = false;
  }
  if (!quiet.idleSent && ms >= pollMs) {
    quiet.idleSent = true;
    yield { idle: true };
  }
}

/** A stream (standard input): blocks as chunks arrive; idle marks while it is quiet. */
export async function* followStream(stream: Readable, label: string, options: FollowOptions = {}): AsyncGenerator<FollowedBlock> {
  const pollMs = options.pollMs ?? 200;
  const partialMs = options.partialMs ?? 1000;
  const cutter = new LineCutter();
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const stop = new Promise<'stop'>((resolve) => {
    if (options.signal?.aborted) resolve('stop');
    options.signal?.addEventListener('abort', () => resolve('stop'), { once: true });
  });
  let next = chunks.next();
  const quiet: Quiet = { lastData: Date.now(), idleSent: true };
  for (;;) {
    const r = await Promise.race([next, sleep(pollMs).then(() => 'tick' as const), stop]);
    if (r === 'stop') break;
    if (r === 'tick') {
      yield* whileQuiet(quiet, cutter, label, partialMs, pollMs);
      continue;
    }
    if (r.done) break;
    next = chunks.next();
    quiet.lastData = Date.now();
    quiet.idleSent = false;
    const b = cutter.push(typeof r.value === 'string' ? Buffer.from(r.value) : r.value, label);
    if (b) yield b;
  }
  const tail = cutter.flush(label);
  if (tail) yield tail;
}

export interface FollowedSource {
  label: string;
  blocks: AsyncIterable<FollowedBlock>;
}

/**
 * The inputs of `watch` as sources to follow: `-`, paths (which may appear later), and quoted
 * globs, looked at again every second so a file that appears later is followed from its start.
 * A glob's match that is a file already followed (a rotated file under its new name) or a
 * rotated part (`app.log.1`, `.gz`) is left alone.
 */
export async function* followInputs(inputs: string[], options: FollowOptions & { stdin?: Readable; rescanMs?: number } = {}): AsyncGenerator<FollowedSource> {
  const ids = new Set<string>();
  const named = new Set<string>();
  const patterns: string[] = [];
  for (const input of inputs) {
    if (input === '-') {
      yield { label: '-', blocks: followStream(options.stdin ?? process.stdin, '-', options) };
    } else if (GLOB_MAGIC.test(input) && !(await statOf(input))) {
      patterns.push(input);
    } else if (!named.has(input)) {
      named.add(input);
      yield { label: input, blocks: followFile(input, options, ids) };
    }
  }
  if (patterns.length === 0) return;
  const scan = async (fromStart: boolean): Promise<FollowedSource[]> => {
    const found: FollowedSource[] = [];
    for (const pattern of patterns) {
      for (const path of await glob(pattern)) {
        if (named.has(path) || ROTATED_PART.test(path)) continue;
        const st = await statOf(path);
        if (!st || !st.isFile() || ids.has(fileId(st))) continue;
        named.add(path);
        found.push({ label: path, blocks: followFile(path, { ...options, fromStart }, ids) });
      }
    }
    return found;
  };
  const initial = await scan(options.fromStart === true);
  if (initial.length === 0) options.notice?.(`nothing matches ${patterns.join(', ')} yet: waiting for files to appear`);
  yield* initial;
  while (!options.signal?.aborted) {
    await sleep(options.rescanMs ?? 1000, options.signal);
    if (options.signal?.aborted) break;
    yield* await scan(true);
  }
}
