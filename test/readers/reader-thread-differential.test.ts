// The threaded path against the plain reference reader, over the generated logs in mixed shapes
// (mixed-logs.ts): the compact codec's round trip on every log (same events, same keys in the
// same order, undefined values kept), and the worker itself on a share of them and on rotated
// parts, a --log-format, a zone, and the errors a user sees (the CLI test needs a build: dist/).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LogEvent } from '../../src/model/event';
import { analyzeLogs } from '../../src/engine/analyze';
import { JobRegistry } from '../../src/engine/job-registry';
import { EventDecoder, EventEncoder } from '../../src/readers/event-codec';
import { LogReader, type ReaderOptions } from '../../src/readers/log-reader';
import { compileLogFormat } from '../../src/readers/python-logging-format';
import { openReader, ThreadedReader, type EventSource } from '../../src/readers/reader-thread';
import { BIN } from '../support/cli';
import { tempDir } from './read-log';
import { fixtureSources, writeMixedLog } from './mixed-logs';

async function collect(reader: EventSource): Promise<{ events: LogEvent[]; json: string }> {
  const events: LogEvent[] = [];
  for await (const batch of reader.events()) events.push(...batch);
  return { events, json: JSON.stringify({ events, stats: reader.stats }) };
}

test('the compact codec gives back exactly the reader\'s events, on 300 generated logs', async () => {
  const sources = fixtureSources();
  const { dir, cleanup } = tempDir();
  let compact = 0;
  let total = 0;
  let internedJobs = 0;
  try {
    for (let seed = 1; seed <= 300; seed++) {
      const { path, options } = writeMixedLog(dir, sources, seed);
      const reader = new LogReader(path, options);
      const encoder = new EventEncoder();
      const decoder = new EventDecoder();
      // As the engine decodes a worker's batches: each job its registry's one record of it.
      const registry = new JobRegistry();
      const interning = new EventDecoder((job) => registry.intern(job));
      // And as a worker sends them for it, runs without their `next run at`.
      const leanEncoder = new EventEncoder(true);
      const leanDecoder = new EventDecoder((job) => registry.intern(job));
      const original: LogEvent[] = [];
      const decoded: LogEvent[] = [];
      const interned: LogEvent[] = [];
      const lean: LogEvent[] = [];
      for await (const batch of reader.events()) {
        original.push(...batch);
        const { batch: encoded } = encoder.encode(batch);
        compact += batch.length - encoded.others.length;
        total += batch.length;
        decoded.push(...decoder.decode(structuredClone(encoded)));
        interned.push(...interning.decode(structuredClone(encoded)));
        lean.push(...leanDecoder.decode(structuredClone(leanEncoder.encode(batch).batch)));
      }
      assert.deepStrictEqual(lean, interned, `log ${seed} (${path}): the lean batches decode to the same`);
      // deepStrictEqual sees keys whose value is undefined; JSON sees the order of keys.
      assert.deepStrictEqual(decoded, original, `log ${seed} (${path})`);
      assert.equal(JSON.stringify(decoded), JSON.stringify(original), `log ${seed} (${path}): key order`);
      // Interned, an event is the same but for its job, which is the registry's very object
      // (what the engine would make of the event's own job); a skip keeps its own job, whose
      // `next run at` is the fire time skipped.
      assert.equal(interned.length, original.length);
      interned.forEach((e, i) => {
        const o = original[i];
        // The reader makes these three in the codec's compact shape (the last test holds odd shapes).
        if (!(e.kind === 'run-start' || e.kind === 'run-end' || e.kind === 'misfire') || !('job' in o)) {
          assert.deepStrictEqual(e, o, `log ${seed}, event ${i}`);
          return;
        }
        assert.equal(e.job, registry.intern(o.job), `log ${seed}, event ${i}: the registry's record`);
        assert.deepStrictEqual({ ...e, job: o.job }, o, `log ${seed}, event ${i}: all else equal`);
        internedJobs++;
      });
    }
  } finally {
    cleanup();
  }
  // The fixtures are mostly runs: if the codec sent nearly everything as clones, it would be no gain.
  assert.ok(compact > total / 2, `compact ${compact} of ${total}`);
  assert.ok(internedJobs > total / 2, `interned ${internedJobs} of ${total}`);
});

test('a source read in a worker gives exactly what the reference reader gives, on 60 generated logs', async () => {
  const sources = fixtureSources();
  const { dir, cleanup } = tempDir();
  try {
    for (let seed = 5; seed <= 300; seed += 5) {
      const { path, options, tz } = writeMixedLog(dir, sources, seed);
      const threaded = openReader(path, options, tz, 'always');
      assert.ok(threaded instanceof ThreadedReader, `log ${seed} is read in a worker`);
      const plain = await collect(new LogReader(path, { ...options, everyLine: true }));
      assert.equal((await collect(threaded)).json, plain.json, `log ${seed} (${path}) differs between the worker and the reference`);
    }
  } finally {
    cleanup();
  }
});

