// Where the config comes from: --config FILE, else the nearest sched-doctor.config.json (or
// .sched-doctorrc.json) in the working folder or any folder above it, else nothing.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { UserError } from '../model/errors';
import { describeFsError } from '../model/errors';
import { CONFIG_NAMES, emptyConfig, type Config } from './config';
import { validateConfig } from './validate-config';

/** `explicit` is --config's value: a path, false for --no-config, undefined to search. */
export function loadConfig(explicit: string | false | undefined, cwd: string = process.cwd()): Config {
  if (explicit === false) return emptyConfig();
  const found = explicit ?? findConfig(cwd);
  if (found === undefined) return emptyConfig();
  const absolute = resolve(cwd, found);
  const path = shown(absolute, cwd);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read config ${path}: ${describeFsError(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${path}: not valid JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  return validateConfig(raw, path);
}

/** The path for messages: relative when it is inside the working folder. */
function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function findConfig(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const found = CONFIG_NAMES.map((name) => join(dir, name)).filter((c) => existsSync(c) && statSync(c).isFile());
    // Which one would win is not obvious to whoever edits the other: refuse to guess.
    if (found.length > 1) throw new UserError(`two config files in ${shown(dir, resolve(cwd)) || '.'}: ${CONFIG_NAMES.join(' and ')}; keep one (or name it with --config)`);
    if (found.length === 1) return found[0];
    if (dirname(dir) === dir) return undefined;
  }
}
