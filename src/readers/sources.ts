// What the inputs name: files, folders (the log files directly inside), and glob patterns the
// shell left alone (`'logs/web-*.jsonl'`, `logs/**/*.log`). Rotated parts of one log
// (`app.log.3.gz`, `app.log.2`, `app.log.1`, `app.log`; `app.log-20261125.gz`;
// `app.log.2026-11-25`) become one source, read oldest first: one log, one process.

import { promises as fs } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { describeFsError, UserError } from '../model/errors';

export interface Source {
  /** The name the report and instance identity use: the path as given, or the live log's path for rotated parts. */
  label: string;
  /** Files to read, oldest first. */
  files: string[];
  /** Sub-folders of a folder input that were not read (no --recursive), on the first source from that folder. */
  skippedDirs?: string[];
}

/** Names a folder scan takes: `*.log`, `*.jsonl`, `*.json`, their rotated parts, and any `*.gz`. */
const LOG_NAME = /\.(?:log|jsonl|json)$|\.gz$/;
/** A rotation suffix: `.3`, `-20261125`, `.2026-11-25` (TimedRotatingFileHandler, also `_13`, `_13-00-00`), then maybe `.gz`. */
const ROTATION = /(?:\.(\d+)|-(\d{8}(?:\d{2})?)|\.(\d{4}-\d\d-\d\d(?:_\d\d(?:-\d\d){0,2})?))?(\.gz)?$/;
/** What a log's own name ends with, so `web.2` is not taken for part 2 of `web`. */
const LOG_BASE = /\.(?:log|jsonl|json|txt|out|err)$/;
const GLOB_MAGIC = /[*?[{]/;

export interface ExpandOptions {
  /** `**` and --recursive descend into symbolic links to folders (each real folder once). */
  followSymlinks?: boolean;
  /** A folder input is read with its sub-folders. */
  recursive?: boolean;
}

/**
 * Files, folders and patterns → sources, in the order given; a pattern or folder with nothing to
 * read is a one-line error. A file is read once however many paths reach it (links, `**` through a
 * symlinked folder, a pattern and a name): one file read twice would double every run in it.
 */
export async function expandSources(inputs: string[], options: ExpandOptions = {}): Promise<Source[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  const skipped = new Map<string, string[]>();
  const add = async (f: string) => {
    const key = f === '-' ? '-' : await identity(f);
    if (seen.has(key)) return;
    seen.add(key);
    files.push(f);
  };
  const addFolder = async (dir: string) => {
    const found = await logFilesIn(dir, options);
    if (found.skippedDirs.length) skipped.set(found.files[0], found.skippedDirs);
    for (const f of found.files) await add(f);
  };
  for (const input of inputs) {
    if (input === '-') {
      await add(input);
      continue;
    }
    const stat = await fs.stat(input).catch(() => undefined);
    if (stat?.isDirectory()) {
      await addFolder(input);
    } else if (stat || !GLOB_MAGIC.test(input)) {
      // A missing plain path is left for the reader, whose error names it.
      await add(input);
    } else {
      const matches = await glob(input, options);
      if (matches.length === 0) throw new UserError(`no file matches ${input}`);
      for (const m of matches) {
        const st = await fs.stat(m).catch(() => undefined);
        if (!st) throw new UserError(`cannot read ${m}: a symbolic link to nothing (matched by ${input})`);
        if (st.isDirectory()) await addFolder(m);
        else await add(m);
      }
    }
  }
  const sources = groupRotated(files);
  for (const s of sources) {
    const dirs = s.files.map((f) => skipped.get(f)).find((d) => d !== undefined);
    if (dirs) s.skippedDirs = dirs;
  }
  return sources;
}

/** A file's device and inode, so that two paths to one file are one input; a missing path is its own name. */
async function identity(path: string): Promise<string> {
  const st = await fs.stat(path).catch(() => undefined);
  return st ? `${st.dev}:${st.ino}` : resolve(path);
}

async function logFilesIn(dir: string, options: ExpandOptions): Promise<{ files: string[]; skippedDirs: string[] }> {
  const files: string[] = [];
  const skippedDirs: string[] = [];
  const visited = new Set<string>();
  const scan = async (folder: string): Promise<void> => {
    const st = await fs.stat(folder).catch(() => undefined);
    if (st) {
      const key = `${st.dev}:${st.ino}`;
      if (visited.has(key)) return;
      visited.add(key);
    }
    let entries;
    try {
      entries = await fs.readdir(folder, { withFileTypes: true });
    } catch (err) {
      throw new UserError(`cannot read ${folder}: ${describeFsError(err)}`);
    }
    const names: string[] = [];
    const subdirs: string[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) subdirs.push(e.name);
      else if (e.isSymbolicLink()) {
        const target = await fs.stat(join(folder, e.name)).catch(() => undefined);
        if (target?.isDirectory()) {
          if (options.followSymlinks) subdirs.push(e.name);
          else skippedDirs.push(join(folder, e.name));
        } else if (isLogName(e.name)) names.push(e.name);
      } else if (e.isFile() && isLogName(e.name)) names.push(e.name);
    }
    for (const n of names.sort()) files.push(join(folder, n));
    for (const d of subdirs.sort()) {
      if (options.recursive) await scan(join(folder, d));
      else skippedDirs.push(join(folder, d));
    }
  };
  await scan(dir);
  if (files.length === 0) {
    const more = skippedDirs.length ? ` directly inside; its sub-folders (${skippedDirs.length}) were not read: add --recursive` : '';
    throw new UserError(`no log files in ${dir} (looked for *.log, *.log.N, *.gz, *.jsonl, *.json${more})`);
  }
  return { files, skippedDirs: skippedDirs.sort() };
}

function isLogName(name: string): boolean {
  if (LOG_NAME.test(name)) return true;
  const r = rotation(name);
  return r.rank !== undefined && LOG_BASE.test(r.base);
}

interface Rotation {
  /** The live log's name: `app.log` for `app.log.2.gz`. */
  base: string;
  /** Position among the parts, larger is newer; undefined for a name with no rotation suffix. */
  rank?: [number, number];
}

function rotation(name: string): Rotation {
  const m = ROTATION.exec(name)!;
  const [all, number, dash, dotted, gz] = m;
  if (all === '') return { base: name };
  const base = name.slice(0, name.length - all.length);
  if (number !== undefined) return { base, rank: [1, -Number(number)] };
  if (dash !== undefined || dotted !== undefined) return { base, rank: [0, Number((dash ?? dotted!).replace(/\D/g, '').padEnd(14, '0'))] };
  // `app.log.gz` beside `app.log`: the part before the live log.
  return gz ? { base, rank: [1, 0] } : { base: name };
}

/** Rotated parts of one log → one source; everything else stays a source of its own. */
function groupRotated(files: string[]): Source[] {
  const groups = new Map<string, { base: string; dir: string; parts: { file: string; rank?: [number, number] }[] }>();
  const order: string[] = [];
  for (const file of files) {
    const name = basename(file);
    const r = file === '-' ? { base: name } : rotation(name);
    const grouped = r.rank !== undefined && LOG_BASE.test(r.base);
    const base = grouped ? r.base : name;
    const key = file === '-' ? '-' : grouped || LOG_BASE.test(name) ? join(resolve(dirname(file)), base) : resolve(file);
    let g = groups.get(key);
    if (!g) {
      groups.set(key, (g = { base, dir: dirname(file), parts: [] }));
      order.push(key);
    }
    g.parts.push({ file, rank: grouped ? r.rank : undefined });
  }
  return order.map((key) => {
    const g = groups.get(key)!;
    if (g.parts.length === 1) return { label: g.parts[0].file, files: [g.parts[0].file] };
    const newest = (x: [number, number] | undefined, y: [number, number] | undefined): number => {
      if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
      return x[0] - y[0] || x[1] - y[1];
    };
    const parts = [...g.parts].sort((a, b) => newest(a.rank, b.rank));
    const live = parts.find((p) => p.rank === undefined);
    return { label: live ? live.file : join(g.dir, g.base), files: parts.map((p) => p.file) };
  });
}

/**
 * Host names from file names (`--host-from filename`): `logs/web-1.jsonl` → `web-1`; Docker's
 * `<id>-json.log` → `<id>`. Sources whose names say the same (`web-1/app.log`, `web-2/app.log`)
 * take as many folders as it needs to tell them apart (`web-1/app`).
 */
export function hostNames(sources: Source[]): string[] {
  const parts = sources.map((s) => {
    if (s.label === '-') return ['stdin'];
    const segments = resolve(s.label).split(sep).filter(Boolean);
    segments[segments.length - 1] = stem(segments[segments.length - 1]);
    return segments;
  });
  return parts.map((segs, i) => {
    for (let n = 1; n <= segs.length; n++) {
      const name = segs.slice(-n).join('/');
      if (parts.every((other, j) => j === i || other.slice(-n).join('/') !== name)) return name;
    }
    return segs.join('/');
  });
}

function stem(name: string): string {
  let s = rotation(name).base;
  s = s.replace(/\.(?:log|jsonl|json|txt|out|err)$/, '');
  return s.replace(/-json$/, '') || name;
}

/** Paths matching a pattern: `*`, `?`, `[…]` within a name, `{a,b}`, and `**` for any folders. */
export async function glob(pattern: string, options: ExpandOptions = {}): Promise<string[]> {
  const found = new Set<string>();
  for (const p of braces(pattern)) {
    const absolute = p.startsWith('/');
    const segments = p.split('/').filter((s, i) => s !== '' || i === 0);
    const root = absolute ? '/' : '';
    await walk(root, absolute ? segments.slice(1) : segments, found, { follow: options.followSymlinks === true, visited: new Set() });
  }
  return [...found].sort();
}

/**
 * How `**` treats links: by default it descends into real folders only (a link back up would read
 * the tree again, a link loop forever); following links, each real folder is entered once.
 */
interface WalkState {
  follow: boolean;
  /** Folders (device:inode) `**` has entered. */
  visited: Set<string>;
}

async function walk(dir: string, segments: string[], found: Set<string>, state: WalkState): Promise<void> {
  if (segments.length === 0) {
    if (dir !== '') found.add(dir);
    return;
  }
  const [head, ...rest] = segments;
  const here = dir === '' ? '.' : dir;
  const join2 = (name: string) => (dir === '' ? name : dir === '/' ? '/' + name : `${dir}/${name}`);
  if (head === '**') {
    const st = await fs.stat(here).catch(() => undefined);
    if (st) {
      const key = `${st.dev}:${st.ino}`;
      if (state.visited.has(key)) return;
      state.visited.add(key);
    }
    await walk(dir, rest, found, state);
    for (const e of await list(here)) {
      if (e.dir && !e.name.startsWith('.') && (!e.link || state.follow)) await walk(join2(e.name), segments, found, state);
    }
    return;
  }
  if (!GLOB_MAGIC.test(head)) {
    const next = join2(head);
    if (rest.length === 0) {
      if (await fs.lstat(next).catch(() => undefined)) found.add(next);
    } else await walk(next, rest, found, state);
    return;
  }
  const re = segmentRegex(head);
  for (const e of await list(here)) {
    if (e.name.startsWith('.') && !head.startsWith('.')) continue;
    if (!re.test(e.name)) continue;
    if (rest.length === 0) found.add(join2(e.name));
    else if (e.dir) await walk(join2(e.name), rest, found, state);
  }
}

async function list(dir: string): Promise<{ name: string; dir: boolean; link: boolean }[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    const out: { name: string; dir: boolean; link: boolean }[] = [];
    for (const e of entries) {
      let isDir = e.isDirectory();
      const link = e.isSymbolicLink();
      if (link) isDir = (await fs.stat(join(dir, e.name)).catch(() => undefined))?.isDirectory() ?? false;
      out.push({ name: e.name, dir: isDir, link });
    }
    return out;
  } catch {
    return [];
  }
}

function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = segment.slice(i + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp('^' + re + '$');
}

/** `web-{1,2}.log` → `web-1.log`, `web-2.log` (nested braces too). */
function braces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      if (commas.length === 0) return [pattern];
      const pieces: string[] = [];
      let from = open + 1;
      for (const k of [...commas, i]) {
        pieces.push(pattern.slice(from, k));
        from = k + 1;
      }
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      return pieces.flatMap((p) => braces(head + p + tail));
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  return [pattern];
}
