// APScheduler 3.11 with a process pool, run for real (test/fixtures/gen/process_pool_311.py): the
// listener saw runs execute, the log has none of their lines. That must read as "runs cannot be
// checked", never as a healthy log.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeLogs } from '../../src/engine/analyze';

const DIR = join(__dirname, '..', 'fixtures', 'process-pool-311');

test('3.11 process pool: runs happened, none was logged: silent-runs, and nothing else', async () => {
  const listener = JSON.parse(readFileSync(join(DIR, 'listener.json'), 'utf8'));
  assert.ok(listener.executed > 0, 'APScheduler ran the job');
  assert.match(listener.apscheduler_version, /^3\.11\./);
  const a = await analyzeLogs([join(DIR, 'app.log')]);
  assert.deepEqual(a.findings.map((f) => [f.rule, f.severity]), [['silent-runs', 'info']]);
  assert.deepEqual(a.jobs, []);
});
