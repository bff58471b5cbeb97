// Summaries packed in a decoding thread and unpacked in the main thread (summary-wire.ts) must be
// what the main thread would have decoded itself: the same values, the same members in the same
// order (the reports are JSON of them), each row's id its row's own.

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeState, summaryJob, type DecodedState } from '../../src/engine/decode-row';
import { packStates, unpackStates } from '../../src/engine/summary-wire';
import { Database } from '../../src/stores/sqlite-driver';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** Every row of every SQLite store among the fixtures: real APScheduler pickles of every trigger kind. */
function fixtureRows(): { id: string; pickle: Buffer }[] {
  const rows: { id: string; pickle: Buffer }[] = [];
  for (const dir of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(FIXTURES, dir.name))) {
      if (!f.endsWith('.sqlite')) continue;
      const db = new Database(join(FIXTURES, dir.name, f), { readonly: true });
      try {
        for (const r of db.prepare('SELECT id, job_state FROM apscheduler_jobs').all() as { id: string; job_state: Buffer }[]) {
          rows.push({ id: r.id, pickle: r.job_state });
        }
      } finally {
        db.close();
      }
    }
  }
  return rows;
}

/** JSON with the order of members kept: what a report would print of it. */
const text = (v: unknown) => JSON.stringify(v);

test('real pickles: unpacked summaries equal the ones decoded here, member for member and in order', () => {
  const rows = fixtureRows();
  assert.ok(rows.length >= 20, `only ${rows.length} fixture rows`);
  // A corrupt pickle among them: its error travels too.
  rows.splice(3, 0, { id: 'broken', pickle: Buffer.from([0x80, 0x04, 0x95]) });
  const ids = rows.map((r) => r.id);
  const here = rows.map((r) => decodeState(r.pickle, true));
  const packed = packStates((i) => decodeState(rows[i].pickle, true, false), ids);
  const there = unpackStates(packed, ids);
  assert.equal(text(there), text(here));
  assert.deepEqual(there, here);
  assert.match(there[3]!.decodeError!, /pickle/);
  const decoded = there.filter((d) => d?.state);
  // Each row's id is its row's own string, not a copy sent back (where no other member holds it).
  const others = decoded.filter((d) => d!.state!.name !== d!.state!.id);
  assert.ok(others.length >= 5);
  for (const d of others) assert.equal(packed.texts.includes(d!.state!.id), false, d!.state!.id);
  there.forEach((d, i) => d?.state && assert.equal(d.state.id, ids[i]));
  assert.ok(decoded.length >= rows.length - 1);
});

test('every member that may be missing, null, a float or another id comes back as it was', () => {
  const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
  const states: (DecodedState | null)[] = [
    summaryJob('a', 'n', 'm:f', 'default', null, false, 1, null, 'cron', "cron[hour='1']", null, null, undefined, '[]', '{}'),
    // Another id than the row's; a float grace time and interval; naive datetimes (no instant).
    summaryJob('other', 'n', 'm:f', 'pool', 0.5, true, 3, { epochMicros: null }, 'interval', 'interval[0:00:01.500000]', 'UTC', { epochMicros: null }, 1.5, '[1]', '{"k":2}'),
    null,
    { decodeError: 'over the limit', decodeLimited: true },
    { decodeError: 'not a job' },
    // Instants far from now, a large int count, the same text in two members.
    summaryJob('f', 'same', 'same', 'same', 2 ** 40, false, 2 ** 31, { epochMicros: -62135596800000000 }, 'date', 'date[9999-12-31 23:59:59 UTC]', 'Europe/Berlin', { epochMicros: 253402300799999999 }, undefined, 'same', 'same'),
  ];
  const there = unpackStates(packStates((i) => states[i], ids), ids);
  assert.equal(text(there), text(states));
  assert.deepEqual(there, states);
  assert.equal(there[2], null);
  assert.equal(there[1]!.state!.id, 'other');
  assert.ok(!('intervalSeconds' in there[0]!.state!.trigger));
  assert.equal(there[3]!.decodeLimited, true);
  assert.ok(!('decodeLimited' in there[4]!));
});
