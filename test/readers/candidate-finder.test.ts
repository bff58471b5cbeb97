// The candidate scan (readers/candidate-lines.ts) against the plain definition: the first place
// at or after `from` where any marker starts, the least of `indexOf` over every marker. Random
// text made of the markers' own bytes and pieces (so that near misses and overlaps are common),
// with markers planted at random places, the chunk's ends included, and queries at every line
// start in order, as the reader makes them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CANDIDATE_MARKERS, CandidateFinder } from '../../src/readers/candidate-lines';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function reference(buf: Buffer, from: number): number {
  let first = -1;
  for (const m of CANDIDATE_MARKERS) {
    const at = buf.indexOf(m, from);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}

test('the scan finds the first marker at or after each line start, exactly as indexOf over every marker does', () => {
  const pieces = [...CANDIDATE_MARKERS.flatMap((m) => [m, m.slice(0, -1), m.slice(1), m.slice(0, 3)]), ' ', '\n', 'job ', 'Job', 'INFO ', '"', '\\', 'ab'];
  let checked = 0;
  let found = 0;
  let none = 0;
  for (let seed = 1; seed <= 600; seed++) {
    const rand = lcg(seed);
    const parts: string[] = [];
    const length = 1 + Math.floor(rand() * 200);
    for (let i = 0; i < length; i++) {
      // Mostly broken pieces and filler; whole markers now and then.
      const p = rand() < 0.12 ? '\n' : pieces[Math.floor(rand() * pieces.length)];
      parts.push(CANDIDATE_MARKERS.includes(p) && rand() < 0.7 ? p.slice(0, -1) + 'x' : p);
    }
    const buf = Buffer.from(parts.join(''), 'utf8');
    const finder = new CandidateFinder();
    // Line starts in order, as the reader asks; and a few queries from anywhere on a new finder.
    for (let from = 0; from <= buf.length; ) {
      const want = reference(buf, from);
      assert.equal(finder.find(buf, from), want, `seed ${seed}, from ${from}`);
      checked++;
      if (want >= 0) found++;
      else none++;
      const nl = buf.indexOf(10, Math.max(from, want));
      if (nl < 0) break;
      from = nl + 1;
    }
    const at = Math.floor(rand() * (buf.length + 1));
    assert.equal(new CandidateFinder().find(buf, at), reference(buf, at), `seed ${seed}, from ${at} on a new finder`);
    // The same finder asked about another buffer forgets the first one's places.
    const other = Buffer.from('x'.repeat(at) + '\x1b[31m' + ' Running job "', 'utf8');
    assert.equal(finder.find(other, 0), reference(other, 0));
  }
  assert.ok(checked > 2000 && found > 1000 && none > 100, `${checked} queries, ${found} with a marker, ${none} without`);
});

test('every marker is found alone, at the start and at the very end of a buffer', () => {
  for (const m of CANDIDATE_MARKERS) {
    for (const buf of [Buffer.from(m), Buffer.from(`some application text ${m}`), Buffer.from(`${m} and more`)]) {
      assert.equal(new CandidateFinder().find(buf, 0), reference(buf, 0), JSON.stringify(buf.toString()));
    }
    // Cut short by one byte, it is not a marker.
    const cut = Buffer.from(`text ${m.slice(0, -1)}`);
    assert.equal(new CandidateFinder().find(cut, 0), reference(cut, 0));
  }
});

test('a message start is a marker with its quote raw or escaped, and "Job" alone is not', () => {
  const f = new CandidateFinder();
  assert.equal(f.find(Buffer.from('app: Job step finished\n'), 0), -1);
  assert.equal(new CandidateFinder().find(Buffer.from('x Job "tick (trigger'), 0), 2);
  assert.equal(new CandidateFinder().find(Buffer.from('{"msg": "Job \\"tick'), 0), 9);
  assert.equal(new CandidateFinder().find(Buffer.from('{"msg": "Job \\u0022tick'), 0), 9);
});
