// The follower on its own: whole lines with their numbers, from the end or the start, a partial
// last line held until its newline or a second of quiet, rename and create, truncation, a file
// that appears later, and a glob that leaves rotated parts alone.

import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { followFile, followInputs, followStream, type FollowedBlock } from '../../src/readers/follow';

const POLL = 30;

/** Runs a follower in the background, collecting `[line number, text]` per line, and idle marks. */
function collect(blocks: AsyncIterable<FollowedBlock>) {
  const lines: [number, string][] = [];
  let idles = 0;
  const done = (async () => {
    for await (const b of blocks) {
      if ('idle' in b) {
        idles++;
        continue;
      }
      const texts = [b.block.head, ...(b.block.body ? b.block.body.toString('utf8').split('\n') : [])];
      texts.forEach((t, i) => lines.push([b.firstLine + i, t]));
    }
  })();
  return { lines, idles: () => idles, done };
}

test('from the end: only what is written after the start, numbered as lines of the whole file; a partial line waits for its newline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-follow-'));
  const path = join(dir, 'app.log');
  writeFileSync(path, 'one\ntwo\nthree (being writ');
  const stop = new AbortController();
  const c = collect(followFile(path, { pollMs: POLL, partialMs: 2000, signal: stop.signal }));
  await sleep(100);
  appendFileSync(path, 'ten)\nfour\nfi');
  await sleep(150);
  assert.deepEqual(c.lines, [[3, 'three (being written)'], [4, 'four']], 'the line being written when it started is read whole; "fi" waits');
  appendFileSync(path, 've\n');
  await sleep(150);
  assert.deepEqual(c.lines.slice(2), [[5, 'five']]);
  assert.ok(c.idles() >= 1, 'an idle mark after each burst');
  stop.abort();
  await c.done;
});

test('--from-start; a partial last line is a line after the quiet period; rename and create; truncation', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-follow-'));
  const path = join(dir, 'app.log');
  writeFileSync(path, 'a\nb\nno newline yet');
  const stop = new AbortController();
  const notices: string[] = [];
  const c = collect(followFile(path, { fromStart: true, pollMs: POLL, partialMs: 200, signal: stop.signal, notice: (m) => notices.push(m) }));
  await sleep(100);
  assert.deepEqual(c.lines, [[1, 'a'], [2, 'b']]);
  await sleep(250);
  assert.deepEqual(c.lines, [[1, 'a'], [2, 'b'], [3, 'no newline yet']]);
  appendFileSync(path, 'c\n');
  renameSync(path, `${path}.1`);
  writeFileSync(path, 'new 1\n');
  await sleep(200);
  assert.deepEqual(c.lines.slice(3), [[4, 'c'], [1, 'new 1']], 'the old file to its end, then the new one from line 1');
  appendFileSync(path, 'new 2\nnew 3\n');
  await sleep(150);
  truncateSync(path, 0);
  await sleep(100);
  appendFileSync(path, 'after\n');
  await sleep(150);
  assert.deepEqual(c.lines.slice(5), [[2, 'new 2'], [3, 'new 3'], [1, 'after']]);
  assert.deepEqual(notices, [`${path} was rotated: reading the new file`, `${path} was truncated: reading it from the start`]);
  stop.abort();
  await c.done;
});

test('a file that does not exist yet is read from its start when it appears', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-follow-'));
  const path = join(dir, 'later.log');
  const stop = new AbortController();
  const notices: string[] = [];
  const c = collect(followFile(path, { pollMs: POLL, signal: stop.signal, notice: (m) => notices.push(m) }));
  await sleep(80);
  writeFileSync(path, 'first\nsecond\n');
  await sleep(150);
  assert.deepEqual(c.lines, [[1, 'first'], [2, 'second']]);
  assert.deepEqual(notices, [`${path} does not exist yet: waiting for it`]);
  stop.abort();
  await c.done;
});

test('a glob: a file appearing later is followed from its start; a rotated part it matches is not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-follow-'));
  writeFileSync(join(dir, 'web-1.log'), 'old line\n');
  const stop = new AbortController();
  const sources: { label: string; c: ReturnType<typeof collect> }[] = [];
  const found = (async () => {
    for await (const s of followInputs([join(dir, '*.log*')], { pollMs: POLL, rescanMs: 50, signal: stop.signal })) sources.push({ label: s.label, c: collect(s.blocks) });
  })();
  await sleep(100);
  writeFileSync(join(dir, 'web-2.log'), 'hello\n');
  appendFileSync(join(dir, 'web-1.log'), 'new line\n');
  renameSync(join(dir, 'web-1.log'), join(dir, 'web-1.log.1'));
  writeFileSync(join(dir, 'web-1.log.2.gz'), 'not a log to follow\n');
  await sleep(250);
  stop.abort();
  await found;
  await Promise.all(sources.map((s) => s.c.done));
  assert.deepEqual(sources.map((s) => [s.label.slice(dir.length + 1), s.c.lines]), [['web-1.log', [[2, 'new line']]], ['web-2.log', [[1, 'hello']]]]);
});

test('standard input: chunks become lines; the end of the stream ends it, a partial last line included', async () => {
  const input = new PassThrough();
  const c = collect(followStream(input, '-', { pollMs: POLL }));
  input.write('x\ny');
  // Several polls long: a poll's timer may fire a millisecond before Date.now() says pollMs
  // passed, and that poll then sends no idle mark (two polls were not always enough).
  await sleep(POLL * 5);
  input.write('z\nlast');
  input.end();
  await c.done;
  assert.deepEqual(c.lines, [[1, 'x'], [2, 'yz'], [3, 'last']]);
  assert.ok(c.idles() >= 1);
});
