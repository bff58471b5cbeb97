// The byte-level reader (lines without a candidate marker are never decoded) against the plain
// reference (every line decoded and looked at), over a few hundred generated logs in mixed shapes
// (mixed-logs.ts). Both must give the same events, with the same line numbers and texts, and the
// same source statistics.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogReader, type ReaderOptions } from '../../src/readers/log-reader';
import { tempDir } from './read-log';
import { fixtureSources, writeMixedLog } from './mixed-logs';

async function read(path: string, options: ReaderOptions): Promise<string> {
  const reader = new LogReader(path, options);
  const events: unknown[] = [];
  for await (const batch of reader.events()) events.push(...batch);
  return JSON.stringify({ events, stats: reader.stats });
}

test('byte-level skipping gives exactly what reading every line gives, on 300 generated logs', async () => {
  const sources = fixtureSources();
  assert.ok(sources.length >= 10, `fixtures found: ${sources.length}`);
  const { dir, cleanup } = tempDir();
  try {
    let compared = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { path, options } = writeMixedLog(dir, sources, seed);
      const fast = await read(path, options);
      const plain = await read(path, { ...options, everyLine: true });
      assert.equal(fast, plain, `log ${seed} (${path}) differs between the byte-level reader and the reference`);
      compared++;
    }
    assert.equal(compared, 300);
  } finally {
    cleanup();
  }
});
