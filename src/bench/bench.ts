// `npm run bench`: how fast, and in how much memory, `analyze` reads a large log.
//
// 1. Makes (or reuses) a synthetic APScheduler log in ./bench-data/ — 1 GiB by default,
//    BENCH_MB=50 for a quick run; see generate-log.ts for its shape.
// 2. Runs the real CLI on it as a child process, exactly as a user would, with the JSON report
//    going to a temp file, and measures wall time and the child's peak RSS; and, in the same run,
//    the yardstick: the Python afternoon script (py_baseline.py, BENCH_BASELINE to point at it)
//    on the same file. The two alternate, A/B/A/B (BENCH_PAIRS pairs, default 2), because the
//    machine may be shared: each pair's ratio is printed, and the median of them.
// 3. Prints the numbers against the targets (ratio <= 0.5 of the script's wall time, peak RSS
//    <= 150 MB); says so when the script or python3 is not there.
// 4. Times `analyze` on a log of the same size made of application lines alone (no APScheduler
//    record; generateAppLog), against its target of 1 GB/s (BENCH_APP=0 to leave it out).
//
// It is a report, not a gate: it exits 0 whether or not the targets are met, and 1 only when
// analyze itself failed. Needs a build first (`npx tsc -p .`): it runs dist/, like users do.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GENERATOR_VERSION, generateAppLog, generateLog, type GenerateOptions, type GenerateResult } from './generate-log';

const MIB = 1 << 20;
const TARGET_RATIO = 0.5;
const TARGET_RSS_MB = 150;
/** Application lines read per second, whole process (bytes, not MiB: 1 GB/s). */
const TARGET_APP_BYTES_PER_S = 1e9;
const SEED = 20261126;
const TIME_BIN = '/usr/bin/time';

interface Marker {
  generator: number;
  mb: number;
  seed: number;
  bytes: number;
  lines: number;
  runs: number;
}

async function main(): Promise<number> {
  const mb = Number(process.env.BENCH_MB ?? 1024);
  if (!Number.isFinite(mb) || mb <= 0) {
    console.error(`bench: BENCH_MB must be a positive number of MiB (got '${process.env.BENCH_MB}')`);
    return 1;
  }
  const cli = resolve(__dirname, '..', '..', 'bin', 'sched-doctor');
  if (!existsSync(resolve(__dirname, '..', 'cli', 'main.js'))) {
    console.error('bench: dist/cli/main.js is missing: build first with `npx tsc -p .`');
    return 1;
  }

  const pairs = Number(process.env.BENCH_PAIRS ?? 2);
  const log = ensureLog(mb);
  const out = join(tmpdir(), `sched-doctor-bench-${process.pid}.json`);
  const baseline = findBaseline();
  try {
    const runs: RunResult[] = [];
    const scripts: RunResult[] = [];
    for (let i = 0; i < Math.max(1, pairs); i++) {
      const run = await runAnalyze(cli, log.path, out);
      if (run.code !== 0) {
        console.error(`bench: analyze exited with ${run.code}${run.signal ? ` (signal ${run.signal})` : ''}`);
        if (run.stderr) console.error(run.stderr.trimEnd());
        return 1;
      }
      runs.push(run);
      if (baseline.python && baseline.script) scripts.push(await runMeasured(baseline.python, [baseline.script, log.path], out + '.py'));
    }
    const run = runs[0];
    let report: { jobs?: unknown[]; findings?: { rule: string }[]; sources?: { lines: number; records: number; unrecognised: number }[] };
    try {
      report = JSON.parse(readFileSync(out, 'utf8'));
    } catch (err) {
      console.error(`bench: analyze wrote no valid JSON: ${(err as Error).message}`);
      return 1;
    }
    printReport(log, run, report);
    printComparison(runs, scripts, baseline);
    if (process.env.BENCH_APP !== '0') return await appOnly(cli, mb, out, Math.max(1, pairs));
    return 0;
  } finally {
    rmSync(out, { force: true });
    rmSync(out + '.py', { force: true });
  }
}

/** The Python yardstick: BENCH_BASELINE, else ../shared/bench/py_baseline.py beside the checkout (or one level up). */
function findBaseline(): { script?: string; python?: string; missing?: string } {
  const root = resolve(__dirname, '..', '..');
  const candidates = process.env.BENCH_BASELINE
    ? [resolve(process.env.BENCH_BASELINE)]
    : [resolve(root, '..', 'shared', 'bench', 'py_baseline.py'), resolve(root, '..', '..', 'shared', 'bench', 'py_baseline.py')];
  const script = candidates.find((c) => existsSync(c));
  const python = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p));
  if (!script) return { python, missing: `the baseline script is not there (looked for ${candidates.join(', ')}; set BENCH_BASELINE)` };
  if (!python) return { script, missing: 'python3 is not there: no baseline to compare with' };
  return { script, python };
}

