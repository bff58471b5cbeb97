// Output written as it is produced (a large store's JSON is hundreds of MB): to stdout, or to a
// file through a temp file beside it, fsynced and renamed only when complete, so that a
// half-written output never replaces a good one.

import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError, describeFsError } from '../model/errors';

export interface OutputStream {
  write(text: string): Promise<void>;
  /** Complete the output (for a file: fsync and rename into place). */
  finish(): Promise<void>;
  /** Give up: a file output is removed, the target left as it was. */
  abandon(): Promise<void>;
}

export async function openOutput(path: string | undefined): Promise<OutputStream> {
  if (!path) {
    return {
      write: (text) => new Promise<void>((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve()))),
      finish: async () => undefined,
      abandon: async () => undefined,
    };
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const failed = (err: unknown): never => {
    throw new UserError(`cannot write ${path}: ${describeFsError(err)}`);
  };
  const handle = await fs.open(tmp, 'w').catch(failed);
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await handle.close();
    }
  };
  return {
    async write(text) {
      await handle.writeFile(text).catch(async (err) => {
        await close().catch(() => undefined);
        await fs.rm(tmp, { force: true }).catch(() => undefined);
        failed(err);
      });
    },
    async finish() {
      try {
        await handle.sync();
        await close();
        await fs.rename(tmp, path);
      } catch (err) {
        await close().catch(() => undefined);
        await fs.rm(tmp, { force: true }).catch(() => undefined);
        failed(err);
      }
    },
    async abandon() {
      await close().catch(() => undefined);
      await fs.rm(tmp, { force: true }).catch(() => undefined);
    },
  };
}
