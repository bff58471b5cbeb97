// The package as users get it: `npm pack`, installed into a fresh folder without optional
// dependencies (so nothing compiles), then run: `analyze` reads a log; a `sqlite:` URL says in
// one line how to get the SQLite driver.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const SEED_LOG = join(ROOT, 'test', 'fixtures', 'seed', 'app.log');
const STORE = join(ROOT, 'test', 'fixtures', 'stores', 'mixed.sqlite');
const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-pack-'));
const app = join(dir, 'app');
let tarball = '';
let files: string[] = [];

after(() => rmSync(dir, { recursive: true, force: true }));

before(() => {
  // `npm test` builds first; packing the built dist is what `npm publish` ships (prepare builds).
  assert.ok(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'dist/ is built (npx tsc -p .)');
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
  tarball = join(dir, packed[0].filename);
  files = packed[0].files.map((f) => f.path);
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'some-app', version: '1.0.0', private: true }));
  // The registry only for the runtime dependencies (from the cache when it has them); no compiler.
  execFileSync('npm', ['install', '--omit=optional', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
});

const bin = () => join(app, 'node_modules', '.bin', 'sched-doctor');

test('the tarball holds the CLI, not the sources, tests or fixtures', () => {
  assert.ok(files.includes('bin/sched-doctor'));
  assert.ok(files.includes('dist/cli/main.js'));
  assert.ok(files.includes('README.md'));
  assert.deepEqual(files.filter((f) => /^(src|test)\//.test(f) || f.endsWith('.sqlite')), []);
});

test('installed with --omit=optional: nothing native, and analyze reads a log', () => {
  assert.equal(existsSync(join(app, 'node_modules', 'better-sqlite3')), false, 'better-sqlite3 is optional and was left out');
  const manifest = JSON.parse(readFileSync(join(app, 'node_modules', 'sched-doctor', 'package.json'), 'utf8'));
  assert.equal(manifest.optionalDependencies['better-sqlite3'].startsWith('^12.'), true);
  assert.equal(manifest.dependencies['better-sqlite3'], undefined);
  const res = spawnSync(bin(), ['analyze', SEED_LOG, '--format', 'json'], { cwd: app, encoding: 'utf8' });
  assert.equal(res.status, 1, res.stderr); // the seed has errors: the gate fails, as it should
  const report = JSON.parse(res.stdout);
  assert.ok(report.findings.some((f: { rule: string }) => f.rule === 'duplicate-run'));
  assert.equal(res.stderr, '');
});

test('without better-sqlite3 (and no node:sqlite), a sqlite: URL is one line saying how to get it', () => {
  let builtin = true;
  try {
    require(['node', 'sqlite'].join(':'));
  } catch {
    builtin = false;
  }
  const res = spawnSync(bin(), ['jobs', '--db', `sqlite:///${STORE}`], { cwd: app, encoding: 'utf8' });
  if (builtin) {
    // Node has its own SQLite: the store reads without the optional module.
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /12 jobs in/);
    return;
  }
  assert.equal(res.status, 2);
  assert.equal(res.stdout, '');
  const lines = res.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, res.stderr);
  assert.match(lines[0], /^sched-doctor: .*better-sqlite3.*npm install better-sqlite3@12/);
});
