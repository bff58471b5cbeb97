// Fleets recorded from real APScheduler (test/fixtures/gen/fleet_*.py): two hosts on one shared
// SQLite job store, logging JSON (python-json-logger, one file per host; structlog, one shared
// file) or text wrapped as journald and Docker write it. The merged analysis finds the runs both
// hosts made of one scheduled time, names both hosts, and says nothing about the per-host jobs
// (`host_metrics[web-N]`). Expected numbers come from truth.json, never typed in.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeLogs, type AnalyzeOptions } from '../../src/engine/analyze';
import type { LogEvent } from '../../src/model/event';
import type { Finding } from '../../src/model/finding';
import { LogReader } from '../../src/readers/log-reader';

const FIXTURES = join(__dirname, '..', 'fixtures');
const EXCEPTION = 'fleet_jobs.InvoiceServiceError: invoice service returned 503 for batch 7';

interface TruthRun { job_id: string; job_name: string; scheduled_run_time_us: number; scheduler: string; pid: number; start_us: number }
interface Truth { log_files: string[]; runs: TruthRun[] }

interface Fleet {
  name: string;
  /** What the user types: a glob, a folder, files. */
  inputs: string[];
  options?: AnalyzeOptions;
  /** The record names its host (else the file stands for it). */
  hostInRecords: boolean;
}

const FLEETS: Fleet[] = [
  { name: 'fleet-json', inputs: ['test/fixtures/fleet-json/logs/web-*.jsonl'], hostInRecords: true },
  { name: 'fleet-structlog', inputs: ['test/fixtures/fleet-structlog/app.jsonl'], hostInRecords: true },
  { name: 'fleet-journald', inputs: ['test/fixtures/fleet-journald/journal.json'], hostInRecords: true },
  { name: 'fleet-docker', inputs: ['test/fixtures/fleet-docker/web-*-json.log'], options: { hostFrom: 'filename' }, hostInRecords: false },
];

function truthOf(name: string): Truth {
  return JSON.parse(readFileSync(join(FIXTURES, name, 'truth.json'), 'utf8'));
}

/** Scheduled times run more than once, per job name. */
function duplicatesFromTruth(truth: Truth): Record<string, number> {
  const copies = new Map<string, { name: string; n: number }>();
  for (const r of truth.runs) {
    const k = `${r.job_id}|${r.scheduled_run_time_us}`;
    const c = copies.get(k) ?? { name: r.job_name, n: 0 };
    c.n++;
    copies.set(k, c);
  }
  const out: Record<string, number> = {};
  for (const { name, n } of copies.values()) if (n > 1) out[name] = (out[name] ?? 0) + 1;
  return out;
}

function byJob(findings: Finding[], rule: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings.filter((x) => x.rule === rule)) out[f.job ?? '*'] = (out[f.job ?? '*'] ?? 0) + f.count;
  return out;
}

