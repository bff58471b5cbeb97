// `npm run bench:store`: how fast, and in how much memory, sched-doctor reads a large job store.
//
// 1. Makes (or reuses) a 100,000-row SQLite store in ./bench-data/, written by real APScheduler
//    (test/fixtures/gen/bench_store.py with /usr/bin/python3; BENCH_STORE_ROWS to change the size).
// 2. Runs `jobs --format json` and `analyze --db --format json` as whole processes, as a user
//    would (output to a temp file), each BENCH_STORE_RUNS times (default 2), and Python's own
//    `pickle.loads` + Job.__setstate__ of the same rows beside them (whole process, APScheduler
//    imported), interleaved so that a shared machine's load falls on both alike.
// 3. Prints wall time, CPU time and peak RSS of each, against the targets (<= 2 s, <= 200 MB).
//
// A report, not a gate: it exits 0 whether or not the targets are met, 1 only when a run failed.
// Needs a build first (`npx tsc -p .`): it runs dist/, like users do.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const TARGET_SECONDS = 2;
const TARGET_RSS_MB = 200;
const SEED = 20261126;
const PYTHON = '/usr/bin/python3';
const TIME_BIN = '/usr/bin/time';
const ROOT = resolve(__dirname, '..', '..');
const GENERATOR = join(ROOT, 'test', 'fixtures', 'gen', 'bench_store.py');

interface Run {
  code: number | null;
  seconds: number;
  cpuSeconds: number | null;
  peakRssMb: number | null;
  stdout: string;
  stderr: string;
}

/** One whole process, timed; peak RSS and CPU from GNU time when it is there. */
function timed(command: string, args: string[], stdoutFile: string): Promise<Run> {
  const useTime = existsSync(TIME_BIN);
  const stats = join(tmpdir(), `sched-doctor-store-bench-${process.pid}.time`);
  const out = openSync(stdoutFile, 'w');
  const started = process.hrtime.bigint();
  const child = spawn(useTime ? TIME_BIN : command, useTime ? ['-f', '%M %U %S', '-o', stats, command, ...args] : args, {
    stdio: ['ignore', out, 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolveRun) => {
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      closeSync(out);
      let peakRssMb: number | null = null;
      let cpuSeconds: number | null = null;
      if (useTime && existsSync(stats)) {
        const [kb, user, sys] = readFileSync(stats, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
        peakRssMb = kb / 1024;
        cpuSeconds = user + sys;
        rmSync(stats, { force: true });
      }
      const stdout = readFileSync(stdoutFile, 'utf8').slice(0, 4096);
      resolveRun({ code, seconds, cpuSeconds, peakRssMb, stdout, stderr });
    });
  });
}

async function ensureStore(rows: number): Promise<string> {
  const dir = resolve(process.cwd(), 'bench-data');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `apscheduler-store-${rows}.sqlite`);
  const marker = `${path}.marker.json`;
  const want = JSON.stringify({ rows, seed: SEED, generator: statSync(GENERATOR).size });
  if (existsSync(path) && existsSync(marker) && readFileSync(marker, 'utf8') === want) {
    console.log(`bench:store: reusing ${path}`);
    return path;
  }
  console.log(`bench:store: writing ${rows.toLocaleString('en-US')} rows with real APScheduler into ${path} (once; about a minute)`);
  const r = await timed(PYTHON, [GENERATOR, path, String(rows), String(SEED)], join(tmpdir(), `sched-doctor-store-gen-${process.pid}`));
  if (r.code !== 0) throw new Error(`the generator failed (${r.code}): ${r.stderr.trim()}`);
  writeFileSync(marker, want);
  return path;
}

function line(label: string, runs: Run[]): string {
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const rss = Math.max(...runs.map((r) => r.peakRssMb ?? 0));
  const cpu = best.cpuSeconds === null ? '' : `, cpu ${best.cpuSeconds.toFixed(2)} s`;
  const all = runs.map((r) => r.seconds.toFixed(2)).join(' / ');
  return `${label.padEnd(34)} ${best.seconds.toFixed(2).padStart(6)} s (runs: ${all}${cpu}), peak RSS ${rss ? rss.toFixed(0) : '?'} MB`;
}

async function main(): Promise<number> {
  const rows = Number(process.env.BENCH_STORE_ROWS ?? 100_000);
  const repeat = Math.max(1, Number(process.env.BENCH_STORE_RUNS ?? 2));
  if (!Number.isInteger(rows) || rows <= 0) {
    console.error(`bench:store: BENCH_STORE_ROWS must be a positive integer (got '${process.env.BENCH_STORE_ROWS}')`);
    return 1;
  }
  const cli = join(ROOT, 'bin', 'sched-doctor');
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    console.error('bench:store: dist/cli/main.js is missing: build first with `npx tsc -p .`');
    return 1;
  }
  if (!existsSync(PYTHON)) {
    console.error(`bench:store: ${PYTHON} (with APScheduler 3.x) is needed to write the store`);
    return 1;
  }
  const store = await ensureStore(rows);
  const url = `sqlite:///${store}`;
  const out = join(tmpdir(), `sched-doctor-store-bench-${process.pid}.out`);
  const results: Record<string, Run[]> = { jobs: [], analyze: [], python: [] };
  try {
    for (let i = 0; i < repeat; i++) {
      // Interleaved: sched-doctor and Python see the same machine load.
      results.jobs.push(await timed(process.execPath, [cli, 'jobs', '--db', url, '--format', 'json'], out));
      results.python.push(await timed(PYTHON, [GENERATOR, '--loads', store], out));
      results.analyze.push(await timed(process.execPath, [cli, 'analyze', '--db', url, '--format', 'json', '--now', '2026-11-26T12:00:00Z', '--fail-on', 'never'], out));
    }
  } finally {
    rmSync(out, { force: true });
  }
  for (const [name, runs] of Object.entries(results)) {
    const bad = runs.find((r) => r.code !== 0);
    if (bad) {
      console.error(`bench:store: ${name} exited with ${bad.code}: ${bad.stderr.trim().split('\n')[0]}`);
      return 1;
    }
  }
  const py = results.python.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const inside = (() => {
    try {
      return (JSON.parse(py.stdout.trim().split('\n').pop()!) as { seconds: number }).seconds;
    } catch {
      return null;
    }
  })();
  console.log(`\nstore bench: ${rows.toLocaleString('en-US')} rows, ${(statSync(store).size / 2 ** 20).toFixed(0)} MiB (${store})`);
  console.log(line('sched-doctor jobs --format json', results.jobs));
  console.log(line('sched-doctor analyze --db', results.analyze));
  console.log(line("Python pickle.loads + Job state", results.python) + (inside === null ? '' : ` (${inside.toFixed(2)} s inside)`));
  for (const name of ['jobs', 'analyze']) {
    const best = results[name].reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const rss = Math.max(...results[name].map((r) => r.peakRssMb ?? 0));
    const ok = best.seconds <= TARGET_SECONDS && rss <= TARGET_RSS_MB;
    console.log(`${name}: ${ok ? 'meets' : 'misses'} the target (<= ${TARGET_SECONDS} s, <= ${TARGET_RSS_MB} MB); ${(best.seconds / py.seconds).toFixed(2)}× Python's time`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench:store: ${(err as Error).message}`);
    process.exit(1);
  },
);
