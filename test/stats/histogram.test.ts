import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram } from '../../src/stats/histogram';

test('quantiles within 2% of the exact ones, extremes exact', () => {
  const values: number[] = [];
  let x = 12345;
  for (let i = 0; i < 20000; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    values.push(1 + (x % 5_000_000) * (i % 7 === 0 ? 40 : 1));
  }
  const h = new Histogram();
  for (const v of values) h.add(v);
  const sorted = [...values].sort((a, b) => a - b);
  for (const q of [0.5, 0.9, 0.95, 0.99]) {
    const exact = sorted[Math.ceil(q * sorted.length) - 1];
    const got = h.quantile(q)!;
    assert.ok(Math.abs(got - exact) / exact <= 0.02, `q=${q}: ${got} vs ${exact}`);
  }
  assert.equal(h.quantile(1), sorted[sorted.length - 1]);
  assert.equal(h.quantile(0), sorted[0]);
  assert.equal(new Histogram().quantile(0.5), undefined);
});

test('zero and sub-microsecond values share the first bucket', () => {
  const h = new Histogram();
  h.add(0);
  h.add(0.3);
  h.add(-5);
  assert.equal(h.quantile(0.5), 0.3);
  assert.equal(h.count, 3);
});

// The buckets as one key each (exponent and mantissa bits), in a Map: what Histogram counts, kept simple.
function referenceQuantile(values: number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const vs = values.map((v) => (v > 0 ? v : 0));
  const max = Math.max(...vs);
  const min = Math.min(...vs);
  if (q >= 1) return max;
  if (q <= 0) return min;
  const f = new Float64Array(1);
  const hi = new Uint32Array(f.buffer);
  const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;
  const buckets = new Map<number, number>();
  for (const v of vs) {
    f[0] = v;
    const b = v < 1 ? 0 : ((hi[HI] >>> 20) & 0x7ff) * 64 + ((hi[HI] >>> 14) & 0x3f);
    buckets.set(b, (buckets.get(b) ?? 0) + 1);
  }
  const rank = Math.ceil(q * vs.length);
  let seen = 0;
  for (const b of [...buckets.keys()].sort((x, y) => x - y)) {
    seen += buckets.get(b)!;
    const upper = b === 0 ? 1 : 2 ** (Math.floor(b / 64) - 1023) * (1 + ((b % 64) + 1) / 64);
    if (seen >= rank) return Math.min(max, Math.max(min, upper));
  }
  return max;
}

test('every quantile equals the plain bucket count\'s, over values spanning many powers of two', () => {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  for (let round = 0; round < 200; round++) {
    const n = 1 + Math.floor(rnd() * 400);
    const spread = rnd() * 40;
    const values = Array.from({ length: n }, () => (rnd() < 0.05 ? -rnd() : rnd() < 0.05 ? rnd() : 2 ** (rnd() * spread) * (1 + rnd())));
    const h = new Histogram();
    for (const v of values) h.add(v);
    for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1]) assert.equal(h.quantile(q), referenceQuantile(values, q), `round ${round} q ${q}`);
  }
  assert.equal(new Histogram().quantile(0.5), undefined);
});