for (const fleet of FLEETS) {
  test(`${fleet.name}: cross-host duplicates as recorded, both hosts named, per-host jobs left alone`, async () => {
    const truth = truthOf(fleet.name);
    const a = await analyzeLogs(fleet.inputs, fleet.options);
    for (const s of a.sources) assert.equal(s.unrecognised, 0, `${s.source}: ${JSON.stringify(s.unrecognisedSamples)}`);

    const expected = duplicatesFromTruth(truth);
    assert.ok(Object.keys(expected).includes('sync_orders'), 'the fixture has cross-host duplicates');
    assert.deepEqual(byJob(a.findings, 'duplicate-run'), expected);

    const multiple = a.findings.filter((f) => f.rule === 'multiple-schedulers');
    assert.equal(multiple.length, 1);
    const pids = [...new Set(truth.runs.map((r) => `${r.scheduler} pid ${r.pid}`))].sort();
    assert.match(multiple[0].message, new RegExp(`\\(${pids.join(', ')}\\)`), 'the message names each host and its process');
    assert.deepEqual(multiple[0].data?.hosts, ['web-1', 'web-2']);
    assert.deepEqual(multiple[0].data?.kind, 'hosts');
    assert.deepEqual(multiple[0].data?.jobs, ['push_invoices', 'sync_orders']);

    // Jobs meant to run on every host (a name per host) are never findings.
    assert.deepEqual(a.findings.filter((f) => f.job?.startsWith('host_metrics')).map((f) => f.rule), []);
    assert.deepEqual(a.jobs.filter((j) => j.name.startsWith('host_metrics')).map((j) => j.name).sort(), ['host_metrics[web-1]', 'host_metrics[web-2]']);

    // The traceback in the record (or on the lines after it) gives the exception line.
    const errors = a.findings.find((f) => f.rule === 'job-error');
    assert.ok(errors?.message.includes(EXCEPTION), errors?.message);
    assert.equal(a.findings.some((f) => f.rule === 'clock-skew'), false, 'hosts on one clock');
  });

  test(`${fleet.name}: every run read with its time, host, process, level and logger`, async () => {
    const truth = truthOf(fleet.name);
    const starts: Extract<LogEvent, { kind: 'run-start' }>[] = [];
    for (const file of truth.log_files) {
      const host = fleet.hostInRecords ? undefined : file.replace(/-json\.log$/, '');
      const reader = new LogReader(join(FIXTURES, fleet.name, file), { host });
      for await (const batch of reader.events()) for (const e of batch) if (e.kind === 'run-start') starts.push(e);
    }
    const key = (host: string | undefined, pid: string | number | undefined, name: string, at: number) => `${host}|${pid}|${name}|${at}`;
    const expected = truth.runs.map((r) => key(r.scheduler, r.pid, r.job_name, r.scheduled_run_time_us)).sort();
    assert.deepEqual(starts.map((e) => key(e.ctx.host, e.ctx.pid, e.job.name, e.scheduledAt.at)).sort(), expected);
    const byKey = new Map(truth.runs.map((r) => [key(r.scheduler, r.pid, r.job_name, r.scheduled_run_time_us), r.start_us]));
    for (const e of starts) {
      const when = byKey.get(key(e.ctx.host, e.ctx.pid, e.job.name, e.scheduledAt.at))!;
      assert.ok(e.ctx.time !== undefined && !e.ctx.timeInferred, 'a time from the line');
      // asctime has milliseconds; structlog's TimeStamper reads the clock when it formats the record.
      assert.ok(Math.abs(e.ctx.time - when) < 5000, `${e.job.name}: ${e.ctx.time} vs ${when}`);
      assert.equal(e.ctx.level, 'INFO');
      assert.equal(e.ctx.logger, 'apscheduler.executors.default');
    }
  });
}

test('done when: analyze logs/web-*.jsonl reports the job both hosts ran, names both hosts, and is silent on per-host jobs', async () => {
  const truth = truthOf('fleet-json');
  const a = await analyzeLogs(['test/fixtures/fleet-json/logs/web-*.jsonl']);
  assert.deepEqual(a.sources.map((s) => s.source), ['test/fixtures/fleet-json/logs/web-1.jsonl', 'test/fixtures/fleet-json/logs/web-2.jsonl']);
  const dup = a.findings.find((f) => f.rule === 'duplicate-run' && f.job === 'sync_orders');
  assert.ok(dup);
  assert.equal(dup.count, duplicatesFromTruth(truth).sync_orders);
  const instances = dup.data?.instances as string[];
  assert.ok(instances.some((i) => i.startsWith('web-1 ')) && instances.some((i) => i.startsWith('web-2 ')), instances.join(', '));
  assert.ok(!a.findings.some((f) => (f.job ?? '').startsWith('host_metrics')));
});

