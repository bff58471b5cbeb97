// Every scenario recorded from real APScheduler, checked against its truth (see check-scenario.ts).

import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkScenario, readTruth } from './check-scenario';

const FIXTURES = join(__dirname, '..', 'fixtures');
const scenarios = readdirSync(FIXTURES).filter((d) => existsSync(join(FIXTURES, d, 'truth.json')));

test('scenarios exist', () => assert.ok(scenarios.length >= 8, `found ${scenarios.join(', ')}`));

for (const name of scenarios) {
  const dir = join(FIXTURES, name);
  const truth = readTruth(dir);
  for (const mode of ['auto', 'log-format'] as const) {
    // A log written through two handlers has two formats: only auto-detection reads both.
    const skip = mode === 'log-format' && Array.isArray(truth.log_format) ? 'two formats in one log' : false;
    test(`${name} (${mode}): findings match APScheduler's own events`, { skip }, () => checkScenario(name, dir, truth, mode));
  }
}
