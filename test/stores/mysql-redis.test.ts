// MySQL/MariaDB and Redis job stores, on real servers from Debian's packages, written by real
// APScheduler (SQLAlchemyJobStore through PyMySQL; RedisJobStore through redis-py): `jobs`,
// `analyze --db`, `clean` and `restore` with the guarantees the SQL stores have.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { readBackup } from '../../src/stores/backup';
import { parseDbUrl } from '../../src/stores/db-url';
import { json, oneLineError, QUIET, runCli, startWriter, type TestStore } from '../support/job-stores';
import { JOBS_KEY, mariadbRestartStore, redisRestartStore, RUN_TIMES_KEY } from '../support/more-stores';
import { python, serverSkip, startMariadb, startRedis, useServer, type Server } from '../support/servers';

const GEN = join(__dirname, '..', 'fixtures', 'gen');
const mariadb = useServer(startMariadb);
const redis = useServer(startRedis);
const GENERATED = /^[0-9a-f]{32}$/;

type Backend = { name: string; server: () => Server | string; requires: string; modules: string; open: (s: Server) => Promise<TestStore> };
const BACKENDS: Backend[] = [
  { name: 'MariaDB', server: mariadb, requires: 'SCHED_DOCTOR_REQUIRE_MARIADB', modules: 'apscheduler, sqlalchemy, pymysql', open: mariadbRestartStore },
  { name: 'Redis', server: redis, requires: 'SCHED_DOCTOR_REQUIRE_REDIS', modules: 'apscheduler, redis', open: redisRestartStore },
];

function onEach(title: string, fn: (store: TestStore, backend: Backend, t: TestContext) => Promise<void>) {
  for (const backend of BACKENDS) {
    test(`${backend.name}: ${title}`, { timeout: 120000 }, async (t) => {
      const reason = serverSkip(backend.server(), backend.requires);
      if (reason) return t.skip(reason);
      if (!python(backend.modules)) {
        if (process.env[backend.requires] === '1') throw new Error(`${backend.requires}=1, but /usr/bin/python3 lacks ${backend.modules}`);
        return t.skip(`/usr/bin/python3 lacks ${backend.modules}`);
      }
      const store = await backend.open(backend.server() as Server);
      try {
        await fn(store, backend, t);
      } finally {
        await store.close();
      }
    });
  }
}

function apschedulerView(url: string) {
  return JSON.parse(execFileSync('/usr/bin/python3', ['dump_jobs.py', url], { cwd: GEN, encoding: 'utf8' })) as {
    id: string; name: string; func: string; trigger: string; next_run_time: number | null; args: unknown[]; kwargs: Record<string, unknown>; text: string;
  }[];
}

onEach('jobs lists exactly what APScheduler reads back from the store', async (store) => {
  const truth = apschedulerView(store.url);
  assert.equal(truth.length, 5, 'three copies of sync, nightly-report, hourly-sync');
  const res = await runCli(['jobs', '--db', store.url, '--format', 'json']);
  assert.equal(res.status, 0, res.stderr);
  const doc = json(res);
  const ours = doc.jobs.map((j: { id: string; nextRunTime: number | null; state: { name: string; func: string; trigger: { text: string }; args: unknown[]; kwargs: unknown; text: string } }) => ({
    id: j.id, name: j.state.name, func: j.state.func, trigger: j.state.trigger.text, next_run_time: j.nextRunTime, args: j.state.args, kwargs: j.state.kwargs, text: j.state.text,
  }));
  assert.deepEqual(ours.sort((a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1)), truth);
  const table = await runCli(['jobs', '--db', store.url]);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /nightly-report/);
});

onEach('analyze --db: the copies are duplicate-job, the paused job paused-job, nothing else', async (store) => {
  const res = await runCli(['analyze', '--db', store.url, '--format', 'json', '--fail-on', 'never']);
  assert.equal(res.status, 0, res.stderr);
  const doc = json(res);
  assert.deepEqual(doc.findings.map((f: { rule: string }) => f.rule).sort(), ['duplicate-job', 'paused-job']);
  const dup = doc.findings.find((f: { rule: string }) => f.rule === 'duplicate-job');
  assert.equal(dup.count, 3);
});

onEach('clean --apply then restore gives back the exact store', async (store) => {
  const before = await store.checksum();
  const rows = await store.rows();
  const res = await runCli(['clean', '--db', store.url, ...QUIET, '--apply', '--format', 'json'], { cwd: store.dir });
  assert.equal(res.status, 0, res.stderr);
  const doc = json(res);
  assert.equal(doc.rows.filter((r: { action: string }) => r.action === 'deleted').length, 2);
  const after = await store.rows();
  assert.equal(after.length, rows.length - 2);
  assert.equal(after.filter((r) => GENERATED.test(r.id)).length, 1, 'one copy of sync stays');
  const backup = await readBackup(doc.backup);
  assert.equal(backup.entries.length, 2);
  const back = await runCli(['restore', '--db', store.url, doc.backup, '--format', 'json'], { cwd: store.dir });
  assert.equal(back.status, 0, back.stderr);
  assert.equal(await store.checksum(), before, 'same ids, same next_run_time bits, same job_state bytes');
  const again = await runCli(['restore', '--db', store.url, doc.backup, '--format', 'json'], { cwd: store.dir });
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(json(again).rows.map((r: { outcome: string }) => r.outcome), ['identical', 'identical']);
});