/** The Docker fixture with one host's runtime clock moved by `seconds`. */
function shiftedDocker(seconds: number): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-skew-'));
  for (const host of ['web-1', 'web-2']) {
    const lines = readFileSync(join(FIXTURES, 'fleet-docker', `${host}-json.log`), 'utf8').trimEnd().split('\n');
    const out = lines.map((l) => {
      if (host !== 'web-2') return l;
      const o = JSON.parse(l) as { time: string };
      const ms = Date.parse(o.time) + seconds * 1000;
      o.time = new Date(ms).toISOString().replace('Z', `${o.time.slice(23, 29)}Z`);
      return JSON.stringify(o);
    });
    writeFileSync(join(dir, `${host}-json.log`), out.join('\n') + '\n');
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('clock-skew: a host whose runtime stamps run 5 s ahead is named, with the copies\' difference', async () => {
  const { dir, cleanup } = shiftedDocker(5);
  try {
    const a = await analyzeLogs([dir], { hostFrom: 'filename' });
    const skew = a.findings.filter((f) => f.rule === 'clock-skew');
    assert.equal(skew.length, 1);
    assert.equal(skew[0].severity, 'info');
    const hosts = skew[0].data?.hosts as { host: string; skewSeconds: number; copies: number; copyMedianSeconds: number }[];
    assert.deepEqual(hosts.map((h) => h.host), ['web-2']);
    assert.ok(Math.abs(hosts[0].skewSeconds - 5) < 0.1, String(hosts[0].skewSeconds));
    assert.ok(hosts[0].copies > 0 && Math.abs(hosts[0].copyMedianSeconds - 5) < 0.1);
    assert.match(skew[0].message, /^web-2's log timestamps are 5\.\d+ s ahead of the other hosts'/);
    // The runs are still the same runs: identity is `scheduled at`, not the line's time.
    assert.deepEqual(byJob(a.findings, 'duplicate-run'), duplicatesFromTruth(truthOf('fleet-docker')));
  } finally {
    cleanup();
  }
});

test('clock-skew: behind by 3 s; nothing below the threshold; nothing on one host', async () => {
  const behind = shiftedDocker(-3);
  const slight = shiftedDocker(0.4);
  try {
    const a = await analyzeLogs([behind.dir], { hostFrom: 'filename' });
    const f = a.findings.find((x) => x.rule === 'clock-skew');
    assert.match(f?.message ?? '', /^web-2's log timestamps are (2\.9|3\.0)\d* s behind the other hosts'/);
    const b = await analyzeLogs([slight.dir], { hostFrom: 'filename' });
    assert.equal(b.findings.some((x) => x.rule === 'clock-skew'), false);
    const one = await analyzeLogs([join(behind.dir, 'web-2-json.log')]);
    assert.equal(one.findings.some((x) => x.rule === 'clock-skew'), false);
  } finally {
    behind.cleanup();
    slight.cleanup();
  }
});

test('clock-skew: a host replaying a backlog (late runs) is not a clock off', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-late-'));
  try {
    const iso = (us: number) => new Date(us / 1000).toISOString().replace('T', ' ').replace('Z', '+00:00');
    const run = (pid: number, loggedUs: number, scheduledUs: number) => {
      const at = new Date(scheduledUs / 1000).toISOString().replace('T', ' ').replace('.000Z', '+00:00');
      return `${iso(loggedUs)} [${pid}] INFO apscheduler.executors.default: Running job "tick (trigger: interval[0:00:01], next run at: 2026-11-26 13:00:59 UTC)" (scheduled at ${at})`;
    };
    const t0 = Date.parse('2026-11-26T13:00:00Z') * 1000;
    const web1 = Array.from({ length: 12 }, (_, k) => run(1, t0 + k * 1e6 + 3000, t0 + k * 1e6));
    // web-2: back after downtime, replays eight missed times 6–9 s late, then runs on time.
    const web2 = [
      ...Array.from({ length: 8 }, (_, k) => run(2, t0 + 10e6 + k * 20000, t0 + 2e6 + k * 1e6 - 500000)),
      ...Array.from({ length: 4 }, (_, k) => run(2, t0 + 11e6 + k * 1e6 + 4000 + 250000, t0 + 11e6 + k * 1e6 + 250000)),
    ];
    writeFileSync(join(dir, 'web-1.log'), web1.join('\n') + '\n');
    writeFileSync(join(dir, 'web-2.log'), web2.join('\n') + '\n');
    const a = await analyzeLogs([dir], { hostFrom: 'filename' });
    assert.equal(a.findings.some((f) => f.rule === 'clock-skew'), false, a.findings.map((f) => f.message).join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
