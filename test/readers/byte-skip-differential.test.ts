// The byte-level reader (lines without a candidate marker are never decoded) against the plain
// reference (every line decoded and looked at), over a few hundred generated logs in mixed shapes
// (mixed-logs.ts). Both must give the same events, with the same line numbers and texts, and the
// same source statistics.

import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
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

test('lines that say "job" are the application\'s; message starts with their quotes escaped in JSON are still read', async () => {
  const start = 'Running job \\"tick (trigger: interval[0:00:05], next run at: 2026-11-26 13:05:15 UTC)\\" (scheduled at 2026-11-26 13:05:10+00:00)';
  const end = 'Job \\u0022tick (trigger: interval[0:00:05], next run at: 2026-11-26 13:05:15 UTC)\\u0022 executed successfully';
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) lines.push(`2026-11-26 13:05:0${i % 10},000 INFO app.jobs: job step finished: ${i} rows processed`);
  // structlog's JSON, no logger name in it: only the message start makes these lines candidates.
  lines.push(`{"event": "${start}", "level": "info", "timestamp": "2026-11-26T13:05:10.004Z"}`);
  for (let i = 0; i < 50; i++) lines.push(`2026-11-26 13:05:10,0${String(i).padStart(2, '0')} INFO app.jobs: jobs queue has ${i} jobs`);
  lines.push(`{"event": "${end}", "level": "info", "timestamp": "2026-11-26T13:05:10.104Z"}`);
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/jobs-words.log`;
    writeFileSync(path, lines.join('\n') + '\n');
    const fast = JSON.parse(await read(path, {}));
    const plain = JSON.parse(await read(path, { everyLine: true }));
    assert.deepEqual(fast, plain);
    assert.deepEqual(fast.events.map((e: { kind: string; ctx: { line: number } }) => [e.kind, e.ctx.line]), [['run-start', 201], ['run-end', 252]]);
    assert.equal(fast.stats.lines, 252);
    assert.equal(fast.stats.unrecognised, 0);
  } finally {
    cleanup();
  }
});
