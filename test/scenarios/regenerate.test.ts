// The fixtures are committed so `npm test` needs no Python; where real APScheduler is installed
// (`.ci/run` installs Debian's python3-apscheduler), fresh runs of the headline scenario, the
// healthy one and kill-restart (lost work; about 50 s, mostly waiting) are recorded into a
// temporary folder and checked the same way: the tool must agree
// with APScheduler on logs it has never seen, not only on the committed ones.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkScenario, readTruth } from './check-scenario';

const GEN = join(__dirname, '..', 'fixtures', 'gen');
const PYTHON = '/usr/bin/python3';
const ready = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import apscheduler, sqlalchemy, pytz, tzlocal'], { stdio: 'ignore' }).status === 0;
const skip = ready ? false : 'APScheduler is not installed for /usr/bin/python3 (apt-get install python3-apscheduler)';
const out = mkdtempSync(join(tmpdir(), 'sched-doctor-regen-'));
after(() => rmSync(out, { recursive: true, force: true }));

for (const name of ['seed', 'healthy', 'kill_restart']) {
  test(`${name}: a fresh run of real APScheduler is diagnosed as its own events say`, { skip, timeout: 180_000 }, async () => {
    // Exit 2 means the run did not show the scenario's phenomenon this time (a race between
    // workers); its truth still says what happened, which is what the checks compare against.
    const res = spawnSync(PYTHON, [join(GEN, `${name}.py`)], { cwd: GEN, env: { ...process.env, SCHED_DOCTOR_FIXTURES_OUT: out }, encoding: 'utf8', timeout: 170_000 });
    assert.ok(res.status === 0 || res.status === 2, `${name}.py exited ${res.status}: ${res.stderr.slice(-2000)}`);
    const dir = join(out, name.replace('_', '-'));
    const truth = readTruth(dir);
    await checkScenario(name, dir, truth, 'auto');
    await checkScenario(name, dir, truth, 'log-format');
  });
}