test('rotated parts and a --log-format are read the same in a worker', async () => {
  const sources = fixtureSources();
  const { dir, cleanup } = tempDir();
  try {
    const parts = [7, 8, 9].map((seed) => writeMixedLog(dir, sources, seed).path);
    const options: ReaderOptions = { files: parts, host: 'web-1' };
    const plain = await collect(new LogReader('app.log', { ...options, everyLine: true }));
    assert.equal((await collect(openReader('app.log', options, undefined, 'always'))).json, plain.json);

    const format = '%(asctime)s %(levelname)s %(name)s: %(message)s';
    const path = join(dir, 'formatted.log');
    writeFileSync(path, [
      '2026-11-26 13:05:10,004 INFO apscheduler.executors.default: Running job "tick (trigger: interval[0:00:05], next run at: 2026-11-26 13:05:15 UTC)" (scheduled at 2026-11-26 13:05:10+00:00)',
      '2026-11-26 13:05:10,104 INFO apscheduler.executors.default: Job "tick (trigger: interval[0:00:05], next run at: 2026-11-26 13:05:15 UTC)" executed successfully',
      '',
    ].join('\n'));
    const withFormat: ReaderOptions = { logFormat: compileLogFormat(format) };
    const expected = await collect(new LogReader(path, { ...withFormat, everyLine: true }));
    assert.equal(expected.events.length, 2);
    assert.equal((await collect(openReader(path, withFormat, undefined, 'always'))).json, expected.json);
  } finally {
    cleanup();
  }
});

test('a worker\'s errors reach the user as the same one-line errors', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'broken.log.gz');
    const gz = gzipSync(Buffer.from('2026-11-26 13:05:10,004 INFO app: hello\n'.repeat(2000)));
    writeFileSync(path, gz.subarray(0, gz.length - 20));
    const inThread = await collect(new LogReader(path, {})).then(() => undefined, (err: Error) => err);
    const inWorker = await collect(openReader(path, {}, undefined, 'always')).then(() => undefined, (err: Error) => err);
    assert.ok(inThread && inWorker, 'both fail');
    assert.equal(inWorker.name, 'UserError');
    assert.equal(inWorker.message, inThread.message);
    assert.match(inWorker.message, /corrupt or truncated gzip data/);
  } finally {
    cleanup();
  }
});

test('small sources, standard input and a zone without its name stay in this thread; gzip counts as decompressed', () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'small.log');
    writeFileSync(path, 'hello\n');
    assert.ok(openReader(path, {}, undefined, 'auto') instanceof LogReader);
    assert.ok(openReader('-', {}, undefined, 'always') instanceof LogReader);
    assert.ok(openReader(path, {}, undefined, 'never') instanceof LogReader);
    assert.ok(openReader(path, { zone: { name: 'x', offsetAtWall: () => 0 } }, undefined, 'always') instanceof LogReader);
    assert.ok(openReader(path, {}, undefined, 'always') instanceof ThreadedReader);
    // A gzip file counts by what it will decompress to, about: 1.1 MiB of gzip is a worker's, 1.5 MiB of text is not.
    const text = randomBytes(1100 * 1024).toString('base64').replace(/.{100}/g, '$&\n');
    const plainPath = join(dir, 'plain.log');
    writeFileSync(plainPath, text);
    const gzPath = join(dir, 'packed.log.gz');
    writeFileSync(gzPath, gzipSync(Buffer.from(text)));
    assert.ok(gzipSync(Buffer.from(text)).length > (1 << 20), 'the gzip file is over 1 MiB');
    assert.ok(openReader(plainPath, {}, undefined, 'auto') instanceof LogReader);
    assert.ok(openReader(gzPath, {}, undefined, 'auto') instanceof ThreadedReader);
  } finally {
    cleanup();
  }
});