onEach('a scheduler writing during clean --apply --force: no update is lost', async (store) => {
  const rows = await store.rows();
  const ids = rows.map((r) => r.id);
  const base = 4102444800; // 2100-01-01: never due, so the live check's clock part stays quiet
  for (let round = 0; round < 8; round++) {
    const current = await store.rows();
    if (current.filter((r) => GENERATED.test(r.id)).length < 2) {
      for (const r of rows) if (!current.some((c) => c.id === r.id)) await store.insertRow(r);
    }
    const writer = startWriter(store, ids, base + round * 1000, 3);
    const res = await runCli(['clean', '--db', store.url, '--live-interval', '0.1s', '--live-window', '0', '--apply', '--force', '--format', 'json'], { cwd: store.dir });
    const { last } = await writer.stop();
    assert.ok(res.status === 0 || res.status === 1, res.stderr);
    const doc = json(res);
    const deleted = new Set(doc.rows.filter((r: { action: string }) => r.action === 'deleted').map((r: { id: string }) => r.id));
    const now = new Map((await store.rows()).map((r) => [r.id, r]));
    for (const [id, value] of last) {
      if (deleted.has(id)) {
        assert.ok(!now.has(id), `${id} deleted`);
        // A deleted row was deleted as read: any write the scheduler made to it came first and was seen.
        continue;
      }
      assert.equal(now.get(id)?.nextRunTime, value, `${id} keeps the scheduler's last write`);
    }
  }
});

test('MariaDB: errors are one line, and the password is never shown', async (t) => {
  const server = mariadb();
  const reason = serverSkip(server, 'SCHED_DOCTOR_REQUIRE_MARIADB');
  if (reason) return t.skip(reason);
  const { port } = server as Server;
  const store = await mariadbRestartStore(server as Server);
  try {
    const admin = (store as unknown as { admin: import('mysql2/promise').Connection }).admin;
    await admin.query("CREATE USER 'app'@'%' IDENTIFIED BY 'p w%d s3cret'");
    const wrong = await runCli(['jobs', '--db', `mysql+pymysql://app:not%20it%20s3cret@127.0.0.1:${port}/x`]);
    oneLineError(wrong, /access denied/);
    assert.ok(!wrong.stderr.includes('s3cret'));
    const db = (store as unknown as { database: string }).database;
    const noGrant = await runCli(['jobs', '--db', `mysql+pymysql://app:p%20w%25d%20s3cret@127.0.0.1:${port}/${db}`]);
    oneLineError(noGrant, /access denied|denied/i);
    assert.ok(!noGrant.stderr.includes('s3cret'));
    oneLineError(await runCli(['jobs', '--db', `mysql+pymysql://root@127.0.0.1:${port}/no_such_db`]), /Unknown database 'no_such_db'/);
    oneLineError(await runCli(['jobs', '--db', `mysql://root@127.0.0.1:${port}/${db}`, '--table', 'nope']), new RegExp(`no table '${db}\\.nope'`));
    oneLineError(await runCli(['jobs', '--db', `mariadb+mariadbconnector://root@127.0.0.1:${port}`]), /no database in the URL/);
    oneLineError(await runCli(['jobs', '--db', `mysql+pymysql://root:s3cret@127.0.0.1:1/${db}`]), /connection refused/);
    // --schema names the database, as SQLAlchemyJobStore's tableschema does on MySQL.
    const viaSchema = await runCli(['jobs', '--db', `mysql+pymysql://root@127.0.0.1:${port}/mysql`, '--schema', db, '--format', 'json']);
    assert.equal(viaSchema.status, 0, viaSchema.stderr);
    assert.equal(json(viaSchema).jobs.length, 5);
  } finally {
    await store.close();
  }
});

