// Job-state pickles made to hurt a decoder (test/fixtures/gen/hostile_pickles.py, written by real
// Python and APScheduler): memo reuse that a tree would make exponential, long integers, strings
// repeated by reference, wrong types, bad datetime payloads, self-nesting triggers. Each must give
// a shown job or an undecodable row with its reason — never an exception — in bounded time and
// output. Then a seeded fuzz over mutations of real job pickles; PICKLE_FUZZ_ROUNDS=200000 (the
// `fuzz:pickle` script) runs it longer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRow } from '../../src/engine/analyze-store';
import { rawRow } from '../../src/stores/store';
import type { StoreJob } from '../../src/model/store-job';

interface Case {
  name: string;
  blob: string;
  bytes: number;
  expect: 'job' | 'undecodable';
  reason: string | null;
  python: string;
}

const fixtures = join(__dirname, '..', 'fixtures', 'pickle');
const { cases } = JSON.parse(readFileSync(join(fixtures, 'hostile.json'), 'utf8')) as { cases: Case[] };
const vectors = JSON.parse(readFileSync(join(fixtures, 'vectors.json'), 'utf8')) as { jobs: Record<string, { blob: string }[]> };

// Generous for a loaded CI machine; every case takes milliseconds when it is linear, and the
// exponential ones took from 25 s to forever before.
const MS_PER_ROW = 3000;

function decode(blob: Buffer): { job: StoreJob; ms: number; jsonBytes: number } {
  const t0 = process.hrtime.bigint();
  const job = decodeRow('test', 'apscheduler_jobs', { id: 'hostile', nextRunTime: 1795694424.123456, jobState: blob });
  const jsonBytes = job.state ? JSON.stringify(job.state).length : 0;
  return { job, ms: Number(process.hrtime.bigint() - t0) / 1e6, jsonBytes };
}

test('the hostile fixture covers every class of attack', () => {
  const names = cases.map((c) => c.name);
  for (const prefix of ['memo_reuse', 'long_', 'decimal_long', 'shared_string', 'datetime_', 'or_trigger', 'next_run_time']) {
    assert.ok(names.some((n) => n.startsWith(prefix)), prefix);
  }
  assert.ok(cases.some((c) => c.bytes >= 1_000_000), 'a 1 MB LONG4');
});

