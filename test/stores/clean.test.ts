// `sched-doctor clean` on real databases holding stores written by real APScheduler
// (store_restarts.py: three restarts, three copies of `sync`, plus `nightly-report` and a paused
// `hourly-sync`). The CLI runs as a child process, so it can be killed and run as another user.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from 'pg';
import { readBackup } from '../../src/stores/backup';
import { skipReason, usePostgres, type PgServer } from '../support/postgres';
import {
  json, newDir, oneLineError, onBothStores, onPostgresStore, postgresRestartStore, QUIET, runCli, sqliteRestartStore, sqliteStoreAt, startWriter, type DumpRow, type TestStore,
} from '../support/job-stores';

const server = usePostgres();
const both = onBothStores(server, skipReason);
const onPostgres = onPostgresStore(server, skipReason);

const GENERATED = /^[0-9a-f]{32}$/;

function copies(rows: DumpRow[]): DumpRow[] {
  return rows.filter((r) => GENERATED.test(r.id));
}

/** The copy clean must keep when every id is generated: the most recently scheduled one. */
function newestCopy(rows: DumpRow[]): DumpRow {
  return copies(rows).reduce((a, b) => (b.nextRunTime! > a.nextRunTime! ? b : a));
}

function backupsIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('sched-doctor-backup-'));
}

async function clean(store: TestStore, args: string[], env?: Record<string, string>) {
  return runCli(['clean', '--db', store.url, ...args], { cwd: store.dir, env });
}



both('dry run: every row it would delete, the rule, the reason and the kept copy; nothing changes', async (store) => {
  const rows = await store.rows();
  const before = await store.checksum();
  const res = await clean(store, [...QUIET, '--format', 'json']);
  assert.equal(res.status, 0, res.stderr);
  const doc = json(res);
  assert.equal(doc.mode, 'dry-run');
  assert.deepEqual(doc.rules, ['duplicate-job', 'undecodable-job']);
  const keep = newestCopy(rows);
  assert.deepEqual(doc.rows.map((r: { id: string }) => r.id).sort(), copies(rows).filter((r) => r !== keep).map((r) => r.id).sort());
  for (const r of doc.rows) {
    assert.equal(r.action, 'would-delete');
    assert.deepEqual(r.rules, ['duplicate-job']);
    assert.match(r.reasons[0], new RegExp(`of 3 .*__main__:sync interval\\[0:02:00\\]; ${keep.id} is kept`));
    assert.equal(r.func, '__main__:sync');
  }
  assert.equal(doc.kept.length, 1);
  assert.equal(doc.kept[0].id, keep.id);
  assert.match(doc.kept[0].why, /every id is generated.*most recently scheduled/);
  assert.equal(doc.backup, null);

  const text = await clean(store, QUIET);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /dry run: 2 of 5 rows would be deleted/);
  assert.match(text.stdout, new RegExp(`keeps ${keep.id} of 3 copies of __main__:sync interval\\[0:02:00\\]`));
  for (const r of doc.rows) assert.ok(text.stdout.includes(r.id));

  assert.equal(await store.checksum(), before, 'a dry run changes nothing');
  assert.deepEqual(backupsIn(store.dir), [], 'and writes no backup');
});

