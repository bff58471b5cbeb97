// `sched-doctor watch app.log --format ndjson --metrics …` beside real APScheduler 3.x: a second
// scheduler started mid-way on the same job store is a duplicate-run line within a second of the
// second copy being written; following goes on across a rotation by rename (every line read
// once); the metrics endpoint, scraped over loopback, shows the counter; SIGTERM ends it, exit 0,
// with a summary. What watch printed is what analyze says of the same files afterwards.

import assert from 'node:assert/strict';
import { mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../support/cli';
import { apschedulerMissing, lineCount, isFinding, json, parseExposition, scrape, stampOf, startApp, startWatch } from '../support/watch';

const skip = apschedulerMissing();

test('a second scheduler mid-way: duplicate-run within a second, followed across a rename, counted in the metrics, SIGTERM exits 0', { skip, timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-watch-'));
  const log = join(dir, 'app.log');
  const store = join(dir, 'jobs.sqlite');
  const watch = startWatch(['app.log', '--format', 'ndjson', '--metrics', '127.0.0.1:0'], dir);
  const apps = [];
  try {
    const port = await watch.metricsPort();
    apps.push(await startApp(log, store, ['--jobs', 'sync']));
    await sleep(2500);
    assert.deepEqual(watch.lines.map((l) => l.text), [], 'one healthy scheduler: nothing to say');

    const second = Date.now();
    apps.push(await startApp(log, store, ['--jobs', 'sync']));
    const dup = await watch.waitFor(isFinding('duplicate-run', 'sync'), 20_000);
    const finding = json(dup)!;
    // The second copy is the latest line of the evidence; its stamp is when it was written.
    const written = Math.max(...finding.evidence.map((e: { text: string }) => stampOf(e.text)));
    assert.ok(written >= second - 1000, 'the copy was written after the second scheduler started');
    const latency = dup.at - written;
    assert.ok(latency < 1000, `duplicate-run printed ${latency} ms after the second copy was written`);
    process.stderr.write(`# duplicate-run printed ${latency} ms after its second copy was written\n`);
    assert.equal(finding.data.maxCopies, 2);
    assert.match(finding.fingerprint, /^[0-9a-f]{16}$/);
    await watch.waitFor(isFinding('multiple-schedulers'), 5000);

    const scraped = await scrape(port);
    assert.equal(scraped.status, 200);
    assert.equal(scraped.type, 'text/plain; version=0.0.4; charset=utf-8');
    const m = parseExposition(scraped.text);
    for (const [name, type] of [['sched_doctor_findings_total', 'counter'], ['sched_doctor_runs_total', 'counter'], ['sched_doctor_last_run_timestamp_seconds', 'gauge'], ['sched_doctor_next_run_timestamp_seconds', 'gauge'], ['sched_doctor_schedulers', 'gauge']]) {
      assert.equal(m.types.get(name), type, `# TYPE of ${name}`);
      assert.ok((m.help.get(name) ?? '').length > 20, `# HELP of ${name}`);
    }
    const value = (name: string, labels: Record<string, string>) => m.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    assert.ok((value('sched_doctor_findings_total', { rule: 'duplicate-run', job: 'sync' }) ?? 0) >= 1);
    assert.ok((value('sched_doctor_runs_total', { job: 'sync', outcome: 'success' }) ?? 0) >= 3);
    assert.equal(value('sched_doctor_schedulers', {}), 2);
    const last = value('sched_doctor_last_run_timestamp_seconds', { job: 'sync' })!;
    assert.ok(Math.abs(last * 1000 - Date.now()) < 5000, 'last run: a moment ago');
    assert.ok(value('sched_doctor_next_run_timestamp_seconds', { job: 'sync' })! > last, 'next run: after the last');

    // logrotate's `create`: the file is renamed away; the app's WatchedFileHandler opens a new one.
    renameSync(log, `${log}.1`);
    await sleep(3000);
    for (const a of apps) await a.kill('SIGTERM');
    await sleep(1500);
    const ended = await watch.stop('SIGTERM');
    assert.deepEqual(ended, { code: 0, signal: null });

    const out = watch.lines.map(json);
    const summary = out[out.length - 1]!;
    assert.equal(summary.type, 'summary');
    assert.equal(summary.stoppedBy, 'SIGTERM');
    // Every line of both files read, and read once: the old file to its end, the new one from its start.
    assert.equal(summary.lines, lineCount(`${log}.1`) + lineCount(log));
    assert.ok(lineCount(log) > 3, 'the new file got lines after the rotation');

    // What watch said, at its last count per finding, is what analyze says of the two files.
    const lastCount = new Map<string, number>();
    for (const o of out) if (o?.type === 'finding') lastCount.set(`${o.rule} ${o.job}`, o.count);
    const analyzed = JSON.parse(runCli(['analyze', `${log}.1`, log, '--format', 'json', '--fail-on', 'never'], { cwd: dir }).stdout);
    const expected = new Map<string, number>(analyzed.findings.filter((f: { rule: string }) => f.rule !== 'unfinished-run' && f.rule !== 'silent-runs').map((f: { rule: string; job: string; count: number }) => [`${f.rule} ${f.job}`, f.count]));
    assert.deepEqual(lastCount, expected);
    assert.ok(lastCount.has('duplicate-run sync') && lastCount.has('multiple-schedulers null'));
    assert.ok(!lastCount.has('missed-run sync'), 'no false missed-run');
    // A grown count is an update line that names the first by its fingerprint (how many there are
    // depends on how often the two schedulers' wakeups meet; watch-stdin.test.ts makes them certain).
    const updates = out.filter((o) => o?.update === true && o.rule === 'duplicate-run');
    assert.equal(updates.length, lastCount.get('duplicate-run sync')! - 1, 'one update per growth of the count');
    for (const u of updates) {
      assert.equal(u!.fingerprint, finding.fingerprint);
      assert.ok(u!.count > u!.previousCount);
    }
  } finally {
    for (const a of apps) await a.kill('SIGKILL');
    await watch.stop('SIGKILL');
  }
});
