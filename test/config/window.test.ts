// --since / --until / --now: absolute or relative instants, and what the window keeps.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWindow } from '../../src/cli/window';
import { runCli } from '../support/cli';

const NOW = Date.parse('2026-11-26T12:00:00Z') * 1000;
const H = 3600e6;

test('relative spans count back from --now', () => {
  assert.deepEqual(parseWindow('24h', '30m', NOW), { since: NOW - 24 * H, until: NOW - 0.5 * H });
  assert.deepEqual(parseWindow('7d', undefined, NOW), { since: NOW - 7 * 24 * H, until: undefined });
  assert.deepEqual(parseWindow('90s', undefined, NOW).since, NOW - 90e6);
  assert.deepEqual(parseWindow('2w', undefined, NOW).since, NOW - 14 * 24 * H);
});

test('absolute instants need a zone; a bare date is UTC midnight', () => {
  assert.equal(parseWindow('2026-11-26T13:00:00Z', undefined, NOW).since, Date.parse('2026-11-26T13:00:00Z') * 1000);
  assert.equal(parseWindow('2026-11-26T14:00:00+01:00', undefined, NOW).since, Date.parse('2026-11-26T13:00:00Z') * 1000);
  assert.equal(parseWindow('2026-11-26', undefined, NOW).since, Date.parse('2026-11-26T00:00:00Z') * 1000);
  assert.throws(() => parseWindow('2026-11-26T13:00:00', undefined, NOW), /--since '2026-11-26T13:00:00' is neither a span .* nor an ISO 8601 time with Z or an offset/);
  assert.throws(() => parseWindow(undefined, 'yesterday', NOW), /--until 'yesterday'/);
  assert.throws(() => parseWindow('1h', '2h', NOW), /is not before --until 2h: the window is empty/);
});

function run(args: string[]) {
  const res = runCli(['analyze', '--no-config', 'test/fixtures/seed/app.log', '--format', 'json', ...args]);
  return { code: res.code, stderr: res.stderr, report: res.stdout ? JSON.parse(res.stdout) : undefined };
}

test('the window keeps only the events inside it', () => {
  // seed: runs of job_1 every 2 s from 13:18:50Z to 13:19:04Z (UTC).
  const all = run([]).report;
  const late = run(['--since', '2026-11-26T13:18:55Z']).report;
  const early = run(['--until', '2026-11-26T13:18:52Z']).report;
  // The records a window leaves out are counted: what --since X drops and what --until X drops are every record.
  const rest = run(['--until', '2026-11-26T13:18:55Z']).report;
  assert.equal(late.window.outside + rest.window.outside, all.sources[0].records);
  assert.ok(late.window.outside > 0 && rest.window.outside > 0);
  assert.deepEqual(late.window, { since: '2026-11-26T13:18:55.000Z', until: null, outside: late.window.outside });
  assert.equal(late.sources[0].outsideWindow, late.window.outside);
  assert.ok(late.jobs[0].runs < all.jobs[0].runs && late.jobs[0].runs > 0);
  assert.ok(early.jobs[0].runs < late.jobs[0].runs);
  const relative = run(['--since', '5s', '--now', '2026-11-26T13:19:00Z']).report;
  assert.equal(relative.window.since, '2026-11-26T13:18:55.000Z');
  assert.equal(relative.jobs[0].runs, late.jobs[0].runs);
  // A window that leaves nothing is not a pass: exit 2 unless --allow-empty.
  const empty = run(['--since', '2026-11-27T00:00:00Z']);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /all 43 APScheduler records are outside --since 2026-11-27T00:00:00.000Z/);
  const allowed = run(['--since', '2026-11-27T00:00:00Z', '--allow-empty']);
  assert.equal(allowed.code, 0);
  assert.deepEqual(allowed.report.findings, []);
  assert.equal(allowed.report.window.outside, 43);
});

test('window errors: one line, exit 2', () => {
  for (const args of [['--since', 'soon'], ['--since', '2026-11-26T13:00:00'], ['--since', '1h', '--until', '2h'], ['--now', 'tomorrow', '--since', '1h']]) {
    const res = run(args);
    assert.equal(res.code, 2, args.join(' '));
    assert.equal(res.stderr.split('\n').length, 2, res.stderr);
  }
});
