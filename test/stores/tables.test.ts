// `jobs` and `clean` tables: linear in the number of rows (8,080 rows took 28.8 s in a layout
// library), long text cut with … in the table and whole in JSON, ids shortened in a terminal to
// the prefix `clean --job` takes, control characters never sent to the terminal.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLive } from '../../src/clean/live-store';
import { planClean } from '../../src/clean/selection';
import { cleanText, type CleanReport } from '../../src/cli/clean-report';
import { jobsTable, shortIds } from '../../src/cli/jobs-command';
import { displayWidth, elide, renderTable } from '../../src/cli/plain-table';
import { loadStoreJobs } from '../../src/engine/analyze-store';
import type { StoreJob } from '../../src/model/store-job';
import { RESTARTS_SQLITE } from '../support/job-stores';

const NOW = Date.parse('2026-12-01T00:00:00Z') * 1000;

/** n copies of the fixture's `sync` job (real APScheduler rows) under distinct generated ids. */
async function manyJobs(n: number, name?: string): Promise<StoreJob[]> {
  const jobs = await loadStoreJobs(`sqlite:///${RESTARTS_SQLITE}`, { table: 'apscheduler_jobs' });
  const sync = jobs.find((j) => j.state?.func === '__main__:sync' && /^[0-9a-f]{32}$/.test(j.row.id))!;
  return Array.from({ length: n }, (_, i) => {
    const id = (i.toString(16).padStart(8, '0') + 'c0ffee' + i.toString(16)).padEnd(32, '0').slice(0, 32);
    return { ...sync, row: { ...sync.row, id, nextRunTime: sync.row.nextRunTime! + i }, state: { ...sync.state!, id, name: name ?? sync.state!.name } };
  });
}

function cleanReport(jobs: StoreJob[]): CleanReport {
  const plan = planClean(jobs, { rules: ['duplicate-job'], olderThanSeconds: 0, jobIds: [], now: NOW });
  return {
    display: 'sqlite:///jobs.sqlite', table: 'apscheduler_jobs', total: jobs.length, rules: ['duplicate-job'], apply: false,
    live: checkLive([], [], 0, NOW, 0), forced: false, plan, safety: { seconds: 10, includeOverdue: false }, everyRow: false, dueAtPlan: new Set(),
  };
}

function time(fn: () => string): { ms: number; text: string } {
  const start = process.hrtime.bigint();
  const text = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, text };
}

test('jobs and clean tables grow linearly: 8 times the rows in about 8 times the time, not 64', async (t) => {
  const small = await manyJobs(2000);
  const big = await manyJobs(16000);
  const options = { wholeIds: false, wholeCells: false };
  jobsTable(small.slice(0, 200), NOW, options); // warm up
  const jobsSmall = time(() => jobsTable(small, NOW, options));
  const jobsBig = time(() => jobsTable(big, NOW, options));
  const cleanSmall = time(() => cleanText(cleanReport(small)));
  const cleanBig = time(() => cleanText(cleanReport(big)));
  const report = `jobs ${jobsSmall.ms.toFixed(0)} → ${jobsBig.ms.toFixed(0)} ms, clean ${cleanSmall.ms.toFixed(0)} → ${cleanBig.ms.toFixed(0)} ms`;
  t.diagnostic(report);
  // Linear: 8× the rows in at most ~8× the time (with room for a loaded machine); quadratic would be 64×.
  assert.ok(jobsBig.ms < Math.max(24 * jobsSmall.ms, 400), report);
  assert.ok(cleanBig.ms < Math.max(24 * cleanSmall.ms, 400), report);
  assert.ok(jobsBig.ms < 20000 && cleanBig.ms < 20000, `16,000 rows in seconds, not minutes (8,080 took 28.8 s before): ${report}`);
  assert.equal(jobsBig.text.split('\n').filter((l) => /__main__:sync/.test(l)).length, 16000);
  assert.ok(cleanBig.text.includes('dry run: 15999 of 16000 rows would be deleted'));
});

test('a 5 MB job name is cut in the table (whole in JSON), and costs time linear in it', async () => {
  const huge = 'n'.repeat(5_000_000);
  const jobs = await manyJobs(3, huge);
  const { ms, text } = time(() => jobsTable(jobs, NOW, { wholeIds: true, wholeCells: false }));
  assert.ok(ms < 2000, `${ms} ms`);
  assert.ok(text.length < 10_000, `the table stays small: ${text.length} characters`);
  assert.match(text, /n{23}…/);
  const wide = jobsTable(jobs, NOW, { wholeIds: true, wholeCells: true });
  assert.ok(wide.includes(huge), '--wide shows the whole cell');
});

test('ids: whole when piped or --wide; in a terminal the shortest prefix (at least 8) that tells them apart', async () => {
  assert.deepEqual(shortIds(['0f3c2a1b9d8e7f60a1b2c3d4e5f60718', '0f3c2a1b9d00000000000000000000aa', 'sync', 'nightly-report-for-the-whole-team']), [
    '0f3c2a1b9d8…', '0f3c2a1b9d0…', 'sync', 'nightly-…',
  ]);
  const jobs = await manyJobs(3);
  const terminal = jobsTable(jobs, NOW, { wholeIds: false, wholeCells: false });
  const piped = jobsTable(jobs, NOW, { wholeIds: true, wholeCells: false });
  for (const j of jobs) {
    assert.ok(piped.includes(j.row.id));
    assert.ok(!terminal.includes(j.row.id));
  }
  // Every shown prefix names exactly one job (what clean --job resolves).
  const shown = shortIds(jobs.map((j) => j.row.id));
  for (const [i, s] of shown.entries()) {
    const prefix = s.replace(/…$/, '');
    assert.deepEqual(jobs.filter((j) => j.row.id.startsWith(prefix)).map((j) => j.row.id), [jobs[i].row.id]);
  }
});

test('cells: widths by terminal cells, cut with …, control characters escaped', () => {
  assert.equal(displayWidth('日本語'), 6);
  assert.equal(elide('日本語のジョブ', 7), '日本語…');
  assert.equal(elide('short', 10), 'short');
  assert.equal(elide('abcdefghij', 5), 'abcd…');
  const text = renderTable([{ head: 'name', max: 30 }, { head: 'n', align: 'right' }], [['evil\u001b[2Jname\nline', '7'], ['ok', '12']]);
  assert.ok(!text.includes('\u001b'), 'no escape sequence reaches the terminal');
  assert.match(text, /evil\\x1b\[2Jname\\nline {2}\s+7/);
  assert.equal(text.split('\n')[3], 'ok' + ' '.repeat(text.split('\n')[2].indexOf('7') - 3) + '12'.padStart(2));
});
