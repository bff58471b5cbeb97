// A log read in this thread (standard input, SCHED_DOCTOR_READER_THREADS=never, small files) is
// split from whole chunks of text: a line's substrings keep their chunk alive, so anything the
// engine or a rule keeps must be copied (model/detach.ts). One kept substring per chunk is a
// megabyte kept per megabyte read. The bench's log (two schedulers, skips, misfires, errors,
// application lines) goes through the reader and the engine, and the heap after a full GC must
// stay flat: it grew 1 MB per MiB read when the skip keys of the scheduler census kept the
// line's `next run at` as it was.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateLog } from '../../src/bench/generate-log';
import { Engine } from '../../src/engine/engine';
import { LogReader } from '../../src/readers/log-reader';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

test('a 24 MiB log read in this thread: the heap stays flat (nothing kept pins a chunk of the log)', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-reader-memory-'));
  try {
    const path = join(dir, 'app.log');
    generateLog({ path, targetBytes: 24 << 20, seed: 20261202 });
    const engine = new Engine();
    const samples: number[] = [];
    let batches = 0;
    for await (const batch of new LogReader(path, {}).events()) {
      for (const e of batch) engine.feed(e);
      if (++batches % 4 === 0) samples.push(heapAfterGc());
    }
    const findings = engine.finish();
    assert.ok(findings.some((f) => f.rule === 'max-instances-skip'), 'the log has skips (the census keeps a key per skipped fire time)');
    const mb = (b: number) => (b / 1e6).toFixed(1);
    process.stderr.write(`# heap after GC every 4 chunks (MB): ${samples.map(mb).join(', ')}\n`);
    const quarter = samples[Math.floor(samples.length / 4)];
    const last = samples[samples.length - 1];
    assert.ok(samples.length >= 4, `samples: ${samples.length}`);
    assert.ok(last - quarter < 6e6, `heap grew ${mb(last - quarter)} MB over the last three quarters of the log`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
