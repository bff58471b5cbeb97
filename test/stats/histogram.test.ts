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
