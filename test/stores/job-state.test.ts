// Job states pickled by real APScheduler (3.9.1 from Debian, 3.11.3 from a venv, synthetic 3.0.x
// and Python 2 forms), compared with what APScheduler itself computed when it loaded them back:
// str(trigger), str(job), dates, fields (test/fixtures/gen/pickle_vectors.py).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJobState, formatTimedelta, JobStateError, triggerFromState } from '../../src/stores/job-state';
import { decodePickle, PickleError } from '../../src/stores/pickle';
import type { PyValue } from '../../src/model/store-record';

interface JobVector {
  name: string;
  apscheduler: string;
  protocol: number;
  blob: string;
  expected: Record<string, unknown>;
}

const fixtures = join(__dirname, '..', 'fixtures');
const vectors: { jobs: Record<string, JobVector[]>; invalid: { name: string; blob: string }[] } = JSON.parse(
  readFileSync(join(fixtures, 'pickle', 'vectors.json'), 'utf8'),
);
const allJobs = Object.values(vectors.jobs).flat();
const blob = (v: { blob: string }): Buffer => Buffer.from(v.blob, 'base64');

for (const [version, jobs] of Object.entries(vectors.jobs)) {
  const names = [...new Set(jobs.map((j) => j.name))];
  for (const name of names) {
    const cases = jobs.filter((j) => j.name === name);
    test(`APScheduler ${version}: job ${name} (protocols ${cases.map((c) => c.protocol).join(',')})`, () => {
      for (const c of cases) {
        const label = `${c.apscheduler} protocol ${c.protocol}`;
        const got = decodeJobState(blob(c));
        // The headline texts first, for a readable failure; then everything.
        assert.equal(got.trigger.text, (c.expected.trigger as { text: string }).text, label);
        assert.equal(got.text, c.expected.text, label);
        assert.deepStrictEqual(got, c.expected, label);
      }
    });
  }
}

test('the fixtures cover every trigger type and both APScheduler versions', () => {
  const types = new Set(allJobs.map((j) => (j.expected.trigger as { type: string }).type));
  for (const t of ['interval', 'cron', 'date', 'and', 'or', 'calendarinterval']) assert.ok(types.has(t), t);
  assert.ok(vectors.jobs['3.9.1']?.length && vectors.jobs['3.11.3']?.length);
  assert.ok(allJobs.some((j) => j.apscheduler.startsWith('3.0-style')));
});

test('a decoded job state is JSON-serialisable (no bigint, no cycles)', () => {
  for (const c of allJobs) assert.doesNotThrow(() => JSON.stringify(decodeJobState(blob(c))), c.name);
});

test('big ints and nan in args render as markers', () => {
  const c = vectors.jobs['3.9.1'].find((j) => j.name === 'with_args' && j.protocol === 5)!;
  const got = decodeJobState(blob(c));
  assert.ok(got.args.some((a) => JSON.stringify(a) === '{"__class__":"builtins.int","value":"18446744073709551617"}'));
  assert.ok(got.args.some((a) => JSON.stringify(a) === '{"__class__":"builtins.float","value":"nan"}'));
});

test('malformed blobs throw PickleError; a pickle that is not a job throws JobStateError', () => {
  for (const c of vectors.invalid) assert.throws(() => decodeJobState(blob(c)), PickleError, c.name);
  const notAJob = Buffer.from('80045d942e', 'hex'); // pickle.dumps([], 4)
  assert.throws(() => decodeJobState(notAJob), JobStateError);
});

test('an unknown trigger class is reported as unknown, a subclass by its state shape', () => {
  assert.equal(triggerFromState('myapp.triggers.Custom', { foo: 1 }).type, 'unknown');
  assert.equal(triggerFromState('myapp.triggers.Custom', { foo: 1 }).text, '<myapp.triggers.Custom object>');
  // A user subclass of CronTrigger keeps CronTrigger's state and __str__.
  const cron = allJobs.find((j) => j.name === 'cron_positions' && j.protocol === 5)!;
  const trigger = (decodePickle(blob(cron)) as { trigger: { state: PyValue } }).trigger;
  const sub = triggerFromState('myapp.triggers.MyCron', trigger.state);
  assert.equal(sub.type, 'cron');
  assert.equal(sub.className, 'myapp.triggers.MyCron');
  assert.equal(sub.text, (cron.expected.trigger as { text: string }).text);
});

test('formatTimedelta follows str(timedelta)', () => {
  // Every interval trigger text in the fixtures was printed by Python's str(timedelta).
  for (const c of allJobs) {
    const t = c.expected.trigger as { type: string; text: string; intervalSeconds?: number };
    if (t.type !== 'interval') continue;
    const micros = BigInt(Math.round(t.intervalSeconds! * 1e6));
    assert.equal(`interval[${formatTimedelta(micros)}]`, t.text);
  }
});

test('the SQLite store fixture decodes row by row', (t) => {
  const path = join(fixtures, 'stores', 'mixed.sqlite');
  let Database: typeof import('better-sqlite3');
  try {
    Database = require('better-sqlite3');
  } catch {
    t.skip('better-sqlite3 is not built');
    return;
  }
  assert.ok(existsSync(path), 'run test/fixtures/gen/store_sqlite.py');
  const db = new Database(path, { readonly: true });
  const rows = db.prepare('SELECT id, next_run_time, job_state FROM apscheduler_jobs').all() as {
    id: string;
    next_run_time: number | null;
    job_state: Buffer;
  }[];
  db.close();
  assert.ok(rows.length >= 8);
  for (const row of rows) {
    const job = decodeJobState(row.job_state);
    assert.equal(job.id, row.id);
    if (row.next_run_time === null) {
      assert.equal(job.nextRunTime, null, row.id);
    } else {
      // The column is float seconds (double precision): agree to the microsecond.
      assert.ok(Math.abs(job.nextRunTime!.epochMicros! - row.next_run_time * 1e6) < 2, row.id);
    }
  }
});
