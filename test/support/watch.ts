// Running `sched-doctor watch` (the built CLI) beside real APScheduler processes
// (test/fixtures/gen/watch_app.py): every stdout line with the instant it arrived, signals, the
// metrics port it printed, and a parser for the Prometheus text it serves.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BIN, ROOT } from './cli';

export const APP = join(ROOT, 'test', 'fixtures', 'gen', 'watch_app.py');

/** Why the APScheduler tests cannot run here, or false; with SCHED_DOCTOR_REQUIRE_APSCHEDULER=1 a missing one fails. */
export function apschedulerMissing(): string | false {
  if (spawnSync('/usr/bin/python3', ['-c', 'import apscheduler, sqlalchemy'], { stdio: 'ignore' }).status === 0) return false;
  const reason = '/usr/bin/python3 cannot import apscheduler, sqlalchemy (apt-get install python3-apscheduler python3-sqlalchemy)';
  if (process.env.SCHED_DOCTOR_REQUIRE_APSCHEDULER === '1') throw new Error(`APScheduler is required here: ${reason}`);
  return reason;
}

export interface Line {
  /** Date.now() when the line arrived. */
  at: number;
  text: string;
}

export interface App {
  pid: number;
  child: ChildProcess;
  /** Lines the app printed after `ready` (`paused <epoch s>`). */
  said: Line[];
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startApp(log: string, store: string, extra: string[] = []): Promise<App> {
  const child = spawn('/usr/bin/python3', [APP, log, store, ...extra], { env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const said: Line[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`watch_app did not start: ${err}`)), 20000);
    createInterface({ input: child.stdout! }).on('line', (text) => {
      if (text === 'ready') {
        clearTimeout(timer);
        resolve();
      } else said.push({ at: Date.now(), text });
    });
    child.once('exit', (code) => reject(new Error(`watch_app exited (${code}): ${err}`)));
  });
  return {
    pid: child.pid!,
    child,
    said,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface Watch {
  child: ChildProcess;
  lines: Line[];
  stderr(): string;
  /** Resolves with the first line (from index `from`) that `match` accepts; rejects after `ms`. */
  waitFor(match: (l: Line) => boolean, ms: number, from?: number): Promise<Line>;
  /** Resolves once stderr matches. */
  waitForStderr(pattern: RegExp, ms: number): Promise<void>;
  /** The port from `metrics at http://…:PORT/metrics` on stderr. */
  metricsPort(): Promise<number>;
  /** Sends the signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startWatch(args: string[], cwd: string): Watch {
  const child = spawn(process.execPath, [BIN, 'watch', ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  let err = '';
  const listeners = new Set<() => void>();
  child.stderr!.on('data', (d) => {
    err += d;
    for (const l of listeners) l();
  });
  createInterface({ input: child.stdout! }).on('line', (text) => {
    lines.push({ at: Date.now(), text });
    for (const l of listeners) l();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const until = <T>(check: () => T | undefined, ms: number, what: string) => new Promise<T>((resolve, reject) => {
    const done = (v: T) => {
      clearTimeout(timer);
      listeners.delete(look);
      resolve(v);
    };
    const look = () => {
      const v = check();
      if (v !== undefined) done(v);
    };
    const timer = setTimeout(() => {
      listeners.delete(look);
      reject(new Error(`${what} within ${ms} ms; stdout:\n${lines.map((l) => l.text).join('\n')}\nstderr:\n${err}`));
    }, ms);
    listeners.add(look);
    look();
  });
  return {
    child,
    lines,
    stderr: () => err,
    waitFor: (match, ms, from = 0) => until(() => lines.slice(from).find(match), ms, 'no matching line'),
    waitForStderr: (pattern, ms) => until(() => (pattern.test(err) ? true : undefined), ms, `no stderr matching ${pattern}`).then(() => undefined),
    metricsPort: () => until(() => { const m = /metrics at http:\/\/[^\s]*:(\d+)\/metrics/.exec(err); return m ? Number(m[1]) : undefined; }, 10000, 'no metrics address'),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exit;
    },
  };
}

/** A parsed ndjson line of watch, or undefined for a table line. */
export function json(l: Line): Record<string, any> | undefined {
  try {
    return JSON.parse(l.text);
  } catch {
    return undefined;
  }
}

export const isFinding = (rule: string, job?: string) => (l: Line) => { const o = json(l); return o?.type === 'finding' && o.rule === rule && (job === undefined || o.job === job); };

/** `2026-12-02 05:18:10,174` (UTC, the app's TZ) → epoch ms. */
/** Lines in a file that ends with a newline. */
export const lineCount = (path: string) => readFileSync(path, 'utf8').split('\n').length - 1;

export function stampOf(line: string): number {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3})/.exec(line);
  assert.ok(m, `no stamp on ${line}`);
  return Date.parse(`${m[1]}T${m[2]}.${m[3]}Z`);
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text exposition format 0.0.4, strictly: HELP and TYPE before samples, label values unescaped. */
export function parseExposition(text: string): { samples: Sample[]; types: Map<string, string>; help: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  assert.ok(text.endsWith('\n'), 'the exposition ends with a line feed');
  for (const line of text.slice(0, -1).split('\n')) {
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) { help.set(m[1], m[2]); continue; }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (m) { types.set(m[1], m[2]); continue; }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not an exposition line: ${JSON.stringify(line)}`);
    assert.ok(types.has(m[1]), `${m[1]} has a sample before its TYPE`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
    let pos = 0;
    while (pos < body.length) {
      label.lastIndex = pos;
      const l = label.exec(body);
      assert.ok(l, `bad labels: ${body}`);
      labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
      pos = label.lastIndex;
    }
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { samples, types, help };
}

export async function scrape(port: number): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}
