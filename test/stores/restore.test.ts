// `sched-doctor restore`: puts back what `clean` deleted, exactly. Real SQLite and PostgreSQL
// stores written by real APScheduler; the CLI as a child process.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from 'pg';
import { skipReason, usePostgres, type PgServer } from '../support/postgres';
import { json, newDir, oneLineError, onBothStores, onPostgresStore, postgresRestartStore, QUIET, runCli, sqliteRestartStore, type TestStore } from '../support/job-stores';

const server = usePostgres();
const both = onBothStores(server, skipReason);
const onPostgres = onPostgresStore(server, skipReason);




/** Runs clean --apply with the given selection; returns the backup's path. */
async function cleanApply(store: TestStore, args: string[], backup = join(store.dir, 'backup.ndjson')): Promise<string> {
  const res = await runCli(['clean', '--db', store.url, ...QUIET, '--apply', '--backup', backup, ...args], { cwd: store.dir });
  assert.equal(res.status, 0, res.stderr);
  return backup;
}

function restore(store: TestStore, backup: string, args: string[] = []) {
  return runCli(['restore', '--db', store.url, backup, '--format', 'json', ...args], { cwd: store.dir });
}

both('clean then restore gives back the original table byte for byte', async (store) => {
  const original = await store.checksum();
  // Default rules: the duplicate copies.
  const dupes = await cleanApply(store, []);
  assert.notEqual(await store.checksum(), original);
  const res = await restore(store, dupes);
  assert.equal(res.status, 0, res.stderr);
  const doc = json(res);
  assert.equal(doc.summary.inserted, 2);
  assert.equal(await store.checksum(), original, 'exactly the original rows');

  // Restoring twice changes nothing: the rows are there, identical.
  const twice = json(await restore(store, dupes));
  assert.equal(twice.summary.identical, 2);
  assert.equal(await store.checksum(), original);

  // Every rule at once, with a corrupted blob among the rows: nearly the whole table goes, and comes back.
  await store.setJobState('nightly-report', Buffer.from([0x80, 0x05, 0x95, 0xff, 0x00, 0x13]));
  const corrupted = await store.checksum();
  const source = newDir();
  writeFileSync(join(source, '__main__.py'), 'def report(kind, dest=None):\n    pass\n');
  const newest = Math.max(...(await store.rows()).map((r) => r.nextRunTime ?? 0));
  const all = await cleanApply(store, ['--force', '--rules', 'duplicate-job,stale-job,orphan-job,undecodable-job', '--source', source,
    '--now', new Date((newest + 30 * 86400) * 1000).toISOString()], join(store.dir, 'all.ndjson'));
  assert.equal((await store.rows()).length, 0, 'every row was selected by some rule, the paused one by orphan-job');
  const back = await restore(store, all);
  assert.equal(back.status, 0, back.stderr);
  assert.equal(json(back).summary.inserted, 5);
  assert.equal(await store.checksum(), corrupted, 'the garbage bytes too');

  const text = await runCli(['restore', '--db', store.url, all], { cwd: store.dir });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /0 restored, 5 already present/);
});

both('a restored id that is taken: conflict, exit 1, the row left alone; --overwrite replaces it', async (store) => {
  const original = await store.checksum();
  const backup = await cleanApply(store, []);
  const [first, second] = readFileSync(backup, 'utf8').trim().split('\n').slice(1, 3).map((l) => JSON.parse(l).id as string);
  // Meanwhile the app re-added a job under one of the freed ids.
  const theirs = { id: first, nextRunTime: 1999999999.5, jobState: Buffer.from('theirs') };
  await store.insertRow(theirs);
  const res = await restore(store, backup);
  assert.equal(res.status, 1, res.stderr);
  const doc = json(res);
  const outcome = Object.fromEntries(doc.rows.map((r: { id: string; outcome: string }) => [r.id, r.outcome]));
  assert.deepEqual(outcome, { [first]: 'conflict', [second]: 'inserted' });
  const row = (await store.rows()).find((r) => r.id === first)!;
  assert.ok(row.jobState.equals(theirs.jobState) && row.nextRunTime === theirs.nextRunTime, 'the conflicting row is untouched');

  const over = await restore(store, backup, ['--overwrite']);
  assert.equal(over.status, 0, over.stderr);
  assert.equal(json(over).summary.overwritten, 1);
  assert.equal(await store.checksum(), original);
});

both('rows clean skipped (a scheduler changed them) are left alone; --all restores them anyway', async (store) => {
  const backup = await cleanApply(store, []);
  const lines = readFileSync(backup, 'utf8').trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]);
  assert.equal(result.type, 'result');
  // As if the transaction had found the first row changed: it was never deleted, and the app moved on.
  const [kept, ...deleted] = result.deleted as string[];
  writeFileSync(backup, [...lines.slice(0, -1), JSON.stringify({ ...result, deleted, skipped: [{ id: kept, why: 'changed' }] })].join('\n') + '\n');
  await store.insertRow({ id: kept, nextRunTime: 2000000000, jobState: Buffer.from('newer state') });
  const before = await store.checksum();
  const doc = json(await restore(store, backup));
  assert.equal(doc.rows.find((r: { id: string }) => r.id === kept).outcome, 'not-deleted');
  assert.equal(doc.summary.inserted, deleted.length);
  const res = await restore(store, backup, ['--all']);
  assert.equal(res.status, 1, 'with --all the row is a conflict');
  assert.notEqual(await store.checksum(), before);
  assert.ok((await store.rows()).find((r) => r.id === kept)!.jobState.equals(Buffer.from('newer state')));
});

