// Store rows decoded in worker threads (engine/decode-pool.ts) must be exactly what this thread
// decodes: the same states, in the same order, the corrupt and the NULL rows included, and the
// same `jobs --format json` bytes. A worker that fails is an error, never a hang or a lost batch.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DECODE_BATCH, decodeInThreads, type DecodedBatch, type DecodeThreads } from '../../src/engine/decode-pool';
import { loadStore, loadStoreJobs } from '../../src/engine/analyze-store';
import { openStore } from '../../src/stores/open-store';
import type { RawStoreRow } from '../../src/model/store-record';
import { ROWS_PER_TRANSACTION } from '../../src/stores/sqlite-store';
import { Database } from '../../src/stores/sqlite-driver';
import { LARGE_ROWS, largeStore } from '../support/large-store';
import { BIN, ROOT } from '../support/cli';

const table = { table: 'apscheduler_jobs' };
const ROWS = LARGE_ROWS;
/** Batches the pool yields: the read batches, each cut to DECODE_BATCH rows at most. */
const BATCHES = Math.floor(ROWS / ROWS_PER_TRANSACTION) * Math.ceil(ROWS_PER_TRANSACTION / DECODE_BATCH) + Math.ceil((ROWS % ROWS_PER_TRANSACTION) / DECODE_BATCH);

/**
 * `slow`: the first read batches come after a pause, as from a slow database, so that a worker
 * started at the first batch is up before the rest come (a worker still starting is given no
 * batch), and the rest come at once (so that the worker has its batches in hand, and this thread
 * decodes beside it).
 */
async function decoded(url: string, threads: DecodeThreads, summary: boolean, render?: string, slow = false, expectedRows?: number): Promise<DecodedBatch[]> {
  const store = await openStore(url, table);
  const out: DecodedBatch[] = [];
  async function* paused(): AsyncIterable<RawStoreRow[]> {
    let n = 0;
    for await (const rows of store.batches()) {
      if (n++ < 8) await new Promise((resolve) => setTimeout(resolve, 60));
      yield rows;
    }
  }
  try {
    for await (const b of decodeInThreads(slow ? paused() : store.batches(), { summary, skip: (r) => Boolean(r.invalid), render, expectedRows }, threads)) out.push(b);
  } finally {
    await store.close();
  }
  return out;
}

