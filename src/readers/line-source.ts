// Byte streams to lines: files, gzip (detected by its magic bytes, whatever the name), stdin.
// Lines are handed over in batches per chunk, so the per-line cost is a string slice, not a
// promise; memory holds one chunk and one partial line.

import { createReadStream, promises as fs } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { describeFsError, UserError } from '../model/errors';

export interface LineBatch {
  /** Line number of lines[0]. */
  firstLine: number;
  lines: string[];
}

const CHUNK = 1 << 20;

export async function openBytes(path: string): Promise<Readable> {
  if (path === '-') return process.stdin;
  let stat;
  try {
    stat = await fs.stat(path);
  } catch (err) {
    throw new UserError(`cannot read ${path}: ${describeFsError(err)}`);
  }
  if (stat.isDirectory()) throw new UserError(`cannot read ${path}: it is a directory (pass the log files inside it)`);
  try {
    const handle = await fs.open(path, 'r');
    await handle.close();
  } catch (err) {
    throw new UserError(`cannot read ${path}: ${describeFsError(err)}`);
  }
  return createReadStream(path, { highWaterMark: CHUNK });
}


/** Lines of a text source; throws UserError for gzip corruption or binary content. */
export async function* readLines(path: string): AsyncGenerator<LineBatch> {
  const raw = await openBytes(path);
  let stream: AsyncIterable<Buffer> = raw;
  const iterator = raw[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  let head: Buffer = first.value;
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => iterator };
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
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
        for await (const chunk of rest) {
          if (gunzip.destroyed) break;
          if (!gunzip.write(chunk)) await drained();
        }
        if (!gunzip.destroyed) gunzip.end();
      } catch (err) {
        gunzip.destroy(err as Error);
      }
    })();
    stream = gunzip;
    head = Buffer.alloc(0);
  } else {
    stream = (async function* () {
      yield head;
      yield* rest;
    })();
  }

  const decoder = new StringDecoder('utf8');
  let carry = '';
  let lineNo = 1;
  let checked = false;
  try {
    for await (const chunk of stream) {
      if (!checked && chunk.length > 0) {
        checked = true;
        if (chunk.subarray(0, 8192).includes(0)) throw new UserError(`cannot read ${path}: not a text log (binary content)`);
      }
      const text = carry + decoder.write(chunk);
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      if (lines.length === 0) continue;
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i];
        if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
      }
      yield { firstLine: lineNo, lines };
      lineNo += lines.length;
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException)?.code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new UserError(`cannot read ${path}: corrupt or truncated gzip data`);
    throw new UserError(`cannot read ${path}: ${describeFsError(err)}`);
  }
  const tail = carry + decoder.end();
  if (tail.length > 0) yield { firstLine: lineNo, lines: [tail.endsWith('\r') ? tail.slice(0, -1) : tail] };
}
