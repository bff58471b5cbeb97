// The README's promise: a PostgreSQL password need not be on the command line. PGPASSWORD and a
// password file (PGPASSFILE, as ~/.pgpass) work against a real server that asks for a password,
// with a password holding spaces and an '@'; a wrong one is one line that shows no password.

import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from 'pg';
import { skipReason, usePostgres, type PgServer } from '../support/postgres';
import { newDir, oneLineError, runCli } from '../support/job-stores';

const server = usePostgres();
const PASSWORD = 'two words @ and: colon';

test('PostgreSQL: PGPASSWORD and a password file (PGPASSFILE) instead of a password in the URL', async (t) => {
  const reason = skipReason(server());
  if (reason) return t.skip(reason);
  const pg = server() as PgServer;
  const admin = new Client({ connectionString: pg.url });
  await admin.connect();
  const role = `pw_${process.pid}`;
  try {
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD.replace(/'/g, "''")}'`);
    await admin.query(`CREATE TABLE apscheduler_jobs (id VARCHAR(191) PRIMARY KEY, next_run_time FLOAT(25), job_state BYTEA NOT NULL)`);
    await admin.query(`GRANT SELECT ON apscheduler_jobs TO ${role}`);
    // This role, and only it, must give a password (the rest of the throwaway server trusts loopback).
    const hba = (await admin.query('SHOW hba_file')).rows[0].hba_file as string;
    writeFileSync(hba, `host all ${role} 127.0.0.1/32 scram-sha-256\n` + readFileSync(hba, 'utf8'));
    await admin.query('SELECT pg_reload_conf()');
    await new Promise((r) => setTimeout(r, 300));

    const url = pg.url.replace('postgres@', `${role}@`);
    // (PGPASSWORD must be unset, not empty, for the password file to be read: libpq's rule too.)
    assert.equal(process.env.PGPASSWORD, undefined);
    const noPassword = await runCli(['jobs', '--db', url], { env: { PGPASSFILE: join(newDir(), 'none') } });
    oneLineError(noPassword, /asks for a password and none was given .*PGPASSWORD/);

    const viaEnv = await runCli(['jobs', '--db', url], { env: { PGPASSWORD: PASSWORD } });
    assert.equal(viaEnv.status, 0, viaEnv.stderr);
    assert.match(viaEnv.stdout, /no jobs in the store/);

    const file = join(newDir(), 'pgpass');
    writeFileSync(file, `127.0.0.1:${pg.port}:postgres:${role}:${PASSWORD.replace(/:/g, '\\:')}\n`);
    chmodSync(file, 0o600);
    const viaFile = await runCli(['jobs', '--db', url], { env: { PGPASSFILE: file } });
    assert.equal(viaFile.status, 0, viaFile.stderr);
    assert.equal(viaFile.stderr, '', 'no warning on stderr');

    const wrong = await runCli(['jobs', '--db', url.replace(`${role}@`, `${role}:not%20it@`)]);
    oneLineError(wrong, /password authentication failed \(the password is not shown\)/);
    assert.ok(!wrong.stderr.includes('not it') && !wrong.stderr.includes('not%20it'));
  } finally {
    await admin.query(`DROP TABLE IF EXISTS apscheduler_jobs`).catch(() => undefined);
    await admin.end();
  }
});
