// The lines of a chunk are each decoded on their own: a line kept past its chunk (a rule's
// evidence) keeps only itself, so the rules keep a run's line without copying it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyLines } from '../../src/readers/line-source';
import { heapAfterGc } from '../support/heap';

test("bodyLines: the lines, without a line feed's carriage return, as decoding the body and splitting it gives", () => {
  const cases = ['', 'a', 'a\n', '\n', 'a\r\nb\r\n\r', 'é\n\xff\r\nz', 'x\r\r\ny', '\r'];
  for (const c of cases) {
    const body = Buffer.from(c, c.includes('\xff') ? 'latin1' : 'utf8');
    const split = body.toString('utf8').split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    assert.deepEqual(bodyLines(body), split, JSON.stringify(c));
  }
  // A multi-byte character cut by the body's end, and bytes that are not UTF-8: replaced as in the whole.
  const bytes = Buffer.concat([Buffer.from('ok\n'), Buffer.from([0xe2, 0x82]), Buffer.from('\nend\xc3')]);
  assert.deepEqual(bodyLines(bytes), bytes.toString('utf8').split('\n'));
});

test('bodyLines: one line kept from each of 100 one-MiB chunks keeps a line each, not a chunk each', () => {
  const line = 'INFO apscheduler.executors.default: Running job "sync (trigger: interval[0:00:01], next run at: …)"\n';
  const chunk = Buffer.from(line.repeat(Math.ceil((1 << 20) / Buffer.byteLength(line))));
  const before = heapAfterGc();
  const kept: string[] = [];
  for (let i = 0; i < 100; i++) kept.push(bodyLines(Buffer.from(chunk))[i]);
  const grown = heapAfterGc() - before;
  assert.equal(kept.length, 100);
  // Split from the decoded chunk, each kept line would hold its 1 MiB chunk: 100 MB.
  assert.ok(grown < 5e6, `the heap grew ${(grown / 1e6).toFixed(1)} MB for 100 kept lines`);
});