both('--apply leaves one copy and a complete, fsynced backup; --yes is the same', async (store) => {
  const rows = await store.rows();
  const keep = newestCopy(rows);
  // A password in the URL (PostgreSQL's trust auth ignores it) must appear nowhere.
  const url = store.kind === 'postgres' ? store.url.replace('postgres@', 'postgres:s3cret@') : store.url;
  const res = await runCli(['clean', '--db', url, ...QUIET, '--apply', '--format', 'json'], { cwd: store.dir });
  assert.equal(res.status, 0, res.stderr);
  assert.ok(!res.stdout.includes('s3cret'));
  const doc = json(res);
  assert.equal(doc.summary.deleted, 2);
  assert.ok(doc.rows.every((r: { action: string }) => r.action === 'deleted'));

  const left = await store.rows();
  assert.equal(left.length, 3);
  assert.deepEqual(copies(left).map((r) => r.id), [keep.id], 'one copy left: the kept one');
  assert.ok(left.some((r) => r.id === 'nightly-report') && left.some((r) => r.id === 'hourly-sync'));

  const files = backupsIn(store.dir);
  assert.equal(files.length, 1);
  assert.match(files[0], /^sched-doctor-backup-(jobs|store_\d+_\d+)-\d{8}T\d{6}Z\.ndjson$/);
  assert.equal(doc.backup, join(store.dir, files[0]));
  const backup = await readBackup(doc.backup);
  assert.ok(!readFileSync(doc.backup, 'utf8').includes('s3cret'));
  assert.deepEqual(backup.entries.map((e) => e.row.id).sort(), copies(rows).filter((r) => r !== keep).map((r) => r.id).sort());
  for (const e of backup.entries) {
    const original = rows.find((r) => r.id === e.row.id)!;
    assert.ok(e.row.jobState.equals(original.jobState), 'job_state bytes, exactly');
    assert.equal(e.row.nextRunTime, original.nextRunTime);
    assert.equal(e.summary.func, '__main__:sync');
    assert.equal(e.summary.trigger, 'interval[0:02:00]');
  }
  assert.equal(backup.result?.committed, true);
  assert.deepEqual([...backup.result!.deleted].sort(), backup.entries.map((e) => e.row.id).sort());

  const again = await clean(store, [...QUIET, '--yes']);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /nothing to delete/);
  assert.equal(backupsIn(store.dir).length, 1, 'nothing to delete, no new backup');
});

both('a stale store: --rules stale-job --older-than', async (store) => {
  const rows = await store.rows();
  const newest = Math.max(...rows.map((r) => r.nextRunTime ?? 0));
  const now = new Date((newest + 8 * 86400) * 1000).toISOString();
  const res = await clean(store, [...QUIET, '--rules', 'stale-job', '--older-than', '7d', '--now', now, '--format', 'json']);
  assert.equal(res.status, 0, res.stderr);
  const doc = json(res);
  const scheduled = rows.filter((r) => r.nextRunTime !== null).map((r) => r.id).sort();
  assert.deepEqual(doc.rows.map((r: { id: string }) => r.id).sort(), scheduled, 'every scheduled row; not the paused one');
  assert.ok(doc.rows.every((r: { rules: string[]; reasons: string[] }) => r.rules[0] === 'stale-job' && /next run was due .* before now/.test(r.reasons[0])));
  assert.deepEqual(doc.kept, [], 'duplicate-job was not asked for');

  const younger = await clean(store, [...QUIET, '--rules', 'stale-job', '--older-than', '30d', '--now', now, '--apply']);
  assert.equal(younger.status, 0, younger.stderr);
  assert.match(younger.stdout, /nothing to delete/);

  const applied = await clean(store, [...QUIET, '--rules', 'stale-job', '--older-than', '7d', '--now', now, '--apply']);
  assert.equal(applied.status, 0, applied.stderr);
  assert.deepEqual((await store.rows()).map((r) => r.id), ['hourly-sync']);
});

both('an orphan reference: --rules orphan-job --source DIR', async (store) => {
  const source = newDir();
  // The app's module still defines report() but no longer sync().
  writeFileSync(join(source, '__main__.py'), 'def report(kind, dest=None):\n    pass\n');
  const res = await clean(store, [...QUIET, '--rules', 'orphan-job', '--source', source, '--format', 'json']);
  assert.equal(res.status, 0, res.stderr);
  const doc = json(res);
  const rows = await store.rows();
  const expected = [...copies(rows).map((r) => r.id), 'hourly-sync'].sort();
  assert.deepEqual(doc.rows.map((r: { id: string }) => r.id).sort(), expected);
  assert.ok(doc.rows.every((r: { reasons: string[] }) => /defines no 'sync'/.test(r.reasons[0])));

  // With duplicate-job too, the copy it would keep is an orphan as well: the report says so.
  const combined = json(await clean(store, [...QUIET, '--rules', 'duplicate-job,orphan-job', '--source', source, '--format', 'json']));
  assert.deepEqual(combined.kept[0].alsoSelectedBy, ['orphan-job']);
  assert.equal(combined.rows.length, 4);

  const applied = await clean(store, [...QUIET, '--rules', 'orphan-job', '--source', source, '--apply']);
  assert.equal(applied.status, 0, applied.stderr);
  assert.deepEqual((await store.rows()).map((r) => r.id), ['nightly-report']);

  oneLineError(await clean(store, [...QUIET, '--rules', 'orphan-job']), /--source/);
});

