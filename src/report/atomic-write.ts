// A half-written report must never replace a good one: write beside it, fsync, rename.

import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../model/errors';
import { describeFsError } from '../model/errors';

/** `content`: the text, or its pieces in order (written one by one, never joined). */
export async function writeAtomically(path: string, content: string | Iterable<string>): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const handle = await fs.open(tmp, 'w');
    try {
      if (typeof content === 'string') await handle.writeFile(content);
      else for (const piece of content) await handle.write(piece);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new UserError(`cannot write ${path}: ${describeFsError(err)}`);
  }
}