for (const c of cases) {
  test(`hostile ${c.name} (${c.bytes} bytes; Python: ${c.python}) → ${c.expect}${c.reason ? ` (${c.reason})` : ''}`, () => {
    const { job, ms, jsonBytes } = decode(Buffer.from(c.blob, 'base64'));
    assert.ok(ms < MS_PER_ROW, `${ms.toFixed(0)} ms`);
    if (c.expect === 'job') {
      assert.equal(job.decodeError, undefined, job.decodeError);
      assert.equal(job.state!.id, 'hostile');
      // Output proportional to the pickle: references, not copies (a reference is a pointer as
      // long as its depth, which the depth limit bounds).
      assert.ok(jsonBytes <= 50 * c.bytes + 10_000, `${jsonBytes} bytes of JSON for ${c.bytes} of pickle`);
    } else {
      assert.equal(job.state, undefined);
      assert.match(job.decodeError!, new RegExp(c.reason!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    }
  });
}

test('a memoised list repeated 200 levels deep is written once, then referred to', () => {
  const c = cases.find((x) => x.name === 'memo_reuse_200')!;
  const { job } = decode(Buffer.from(c.blob, 'base64'));
  let node = job.state!.args[0] as unknown[];
  for (let depth = 0; depth < 199; depth++) {
    assert.deepEqual(node[1], { __class__: 'ref', pointer: `/args/0${'/0'.repeat(depth)}/0` });
    node = node[0] as unknown[];
  }
});

test('a list inside itself refers to itself', () => {
  const c = cases.find((x) => x.name === 'list_in_itself')!;
  assert.deepEqual(decode(Buffer.from(c.blob, 'base64')).job.state!.args, [[{ __class__: 'ref', pointer: '/args/0' }]]);
});

test('a 1 MB integer is shown in hex (Python refuses decimal beyond 4300 digits), a small one in decimal', () => {
  const big = decode(Buffer.from(cases.find((x) => x.name === 'long_1000000_bytes')!.blob, 'base64')).job.state!;
  const v = big.args[0] as { __class__: string; hex: string };
  assert.equal(v.__class__, 'builtins.int');
  assert.match(v.hex.slice(0, 200), /^-0x7f{100}/);
  assert.equal(v.hex.length, 3 + 2 * 1_000_000);
  const small = decode(Buffer.from(cases.find((x) => x.name === 'long_7_bytes')!.blob, 'base64')).job.state!;
  assert.deepEqual(small.args[0], { __class__: 'builtins.int', value: String(-(2n ** 55n) + 12345n) });
});

test('columns APScheduler cannot have written are undecodable rows, not errors', () => {
  const good = Buffer.from(vectors.jobs['3.9.1'][0].blob, 'base64');
  const rows = [
    [rawRow('a', 1795694424.5, null), /job_state is NULL, not a pickle/],
    [rawRow('b', 1795694424.5, 7), /job_state is the number 7, not a pickle/],
    [rawRow('c', -Infinity, good), /next_run_time -Infinity is not a time/],
    [rawRow('d', 1e300, good), /next_run_time 1e\+300 is not a time/],
    [rawRow('e', 'soon', good), /next_run_time is the text "soon", not a time/],
  ] as const;
  for (const [row, reason] of rows) {
    const job = decodeRow('test', 't', row);
    assert.equal(job.state, undefined, row.id);
    assert.match(job.decodeError!, reason, row.id);
  }
  assert.ok(decodeRow('test', 't', rawRow('ok', null, good)).state, 'a paused row with a good pickle decodes');
});

test('seeded fuzz: mutated real job pickles give a job or a reason, in bounded time', () => {
  const rounds = Number(process.env.PICKLE_FUZZ_ROUNDS ?? 1500);
  let seed = Number(process.env.PICKLE_FUZZ_SEED ?? 20261202);
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed % n;
  };
  const samples = [
    ...Object.values(vectors.jobs).flat().map((v) => Buffer.from(v.blob, 'base64')),
    ...cases.filter((c) => c.bytes < 5000).map((c) => Buffer.from(c.blob, 'base64')),
  ];
  let decoded = 0;
  let worst = 0;
  for (let i = 0; i < rounds; i++) {
    const src = samples[rand(samples.length)];
    let buf = Buffer.from(src);
    switch (rand(4)) {
      case 0: // overwrite bytes
        for (let k = 1 + rand(4); k > 0; k--) buf[rand(buf.length)] = rand(256);
        break;
      case 1: // cut
        buf = buf.subarray(0, rand(buf.length));
        break;
      case 2: {
        // repeat a slice (memo ops, containers) in place
        const a = rand(buf.length);
        const b = Math.min(buf.length, a + 1 + rand(16));
        buf = Buffer.concat([buf.subarray(0, b), buf.subarray(a, b), buf.subarray(b)]);
        break;
      }
      default: // swap in an opcode that refers back (BINGET of a random key, DUP)
        buf[rand(buf.length)] = [0x68, 0x32, 0x94, 0x61][rand(4)];
    }
    const { job, ms } = decode(buf);
    worst = Math.max(worst, ms);
    assert.ok(ms < MS_PER_ROW, `round ${i}: ${ms.toFixed(0)} ms for ${buf.toString('base64')}`);
    if (job.state) decoded++;
    else assert.equal(typeof job.decodeError, 'string', `round ${i}`);
  }
  assert.ok(decoded > 0 && decoded < rounds, `${decoded} of ${rounds} decoded (worst ${worst.toFixed(1)} ms)`);
});