test('Redis: the hash and the sorted set disagreeing is next-run-mismatch; errors are one line', async (t) => {
  const server = redis();
  const reason = serverSkip(server, 'SCHED_DOCTOR_REQUIRE_REDIS');
  if (reason) return t.skip(reason);
  if (!python('apscheduler, redis')) return t.skip('/usr/bin/python3 lacks apscheduler, redis');
  const store = await redisRestartStore(server as Server);
  try {
    const client = (store as unknown as { client: import('ioredis').default }).client;
    const healthy = json(await runCli(['analyze', '--db', store.url, '--format', 'json', '--fail-on', 'never']));
    assert.ok(!healthy.findings.some((f: { rule: string }) => f.rule === 'next-run-mismatch'), 'APScheduler keeps both in step');
    await client.zrem(RUN_TIMES_KEY, 'nightly-report'); // in the hash only: never runs
    await client.zadd(RUN_TIMES_KEY, '4102444800', 'ghost'); // in the sorted set only
    const rows = await store.rows();
    const copy = rows.find((r) => GENERATED.test(r.id) && r.nextRunTime !== null)!;
    await client.zadd(RUN_TIMES_KEY, String(copy.nextRunTime! + 3600), copy.id); // a different instant
    const doc = json(await runCli(['analyze', '--db', store.url, '--format', 'json', '--fail-on', 'never']));
    const mismatch = doc.findings.filter((f: { rule: string }) => f.rule === 'next-run-mismatch');
    assert.deepEqual(mismatch.map((f: { data: { id: string; kind: string } }) => `${f.data.id}:${f.data.kind}`).sort(), [`${copy.id}:differs`, 'ghost:indexOnly', 'nightly-report:stateOnly'].sort());
    assert.ok(!doc.findings.some((f: { rule: string; data: { id?: string } }) => f.rule === 'undecodable-job'), 'a lone score is not a broken pickle');
    assert.ok(!doc.findings.some((f: { rule: string; data: { id?: string } }) => f.rule === 'paused-job' && f.data.id === 'nightly-report'), 'not paused: its state has a next run');

    // clean --job removes both parts of a row; restore puts both back.
    const before = await store.checksum();
    const res = await runCli(['clean', '--db', store.url, ...QUIET, '--job', 'ghost', '--apply', '--format', 'json'], { cwd: store.dir });
    assert.equal(res.status, 0, res.stderr);
    assert.equal(await client.zscore(RUN_TIMES_KEY, 'ghost'), null);
    const back = await runCli(['restore', '--db', store.url, json(res).backup], { cwd: store.dir });
    assert.equal(back.status, 0, back.stderr);
    assert.equal(await store.checksum(), before);
    assert.equal(await client.hexists(JOBS_KEY, 'ghost'), 0, 'a lone score goes back as a lone score');

    await client.set('not-a-hash', 'x');
    oneLineError(await runCli(['jobs', '--db', store.url, '--jobs-key', 'not-a-hash']), /'not-a-hash' is a string, not a hash/);
    oneLineError(await runCli(['jobs', '--db', 'redis://:s3cret@127.0.0.1:1/0']), /connection refused/);
    await client.config('SET', 'requirepass', 'right one');
    const wrong = await runCli(['jobs', '--db', `redis://:wrong%20s3cret@127.0.0.1:${(server as Server).port}/0`]);
    oneLineError(wrong, /authentication failed/);
    assert.ok(!wrong.stderr.includes('s3cret'));
    await client.auth('right one');
    await client.config('SET', 'requirepass', '');
  } finally {
    await store.close();
  }
});

test('MySQL and Redis URLs: every SQLAlchemy dialect spelling, options, and no password in the label', () => {
  for (const scheme of ['mysql', 'mysql+pymysql', 'mysql+mysqldb', 'mysql+mysqlconnector', 'mariadb', 'mariadb+mariadbconnector', 'mariadb+pymysql']) {
    const u = parseDbUrl(`${scheme}://app:p%40ss%20word@db.internal:3307/jobs?charset=utf8mb4`);
    assert.equal(u.kind, 'mysql');
    if (u.kind !== 'mysql') continue;
    assert.deepEqual(u.connection, { host: 'db.internal', port: 3307, user: 'app', password: 'p@ss word', database: 'jobs', socketPath: undefined, charset: 'utf8mb4' });
    assert.equal(u.display, 'mysql://app@db.internal:3307/jobs');
  }
  const sock = parseDbUrl('mysql+pymysql://app@localhost/jobs?unix_socket=/run/mysqld/mysqld.sock');
  assert.ok(sock.kind === 'mysql' && sock.connection.socketPath === '/run/mysqld/mysqld.sock');
  assert.equal(sock.display, 'mysql://app@localhost (/run/mysqld/mysqld.sock)/jobs');
  const r = parseDbUrl('rediss://:top%20secret@cache:6380/3');
  assert.ok(r.kind === 'redis');
  if (r.kind === 'redis') assert.deepEqual(r.connection, { host: 'cache', port: 6380, username: undefined, password: 'top secret', db: 3, tls: true });
  assert.equal(r.display, 'rediss://cache:6380/3');
  assert.equal(parseDbUrl('redis://localhost').display, 'redis://localhost:6379/0');
  assert.throws(() => parseDbUrl('redis://localhost/abc'), /must be a number/);
});
