// Store URLs: passwords never shown whatever their characters, and the likely mistakes (a bare
// path, three slashes for four, a folder) answered with the URL that was meant.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parseDbUrl, redact, withoutCredentials } from '../../src/stores/db-url';
import { newDir, oneLineError, RESTARTS_SQLITE, runCli } from '../support/job-stores';

const PASSWORDS = ['my pass', 'p@ss word', 'a/b c', 'x#y?z', 'per%20cent', 'ümlaut pass', ' lead', 'colon:in:it', 'end@'];

test('redact hides a password of any characters, parsed or not; a port or a user alone stays', () => {
  for (const pw of PASSWORDS) {
    for (const url of [`postgresql://app:${pw}@db.internal:5432/jobs`, `postgresql+psycopg2://app:${pw}@db/jobs?sslmode=require`]) {
      const hidden = redact(`cannot connect to ${url}: refused`);
      assert.ok(!hidden.includes(pw.trim()), `${url} → ${hidden}`);
      assert.match(hidden, /app:\*\*\*@/);
      assert.ok(!withoutCredentials(url).includes(pw.trim()), withoutCredentials(url));
      assert.ok(!withoutCredentials(url).includes('app'), 'no user in a label');
      let message = '';
      try {
        message = parseDbUrl(url).display;
      } catch (err) {
        message = (err as Error).message;
      }
      assert.ok(!message.includes(pw.trim()), message);
    }
  }
  // No '@' at all (the host forgotten): everything after `user:` is hidden.
  assert.equal(redact('postgresql://app:my secret'), 'postgresql://app:***');
  assert.equal(redact('postgresql://db:5432/jobs'), 'postgresql://db:5432/jobs');
  assert.equal(redact('postgresql://app@db/jobs'), 'postgresql://app@db/jobs');
  assert.equal(redact('postgresql://db/jobs?password=two words&sslmode=require'), 'postgresql://db/jobs?password=***&sslmode=require');
  assert.equal(withoutCredentials('postgresql://app:pw@db:5432/jobs'), 'postgresql://db:5432/jobs');
});

test('a PostgreSQL URL that does not parse is one line without its password', async () => {
  for (const pw of ['my pass/x', 'a#b c']) {
    const res = await runCli(['jobs', '--db', `postgresql://app:${pw}@db/jobs`]);
    oneLineError(res, /not a valid PostgreSQL URL .*PGPASSWORD/);
    assert.ok(!res.stderr.includes(pw), res.stderr);
  }
});

test('a bare path, two or three slashes for four, four for three, and a folder: the URL that was meant', async () => {
  const dir = newDir();
  const file = join(dir, 'jobs.sqlite');
  copyFileSync(RESTARTS_SQLITE, file);
  mkdirSync(join(dir, 'sub'));

  oneLineError(await runCli(['jobs', '--db', file]), new RegExp(`a path, not a database URL: for a SQLite file use --db sqlite:///${file}$`, 'm'));
  oneLineError(await runCli(['jobs', '--db', 'jobs.sqlite'], { cwd: dir }), /use --db sqlite:\/\/\/jobs\.sqlite$/m);
  oneLineError(await runCli(['jobs', '--db', 'sqlite://jobs.sqlite'], { cwd: dir }), /three slashes before a relative path and four before an absolute one: use --db sqlite:\/\/\/jobs\.sqlite$/m);
  // sqlite:///tmp/… is relative to the working folder: from '/', it is the same file, so go elsewhere.
  const elsewhere = join(dir, 'sub');
  const threeSlashes = `sqlite:///${file.slice(1)}`;
  oneLineError(await runCli(['jobs', '--db', threeSlashes], { cwd: elsewhere }), new RegExp(`no such database file \\(three slashes make a path relative to the working folder\\); did you mean --db sqlite:///${file}\\?`));
  const fourSlashes = `sqlite:///${'/' + relative('/', file).split('/').pop()}`;
  oneLineError(await runCli(['jobs', '--db', fourSlashes], { cwd: dir }), /no such database file \(four slashes make an absolute path\); did you mean --db sqlite:\/\/\/jobs\.sqlite\?/);
  oneLineError(await runCli(['jobs', '--db', `sqlite:///${dir}`]), new RegExp(`is a folder, not a SQLite database file: the job store is a file, e.g. sqlite:///${file}`));
  oneLineError(await runCli(['clean', '--db', `sqlite:///${join(dir, 'sub')}`, '--apply']), /is a folder, not a SQLite database file \(the job store is the \.sqlite or \.db file/);
  oneLineError(await runCli(['jobs', '--db', 'sqlite:///no-such.sqlite'], { cwd: dir }), /no such database file \(.*no-such\.sqlite: three slashes make a path relative/);
  const ok = await runCli(['jobs', '--db', `sqlite:///${file}`]);
  assert.equal(ok.status, 0, ok.stderr);
});