test('threads or not, every batch decodes to the same states in the same order (whole and summaries)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-pool-'));
  try {
    const url = `sqlite:///${largeStore(dir, { withNull: true })}`;
    for (const summary of [false, true]) {
      const here = await decoded(url, 'never', summary);
      const there = await decoded(url, 'always', summary);
      assert.equal(there.length, BATCHES);
      assert.ok(there.every((b) => b.decodedBy === 'a worker'));
      assert.deepEqual(there.map((b) => b.rows.map((r) => r.id)), here.map((b) => b.rows.map((r) => r.id)));
      assert.deepEqual(there.map((b) => b.states), here.map((b) => b.states));
      const states = there.flatMap((b) => b.states!);
      assert.equal(states.length, ROWS);
      // The NULL row is not decoded; the corrupt one is, to its error.
      assert.equal(states[3100], null);
      assert.match(states[2500]!.decodeError!, /./);
      assert.equal(states.filter((s) => s?.state).length, ROWS - 2);
    }
    // Through the pipeline's own entry points too, in both threads settings.
    const env = process.env.SCHED_DOCTOR_DECODE_THREADS;
    try {
      process.env.SCHED_DOCTOR_DECODE_THREADS = 'always';
      const whole = await loadStoreJobs(url, table);
      const { jobs: slim } = await loadStore(url, table, { summaries: true });
      process.env.SCHED_DOCTOR_DECODE_THREADS = 'never';
      assert.deepEqual(whole, await loadStoreJobs(url, table));
      assert.deepEqual(slim, (await loadStore(url, table, { summaries: true })).jobs);
      assert.deepEqual(whole.filter((j) => j.decodeError).map((j) => j.row.id), ['row-02500', 'row-03100']);
    } finally {
      if (env === undefined) delete process.env.SCHED_DOCTOR_DECODE_THREADS;
      else process.env.SCHED_DOCTOR_DECODE_THREADS = env;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('auto: this thread decodes the batches that come while the worker starts or is busy, and the order and text are the same; a small store is analysed in this thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-pool-'));
  const env = process.env.SCHED_DOCTOR_DECODE_WORKERS;
  try {
    const url = `sqlite:///${largeStore(dir, { withNull: true })}`;
    const render = require.resolve('../../src/report/jobs-json');
    const text = (batches: DecodedBatch[]) => batches.map((b) => [...b.texts!].join(',\n')).join(',\n');
    process.env.SCHED_DOCTOR_DECODE_WORKERS = '1';
    const shared = await decoded(url, 'auto', false, render, true);
    const alone = await decoded(url, 'never', false, render);
    assert.equal(shared.length, BATCHES);
    // The first batch here (a store of one batch never starts a worker), the next ones here too
    // while the worker starts, then the worker's and this thread's in turn.
    const by = shared.map((b) => b.decodedBy);
    assert.equal(by[0], 'this thread');
    assert.equal(by[1], 'this thread');
    assert.ok(by.filter((b) => b === 'a worker').length >= 2, by.join(', '));
    assert.ok(by.slice(by.indexOf('a worker')).includes('this thread'), by.join(', '));
    assert.deepEqual(shared.map((b) => b.rows.map((r) => r.id)), alone.map((b) => b.rows.map((r) => r.id)));
    const whole = text(shared);
    assert.equal(whole, text(alone));
    const items = JSON.parse(`[${whole}]`) as { id: string; state: unknown }[];
    assert.equal(items.length, ROWS);
    assert.equal(items[3100].state, null);
    // Summaries for analysis: a store this small is decoded here alone, however slowly it is
    // read (a worker pays for itself only from tens of thousands of rows).
    const summaries = await decoded(url, 'auto', true, undefined, true);
    assert.ok(summaries.every((b) => b.decodedBy === 'this thread'));
    const summariesHere = await decoded(url, 'never', true);
    assert.deepEqual(summaries.map((b) => b.states), summariesHere.map((b) => b.states));
    // A store that says it is large is analysed with the worker from the second batch on, its
    // summaries coming back packed, the same as this thread's.
    const large = await decoded(url, 'auto', true, undefined, true, 60_000);
    assert.equal(large[0].decodedBy, 'this thread');
    assert.ok(large.filter((b) => b.decodedBy === 'a worker').length >= 2, large.map((b) => b.decodedBy).join(', '));
    assert.equal(JSON.stringify(large.map((b) => b.states)), JSON.stringify(summariesHere.map((b) => b.states)));
    assert.deepEqual(large.map((b) => b.states), summariesHere.map((b) => b.states));
    // The SQLite store's hint: its highest rowid, without reading the rows.
    const store = await openStore(url, table);
    try {
      assert.equal(store.sizeHint?.(), ROWS);
    } finally {
      await store.close();
    }
  } finally {
    if (env === undefined) delete process.env.SCHED_DOCTOR_DECODE_WORKERS;
    else process.env.SCHED_DOCTOR_DECODE_WORKERS = env;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('jobs --format json: byte-identical whether the rows are decoded and rendered in threads or here', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-pool-'));
  try {
    const url = `sqlite:///${largeStore(dir, { withNull: true })}`;
    const texts = (['never', 'always', 'auto'] as const).map((threads) => {
      const out = join(dir, `${threads}.json`);
      const r = spawnSync(process.execPath, [BIN, 'jobs', '--db', url, '--format', 'json', '-o', out], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SCHED_DOCTOR_DECODE_THREADS: threads } });
      assert.equal(r.status, 0, r.stderr);
      return readFileSync(out, 'utf8');
    });
    assert.equal(texts[1], texts[0]);
    assert.equal(texts[2], texts[0]);
    const doc = JSON.parse(texts[0]);
    assert.equal(doc.jobs.length, ROWS);
    assert.equal(doc.jobs[3100].state, null);
    assert.match(doc.jobs[3100].decodeError, /NULL|not a BLOB|job_state/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a renderer that fails in a worker is an error from the batch it failed on, and the threads are closed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-pool-'));
  try {
    const url = `sqlite:///${largeStore(dir)}`;
    const failing = join(dir, 'failing-render.js');
    // Each slice's text is its rows' count; a batch's pieces add up to its rows.
    writeFileSync(failing, `exports.renderBatch = (rows) => { if (rows.some((r) => r.id === 'row-02000')) throw new Error('render broke'); return String(rows.length); };\n`);
    const texts: number[] = [];
    await assert.rejects(async () => {
      const store = await openStore(url, table);
      try {
        for await (const b of decodeInThreads(store.batches(), { summary: false, skip: () => false, render: failing }, 'always')) {
          texts.push([...b.texts!].reduce((n, piece) => n + Number(piece), 0));
        }
      } finally {
        await store.close();
      }
    }, /render broke/);
    // The batches before the failure came out whole; nothing after it did.
    assert.equal(texts.reduce((a, b) => a + b, 0), 2000);
    assert.ok(texts.every((n) => n <= DECODE_BATCH));
    // A consumer that stops early leaves no thread behind (the test process would not exit).
    const store = await openStore(url, table);
    try {
      for await (const b of decodeInThreads(store.batches(), { summary: true, skip: () => false }, 'always')) {
        assert.equal(b.rows.length, Math.min(ROWS_PER_TRANSACTION, DECODE_BATCH));
        break;
      }
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a SQLite table WITHOUT ROWID gives no size hint, and is read all the same', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-pool-'));
  try {
    const path = join(dir, 'norowid.sqlite');
    const src = new Database(join(ROOT, 'test', 'fixtures', 'stores', 'mixed.sqlite'), { readonly: true });
    const rows = src.prepare('SELECT id, next_run_time, job_state FROM apscheduler_jobs').all() as { id: string; next_run_time: number | null; job_state: Buffer }[];
    src.close();
    const db = new Database(path);
    db.exec('CREATE TABLE apscheduler_jobs (id VARCHAR(191) NOT NULL PRIMARY KEY, next_run_time FLOAT, job_state BLOB NOT NULL) WITHOUT ROWID');
    const insert = db.prepare('INSERT INTO apscheduler_jobs VALUES (?, ?, ?)');
    for (const r of rows) insert.run(r.id, r.next_run_time, r.job_state);
    db.close();
    const store = await openStore(`sqlite:///${path}`, table);
    try {
      assert.equal(store.sizeHint?.(), undefined);
    } finally {
      await store.close();
    }
    const { jobs } = await loadStore(`sqlite:///${path}`, table, { summaries: true });
    assert.equal(jobs.length, rows.length);
    assert.ok(jobs.every((j) => j.state || j.decodeError));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
