// orphan-job on rows real APScheduler wrote, checked against a source tree (--source): the
// functions of test/fixtures/gen/app_tasks.py resolve; a module or a def that is gone does not.
// Standard-library references and a run without --source stay silent.

import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { orphanJob } from '../../src/analyzers/orphan-job';
import type { StoreJob } from '../../src/model/store-job';
import { storeRows } from './rule-lines';

const GEN = join(__dirname, '..', 'fixtures', 'gen');
const check = (jobs: StoreJob[], sourceDir?: string) => orphanJob.check(jobs, { now: 0, sourceDir, options: {} });

/** A source tree holding app_tasks.py as `edit` leaves it, for one test. */
function withSource(edit: (source: string) => string, asPackage = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-src-'));
  const source = edit(readFileSync(join(GEN, 'app_tasks.py'), 'utf8'));
  if (asPackage) {
    mkdirSync(join(dir, 'app_tasks'));
    writeFileSync(join(dir, 'app_tasks', '__init__.py'), source);
  } else writeFileSync(join(dir, 'app_tasks.py'), source);
  return dir;
}

test('valid: every function of app-jobs.sqlite is defined under its source tree, as a module or a package', async () => {
  const jobs = await storeRows('app-jobs');
  assert.deepEqual(check(jobs, GEN), []);
  const pkg = withSource((s) => s, true);
  try {
    assert.deepEqual(check(jobs, pkg), []);
  } finally {
    rmSync(pkg, { recursive: true, force: true });
  }
});

test('valid: without --source nothing is checked; standard-library references are never orphans', async () => {
  assert.deepEqual(check(await storeRows('mixed')), []);
  const mixed = (await storeRows('mixed')).filter((j) => j.row.id !== 'gone');
  assert.ok(mixed.every((j) => /^(builtins|logging):/.test(j.state!.func)));
  assert.deepEqual(check(mixed, GEN), []);
});

test('invalid: a module that is not in the tree (mixed.sqlite\'s `gone`)', async () => {
  const [f, ...rest] = check(await storeRows('mixed'), GEN);
  assert.deepEqual(rest, []);
  assert.equal(f.severity, 'warning');
  assert.equal(f.count, 1);
  assert.equal(f.job, 'task');
  assert.equal(f.trigger, 'interval[1:00:00]');
  assert.deepEqual(f.data, { id: 'gone', func: 'vanished_module:task', reason: `module 'vanished_module' is not under ${GEN} (ignore this if it is an installed package)` });
  assert.equal(f.message, `gone: vanished_module:task would not import: module 'vanished_module' is not under ${GEN} (ignore this if it is an installed package)`);
  assert.equal(f.evidence[0].row, 'gone');
});

test('invalid: `def sync` renamed away: its three rows, and nothing for the functions still there', async () => {
  const dir = withSource((s) => s.replace('def sync():', 'def sync_all():'));
  try {
    const found = check(await storeRows('app-jobs'), dir);
    assert.equal(found.length, 3);
    for (const f of found) {
      assert.equal(f.data!.func, 'app_tasks:sync');
      assert.equal(f.data!.reason, `${join(dir, 'app_tasks.py')} defines no 'sync'`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('invalid: a method of a class, the class there but not the method; a reference with no colon', async () => {
  const dir = withSource((s) => `${s}\n\nclass Jobs:\n    def run(self):\n        pass\n`);
  try {
    const [j] = (await storeRows('app-jobs')).filter((x) => x.state?.func === 'app_tasks:sync');
    const as = (func: string): StoreJob => ({ ...j, state: { ...j.state!, func } });
    assert.deepEqual(check([as('app_tasks:Jobs.run')], dir), []);
    const found = check([as('app_tasks:Jobs.stop'), as('app_tasks.sync')], dir);
    assert.deepEqual(found.map((f) => f.data!.reason), [`${join(dir, 'app_tasks.py')} defines no 'stop' (for Jobs.stop)`, "'app_tasks.sync' is not a module:function reference"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('valid: functions a package re-exports from a submodule (`from .impl import sync`) import fine', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-src-'));
  try {
    mkdirSync(join(dir, 'app_tasks'));
    writeFileSync(join(dir, 'app_tasks', 'impl.py'), readFileSync(join(GEN, 'app_tasks.py'), 'utf8'));
    writeFileSync(join(dir, 'app_tasks', '__init__.py'), 'from .impl import close_month, nightly_report, rebuild_index, send_email, sync\n');
    assert.deepEqual(check(await storeRows('app-jobs'), dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a function of the script that ran the scheduler (`__main__:sync`) is not said to be missing from the tree', async () => {
  // Either nothing, or a finding that says why it cannot be checked: never "not under DIR".
  for (const f of check(await storeRows('restarts'), GEN)) {
    assert.doesNotMatch(f.data!.reason as string, /is not under|installed package/);
    assert.match(f.data!.reason as string, /__main__/);
  }
});

test('imports bind names, a missing one is still missing; a star import cannot be judged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-src-'));
  try {
    mkdirSync(join(dir, 'app_tasks'));
    writeFileSync(join(dir, 'app_tasks', 'impl.py'), readFileSync(join(GEN, 'app_tasks.py'), 'utf8'));
    // Parenthesised over lines, an alias, a comment: every form people write; `sync` left out.
    writeFileSync(join(dir, 'app_tasks', '__init__.py'), 'from .impl import (\n    close_month,  # month end\n    nightly_report as nightly_report,\n    rebuild_index,\n)\nfrom .impl import send_email\nimport os.path\n');
    const missing = check(await storeRows('app-jobs'), dir);
    assert.ok(missing.length > 0);
    for (const f of missing) assert.match(f.data!.reason as string, /defines no 'sync'/);
    writeFileSync(join(dir, 'app_tasks', '__init__.py'), 'from .impl import *\n');
    assert.deepEqual(check(await storeRows('app-jobs'), dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