function printComparison(runs: RunResult[], scripts: RunResult[], baseline: { script?: string; missing?: string }): void {
  const row = (k: string, v: string) => console.log(`  ${k.padEnd(16)} ${v}`);
  const mb = (kb: number | undefined) => (kb === undefined ? 'unknown' : `${(kb / 1024).toFixed(1)} MB`);
  console.log('');
  console.log('against the Python afternoon script, same file, alternating runs (A/B/A/B)');
  if (baseline.missing || scripts.length === 0) {
    row('baseline', baseline.missing ?? 'not run');
    return;
  }
  row('script', baseline.script!);
  const ratios: number[] = [];
  runs.forEach((r, i) => {
    const p = scripts[i];
    if (!p) return;
    const ratio = r.seconds / p.seconds;
    ratios.push(ratio);
    row(`pair ${i + 1}`, `sched-doctor ${r.seconds.toFixed(2)} s (${mb(r.peakRssKb)}), script ${p.seconds.toFixed(2)} s (${mb(p.peakRssKb)}), ratio ${ratio.toFixed(2)}`
      + (r.cpuSeconds !== undefined && p.cpuSeconds !== undefined ? `; CPU ${r.cpuSeconds.toFixed(2)} s vs ${p.cpuSeconds.toFixed(2)} s` : ''));
  });
  const sorted = [...ratios].sort((a, b) => a - b);
  // An even count has two middle values: their mean, not the upper one.
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const peak = Math.max(...runs.map((r) => r.peakRssKb ?? 0));
  const scriptPeak = Math.max(...scripts.map((r) => r.peakRssKb ?? 0));
  row('ratio', `${median.toFixed(2)} (median of ${ratios.length}; target <= ${TARGET_RATIO}: ${median <= TARGET_RATIO ? 'met' : 'NOT met'})`);
  row('peak RSS', `sched-doctor ${mb(peak)}, script ${mb(scriptPeak)} (target <= ${TARGET_RSS_MB} MB: ${peak / 1024 <= TARGET_RSS_MB ? 'met' : 'NOT met'})`);
  if (scripts.some((p) => p.code !== 0)) row('note', 'the script exited with an error on this file');
}

/** The log of application lines alone, `runs` times: the best and the median wall time, and GB/s against the target. */
async function appOnly(cli: string, mb: number, out: string, runs: number): Promise<number> {
  const log = ensureLog(mb, 'app-only', generateAppLog);
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runMeasured(process.execPath, [cli, 'analyze', log.path, '--format', 'json', '--fail-on', 'never', '--allow-empty'], out);
    if (r.code !== 0) {
      console.error(`bench: analyze exited with ${r.code} on ${log.path}`);
      if (r.stderr) console.error(r.stderr.trimEnd());
      return 1;
    }
    results.push(r);
  }
  const seconds = results.map((r) => r.seconds).sort((a, b) => a - b);
  const median = seconds.length % 2 ? seconds[(seconds.length - 1) / 2] : (seconds[seconds.length / 2 - 1] + seconds[seconds.length / 2]) / 2;
  const rate = log.marker.bytes / median;
  const peak = Math.max(...results.map((r) => r.peakRssKb ?? 0));
  const row = (k: string, v: string) => console.log(`  ${k.padEnd(16)} ${v}`);
  console.log('');
  console.log('application lines alone (no APScheduler record), whole process with node\'s start-up');
  row('file', `${log.path}${log.reused ? ' (reused)' : ''}, ${(log.marker.bytes / 1e9).toFixed(2)} GB, ${log.marker.lines} lines`);
  row('time', `${seconds.map((t) => t.toFixed(2)).join(', ')} s (median ${median.toFixed(2)} s); peak RSS ${(peak / 1024).toFixed(1)} MB`);
  row('throughput', `${(rate / 1e9).toFixed(2)} GB/s (target >= ${TARGET_APP_BYTES_PER_S / 1e9} GB/s: ${rate >= TARGET_APP_BYTES_PER_S ? 'met' : 'NOT met'})`);
  return 0;
}

