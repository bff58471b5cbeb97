// The server fingerprints are data: every sample line matches its own shape (and no earlier one),
// every near miss matches nothing; the reader turns them into server-line events.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { LogReader } from '../../src/readers/log-reader';
import { SERVER_LINES, ServerLineScanner, matchServerLine } from '../../src/readers/server-lines';

test('each sample line is read as its own shape; near misses and APScheduler lines are not server lines', () => {
  for (const def of SERVER_LINES) {
    assert.ok(def.samples.length > 0, `${def.server} ${def.kind} has samples`);
    for (const line of def.samples) {
      const m = matchServerLine(line);
      assert.deepEqual(m && [m.server, m.kind], [def.server, def.kind], line);
      // The reader skips lines without a marker: every line of this shape must carry its marker.
      assert.ok(line.includes(def.marker), `${line} holds its marker '${def.marker}'`);
      if (def.pattern.source.includes('<pid>')) assert.ok(/^\d+$/.test(m!.pid!) && line.includes(m!.pid!), line);
    }
    for (const line of def.nearMisses ?? []) assert.equal(matchServerLine(line), undefined, line);
  }
  for (const line of [
    'INFO:apscheduler.scheduler:Scheduler started',
    'INFO:apscheduler.executors.default:Running job "Booting worker (trigger: interval[0:00:02], next run at: 2026-12-02 00:54:39 UTC)" (scheduled at 2026-12-02 00:54:39.591871+00:00)',
    'INFO:     127.0.0.1:50412 - "GET / HTTP/1.1" 200 OK',
    '[2026-12-02 00:54:35 +0000] [16039] [INFO] Listening at: http://127.0.0.1:47767 (16039)',
  ]) assert.equal(matchServerLine(line), undefined, line);
});

test('the reader emits a server-line event per server line of a recorded gunicorn log, in log order', async () => {
  const log = join(__dirname, '..', 'fixtures', 'server-gunicorn-w3', 'app.log');
  const reader = new LogReader(log, {});
  const server: { role: string; pid?: string; line: number }[] = [];
  let starts = 0;
  for await (const batch of reader.events()) {
    for (const e of batch) {
      if (e.kind === 'server-line') server.push({ role: e.role, pid: e.pid, line: e.ctx.line });
      if (e.kind === 'scheduler-start') starts++;
    }
  }
  const workers = server.filter((s) => s.role === 'worker');
  assert.equal(workers.length, 3);
  assert.ok(workers.every((w) => /^\d+$/.test(w.pid!)));
  assert.equal(server[0].role, 'server-start');
  assert.equal(starts, 3);
  assert.deepEqual(server.map((s) => s.line), [...server.map((s) => s.line)].sort((a, b) => a - b));
  // Server lines are not APScheduler records: the counts the report gives stay the same.
  assert.equal(reader.stats.unrecognised, 0);
});

test('a busy log is searched for server lines at its start and near APScheduler records, not through every application line', () => {
  const scanner = new ServerLineScanner(100, 10);
  const booting = '[2026-12-02 00:54:35 +0000] [16040] [INFO] Booting worker with pid: 16040';
  assert.equal(scanner.scan(booting, 50)?.kind, 'worker', 'at the start');
  assert.equal(scanner.scan(booting, 5000), undefined, 'far from any record');
  scanner.record(7000);
  assert.equal(scanner.scan(booting, 7008)?.kind, 'worker', 'near a record');
});
