// unfinished-run on the seed log (three real workers), with one worker killed mid-run: its lines
// after its first `Running job` are removed, as kill -9 would leave the shared log.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeLogs } from '../../src/engine/analyze';

const SEED = join(__dirname, '..', 'fixtures', 'seed', 'app.log');

test('a worker killed mid-run: its open run is unfinished, whose process logged nothing more', async () => {
  const lines = readFileSync(SEED, 'utf8').split('\n').filter(Boolean);
  const firstRun = lines.findIndex((l) => l.includes('Running job "'));
  const pid = /\[(\d+)\]/.exec(lines[firstRun])![1];
  const killed = lines.filter((l, i) => i <= firstRun || !l.includes(`[${pid}]`));
  const path = join(mkdtempSync(join(tmpdir(), 'sched-doctor-kill-')), 'app.log');
  writeFileSync(path, killed.join('\n') + '\n');

  const a = await analyzeLogs([path]);
  const unfinished = a.findings.filter((f) => f.rule === 'unfinished-run');
  assert.equal(unfinished.length, 1);
  assert.equal(unfinished[0].count, 1);
  assert.equal(unfinished[0].data!.silent, 1);
  assert.equal(unfinished[0].evidence[0].line, firstRun + 1);

  const whole = await analyzeLogs([SEED]);
  assert.ok(!whole.findings.some((f) => f.rule === 'unfinished-run'), 'the whole log has no unfinished run');
});