/** The log for these parameters: reused when its marker matches and its size is the one recorded. */
function ensureLog(mb: number, kind = 'apscheduler', generate: (o: GenerateOptions) => GenerateResult = generateLog): { path: string; marker: Marker; reused: boolean; genSeconds?: number } {
  const dir = resolve(process.cwd(), 'bench-data');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${kind}-${mb}mb.log`);
  const markerPath = path + '.marker.json';
  try {
    const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as Marker;
    if (marker.generator === GENERATOR_VERSION && marker.mb === mb && marker.seed === SEED && statSync(path).size === marker.bytes) {
      console.log(`bench: reusing ${path}`);
      return { path, marker, reused: true };
    }
  } catch {
    // No marker, or no file: generate.
  }
  // The marker goes last and is removed first, so an interrupted generation is never reused.
  rmSync(markerPath, { force: true });
  console.log(`bench: generating ${mb} MiB of ${kind} log in ${path} ...`);
  const t0 = process.hrtime.bigint();
  const result = generate({ path, targetBytes: Math.round(mb * MIB), seed: SEED });
  const genSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const marker: Marker = { generator: GENERATOR_VERSION, mb, seed: SEED, bytes: result.bytes, lines: result.lines, runs: result.runs };
  writeFileSync(markerPath, JSON.stringify(marker, null, 2) + '\n');
  console.log(`bench: generated ${(result.bytes / MIB).toFixed(1)} MiB, ${result.lines} lines, ${result.runs} runs in ${genSeconds.toFixed(1)} s`);
  return { path, marker, reused: false, genSeconds };
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
  peakRssKb: number | undefined;
  /** User + system CPU seconds of the child (GNU time only): on a shared machine, wall time also counts waiting. */
  cpuSeconds: number | undefined;
  rssMethod: string;
  stderr: string;
}

/**
 * Run `sched-doctor analyze` as a child. Peak RSS comes from GNU time's %M (the kernel's
 * ru_maxrss of the waited child, exact) when /usr/bin/time exists; otherwise /proc/<pid>/status
 * VmHWM polled every 50 ms (the kernel's own high-water mark, so only the last < 50 ms can be
 * missed). The wall time includes node's start-up, as a user would experience it.
 */
async function runAnalyze(cli: string, log: string, out: string): Promise<RunResult> {
  return runMeasured(process.execPath, [cli, 'analyze', log, '--format', 'json', '--fail-on', 'never'], out);
}

async function runMeasured(program: string, args: string[], out: string): Promise<RunResult> {
  const useTime = existsSync(TIME_BIN);
  const rssFile = out + '.rss';
  const command = useTime ? TIME_BIN : program;
  const commandArgs = useTime ? ['-f', '%M %U %S', '-o', rssFile, program, ...args] : args;
  const stdout = openSync(out, 'w');
  const t0 = process.hrtime.bigint();
  const child = spawn(command, commandArgs, { stdio: ['ignore', stdout, 'pipe'] });
  closeSync(stdout);

  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    if (stderr.length < 64 * 1024) stderr += s;
  });

  let polledKb: number | undefined;
  const poll = useTime ? undefined : setInterval(() => {
    const kb = readHighWaterKb(child.pid);
    if (kb !== undefined) polledKb = Math.max(polledKb ?? 0, kb);
  }, 50);

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on('close', (c, s) => done([c, s])));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (poll) clearInterval(poll);

  let peakRssKb = polledKb;
  let cpuSeconds: number | undefined;
  if (useTime) {
    // GNU time prints "Command exited with non-zero status N" before the values when N != 0.
    const lines = existsSync(rssFile) ? readFileSync(rssFile, 'utf8').trim().split('\n') : [];
    const [kb, user, sys] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
    peakRssKb = Number.isFinite(kb) && kb > 0 ? kb : undefined;
    cpuSeconds = Number.isFinite(user) && Number.isFinite(sys) ? user + sys : undefined;
    rmSync(rssFile, { force: true });
  }
  return { code, signal, seconds, peakRssKb, cpuSeconds, rssMethod: useTime ? `${TIME_BIN} -f %M` : '/proc VmHWM every 50 ms', stderr };
}

function readHighWaterKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmHWM:\s+(\d+) kB/m.exec(status) ?? /^VmRSS:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // exited between polls
  }
}

function printReport(
  log: { path: string; marker: Marker; reused: boolean; genSeconds?: number },
  run: RunResult,
  report: { jobs?: unknown[]; findings?: { rule: string }[]; sources?: { lines: number; records: number; unrecognised: number }[] },
): void {
  const sizeMb = log.marker.bytes / MIB;
  const mbPerS = sizeMb / run.seconds;
  const rssMb = run.peakRssKb === undefined ? undefined : run.peakRssKb / 1024;
  const byRule = new Map<string, number>();
  for (const f of report.findings ?? []) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  const source = report.sources?.[0];
  const rssOk = rssMb !== undefined && rssMb <= TARGET_RSS_MB;
  const row = (k: string, v: string) => console.log(`  ${k.padEnd(16)} ${v}`);

  console.log('');
  console.log(`sched-doctor analyze benchmark (node ${process.version}, MB = MiB)`);
  row('file', `${log.path}${log.reused ? ' (reused)' : ''}`);
  row('size', `${sizeMb.toFixed(1)} MB, ${log.marker.lines} lines, ${log.marker.runs} runs`);
  if (source) row('read', `${source.lines} lines, ${source.records} APScheduler records, ${source.unrecognised} unrecognised`);
  row('time', `${run.seconds.toFixed(2)} s wall${run.cpuSeconds === undefined ? '' : `, ${run.cpuSeconds.toFixed(2)} s CPU (user + sys)`}`);
  row('throughput', `${mbPerS.toFixed(1)} MB/s`);
  row('peak RSS', `${rssMb === undefined ? 'unknown' : rssMb.toFixed(1) + ' MB'}  (target <= ${TARGET_RSS_MB}: ${rssOk ? 'met' : 'NOT met'}; ${run.rssMethod})`);
  row('jobs', String(report.jobs?.length ?? 0));
  row('findings', `${report.findings?.length ?? 0}${byRule.size ? '  (' + [...byRule].map(([r, n]) => `${r} ${n}`).join(', ') + ')' : ''}`);

}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`bench: ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
  },
);
