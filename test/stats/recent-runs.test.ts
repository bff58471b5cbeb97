// The window of recent scheduled times per job (rings of slots) against a plain model of it:
// arrays that only grow, an entry found by scanning back, expiry from the oldest arrival.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentRuns, RecentSlots } from '../../src/stats/recent-runs';

const HORIZON = 5 * 60e6;

/** The model: what each get() returns and each expiry reports, with no reuse of anything. */
class Model {
  private jobs = new Map<string, { times: number[]; entries: { id: number }[]; head: number; newest: number }>();
  seen = false;
  expired: string[] = [];
  private next = 0;

  get(key: string, at: number): { id: number } {
    let w = this.jobs.get(key);
    if (!w) this.jobs.set(key, (w = { times: [], entries: [], head: 0, newest: -Infinity }));
    if (at <= w.newest) {
      for (let i = w.times.length - 1; i >= w.head; i--) {
        if (w.times[i] === at) {
          this.seen = true;
          return w.entries[i];
        }
      }
    }
    const entry = { id: this.next++ };
    w.times.push(at);
    w.entries.push(entry);
    if (at > w.newest) w.newest = at;
    while (w.head < w.times.length && w.times[w.head] < w.newest - HORIZON) this.expired.push(`${key}:${w.entries[w.head++].id}`);
    this.seen = false;
    return entry;
  }

  live(): string[] {
    const out: string[] = [];
    for (const [key, w] of this.jobs) for (let i = w.head; i < w.entries.length; i++) out.push(`${key}:${w.entries[i].id}`);
    return out;
  }
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('RecentRuns equals the model over 200 random streams: copies found, late and very late arrivals, expiry order, what stays live', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const rnd = random(seed);
    const model = new Model();
    let next = 0;
    const expired: string[] = [];
    const recent = new RecentRuns<{ id: number }>(() => ({ id: next++ }), (e, key) => expired.push(`${key}:${e.id}`));
    const jobs = 1 + Math.floor(rnd() * 4);
    const period = [1e6, 10e6, 60e6, 200e6][Math.floor(rnd() * 4)];
    const clock = new Array(jobs).fill(0).map(() => Math.floor(rnd() * 1e9));
    for (let n = 0; n < 600; n++) {
      const j = Math.floor(rnd() * jobs);
      const r = rnd();
      // Mostly the next time; copies of a recent one; now and then one from far behind the horizon.
      const at = r < 0.6 ? (clock[j] += period) : r < 0.9 ? clock[j] - period * Math.floor(rnd() * 4) : clock[j] - HORIZON - period * (1 + Math.floor(rnd() * 3));
      const mine = recent.get(`job${j}`, at);
      const theirs = model.get(`job${j}`, at);
      assert.equal(recent.seen, model.seen, `seed ${seed} step ${n}: seen`);
      assert.equal(mine.id, theirs.id, `seed ${seed} step ${n}: the entry`);
    }
    assert.deepEqual(expired, model.expired, `seed ${seed}: expiries`);
    assert.deepEqual([...recent.live()].map(([e, key]) => `${key}:${e.id}`), model.live(), `seed ${seed}: live`);
  }
});

test('RecentSlots: a steady stream reuses its slots (no growth with the log), and set() replaces a value entry', () => {
  const slots = new RecentSlots();
  const used = new Set<number>();
  // 100 jobs, one run a second each, for two hours: each window holds 300 s of times.
  for (let s = 0; s < 7200; s++) for (let j = 0; j < 100; j++) used.add(slots.slot(`j${j}`, s * 1e6));
  assert.ok(used.size <= 100 * 302, `slots used: ${used.size}`);
  const values = new RecentRuns<number>(() => -1);
  assert.equal(values.get('a', 5), -1);
  values.set(7);
  assert.equal(values.get('a', 5), 7);
  assert.equal(values.seen, true);
});