test('one source\'s error ends the run while a worker reads another: exit 2, the one-line error, no hang', () => {
  const { dir, cleanup } = tempDir();
  try {
    const good = join(dir, 'a.log');
    // Records, so the worker has batches to send and waits for this thread to take them.
    writeFileSync(good, [
      '2026-11-26 13:05:10,004 INFO apscheduler.executors.default: Running job "tick (trigger: interval[0:00:05], next run at: 2026-11-26 13:05:15 UTC)" (scheduled at 2026-11-26 13:05:10+00:00)',
      '2026-11-26 13:05:10,104 INFO apscheduler.executors.default: Job "tick (trigger: interval[0:00:05], next run at: 2026-11-26 13:05:15 UTC)" executed successfully',
      '',
    ].join('\n').repeat(60000));
    const bad = join(dir, 'b.log.gz');
    const gz = gzipSync(Buffer.from('2026-11-26 13:05:10,004 INFO app: hello\n'.repeat(2000)));
    writeFileSync(bad, gz.subarray(0, gz.length - 20));
    for (const order of [[good, bad], [bad, good]]) {
      const r = spawnSync(process.execPath, [BIN, 'analyze', ...order, '--format', 'json'], {
        encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', SCHED_DOCTOR_READER_THREADS: 'always' },
      });
      assert.equal(r.signal, null, `${order.join(' ')}: ended by ${r.signal} (a worker kept the process alive)`);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr.trim(), `sched-doctor: cannot read ${bad}: corrupt or truncated gzip data`);
    }
  } finally {
    cleanup();
  }
});

test('events of a shape the codec does not rebuild exactly go whole, and come back equal, keys in order', () => {
  const ctx = () => ({ source: 'a.log', line: 3, level: 'INFO', logger: 'apscheduler.executors.default', pid: '7', thread: undefined, host: undefined, text: 'x' });
  const job = { name: 'j', trigger: 'interval[0:00:01]' };
  const odd: unknown[] = [
    { kind: 'run-start', job, scheduledAt: { at: 1, offsetMinutes: 0, text: 't' }, ctx: ctx(), extra: 1 },
    { kind: 'run-start', job, ctx: ctx(), scheduledAt: { at: 1, offsetMinutes: 0, text: 't' } },
    { kind: 'run-start', job, scheduledAt: { offsetMinutes: 0, at: 1, text: 't' }, ctx: ctx() },
    { kind: 'run-end', job, outcome: 'error', ctx: ctx(), exception: undefined },
    { kind: 'run-end', job, outcome: 'cancelled', ctx: ctx() },
    { kind: 'misfire', job: { name: 'j', trigger: 't', nextRunAt: 'n', paused: true }, lateMicros: 5, ctx: ctx() },
    { kind: 'misfire', job: { trigger: 't', name: 'j' }, lateMicros: 5, ctx: ctx() },
    { kind: 'max-instances', job, maxInstances: 1, ctx: { ...ctx(), time: 5, stream: 's' } },
    { kind: 'max-instances', job, maxInstances: 1, ctx: { ...ctx(), time: '5' } },
    { kind: 'max-instances', job, maxInstances: 1, ctx: { ...ctx(), other: 1 } },
  ];
  const fine: unknown[] = [
    { kind: 'run-end', job, outcome: 'error', ctx: { ...ctx(), stream: 's', time: 5, timeInferred: true }, exception: 'E' },
    { kind: 'misfire', job: { name: 'j', trigger: 't', paused: true }, lateMicros: 5, ctx: { ...ctx(), timeInferred: true } },
  ];
  const events = [...odd, ...fine] as LogEvent[];
  const { batch } = new EventEncoder().encode(events);
  assert.equal(batch.others.length, odd.length, 'every odd shape goes whole; the two the reader can make go compact');
  const back = new EventDecoder().decode(structuredClone(batch));
  assert.deepStrictEqual(back, events);
  assert.equal(JSON.stringify(back), JSON.stringify(events));
  // An interning decoder changes the compact ones' jobs only: what goes whole comes back whole.
  const canonical = { name: 'j', key: 'j\u0000t', trigger: 't' };
  const interned = new EventDecoder(() => canonical).decode(structuredClone(batch));
  assert.deepStrictEqual(interned.slice(0, odd.length), odd);
  assert.deepStrictEqual(interned.slice(odd.length).map((e) => ('job' in e ? e.job : undefined)), [canonical, canonical]);
});

test('findings are the same whether the reader runs in a worker (its jobs interned as they are decoded) or in this thread', async () => {
  const sources = fixtureSources();
  const { dir, cleanup } = tempDir();
  let jobs = 0;
  let findings = 0;
  try {
    for (let seed = 3; seed <= 300; seed += 15) {
      const { path, tz } = writeMixedLog(dir, sources, seed);
      const [threaded, plain] = await Promise.all(
        (['always', 'never'] as const).map(async (readerThreads) => {
          const { findings, jobs, pairing } = await analyzeLogs([path], { tz, readerThreads });
          return JSON.stringify({ findings, jobs, pairing });
        }),
      );
      assert.equal(threaded, plain, `log ${seed} (${path})`);
      const report = JSON.parse(plain);
      jobs += report.jobs.length;
      findings += report.findings.length;
    }
  } finally {
    cleanup();
  }
  // Something to compare: the logs have jobs, and the rules find things in them.
  assert.ok(jobs > 20 && findings > 10, `${jobs} jobs, ${findings} findings`);
});
