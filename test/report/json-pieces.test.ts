// The JSON report in pieces must be, joined, exactly the text JSON.stringify(value, null, 2) writes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonPieces } from '../../src/report/json-pieces';

const joined = (v: Record<string, unknown>) => [...jsonPieces(v)].join('');

test('pieces join to JSON.stringify(value, null, 2): empty, omitted values, escapes, nesting, long arrays', () => {
  const long = Array.from({ length: 1234 }, (_, i) => ({ i, name: `job "${i}"\n\u2028é`, nested: { a: [i, null, undefined, { b: i % 3 === 0 ? undefined : 'x' }] }, when: new Date(Date.UTC(2026, 0, 1) + i * 1000) }));
  const cases: Record<string, unknown>[] = [
    {},
    { only: undefined, f: () => 1 },
    { a: 1, skip: undefined, b: 'two', c: null, d: [], e: {}, f: [1, [2, []], { g: {} }] },
    { 'k"ey\\': 1, '0': 'integer-like keys come first', z: true },
    { findings: long, jobs: long.slice(0, 500), more: long.slice(0, 501), tail: 'end' },
    { big: long, undefinedItems: Array.from({ length: 700 }, (_, i) => (i % 2 ? undefined : i)) },
    // Long arrays deeper down: the store section's jobs, and deeper still, beside small members.
    { store: { url: 'sqlite:///x', jobs: long, empty: {}, none: undefined }, deeper: { a: { b: long.slice(0, 900), c: [1] }, d: undefined }, e: { f: long.slice(0, 10) } },
    { nested: { only: long, alsoLong: long.slice(0, 501) } },
  ];
  for (const v of cases) assert.equal(joined(v), JSON.stringify(v, null, 2));
  // A long array inside an object is in pieces too: no piece holds the whole store section.
  const store = [...jsonPieces({ store: { url: 'x', jobs: long } })];
  assert.ok(Math.max(...store.map((p) => p.length)) < JSON.stringify({ store: { jobs: long } }, null, 2).length / 2, 'the nested array is cut');
  // A long array is written in several pieces, never as one string.
  const pieces = [...jsonPieces({ findings: long })];
  assert.ok(pieces.length >= 4, `pieces: ${pieces.length}`);
  assert.ok(Math.max(...pieces.map((p) => p.length)) < JSON.stringify({ findings: long }, null, 2).length / 2);
});