test('a backup cut while being written, or foreign, is refused with one line saying which, exit 2', async () => {
  const store = sqliteRestartStore();
  try {
    const backup = await cleanApply(store, []);
    const text = readFileSync(backup, 'utf8');
    const lines = text.trim().split('\n');
    const before = await store.checksum();

    const cut = join(store.dir, 'cut.ndjson');
    writeFileSync(cut, lines.slice(0, 2).join('\n') + '\n'); // header and one row: written up to a crash, on a line boundary
    oneLineError(await restore(store, cut), /incomplete: it was cut short while being written \(after line 2; 1 whole row, no end record\).*nothing was deleted/);

    const midRow = join(store.dir, 'mid-row.ndjson');
    writeFileSync(midRow, lines[0] + '\n' + lines[1] + '\n' + lines[2].slice(0, 40)); // the second row cut part-way
    const res = await restore(store, midRow);
    oneLineError(res, /cut short while being written \(at line 3; 1 whole row, no end record\)/);
    assert.doesNotMatch(res.stderr, /is this a sched-doctor backup/);

    const midHeader = join(store.dir, 'mid-header.ndjson');
    writeFileSync(midHeader, lines[0].slice(0, 30));
    oneLineError(await restore(store, midHeader), /cut short while its header was being written/);

    const foreign = join(store.dir, 'foreign.ndjson');
    writeFileSync(foreign, '{"hello": "world"}\n');
    oneLineError(await restore(store, foreign), /not a sched-doctor backup/);
    writeFileSync(foreign, 'id,next_run_time\n1,2\n');
    oneLineError(await restore(store, foreign), /not a sched-doctor backup/);
    oneLineError(await restore(store, join(store.dir, 'missing.ndjson')), /cannot read .*no such file/);
    oneLineError(await restore(store, backup, ['--table', 'nope']), /no such table/);
    assert.equal(await store.checksum(), before, 'nothing restored');
  } finally {
    await store.close();
  }
});

test('a torn result record (written after the delete commits) does not hide the rows: restore uses them and says what it ignored', async () => {
  for (const tail of ['cut', 'nul padding'] as const) {
    const store = sqliteRestartStore();
    try {
      const original = await store.checksum();
      const backup = await cleanApply(store, []);
      const text = readFileSync(backup, 'utf8');
      const resultLine = text.trimEnd().split('\n').pop()!;
      assert.match(resultLine, /"type":"result"/);
      const body = text.slice(0, text.length - resultLine.length - 1);
      writeFileSync(backup, tail === 'cut' ? body + resultLine.slice(0, resultLine.length - 25) : body + resultLine.slice(0, 12) + '\u0000'.repeat(64));
      const res = await restore(store, backup);
      assert.equal(res.status, 0, res.stderr);
      const doc = json(res);
      assert.equal(doc.summary.inserted, 2, tail);
      assert.equal(doc.ignored.length, 1);
      assert.equal(doc.ignored[0].row, false);
      assert.match(doc.ignored[0].why, /result record is cut off/);
      assert.equal(await store.checksum(), original, `${tail}: the table is back exactly`);
      const again = await runCli(['restore', '--db', store.url, backup], { cwd: store.dir });
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, /note: .* line \d+ ignored: the result record is cut off/);
    } finally {
      await store.close();
    }
  }
});

test('an altered row of a complete backup is ignored and named; the intact rows are restored, exit 1', async () => {
  const store = sqliteRestartStore();
  try {
    const original = await store.checksum();
    const backup = await cleanApply(store, []);
    const lines = readFileSync(backup, 'utf8').trim().split('\n');
    const row = JSON.parse(lines[1]);
    row.job_state = Buffer.from('something else').toString('base64');
    writeFileSync(backup, [lines[0], JSON.stringify(row), ...lines.slice(2)].join('\n') + '\n');
    const res = await restore(store, backup);
    assert.equal(res.status, 1, res.stderr);
    const doc = json(res);
    assert.deepEqual(doc.ignored, [{ line: 2, why: `row ${row.id}: job_state does not match its checksum (the line was altered)`, row: true }]);
    assert.equal(doc.summary.inserted, 1);
    assert.ok(!(await store.rows()).some((r) => r.id === row.id), 'the altered row is not restored');
    assert.notEqual(await store.checksum(), original);
  } finally {
    await store.close();
  }
});

onPostgres('a user without INSERT rights is a one-line error; nothing restored', async (store, admin) => {
  const backup = await cleanApply(store, []);
  const before = await store.checksum();
  const role = `restorer_${process.pid}`;
  await admin.query(`CREATE ROLE ${role} LOGIN`);
  await admin.query(`GRANT SELECT, UPDATE ON apscheduler_jobs TO ${role}`);
  const res = await runCli(['restore', '--db', store.url.replace('postgres@', `${role}@`), backup], { cwd: store.dir });
  oneLineError(res, /cannot insert into apscheduler_jobs: permission denied/);
  assert.equal(await store.checksum(), before);
});
