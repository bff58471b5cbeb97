// Every recorded fixture (real APScheduler output, with the truth recorded inside the processes):
// the reader finds every run, start and shutdown, and leaves no APScheduler line unrecognised.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPath } from './read-log';

const FIXTURES = join(__dirname, '..', 'fixtures');

for (const name of readdirSync(FIXTURES).sort()) {
  const log = join(FIXTURES, name, 'app.log');
  const truthPath = join(FIXTURES, name, 'truth.json');
  if (!existsSync(log) || !existsSync(truthPath)) continue;
  test(`fixture ${name}: runs, starts and shutdowns as recorded`, async () => {
    const totals = JSON.parse(readFileSync(truthPath, 'utf8')).counts.totals;
    const { events, stats } = await readPath(log);
    const count = (kind: string) => events.filter((e) => e.kind === kind).length;
    assert.equal(count('run-start'), totals.runs);
    assert.equal(count('scheduler-start'), totals.scheduler_started);
    assert.equal(count('scheduler-shutdown'), totals.scheduler_shutdown);
    assert.equal(stats.unrecognised, 0, JSON.stringify(stats.unrecognisedSamples));
    for (const e of events) assert.ok(e.ctx.time !== undefined, `time on line ${e.ctx.line}`);
    if (name === 'double-handler') assert.ok(stats.echoes > 0);
    else assert.equal(stats.echoes, 0);
  });
}