both('a corrupted blob is undecodable-job and is cleaned by default; the backup keeps its bytes', async (store) => {
  const garbage = Buffer.from('80059500deadbeef not a pickle \u0000\u00ff', 'latin1');
  await store.setJobState('nightly-report', garbage);
  const res = await clean(store, [...QUIET, '--format', 'json']);
  assert.equal(res.status, 0, res.stderr);
  const doc = json(res);
  const broken = doc.rows.find((r: { id: string }) => r.id === 'nightly-report');
  assert.deepEqual(broken.rules, ['undecodable-job']);
  assert.match(broken.reasons[0], /cannot be decoded/);
  assert.equal(doc.rows.length, 3, 'the broken row and two copies');

  const applied = json(await clean(store, [...QUIET, '--apply', '--format', 'json']));
  assert.equal(applied.summary.deleted, 3);
  assert.ok(!(await store.rows()).some((r) => r.id === 'nightly-report'));
  const backup = await readBackup(applied.backup);
  const entry = backup.entries.find((e) => e.row.id === 'nightly-report')!;
  assert.ok(entry.row.jobState.equals(garbage));
  assert.ok(entry.summary.decode_error);
});

both('--job names rows explicitly; an unknown id is an error', async (store) => {
  const doc = json(await clean(store, [...QUIET, '--job', 'nightly-report', '--format', 'json']));
  assert.deepEqual(doc.rows.map((r: { id: string; rules: string[] }) => [r.id, r.rules]), [['nightly-report', ['--job']]]);
  const withRules = json(await clean(store, [...QUIET, '--job', 'nightly-report', '--rules', 'duplicate-job', '--format', 'json']));
  assert.equal(withRules.rows.length, 3);
  const before = await store.checksum();
  oneLineError(await clean(store, [...QUIET, '--job', 'no-such-job', '--apply']), /--job no-such-job: no row with that id or id prefix/);
  assert.equal(await store.checksum(), before);
});

both('a live store: a warning, and --apply needs --force', async (store) => {
  const before = await store.checksum();
  // Every scheduled row counts as near the clock with a window this wide.
  const wide = ['--live-interval', '0.2s', '--live-window', '100000d'];
  const dry = json(await clean(store, [...wide, '--format', 'json']));
  assert.equal(dry.live.live, true);
  assert.ok(dry.live.nearNow >= 4);
  const text = await clean(store, wide);
  assert.match(text.stdout, /warning: the store looks live: .*--apply will need --force/);

  oneLineError(await clean(store, [...wide, '--apply']), /looks live .*--force.*nothing was changed/);
  assert.equal(await store.checksum(), before);
  assert.deepEqual(backupsIn(store.dir), []);

  // Rows that move between the two reads: a scheduler is writing right now.
  const ids = (await store.rows()).map((r) => r.id);
  const writer = startWriter(store, ids, 1900000000, 20);
  const moving = json(await clean(store, ['--live-interval', '1s', '--live-window', '0', '--format', 'json']));
  await writer.stop();
  assert.equal(moving.live.live, true);
  assert.ok(moving.live.moved > 0);
  assert.match(moving.live.reasons.join('\n'), /changed between two reads 1 s apart/);

  // One copy fell due days ago, the other falls due in an hour. The store looks live, so a
  // scheduler on it would run the overdue one at its next wakeup: even --force leaves it.
  const rows = await store.rows();
  const keep = dry.kept[0].id as string; // by start date: the writer above moved the next runs
  const [overdue, later] = copies(rows).filter((r) => r.id !== keep);
  await store.setNextRunTime(overdue.id, Date.now() / 1000 - 3 * 86400);
  await store.setNextRunTime(later.id, Date.now() / 1000 + 3600);
  const forcedRes = await clean(store, [...wide, '--apply', '--force', '--format', 'json']);
  const forced = json(forcedRes);
  assert.equal(forced.live.forced, true);
  const actions = Object.fromEntries(forced.rows.map((r: { id: string; action: string }) => [r.id, r.action]));
  assert.deepEqual(actions, { [overdue.id]: 'left', [later.id]: 'deleted' });
  assert.match(forced.rows.find((r: { id: string }) => r.id === overdue.id).left, /was due 72 h ago and the store looks live/);
  assert.equal(forcedRes.status, 1, 'exit 1: a row was left');
  const after = await store.rows();
  assert.ok(after.some((r) => r.id === overdue.id) && !after.some((r) => r.id === later.id));
});

