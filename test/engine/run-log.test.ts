// The run log behind the timeline views, on logs recorded from real APScheduler: every run the
// listeners saw is there with its process and marks, and under a small budget whole chunks are
// dropped (never single runs), while the density still counts every run.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyzeLogs } from '../../src/engine/analyze';
import { RUN_FLAG, RunLog } from '../../src/engine/run-log';
import { ROOT } from '../support/cli';

process.chdir(ROOT);

interface TruthRun { scheduled_run_time_us: number; pid: number; start_us: number; end_us: number | null; outcome: string }
const truth = (name: string): TruthRun[] => JSON.parse(readFileSync(`test/fixtures/${name}/truth.json`, 'utf8')).runs;

test('seed: one lane per process, every run of the listeners with its pid, copies marked as such', async () => {
  const log = new RunLog();
  const analysis = await analyzeLogs(['test/fixtures/seed/app.log'], { runLog: log });
  const snap = log.snapshot();
  const runs = truth('seed');
  assert.deepEqual(snap.lanes.map((l) => l.pid).sort(), [...new Set(runs.map((r) => String(r.pid)))].sort());
  const seen = snap.runs.map((r) => `${snap.lanes[r.lane].pid}@${r.scheduledAt}`).sort();
  assert.deepEqual(seen, runs.map((r) => `${r.pid}@${r.scheduled_run_time_us}`).sort());
  // A scheduled time run by several processes: every copy is marked, the first holds the count.
  const copies = new Map<number, number>();
  for (const r of runs) copies.set(r.scheduled_run_time_us, (copies.get(r.scheduled_run_time_us) ?? 0) + 1);
  for (const r of snap.runs) {
    const n = copies.get(r.scheduledAt)!;
    assert.equal((r.flags & RUN_FLAG.duplicate) !== 0, n > 1, `run at ${r.scheduledAt}`);
    if (n > 1) assert.ok(r.copies === n || r.copyOf !== undefined);
  }
  const dup = analysis.findings.find((f) => f.rule === 'duplicate-run')!;
  assert.equal(snap.runs.filter((r) => r.copies !== undefined).length, dup.count);
  const overlap = analysis.findings.find((f) => f.rule === 'overlapping-runs')!;
  assert.equal(snap.runs.filter((r) => r.flags & RUN_FLAG.overlap).length, overlap.count);
  assert.equal(snap.runs.filter((r) => r.flags & (RUN_FLAG.failed | RUN_FLAG.unfinished | RUN_FLAG.noEnd)).length, 0);
  assert.deepEqual(snap.downtime, [], 'three schedulers up from first line to shutdown: no downtime');
});

test('downtime-burst: the crashed run is unfinished, the skips are marks, the crash is downtime', async () => {
  const log = new RunLog();
  const analysis = await analyzeLogs(['test/fixtures/downtime-burst/app.log'], { runLog: log });
  const snap = log.snapshot();
  const unfinished = snap.runs.filter((r) => r.flags & RUN_FLAG.unfinished);
  assert.equal(unfinished.length, analysis.findings.find((f) => f.rule === 'unfinished-run')!.count);
  assert.equal(snap.points.filter((p) => p.kind === 'skip').length, analysis.findings.find((f) => f.rule === 'max-instances-skip')!.count);
  const runs = truth('downtime-burst');
  assert.equal(snap.runs.length, runs.length);
  assert.equal(snap.downtime.length, 1);
  const [gap] = snap.downtime;
  assert.ok(gap.from <= unfinished[0].start + 1e6 && gap.to - gap.from > 5e6, JSON.stringify(gap));
});

test('a small budget drops whole chunks: what is kept is complete, the density counts all', async () => {
  const full = new RunLog();
  await analyzeLogs(['test/fixtures/failing/app.log'], { runLog: full });
  const all = full.snapshot();
  const small = new RunLog({ budget: 8 });
  await analyzeLogs(['test/fixtures/failing/app.log'], { runLog: small });
  const snap = small.snapshot();
  assert.ok(snap.runs.length + snap.points.length <= 8, `${snap.runs.length} kept`);
  assert.ok(snap.droppedRuns > 0 && snap.droppedChunks.length > 0);
  assert.equal(snap.totalRuns, all.runs.length);
  const density = snap.lanes.reduce((s, l) => s + l.density.reduce((a, b) => a + b, 0), 0);
  assert.equal(density, all.runs.length + all.points.length, 'every run and mark is counted');
  // Every run of the full log whose chunk was not dropped is in the small log.
  const dropped = new Set(snap.droppedChunks);
  const chunk = (t: number) => Math.max(0, Math.floor((t - snap.origin) / snap.bucketMicros));
  const kept = new Set(snap.runs.map((r) => `${r.lane}@${r.start}`));
  for (const r of all.runs) {
    if (!dropped.has(chunk(r.start))) assert.ok(kept.has(`${r.lane}@${r.start}`), `run at ${r.start} missing from a kept chunk`);
  }
  // Failures are problems: chunks holding them are dropped last.
  assert.ok(snap.runs.some((r) => r.flags & RUN_FLAG.failed));
});
