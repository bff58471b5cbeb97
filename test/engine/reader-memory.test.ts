// A log read in this thread (standard input, SCHED_DOCTOR_READER_THREADS=never, small files):
// what the engine and the rules keep must not keep the log. Lines are decoded one by one, so a
// kept line holds only itself, while a part of a line (a name, a key, `next run at`) keeps its
// whole line unless copied (model/detach.ts). The bench's log (two schedulers, skips, misfires,
// errors, application lines) goes through the reader and the engine, and the heap after a full GC
// must stay flat: it grew 1 MB per MiB read when the skip keys of the scheduler census kept the
// line's `next run at` as it was (when lines were still slices of their chunk).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateLog } from '../../src/bench/generate-log';
import { Engine } from '../../src/engine/engine';
import { LogReader } from '../../src/readers/log-reader';
import { heapAfterGc } from '../support/heap';

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
