// watch follows as tail -F does, beside real APScheduler 3.x: what the file held before watch
// started is not read (from the end), copytruncate is followed from the start of the truncated
// file, and files that appear under a quoted glob after the start are followed from their start,
// a rotated part matching the glob not read twice.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runLine, T0 } from '../analyzers/rule-lines';
import { apschedulerMissing, lineCount, isFinding, json, startApp, startWatch } from '../support/watch';

const skip = apschedulerMissing();

test('from the end, then copytruncate: the old duplicate is not read, the new one is found in the truncated file with its own line numbers', { skip, timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-watch-ct-'));
  const log = join(dir, 'app.log');
  const store = join(dir, 'jobs.sqlite');
  // Yesterday's duplicate, already in the file: watch starts at the end and must not report it.
  writeFileSync(log, [runLine('old', 'interval[0:00:10]', T0, { pid: 1 }), runLine('old', 'interval[0:00:10]', T0, { pid: 2 })].join('\n') + '\n');
  const watch = startWatch(['app.log', '--format', 'ndjson'], dir);
  const apps = [];
  try {
    await sleep(1500);
    apps.push(await startApp(log, store, ['--jobs', 'sync']));
    await sleep(2500);
    // logrotate's copytruncate: a copy, then the live file cut to nothing; the app writes on at its end.
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    await sleep(600);
    apps.push(await startApp(log, store, ['--jobs', 'sync']));
    const dup = json(await watch.waitFor(isFinding('duplicate-run', 'sync'), 20_000))!;
    const now = readFileSync(log, 'utf8').split('\n');
    for (const e of dup.evidence) {
      assert.equal(e.source, 'app.log');
      assert.equal(now[e.line - 1], e.text, `line ${e.line} of the truncated file is the evidence`);
    }
    for (const a of apps) await a.kill('SIGTERM');
    await sleep(800);
    assert.deepEqual(await watch.stop('SIGTERM'), { code: 0, signal: null });
    const out = watch.lines.map(json);
    assert.ok(!out.some((o) => o?.job === 'old'), 'what the file held before the start was not read');
    // The two processes run each fire time at about the same instant: on a busy machine one's start
    // can fall between the other's start and end, an overlap across schedulers that the lines show.
    const final = readFileSync(log, 'utf8').split('\n');
    const expected = ['duplicate-run', 'multiple-schedulers', ...(crossOverlaps(final, 'sync') > 0 ? ['overlapping-runs'] : [])].sort();
    assert.deepEqual([...new Set(out.filter((o) => o?.type === 'finding').map((o) => o!.rule))].sort(), expected);
    const overlap = out.find((o) => o?.type === 'finding' && o.rule === 'overlapping-runs');
    if (overlap) assert.deepEqual([overlap.data.inProcess, overlap.data.crossScheduler > 0], [0, true], 'only across the two processes, never inside one');
    assert.match(watch.stderr(), /app\.log was truncated: reading it from the start/);
  } finally {
    for (const a of apps) await a.kill('SIGKILL');
    await watch.stop('SIGKILL');
  }
});

test("a quoted glob: files that appear after the start are followed from their start; a rotated part the glob matches is not read again", { skip, timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-watch-glob-'));
  mkdirSync(join(dir, 'logs'));
  const store = join(dir, 'jobs.sqlite');
  const watch = startWatch(['logs/*.log*', '--format', 'ndjson'], dir);
  const apps = [];
  try {
    await watch.waitForStderr(/nothing matches logs\/\*\.log\* yet: waiting for files to appear/, 10_000);
    apps.push(await startApp(join(dir, 'logs', 'web-1.log'), store, ['--jobs', 'sync']));
    await sleep(2000);
    renameSync(join(dir, 'logs', 'web-1.log'), join(dir, 'logs', 'web-1.log.1'));
    apps.push(await startApp(join(dir, 'logs', 'web-2.log'), store, ['--jobs', 'sync']));
    const dup = json(await watch.waitFor(isFinding('duplicate-run', 'sync'), 20_000))!;
    assert.deepEqual(dup.data.instances.map((i: string) => i.replace(/ pid \d+$/, '')).sort(), ['logs/web-1.log', 'logs/web-2.log']);
    await sleep(1500);
    for (const a of apps) await a.kill('SIGTERM');
    await sleep(1200);
    assert.deepEqual(await watch.stop('SIGTERM'), { code: 0, signal: null });
    const summary = json(watch.lines[watch.lines.length - 1])!;
    assert.deepEqual(summary.sources, ['logs/web-1.log', 'logs/web-2.log']);
    // Every line of the three files, each once: web-1.log.1 was read as web-1.log, before its rename.
    const files = ['web-1.log.1', 'web-1.log', 'web-2.log'].map((f) => join(dir, 'logs', f));
    assert.equal(summary.lines, files.reduce((n, f) => n + lineCount(f), 0));
  } finally {
    for (const a of apps) await a.kill('SIGKILL');
    await watch.stop('SIGKILL');
  }
});

/**
 * Starts of `job` that the file shows while another process had a run of it open (a start, its
 * end not yet written), runs paired first in, first out per pid: the order of the lines, which is
 * what the rule sees. The lines before the truncation were one process's alone (no overlap).
 */
function crossOverlaps(lines: string[], job: string): number {
  const open = new Map<string, number>();
  let n = 0;
  for (const l of lines) {
    const pid = /^\S+ \S+ \[(\d+)\]/.exec(l)?.[1];
    if (!pid) continue;
    if (l.includes(`Running job "${job} (`)) {
      if ([...open].some(([p, c]) => p !== pid && c > 0)) n++;
      open.set(pid, (open.get(pid) ?? 0) + 1);
    } else if (l.includes(`Job "${job} (`) && /" (executed successfully|raised an exception)/.test(l)) {
      open.set(pid, Math.max(0, (open.get(pid) ?? 0) - 1));
    }
  }
  return n;
}