both('a row due within the safety window is never deleted, not even with --force: left for a later run, exit 1', async (store) => {
  const rows = await store.rows();
  const keep = newestCopy(rows);
  const [soon, just] = copies(rows).filter((r) => r !== keep);
  const now = Date.now() / 1000;
  // Set right before clean starts: one falls due in 60 s, the other fell due a second ago; a 120 s
  // window (the default is the live interval + 10 s) keeps the test independent of how slowly clean starts.
  await store.setNextRunTime(soon.id, now + 60);
  await store.setNextRunTime(just.id, now - 1);
  const before = await store.checksum();
  const W = [...QUIET, '--safety-window', '120s'];
  const res = await clean(store, [...W, '--apply', '--force', '--format', 'json']);
  assert.equal(res.status, 1, res.stderr);
  const doc = json(res);
  assert.equal(doc.summary.deleted, 0);
  assert.equal(doc.summary.left, 2);
  const left = Object.fromEntries(doc.rows.map((r: { id: string; left: string }) => [r.id, r.left]));
  assert.match(left[soon.id], /left for a later run: its next run .* (falls due in|was due) \d+(\.\d)? s( ago)?, within the 120 s safety window\. APScheduler 3\.x's scheduler thread dies silently/);
  assert.match(left[just.id], /was due \d+(\.\d)? s ago, within the 120 s safety window/);
  assert.equal(doc.backup, null, 'nothing to delete: no backup');
  assert.equal(await store.checksum(), before, 'both rows still there');
  const text = await clean(store, [...W, '--apply', '--force']);
  assert.match(text.stdout, /2 rows are due within the 120 s safety window and were left for a later run: .*Pause or stop the schedulers for a full purge/);
  const dry = json(await clean(store, [...W, '--format', 'json']));
  assert.deepEqual(dry.rows.map((r: { action: string }) => r.action), ['would-leave', 'would-leave']);
  assert.equal(json(await clean(store, [...QUIET, '--format', 'json'])).safetyWindowSeconds, 10.2, 'default: the live interval + 10 s');
  oneLineError(await clean(store, ['--safety-window', '1s']), /--safety-window 1s: at least 2s/);
  // A wider window than the default, on request.
  await store.setNextRunTime(soon.id, now + 900);
  await store.setNextRunTime(just.id, now + 900);
  const wide = json(await clean(store, [...QUIET, '--safety-window', '20m', '--format', 'json']));
  assert.equal(wide.summary.left, 2);
});

both('--source must exist and hold a module the store refers to; a mistyped one deletes nothing', async (store) => {
  const before = await store.checksum();
  oneLineError(await clean(store, [...QUIET, '--rules', 'orphan-job', '--source', join(store.dir, 'scr'), '--apply']), /--source .*scr: no such folder; nothing was changed/);
  const empty = newDir();
  oneLineError(await clean(store, [...QUIET, '--rules', 'orphan-job', '--source', empty, '--apply']), /none of the 1 module the store's jobs refer to \(__main__\) is under it — is it the project folder\? nothing was changed/);
  writeFileSync(join(empty, 'notes.txt'), '');
  oneLineError(await clean(store, [...QUIET, '--rules', 'orphan-job', '--source', join(empty, 'notes.txt')]), /not a folder/);
  assert.equal(await store.checksum(), before);
  assert.deepEqual(backupsIn(store.dir), []);
});

both('a selection that is every row of the store needs --force, and says so', async (store) => {
  const source = newDir();
  writeFileSync(join(source, '__main__.py'), '# every function is gone\n');
  const args = [...QUIET, '--rules', 'duplicate-job,orphan-job', '--source', source];
  const before = await store.checksum();
  const dry = await clean(store, args);
  assert.equal(dry.status, 0);
  assert.match(dry.stdout, /warning: every row of the store is selected \(5 of 5\); --apply will need --force/);
  oneLineError(await clean(store, [...args, '--apply']), /the selection is every row of .* \(5 of 5\), which is probably a mistake .*pass --force to delete them all/);
  assert.equal(await store.checksum(), before);
  assert.deepEqual(backupsIn(store.dir), []);
  const forced = json(await clean(store, [...args, '--apply', '--force', '--format', 'json']));
  assert.equal(forced.everyRow, true);
  assert.equal(forced.summary.deleted, 5);
});

both('--job takes the id prefix that jobs shows; an ambiguous one lists the candidates', async (store) => {
  const rows = await store.rows();
  const target = copies(rows)[0];
  for (const given of [target.id.slice(0, 8), `${target.id.slice(0, 8)}…`, target.id.slice(0, 12)]) {
    const doc = json(await clean(store, [...QUIET, '--job', given, '--format', 'json']));
    assert.deepEqual(doc.rows.map((r: { id: string }) => r.id), [target.id], given);
  }
  await store.insertRow({ id: 'report-a', nextRunTime: 1999999999, jobState: rows[0].jobState });
  await store.insertRow({ id: 'report-b', nextRunTime: 1999999999, jobState: rows[0].jobState });
  oneLineError(await clean(store, [...QUIET, '--job', 'report-']), /--job report-: 2 rows have ids starting with 'report-' \(report-a, report-b\); give more of the id/);
  oneLineError(await clean(store, [...QUIET, '--job', 'zzz']), /no row with that id or id prefix/);
  // jobs, piped, shows whole ids.
  const listed = await runCli(['jobs', '--db', store.url]);
  assert.equal(listed.status, 0, listed.stderr);
  for (const r of rows) assert.ok(listed.stdout.includes(r.id), r.id);
});

for (const kind of ['SQLite', 'PostgreSQL'] as const) {
  test(`${kind}: a concurrent writer: every row is deleted-and-backed-up or holds the writer's latest data (5 rounds)`, { timeout: 300000 }, async (t) => {
    const reason = kind === 'PostgreSQL' && skipReason(server());
    if (reason) return t.skip(reason);
    let deleted = 0;
    let skipped = 0;
    for (let round = 0; round < 5; round++) {
      const store = kind === 'SQLite' ? sqliteRestartStore() : await postgresRestartStore(server() as PgServer);
      try {
        const [d, k] = await concurrentRound(store, round);
        deleted += d;
        skipped += k;
      } finally {
        await store.close();
      }
    }
    t.diagnostic(`over 5 rounds: ${deleted} rows deleted, ${skipped} skipped because the writer changed them`);
    assert.ok(deleted > 0, 'some copies were deleted');
    assert.ok(skipped > 0, 'some copies were skipped');
  });
}

async function concurrentRound(store: TestStore, round: number): Promise<[number, number]> {
  const original = await store.rows();
  const hot = copies(original).filter((r) => r !== newestCopy(original))[0];
  // One copy changes every millisecond or two (it is almost always skipped); the others every few hundred ms.
  const hotWriter = startWriter(store, [hot.id], 1900000000 + round * 1e6, 2);
  const coldWriter = startWriter(store, original.filter((r) => r !== hot).map((r) => r.id), 1950000000 + round * 1e6, 200);
  const backupPath = join(store.dir, `round-${round}.ndjson`);
  const res = await clean(store, ['--apply', '--force', '--format', 'json', '--live-interval', '0.3s', '--backup', backupPath]);
  const hotResult = await hotWriter.stop();
  const coldResult = await coldWriter.stop();
  const last = new Map([...hotResult.last, ...coldResult.last]);
  assert.ok(res.status === 0 || res.status === 1, res.stderr);
  const doc = json(res);
  const backup = await readBackup(backupPath);
  const now = new Map((await store.rows()).map((r) => [r.id, r]));
  for (const o of original) {
    const latest = last.get(o.id) ?? o.nextRunTime;
    const row = now.get(o.id);
    if (row) {
      assert.equal(row.nextRunTime, latest, `${o.id}: present with the writer's latest next_run_time`);
      assert.ok(row.jobState.equals(o.jobState));
    } else {
      const entry = backup.entries.find((e) => e.row.id === o.id);
      assert.ok(entry, `${o.id}: deleted, so it is in the backup`);
      assert.equal(entry.row.nextRunTime, latest, `${o.id}: the backup holds the row as it was when deleted`);
      assert.ok(entry.row.jobState.equals(o.jobState));
    }
  }
  const deletedIds = doc.rows.filter((r: { action: string }) => r.action === 'deleted').map((r: { id: string }) => r.id).sort();
  assert.deepEqual(deletedIds, original.filter((o) => !now.has(o.id)).map((o) => o.id).sort(), 'the report says what was deleted');
  assert.equal(res.status, doc.summary.skipped + doc.summary.left > 0 ? 1 : 0, 'exit 1 when rows were skipped or left');
  assert.deepEqual([...backup.result!.deleted].sort(), deletedIds);
  return [doc.summary.deleted, doc.summary.skipped];
}

both('killed right after the backup, or just before COMMIT: the table is unchanged and the backup complete', async (store) => {
  const before = await store.checksum();
  for (const hook of ['SCHED_DOCTOR_TEST_KILL_AFTER_BACKUP', 'SCHED_DOCTOR_TEST_KILL_BEFORE_COMMIT']) {
    const path = join(store.dir, `${hook}.ndjson`);
    const res = await clean(store, [...QUIET, '--apply', '--backup', path], { [hook]: '1' });
    assert.equal(res.signal, 'SIGKILL', `${hook}: ${res.stderr}`);
    assert.equal(await store.checksum(), before, `${hook}: nothing deleted`);
    const backup = await readBackup(path);
    assert.equal(backup.entries.length, 2, `${hook}: the backup is complete`);
    assert.equal(backup.result, undefined, 'no result: the process never got that far');
  }
  // The store is usable afterwards (SQLite rolls the hot journal back on the next open).
  const res = json(await clean(store, [...QUIET, '--apply', '--format', 'json']));
  assert.equal(res.summary.deleted, 2);
});

test('SQLite: a read-only database file or folder is a one-line error; nothing deleted, the backup complete', async (t) => {
  // Root ignores file modes: run the CLI as nobody, to whom the modes apply.
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? { uid: 65534, gid: 65534 } : {};
  for (const [label, fileMode] of [['file and folder', 0o444], ['folder only', 0o666]] as const) {
    const store = sqliteRestartStore();
    const path = store.url.replace('sqlite:///', '');
    const before = await store.checksum();
    await store.close();
    const backups = newDir();
    chmodSync(backups, 0o777);
    chmodSync(path, fileMode);
    chmodSync(store.dir, 0o555);
    try {
      const backup = join(backups, 'b.ndjson');
      const res = await runCli(['clean', '--db', store.url, ...QUIET, '--apply', '--backup', backup], { cwd: backups, ...user });
      if (res.status === null || /EACCES|Cannot find|permission denied, open '.*node_modules/.test(res.stderr)) {
        return t.skip(`cannot run the CLI as another user here: ${res.stderr.split('\n')[0]}`);
      }
      oneLineError(res, label === 'file and folder' ? /read-only for this user/ : /journal|read-only/);
      assert.match(res.stderr, /nothing was deleted \(the backup .* is complete\)/);
      const written = await readBackup(backup);
      assert.equal(written.entries.length, 2);
      assert.equal(written.result?.committed, false);
    } finally {
      chmodSync(store.dir, 0o755);
      chmodSync(path, 0o644);
    }
    const again = sqliteStoreAt(path, store.dir);
    assert.equal(await again.checksum(), before, `${label}: unchanged`);
    await again.close();
  }
});

onPostgres('a user without DELETE (or UPDATE) rights is a one-line error; nothing deleted, the backup complete', async (store, admin) => {
  const before = await store.checksum();
  for (const [role, grants] of [[`reader_${process.pid}`, 'SELECT'], [`updater_${process.pid}`, 'SELECT, UPDATE']]) {
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(`GRANT ${grants} ON apscheduler_jobs TO ${role}`);
    const url = store.url.replace('postgres@', `${role}@`);
    const backup = join(store.dir, `${role}.ndjson`);
    const res = await runCli(['clean', '--db', url, ...QUIET, '--apply', '--backup', backup], { cwd: store.dir });
    oneLineError(res, /cannot delete from apscheduler_jobs: permission denied \(this user needs SELECT, UPDATE .* and DELETE/);
    assert.equal(await store.checksum(), before);
    const written = await readBackup(backup);
    assert.equal(written.entries.length, 2);
    assert.equal(written.result?.committed, false);
  }
});

test('SQLite: explicit ids are kept over generated ones (a store written by real APScheduler)', async (t) => {
  if (spawnSync('/usr/bin/python3', ['-c', 'import apscheduler, sqlalchemy'], { stdio: 'ignore' }).status !== 0) return t.skip('no APScheduler for /usr/bin/python3');
  const dir = newDir();
  // Start 1 and 3 add sync without id=; start 2 with id='sync'.
  writeFileSync(join(dir, 'app.py'), [
    'import sys, time',
    'from apscheduler.schedulers.background import BackgroundScheduler',
    'from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore',
    'def sync():',
    '    pass',
    'for start in range(3):',
    "    s = BackgroundScheduler(jobstores={'default': SQLAlchemyJobStore(url='sqlite:///' + sys.argv[1])}, timezone='UTC')",
    '    s.start(paused=True)',
    "    s.add_job(sync, 'interval', minutes=5, **({'id': 'sync'} if start == 1 else {}))",
    '    s.shutdown(wait=False)',
    '    time.sleep(0.05)',
  ].join('\n') + '\n');
  execFileSync('/usr/bin/python3', ['app.py', join(dir, 'jobs.sqlite')], { cwd: dir, stdio: 'pipe' });
  const store = sqliteStoreAt(join(dir, 'jobs.sqlite'), dir);
  try {
    const doc = json(await clean(store, [...QUIET, '--format', 'json']));
    assert.equal(doc.kept[0].id, 'sync');
    assert.match(doc.kept[0].why, /explicit/);
    assert.equal(doc.rows.length, 2);
    assert.ok(doc.rows.every((r: { id: string }) => GENERATED.test(r.id)));
  } finally {
    await store.close();
  }
});

test('usage errors: one line, exit 2, nothing changed; an existing backup file is never overwritten', async () => {
  const store = sqliteRestartStore();
  try {
    const before = await store.checksum();
    oneLineError(await clean(store, ['--rules', 'duplicate-run']), /'duplicate-run' is not a rule clean can act on/);
    oneLineError(await clean(store, ['--older-than', 'a week']), /--older-than 'a week' is not a duration/);
    oneLineError(await clean(store, ['--format', 'xml']), /--format must be table or json/);
    oneLineError(await runCli(['clean', '--db', 'sqlite:///no/such/file.sqlite', '--apply']), /no such database file/);
    const taken = join(store.dir, 'taken.ndjson');
    writeFileSync(taken, 'precious\n');
    oneLineError(await clean(store, [...QUIET, '--apply', '--backup', taken]), /already exists .*nothing was deleted/);
    assert.equal(readFileSync(taken, 'utf8'), 'precious\n');
    assert.equal(await store.checksum(), before);
    const bad = await runCli(['clean', '--db', 'postgresql://u:hunter2@127.0.0.1:1/x', '--apply']);
    oneLineError(bad, /connection refused/);
    assert.ok(!bad.stderr.includes('hunter2'));
    assert.ok(!existsSync(join(store.dir, 'x')));
  } finally {
    await store.close();
  }
});
