// Every rule in the registry has its own test beside it (STYLE.md: test/analyzers/<rule-id>.test.ts),
// and every such test belongs to a rule that exists: adding or renaming a rule without its test fails here.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RULES } from '../../src/analyzers';

const HERE = __dirname;
const SELF = 'every-rule-tested.test.ts';

test('each registered rule has test/analyzers/<id>.test.ts, and the file exercises that rule', () => {
  const missing = RULES.map((r) => r.id).filter((id) => !existsSync(join(HERE, `${id}.test.ts`)));
  assert.deepEqual(missing, [], `rules without a test file: write test/analyzers/${missing[0]}.test.ts`);
  for (const { id } of RULES) {
    const source = readFileSync(join(HERE, `${id}.test.ts`), 'utf8');
    // The findings of the rule by id, or the rule's module itself.
    assert.ok(source.includes(`'${id}'`) || source.includes(`/analyzers/${id}'`), `${id}.test.ts neither names '${id}' nor imports src/analyzers/${id}`);
    assert.match(source, /\btest\(/, `${id}.test.ts has no test`);
  }
});

test('each test file here is a registered rule\'s (or this check)', () => {
  const ids = new Set(RULES.map((r) => r.id));
  const strays = readdirSync(HERE).filter((f) => f.endsWith('.test.ts') && f !== SELF && !ids.has(f.slice(0, -'.test.ts'.length)));
  assert.deepEqual(strays, [], 'a test for a rule that is not in src/analyzers/index.ts (renamed or removed?)');
});
