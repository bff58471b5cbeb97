// Golden outputs: every format on several scenarios, compared byte for byte with the files in
// test/report/golden/<run>/. After an intended change (or regenerated fixtures), rewrite them
// with `UPDATE_GOLDEN=1 npm test` and review the diff.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../support/cli';
import { FORMAT_FILES, GOLDEN_RUNS, renderAll } from './scenarios';

const GOLDEN = join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

process.chdir(ROOT);

for (const run of GOLDEN_RUNS) {
  test(`golden outputs: ${run.name}`, async () => {
    const { outputs, code } = await renderAll(run);
    const dir = join(GOLDEN, run.name);
    const files = { ...Object.fromEntries(Object.entries(FORMAT_FILES).map(([format, file]) => [file, outputs[format]])), 'exit-code.txt': `${code}\n` };
    if (UPDATE) {
      mkdirSync(dir, { recursive: true });
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
      return;
    }
    for (const [file, text] of Object.entries(files)) {
      const path = join(dir, file);
      assert.ok(existsSync(path), `${path} is missing: run UPDATE_GOLDEN=1 npm test`);
      assert.equal(text, readFileSync(path, 'utf8'), `${run.name}/${file} differs from the golden file (UPDATE_GOLDEN=1 rewrites it)`);
    }
  });
}

test('golden outputs hold no absolute path of this machine', () => {
  for (const run of GOLDEN_RUNS) {
    for (const file of Object.values(FORMAT_FILES)) {
      const path = join(GOLDEN, run.name, file);
      if (existsSync(path)) assert.ok(!readFileSync(path, 'utf8').includes(ROOT), `${path} contains ${ROOT}`);
    }
  }
});
