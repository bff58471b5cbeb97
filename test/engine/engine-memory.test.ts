// watch runs for days: the engine's state must grow with jobs, not with time. Two million events
// (a million runs of 20 jobs, six days at one run per 10 s each, with a duplicate now and then) go
// through the engine in-process with a live snapshot every 2000 events, as watch takes them; the
// heap after a full GC is sampled along the way and must stay flat.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine } from '../../src/engine/engine';
import { FindingDiff } from '../../src/engine/live-findings';
import { LiveMetrics } from '../../src/engine/live-metrics';
import { withFingerprints } from '../../src/baseline/fingerprint';
import type { LogEvent } from '../../src/model/event';
import { heapAfterGc } from '../support/heap';

const JOBS = 20;
const EVENTS = 2_000_000;
const T0 = Date.UTC(2026, 10, 20) * 1000;
const PERIOD = 10e6;

test('two million events: the heap stays flat (state bounded by jobs, not time)', { timeout: 300_000 }, () => {
  const engine = new Engine();
  const diff = new FindingDiff();
  const metrics = new LiveMetrics();
  const samples: { at: number; heap: number }[] = [];
  let line = 0;
  let fed = 0;
  const feed = (e: LogEvent) => {
    engine.feed(e);
    metrics.event(e);
    if (++fed % 2000 === 0) {
      const findings = withFingerprints(engine.findings({ now: (e.ctx.time ?? 0) + 1e6 }));
      metrics.findingsSeen(findings);
      diff.changes(findings);
    }
    if (fed % 250_000 === 0) samples.push({ at: fed, heap: heapAfterGc() });
  };
  const ctx = (time: number, pid: string, text: string) => ({ source: 'app.log', line: ++line, time, pid, thread: 'ThreadPoolExecutor-0_0', level: 'INFO', logger: 'apscheduler.executors.default', text });
  for (let tick = 0; fed < EVENTS; tick++) {
    for (let j = 0; j < JOBS && fed < EVENTS; j++) {
      const at = T0 + tick * PERIOD + j * 1000;
      const name = `job_${j}`;
      const trigger = 'interval[0:00:10]';
      const stamp = new Date(at / 1000).toISOString();
      const copies = tick % 997 === j ? ['100', '101'] : ['100'];
      for (const pid of copies) feed({ kind: 'run-start', ctx: ctx(at + 2000, pid, `${stamp} [${pid}] INFO apscheduler.executors.default: Running job "${name} (trigger: ${trigger}, next run at: …)" (scheduled at ${stamp})`), job: { name, trigger }, scheduledAt: { at, offsetMinutes: 0, text: stamp } });
      for (const pid of copies) feed({ kind: 'run-end', ctx: ctx(at + 50_000, pid, `${stamp} [${pid}] INFO apscheduler.executors.default: Job "${name} (trigger: ${trigger}, next run at: …)" executed successfully`), job: { name, trigger }, outcome: 'success' });
    }
  }
  const findings = engine.findings({ now: T0 + 7 * 86400e6 });
  const dup = findings.find((f) => f.rule === 'duplicate-run' && f.job === 'job_3');
  assert.ok(dup && dup.count > 10, 'the duplicates were seen all along');
  const mb = (b: number) => (b / 1e6).toFixed(1);
  process.stderr.write(`# heap after GC every 250k events (MB): ${samples.map((s) => mb(s.heap)).join(', ')}\n`);
  // From the first quarter to the end: flat. A run kept per run (a few hundred bytes) would be hundreds of MB.
  const quarter = samples.find((s) => s.at === EVENTS / 4)!.heap;
  const last = samples[samples.length - 1].heap;
  assert.ok(last - quarter < 16e6, `heap grew ${mb(last - quarter)} MB from ${EVENTS / 4} to ${EVENTS} events`);
});
