// django-apscheduler on PostgreSQL and MariaDB: the tables a real run wrote (test/fixtures/gen/
// django_apscheduler_scenario.py, Django 5 and django-apscheduler through psycopg2 / PyMySQL),
// as the server's own dump tool printed them, replayed into a fresh throwaway server. The same
// expectations as on SQLite, from the listeners' events of that run.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from 'pg';
import { createConnection } from 'mysql2/promise';
import { json, newDir, QUIET, runCli } from '../support/job-stores';
import { skipReason, usePostgres } from '../support/postgres';
import { serverSkip, startMariadb, useServer } from '../support/servers';
import { expectedFindings, FIXTURES, findingCounts, loadTruth, nowAfter, type Truth } from './django-truth';

interface Replayed {
  url: string;
  /** The job table as the server holds it: id, next_run_time as text, job_state as hex. */
  jobs(): Promise<string>;
  sql(statement: string): Promise<void>;
  close(): Promise<void>;
}

let databases = 0;

async function replayPostgres(serverUrl: string): Promise<Replayed> {
  const name = `dj_${process.pid}_${++databases}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = serverUrl.replace(/\/[^/]*$/, `/${name}`);
  const client = new Client({ connectionString: url });
  await client.connect();
  // pg_dump's \restrict lines are psql's, not SQL.
  const dump = readFileSync(join(FIXTURES, 'postgresql', 'dump.sql'), 'utf8').split('\n').filter((l) => !l.startsWith('\\')).join('\n');
  await client.query(dump);
  await client.query("SET search_path = public; SET TIME ZONE 'UTC'");
  return {
    url,
    async jobs() {
      const res = await client.query("SELECT id, next_run_time::text AS t, encode(job_state, 'hex') AS s FROM django_apscheduler_djangojob ORDER BY id");
      return JSON.stringify(res.rows);
    },
    async sql(statement) {
      await client.query(statement);
    },
    close: () => client.end(),
  };
}

async function replayMariadb(port: number, serverUrl: string): Promise<Replayed> {
  const name = `dj_${process.pid}_${++databases}`;
  const conn = await createConnection({ host: '127.0.0.1', port, user: 'root', multipleStatements: true });
  await conn.query(`CREATE DATABASE ${name}; USE ${name}`);
  await conn.query(readFileSync(join(FIXTURES, 'mysql', 'dump.sql'), 'utf8'));
  return {
    url: `${serverUrl}${name}`,
    async jobs() {
      const [rows] = await conn.query('SELECT id, CAST(next_run_time AS CHAR) AS t, HEX(job_state) AS s FROM django_apscheduler_djangojob ORDER BY id');
      return JSON.stringify(rows);
    },
    async sql(statement) {
      await conn.query(statement);
    },
    close: () => conn.end(),
  };
}

function djangoStoreTests(backend: string, truth: Truth, skip: () => string | false, replay: () => Promise<Replayed>, refusal: RegExp) {
  test(`${backend}: jobs reads django_apscheduler_djangojob, next_run_time from the timestamp column`, async (t) => {
    const reason = skip();
    if (reason) return t.skip(reason);
    const db = await replay();
    try {
      const res = await runCli(['jobs', '--db', db.url, '--format', 'json']);
      assert.equal(res.status, 0, res.stderr);
      const doc = json(res);
      assert.deepEqual(Object.fromEntries(doc.jobs.map((j: { id: string; state: { trigger: { text: string } } }) => [j.id, j.state.trigger.text])), truth.jobs);
      for (const j of doc.jobs) assert.equal(Math.round(j.nextRunTime * 1e6), j.state.nextRunTime.epochMicros, `${j.id}: column and pickle agree to the microsecond`);
    } finally {
      await db.close();
    }
  });

  test(`${backend}: analyze --db on the execution table alone reports exactly what the listeners saw`, async (t) => {
    const reason = skip();
    if (reason) return t.skip(reason);
    const db = await replay();
    try {
      const res = await runCli(['analyze', '--db', db.url, '--format', 'json', '--fail-on', 'never', '--now', nowAfter(truth)]);
      assert.equal(res.status, 0, res.stderr);
      const doc = json(res);
      const expected = expectedFindings(truth);
      assert.deepEqual(findingCounts(doc), expected);
      // The "done when": the failing job, the misfires, the skips, the long runs; and the killed process's cut-off run.
      for (const rule of ['job-error ', 'misfire ', 'max-instances-skip ', 'long-run ', 'unfinished-run ']) assert.ok(Object.keys(expected).some((k) => k.startsWith(rule)), `the run shows ${rule}`);
      assert.match(doc.findings.find((f: { rule: string }) => f.rule === 'job-error').message, /card declined/);
      assert.match(doc.sources[0].source, /#django_apscheduler_djangojobexecution$/);
    } finally {
      await db.close();
    }
  });

  test(`${backend}: clean refuses a job with runs in one line; without them, clean and restore round-trip the timestamp exactly`, async (t) => {
    const reason = skip();
    if (reason) return t.skip(reason);
    const db = await replay();
    const dir = newDir();
    try {
      const untouched = await db.jobs();
      const refused = await runCli(['clean', '--db', db.url, ...QUIET, '--job', 'send_digest', '--apply'], { cwd: dir });
      assert.equal(refused.status, 2, refused.stderr);
      assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
      assert.match(refused.stderr, refusal);
      assert.match(refused.stderr, /nothing was deleted/);
      assert.equal(await db.jobs(), untouched);
      // As delete_old_job_executions would: the history goes, the job stays.
      await db.sql("DELETE FROM django_apscheduler_djangojobexecution WHERE job_id = 'send_digest'");
      const res = await runCli(['clean', '--db', db.url, ...QUIET, '--job', 'send_digest', '--apply', '--format', 'json'], { cwd: dir });
      assert.equal(res.status, 0, res.stderr);
      assert.deepEqual(json(res).rows.map((r: { id: string; action: string }) => [r.id, r.action]), [['send_digest', 'deleted']]);
      assert.equal(JSON.parse(await db.jobs()).length, 2);
      const back = await runCli(['restore', '--db', db.url, json(res).backup], { cwd: dir });
      assert.equal(back.status, 0, back.stderr);
      assert.equal(await db.jobs(), untouched, 'same ids, same timestamps to the microsecond, same job_state bytes');
    } finally {
      await db.close();
    }
  });
}

const pg = usePostgres();
djangoStoreTests('PostgreSQL', loadTruth(join(FIXTURES, 'postgresql')), () => skipReason(pg()), () => {
  const server = pg();
  if (typeof server === 'string') throw new Error(server);
  return replayPostgres(server.url);
}, /foreign key is checked at COMMIT/);

const maria = useServer(startMariadb);
djangoStoreTests('MariaDB', loadTruth(join(FIXTURES, 'mysql')), () => serverSkip(maria(), 'SCHED_DOCTOR_REQUIRE_MARIADB'), () => {
  const server = maria();
  if (typeof server === 'string') throw new Error(server);
  return replayMariadb(server.port, server.url);
}, /other rows refer to it/);
