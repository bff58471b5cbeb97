// Reading a SQLite job store without hurting its writer: bounded read transactions, so that a
// scheduler's commit never waits long on sched-doctor; and a store left with a hot journal gets a
// one-line explanation. The writer is real SQLite in a Python process (the stdlib sqlite3 module
// APScheduler's SQLAlchemy store uses), with a short busy timeout.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, ROWS_PER_TRANSACTION } from '../../src/stores/sqlite-store';

const PY = '/usr/bin/python3';
const bin = join(__dirname, '..', '..', 'bin', 'sched-doctor');

function python(code: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(PY, ['-c', code, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const MAKE_STORE = `
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute('CREATE TABLE ${'${t}'} (id VARCHAR(191) NOT NULL ${'${pk}'}, next_run_time FLOAT, job_state BLOB NOT NULL)')
db.executemany('INSERT INTO ${'${t}'} VALUES (?, ?, ?)', [('j%05d' % i, 1.0 + i, os.urandom(200)) for i in range(int(sys.argv[2]))])
db.commit()
`;

function makeStore(path: string, rows: number, primaryKey = true): void {
  const code = MAKE_STORE.replace(/\$\{t\}/g, 'apscheduler_jobs').replace('${pk}', primaryKey ? 'PRIMARY KEY' : '');
  const r = python(code, path, String(rows));
  assert.equal(r.status, 0, r.stderr);
}

// Without Python the tests skip on a developer machine; under CI (.ci/run installs it) they fail.
const pythonHere = existsSync(PY) || process.env.CI === 'true';

test('rows are read in bounded transactions: a writer commits between two batches', { skip: !pythonHere && 'no /usr/bin/python3' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-read-'));
  try {
    const path = join(dir, 'jobs.sqlite');
    const rows = 2 * ROWS_PER_TRANSACTION + 17;
    makeStore(path, rows);
    const store = openSqliteStore(path, 'sqlite:///jobs.sqlite', { table: 'apscheduler_jobs' });
    const seen: string[] = [];
    let batches = 0;
    for await (const batch of store.batches()) {
      assert.ok(batch.length <= ROWS_PER_TRANSACTION);
      for (const r of batch) seen.push(r.id);
      batches++;
      if (batches === 1) {
        // The reader is between two batches: no lock may be held now. A writer with a 200 ms
        // busy timeout (APScheduler's would fail the same way: `database is locked`) commits.
        const w = python(`
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=0.2)
db.execute("UPDATE apscheduler_jobs SET next_run_time = next_run_time + 1 WHERE id = 'j00000'")
db.commit()
print('committed')`, path);
        assert.equal(w.status, 0, w.stderr);
        assert.equal(w.stdout.trim(), 'committed');
      }
    }
    await store.close();
    assert.equal(batches, 3);
    assert.ok(ROWS_PER_TRANSACTION >= 100, 'a page is more than a handful of rows');
    assert.equal(seen.length, rows, 'every row once');
    assert.deepEqual(seen, [...seen].sort(), 'in id order');
    assert.match(store.readMode!, new RegExp(`^bounded read transactions \\(at most ${ROWS_PER_TRANSACTION} rows each`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a table without an index on id is read in one transaction, and the report says so', { skip: !pythonHere && 'no /usr/bin/python3' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-read-'));
  try {
    const path = join(dir, 'jobs.sqlite');
    makeStore(path, 50, false);
    const out = spawnSync(bin, ['jobs', '--db', `sqlite:///${path}`, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    const doc = JSON.parse(out.stdout);
    assert.equal(doc.jobs.length, 50);
    assert.match(doc.read, /^one read transaction \(no index on id/);
    assert.ok(doc.jobs.every((j: { decodeError: string }) => /pickle: /.test(j.decodeError)), 'random bytes are undecodable rows');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a hot journal: one line that says what it is and how to recover, exit 2; then it reads', { skip: !pythonHere && 'no /usr/bin/python3' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-hot-'));
  try {
    const path = join(dir, 'jobs.sqlite');
    makeStore(path, 3000);
    // A writer killed mid-transaction, after its changes spilled to the file: a hot journal.
    const kill = python(`
import os, signal, sqlite3, sys
if os.fork() == 0:
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute('PRAGMA cache_size=1')
    db.execute('BEGIN')
    db.execute('UPDATE apscheduler_jobs SET job_state = randomblob(300)')
    os.kill(os.getpid(), signal.SIGKILL)
os.wait()`, path);
    assert.equal(kill.status, 0, kill.stderr);
    assert.ok(existsSync(`${path}-journal`) && statSync(`${path}-journal`).size > 0, 'the journal is left behind');
    for (const args of [['jobs', '--db', `sqlite:///${path}`], ['analyze', '--db', `sqlite:///${path}`, '--format', 'json']]) {
      const r = spawnSync(bin, args, { encoding: 'utf8' });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^sched-doctor: .*jobs\.sqlite-journal is a hot journal, left by a writer that stopped mid-transaction; .*open it once with write access/);
      assert.doesNotMatch(r.stderr, /attempt to write a readonly database/);
    }
    // The recovery the message gives: any write-capable open rolls the journal back.
    assert.equal(python('import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA schema_version").fetchall()', path).status, 0);
    const after = spawnSync(bin, ['jobs', '--db', `sqlite:///${path}`, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(after.status, 0, after.stderr);
    assert.equal(JSON.parse(after.stdout).jobs.length, 3000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('corrupt columns (an integer job_state, a -inf next_run_time) are undecodable-job findings, not an internal error', { skip: !pythonHere && 'no /usr/bin/python3' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-bad-'));
  try {
    const path = join(dir, 'jobs.sqlite');
    const fixture = join(__dirname, '..', 'fixtures', 'stores', 'mixed.sqlite');
    const r = python(`
import shutil, sqlite3, sys
shutil.copy(sys.argv[1], sys.argv[2])
db = sqlite3.connect(sys.argv[2])
db.execute("UPDATE apscheduler_jobs SET job_state = 42 WHERE id = 'tick'")
db.execute("UPDATE apscheduler_jobs SET next_run_time = -1e999 WHERE id = 'once'")
db.commit()`, fixture, path);
    assert.equal(r.status, 0, r.stderr);
    const out = spawnSync(bin, ['analyze', '--db', `sqlite:///${path}`, '--format', 'json', '--now', '2026-11-26T12:00:00Z'], { encoding: 'utf8' });
    assert.equal(out.status, 1, out.stderr);
    assert.equal(out.stderr, '');
    const doc = JSON.parse(out.stdout);
    const undecodable = doc.findings.filter((f: { rule: string }) => f.rule === 'undecodable-job').map((f: { job: string; data: { error: string } }) => [f.job, f.data.error]);
    assert.deepEqual(undecodable.sort(), [
      ['once', 'next_run_time -Infinity is not a time APScheduler can load'],
      ['tick', 'job_state is the number 42, not a pickle'],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('jobs --format json is streamed batch by batch, and is exactly the whole document JSON.stringify would give', { skip: !pythonHere && 'no /usr/bin/python3' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-json-'));
  try {
    const path = join(dir, 'jobs.sqlite');
    makeStore(path, 2 * ROWS_PER_TRANSACTION + 17);
    const out = spawnSync(bin, ['jobs', '--db', `sqlite:///${path}`, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(out.status, 0, out.stderr);
    const doc = JSON.parse(out.stdout);
    assert.equal(doc.jobs.length, 2 * ROWS_PER_TRANSACTION + 17);
    assert.equal(out.stdout, JSON.stringify(doc, null, 2) + '\n');
    const file = join(dir, 'out.json');
    const toFile = spawnSync(bin, ['jobs', '--db', `sqlite:///${path}`, '--format', 'json', '-o', file], { encoding: 'utf8' });
    assert.equal(toFile.status, 0, toFile.stderr);
    assert.equal(readFileSync(file, 'utf8'), out.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
