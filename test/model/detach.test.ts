import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detach } from '../../src/model/detach';

test('a detached slice equals its text and does not keep its parent alive', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  const kept: string[] = [];
  for (let i = 0; i < 50; i++) kept.push(detach(('x'.repeat(99) + i).repeat(10000).slice(500, 650)));
  assert.equal(kept[7], ('x'.repeat(99) + 7).repeat(10000).slice(500, 650));
  assert.equal(detach(''), '');
  if (!gc) return; // the retention half needs --expose-gc
  gc();
  assert.ok(process.memoryUsage().heapUsed < 40e6);
});
