// Job stores written by real APScheduler (test/fixtures/gen/store_restarts.py: three restarts,
// each adding one more copy of a job without an id), read from SQLite and from a real
// PostgreSQL server.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { checkStore, loadStoreJobs } from '../../src/engine/analyze-store';
import type { StoreJob } from '../../src/model/store-job';
import { UserError } from '../../src/model/errors';
import { skipReason, usePostgres, type PgServer } from '../support/postgres';

const ROOT = join(__dirname, '..', '..');
const SQLITE = join(ROOT, 'test', 'fixtures', 'stores', 'restarts.sqlite');
const GEN = join(ROOT, 'test', 'fixtures', 'gen');

function assertRestartStore(jobs: StoreJob[]): void {
  assert.equal(jobs.length, 5);
  assert.ok(jobs.every((j) => j.state), 'every row decodes');
  const sync = jobs.filter((j) => j.state!.func === '__main__:sync' && j.state!.trigger.text === 'interval[0:02:00]');
  assert.equal(sync.length, 3);
  assert.ok(sync.every((j) => /^[0-9a-f]{32}$/.test(j.row.id)));
  const nightly = jobs.find((j) => j.row.id === 'nightly-report')!.state!;
  assert.equal(nightly.trigger.text, "cron[hour='3', minute='30']");
  assert.deepEqual(nightly.args, ['daily']);
  assert.deepEqual(nightly.kwargs, { dest: 'ops@example.com' });
  assert.equal(jobs.find((j) => j.row.id === 'hourly-sync')!.state!.nextRunTime, null);

  // Before the earliest next run, nothing is stale.
  const scheduled = jobs.map((j) => j.row.nextRunTime).filter((t): t is number => t !== null);
  const newest = Math.max(...scheduled);
  const findings = checkStore(jobs, { now: Math.round(Math.min(...scheduled) * 1e6) - 1e6 });
  const dup = findings.filter((f) => f.rule === 'duplicate-job');
  assert.equal(dup.length, 1, 'the three copies are one finding');
  assert.equal(dup[0].count, 3);
  assert.deepEqual([...(dup[0].data!.ids as string[])].sort(), sync.map((j) => j.row.id).sort());
  assert.deepEqual(findings.map((f) => f.rule).sort(), ['duplicate-job', 'paused-job']);

  // A week later, every scheduled row is stale; the paused one is not.
  const later = checkStore(jobs, { now: Math.round(newest * 1e6) + 7 * 86400e6 });
  assert.equal(later.filter((f) => f.rule === 'stale-job').length, 4);
}

test('SQLite store: decoded jobs and the duplicate-job finding', async () => {
  const before = createHash('sha256').update(readFileSync(SQLITE)).digest('hex');
  assertRestartStore(await loadStoreJobs(`sqlite:///${SQLITE}`, { table: 'apscheduler_jobs' }));
  const afterHash = createHash('sha256').update(readFileSync(SQLITE)).digest('hex');
  assert.equal(afterHash, before, 'reading never modifies the store');
});

test('SQLite errors are one-line UserErrors', async () => {
  await assert.rejects(loadStoreJobs('sqlite:///no/such.db', { table: 'apscheduler_jobs' }), (e: Error) => e instanceof UserError && /no such database file/.test(e.message));
  await assert.rejects(loadStoreJobs(`sqlite:///${SQLITE}`, { table: 'nope' }), (e: Error) => e instanceof UserError && /no table 'nope'/.test(e.message));
  await assert.rejects(loadStoreJobs('mysql://x/y', { table: 'apscheduler_jobs' }), UserError);
});

test('CLI: jobs and analyze --db on SQLite', () => {
  const bin = join(ROOT, 'bin', 'sched-doctor');
  const out = execFileSync(bin, ['jobs', '--db', `sqlite:///${SQLITE}`, '--format', 'json'], { encoding: 'utf8' });
  const doc = JSON.parse(out);
  assert.equal(doc.jobs.length, 5);
  const res = spawnSync(bin, ['analyze', '--db', `sqlite:///${SQLITE}`, '--format', 'json', '--now', '2020-01-01T00:00:00Z'], { encoding: 'utf8' });
  assert.equal(res.status, 1, 'a duplicate-job error fails the run');
  assert.deepEqual(JSON.parse(res.stdout).findings.map((f: { rule: string }) => f.rule).sort(), ['duplicate-job', 'paused-job']);
  const bad = spawnSync(bin, ['jobs', '--db', 'postgresql://u:hunter2@127.0.0.1:1/x'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.ok(!bad.stderr.includes('hunter2'), 'the password never appears');
});

const postgres = usePostgres();

function pythonWithPostgres(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import apscheduler, sqlalchemy, psycopg2'], { stdio: 'ignore' }).status === 0;
}

test('PostgreSQL store written by real APScheduler', async (t) => {
  const reason = skipReason(postgres());
  if (reason) return t.skip(reason);
  const server = postgres() as PgServer;
  const client = new Client({ connectionString: server.url });
  await client.connect();
  try {
    if (pythonWithPostgres()) {
      execFileSync('/usr/bin/python3', ['store_restarts.py', server.url.replace('postgresql://', 'postgresql+psycopg2://')], { cwd: GEN, stdio: 'pipe' });
    } else {
      // Without Python, the rows real APScheduler wrote to SQLite go into SQLAlchemy's PostgreSQL DDL.
      await client.query('CREATE TABLE apscheduler_jobs (id VARCHAR(191) NOT NULL, next_run_time FLOAT(25), job_state BYTEA NOT NULL, PRIMARY KEY (id))');
      const db = new Database(SQLITE, { readonly: true });
      for (const r of db.prepare('SELECT * FROM apscheduler_jobs').all() as { id: string; next_run_time: number | null; job_state: Buffer }[]) {
        await client.query('INSERT INTO apscheduler_jobs VALUES ($1, $2, $3)', [r.id, r.next_run_time, r.job_state]);
      }
      db.close();
    }
    assertRestartStore(await loadStoreJobs(server.url, { table: 'apscheduler_jobs' }));

    // tableschema / tablename, as SQLAlchemyJobStore users configure them.
    await client.query('CREATE SCHEMA sched');
    await client.query('CREATE TABLE sched.jobs AS SELECT * FROM public.apscheduler_jobs');
    assertRestartStore(await loadStoreJobs(`postgres://postgres@127.0.0.1:${server.port}/postgres`, { table: 'jobs', schema: 'sched' }));

    await assert.rejects(loadStoreJobs(server.url, { table: 'nope' }), (e: Error) => e instanceof UserError && /no table 'nope'/.test(e.message));
    await assert.rejects(loadStoreJobs(server.url, { table: 'jobs', schema: 'nowhere' }), (e: Error) => e instanceof UserError && /no table 'nowhere.jobs'/.test(e.message));
    await assert.rejects(loadStoreJobs(`postgresql://postgres@127.0.0.1:${server.port}/missingdb`, { table: 'x' }), (e: Error) => e instanceof UserError && /missingdb/.test(e.message));
  } finally {
    await client.end();
  }
});
