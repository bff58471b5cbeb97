// The engine behind analyze and watch: findings may be asked for any number of times, live
// snapshots taken along the way leave the final findings as they were, and in live mode a rule
// reports only what is certain by the wall clock.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../src/engine/engine';
import { LogReader } from '../../src/readers/log-reader';
import type { LogEvent } from '../../src/model/event';
import type { Finding } from '../../src/model/finding';
import { T0, line, runLine } from '../analyzers/rule-lines';

const FIXTURES = join(__dirname, '..', 'fixtures');

async function eventsOf(path: string): Promise<LogEvent[]> {
  const all: LogEvent[] = [];
  for await (const batch of new LogReader(path, {}).events()) all.push(...batch);
  return all;
}

async function eventsOfLines(lines: string[]): Promise<LogEvent[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-engine-'));
  try {
    const path = join(dir, 'app.log');
    writeFileSync(path, lines.join('\n') + '\n');
    return await eventsOf(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function engineOf(events: LogEvent[], options = {}): Engine {
  const engine = new Engine(options);
  for (const e of events) engine.feed(structuredClone(e));
  return engine;
}

const byRule = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule);

// Every recorded scenario with one log: each has findings of several rules.
const LOGS = readdirSync(FIXTURES).filter((d) => ['kill-restart', 'overlap', 'downtime-burst', 'downtime-grace', 'failing', 'skips', 'two-schedulers-distinct', 'double-handler', 'seed', 'reloader'].includes(d));

test('findings() asked twice, and then finish(), say the same for every rule (finish is repeatable)', async () => {
  assert.ok(LOGS.length >= 8, `fixtures found: ${LOGS.join(', ')}`);
  const rules = new Set<string>();
  for (const dir of LOGS) {
    const engine = engineOf(await eventsOf(join(FIXTURES, dir, 'app.log')));
    const first = engine.findings();
    for (const f of first) rules.add(f.rule);
    assert.deepEqual(engine.findings(), first, `${dir}: a second findings() differs`);
    const live = engine.findings({ now: Date.now() * 1000 });
    assert.deepEqual(engine.findings({ now: Date.now() * 1000 }), live, `${dir}: a second live findings() differs`);
  }
  // The rules that build their findings from kept state at the end, at least, were exercised.
  for (const rule of ['duplicate-run', 'overlapping-runs', 'missed-run', 'catch-up-burst', 'unfinished-run', 'job-error', 'multiple-schedulers']) assert.ok(rules.has(rule), `no fixture gave ${rule}: ${[...rules].join(', ')}`);
});

test('live snapshots taken every few events leave the final findings byte-identical to a run without them', async () => {
  for (const dir of LOGS) {
    const events = await eventsOf(join(FIXTURES, dir, 'app.log'));
    const plain = engineOf(events).finish();
    const watched = new Engine();
    events.forEach((e, i) => {
      watched.feed(structuredClone(e));
      if (i % 7 === 0) watched.findings({ now: (e.ctx.time ?? 0) + 1e6 });
    });
    assert.equal(JSON.stringify(watched.finish()), JSON.stringify(plain), `${dir}: snapshots changed the final findings`);
  }
});

const IV = 'interval[0:00:10]';
const S = 'apscheduler.scheduler';

test('missed-run live: a fire time counts only once its grace has passed by the wall clock', async () => {
  // Runs at T0 … T0+30 s, then none while another job of the process keeps logging to T0+80 s.
  const lines = [
    ...Array.from({ length: 4 }, (_, i) => runLine('sync', IV, T0 + i * 10e3, { pid: 7 })),
    ...Array.from({ length: 16 }, (_, i) => runLine('beat', 'interval[0:00:05]', T0 + 2e3 + i * 5e3, { pid: 7 })),
  ].sort((a, b) => a.localeCompare(b));
  const engine = engineOf(await eventsOfLines(lines));
  const at = (ms: number) => byRule(engine.findings({ now: ms * 1000 }), 'missed-run').find((f) => f.job === 'sync')?.count ?? 0;
  // The log's last line is at T0+77 s: batch, fire times up to 77 − 5 (grace) count: 40, 50, 60, 70.
  assert.equal(byRule(engine.findings(), 'missed-run').find((f) => f.job === 'sync')?.count, 4);
  // Live, the wall clock holds it back: at T0+44 s nothing yet (40 + 5 > 44); at T0+56 s, 40 and 50.
  assert.equal(at(T0 + 44e3), 0);
  assert.equal(at(T0 + 56e3), 2);
  assert.equal(at(T0 + 600e3), 4);
});

test('silent-runs live: schedulers that started and added jobs but ran nothing yet are not judged', async () => {
  const lines = [line(T0, S, 'INFO', 'Scheduler started'), line(T0 + 1, S, 'INFO', 'Added job "sync" to job store "default"')];
  const engine = engineOf(await eventsOfLines(lines));
  assert.equal(byRule(engine.findings(), 'silent-runs').length, 1);
  assert.deepEqual(byRule(engine.findings({ now: (T0 + 3600e3) * 1000 }), 'silent-runs'), []);
});

test('submit-error live: an error a shutdown may still follow waits out its window', async () => {
  const submit = `Error submitting job "sync (trigger: ${IV}, next run at: 2026-11-26 14:00:10 UTC)" to executor "default"`;
  const lines = [line(T0, S, 'INFO', 'Scheduler started'), line(T0 + 1000, S, 'ERROR', submit), 'Traceback (most recent call last):', '  File "x.py", line 1, in <module>', 'RuntimeError: cannot schedule new futures after shutdown'];
  const engine = engineOf(await eventsOfLines(lines));
  assert.equal(byRule(engine.findings(), 'submit-error')[0]?.data?.lost, 1, 'batch: lost (the log ended with no shutdown)');
  assert.deepEqual(byRule(engine.findings({ now: (T0 + 3000) * 1000 }), 'submit-error'), [], 'live, 2 s after: a shutdown may yet come');
  assert.equal(byRule(engine.findings({ now: (T0 + 7000) * 1000 }), 'submit-error')[0]?.data?.lost, 1, 'live, 6 s after: lost');
});

test('unfinished-run live: a run whose process fell silent while others logged counts only by the wall clock too', async () => {
  const lines = [
    runLine('export', IV, T0, { pid: 1 }),
    ...Array.from({ length: 10 }, (_, i) => runLine('beat', 'interval[0:00:05]', T0 + 5e3 + i * 5e3, { pid: 2 })),
  ];
  const engine = engineOf(await eventsOfLines(lines));
  assert.equal(byRule(engine.findings(), 'unfinished-run')[0]?.count, 1);
  // pid 2 logs to T0+50 s while pid 1 says nothing after its run began: past the wait (three of its 10 s
  // beats). Live, the wall clock at T0+20 s has not seen that wait pass, whatever the stamps say.
  assert.deepEqual(byRule(engine.findings({ now: (T0 + 20e3) * 1000 }), 'unfinished-run'), []);
});

test('the event kinds a rule declares are all it reads: every scenario\'s findings are the same when every listener gets every event', async () => {
  const { LOG_RULES } = await import('../../src/analyzers');
  const declared = LOG_RULES.filter((r) => r.create({ options: {}, instance: () => undefined }).eventKinds);
  assert.ok(declared.length >= 8, `rules that declare their kinds: ${declared.map((r) => r.id)}`);
  for (const dir of LOGS) {
    const events = await eventsOf(join(FIXTURES, dir, 'app.log'));
    const want = JSON.stringify(engineOf(events).finish());
    const creates = LOG_RULES.map((r) => r.create);
    try {
      for (const r of LOG_RULES) {
        const create = r.create;
        (r as { create: typeof create }).create = (ctx) => ({ ...create(ctx), eventKinds: undefined });
      }
      assert.equal(JSON.stringify(engineOf(events).finish()), want, dir);
    } finally {
      LOG_RULES.forEach((r, i) => ((r as { create: (typeof creates)[number] }).create = creates[i]));
    }
  }
});
