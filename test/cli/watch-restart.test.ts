// watch beside real APScheduler 3.x when things go wrong: a kill -9 during a run and a restart is
// an unfinished run and the missed fire times of the downtime, said only once the restart shows
// them (never while the process is merely quiet); a job that stops running while its scheduler
// keeps logging is a missed-run only once a fire time plus its grace has passed by the clock.
// Rule options come from the config file in the working folder (grace 2 s, to keep this fast).

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../support/cli';
import { apschedulerMissing, json, startApp, startWatch, type Line } from '../support/watch';

const skip = apschedulerMissing();
const GRACE_S = 2;

function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-watch-restart-'));
  writeFileSync(join(dir, 'sched-doctor.config.json'), JSON.stringify({ rules: { 'unfinished-run': { options: { graceSeconds: GRACE_S } }, 'missed-run': { options: { graceSeconds: GRACE_S } } } }));
  return dir;
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what} within ${ms} ms`);
    await sleep(20);
  }
}

const findings = (lines: Line[]) => lines.map((l) => ({ at: l.at, o: json(l)! })).filter((x) => x.o?.type === 'finding');

test('kill -9 during a run, then a restart: unfinished-run and the downtime\'s missed-run, both only after the restart', { skip, timeout: 90_000 }, async () => {
  const dir = workDir();
  const log = join(dir, 'app.log');
  const store = join(dir, 'jobs.sqlite');
  const watch = startWatch(['app.log', '--format', 'ndjson'], dir);
  const apps = [];
  try {
    await watch.waitForStderr(/app\.log does not exist yet/, 10_000);
    const a = await startApp(log, store, ['--jobs', 'beat,export']);
    apps.push(a);
    await until(() => readFileSync(log, 'utf8').includes('Running job "export'), 15_000, 'export started');
    await sleep(500);
    await a.kill('SIGKILL');
    await sleep(3000);
    assert.deepEqual(findings(watch.lines), [], 'a process that merely went quiet is not judged');
    const restartAt = Date.now();
    apps.push(await startApp(log, store, ['--jobs', 'beat,export']));
    await watch.waitFor((l) => json(l)?.rule === 'unfinished-run', 20_000);
    await watch.waitFor((l) => json(l)?.rule === 'missed-run' && json(l)?.job === 'beat', 20_000);
    for (const f of findings(watch.lines)) assert.ok(f.at > restartAt, `${f.o.rule} printed before the restart`);
    const unfinished = findings(watch.lines).find((f) => f.o.rule === 'unfinished-run')!.o;
    assert.equal(unfinished.job, 'export');
    assert.equal(unfinished.count, 1);
    await sleep(1000);
    for (const x of apps) await x.kill('SIGTERM');
    await sleep(800);
    assert.deepEqual(await watch.stop('SIGTERM'), { code: 0, signal: null });

    // At their last counts, the findings are what analyze says of the whole file.
    const last = new Map<string, number>();
    for (const f of findings(watch.lines)) last.set(`${f.o.rule} ${f.o.job}`, f.o.count);
    const analyzed = JSON.parse(runCli(['analyze', log, '--format', 'json', '--fail-on', 'never'], { cwd: dir }).stdout);
    assert.deepEqual(last, new Map(analyzed.findings.filter((f: { rule: string }) => f.rule !== 'silent-runs').map((f: { rule: string; job: string; count: number }) => [`${f.rule} ${f.job}`, f.count])));
    assert.ok((last.get('missed-run beat') ?? 0) >= 2, 'three seconds down: at least two fire times of a 1 s job');
  } finally {
    for (const x of apps) await x.kill('SIGKILL');
    await watch.stop('SIGKILL');
  }
});

test('a job that stops running while its scheduler logs on: missed-run once fire time + grace has passed by the clock, and not before', { skip, timeout: 60_000 }, async () => {
  const dir = workDir();
  const log = join(dir, 'app.log');
  const watch = startWatch(['app.log', '--format', 'ndjson'], dir);
  const apps = [];
  try {
    await watch.waitForStderr(/app\.log does not exist yet/, 10_000);
    const app = await startApp(log, join(dir, 'jobs.sqlite'), ['--jobs', 'beat,sync', '--pause-sync-after', '2.5']);
    apps.push(app);
    const missed = await watch.waitFor((l) => json(l)?.rule === 'missed-run', 20_000);
    const f = json(missed)!;
    assert.equal(f.job, 'sync');
    assert.deepEqual(Object.keys(f.data.causes), ['job-silent']);
    const firstMissed = Date.parse(f.firstTime);
    // Not before its grace (the stamps are milliseconds; a little slack for that), and promptly after.
    const after = missed.at - firstMissed;
    assert.ok(after >= GRACE_S * 1000 - 20, `printed ${after} ms after the fire time: before the grace of ${GRACE_S} s`);
    assert.ok(after < GRACE_S * 1000 + 2000, `printed ${after} ms after the fire time`);
    const paused = Number(app.said.find((l) => l.text.startsWith('paused '))!.text.split(' ')[1]) * 1000;
    assert.ok(firstMissed > paused, 'the first missed fire time is after the pause');
    // Each further fire time is an update, each after its own grace.
    const update = json(await watch.waitFor((l) => json(l)?.rule === 'missed-run' && json(l)?.update === true, 5000))!;
    assert.ok(update.count > f.count);
    assert.deepEqual(findings(watch.lines).map((x) => x.o.rule).filter((r) => r !== 'missed-run'), [], 'nothing else: beat ran every second');
  } finally {
    for (const x of apps) await x.kill('SIGKILL');
    await watch.stop('SIGKILL');
  }
});
