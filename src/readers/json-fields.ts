// Reading one field of a JSON log record: where it sits (a path, dotted or nested), and what its
// value means (an instant, a level, a process id). Shapes (json-shapes.ts) name the paths;
// `--field message=msg,time=ts` replaces them. Runs only on records that may matter (see
// json-record.ts), so it favours plain property look-ups over anything clever.

import { UserError } from '../model/errors';
import { findStamps, isoStampAt, pickStamp, type Stamp } from './timestamp';

export type JsonObject = Record<string, unknown>;

/** The fields a record can give; `exception` is the traceback text (the job-error exception line). */
export const FIELD_NAMES = ['message', 'time', 'level', 'logger', 'host', 'pid', 'thread', 'exception'] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

/** Field → path, for `--field`: `{ message: 'msg', time: 'ts' }`. */
export type FieldMap = Partial<Record<FieldName, string>>;

/**
 * `message=msg,time=ts,host=host,pid=pid` → `{ message: 'msg', … }`. A path is a key, or keys
 * joined by dots (`jsonPayload.message`, `log.level`: nested objects or a dotted key, both work).
 */
export function parseFieldOption(text: string): FieldMap {
  const map: FieldMap = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    const path = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!(FIELD_NAMES as readonly string[]).includes(name)) {
      throw new UserError(`--field: unknown field '${name}' (use ${FIELD_NAMES.join(', ')}, as in message=msg,time=ts)`);
    }
    if (path === '') throw new UserError(`--field: '${name}' needs a JSON key, as in ${name}=${name === 'message' ? 'msg' : name}`);
    map[name as FieldName] = path;
  }
  return map;
}

/** Checks a field map given as an object (the engine's option), with the same one-line errors. */
export function checkFieldMap(map: Record<string, string>): FieldMap {
  for (const [name, path] of Object.entries(map)) {
    if (!(FIELD_NAMES as readonly string[]).includes(name)) throw new UserError(`--field: unknown field '${name}' (use ${FIELD_NAMES.join(', ')})`);
    if (typeof path !== 'string' || path.trim() === '') throw new UserError(`--field: '${name}' needs a JSON key`);
  }
  return map as FieldMap;
}

/**
 * The value at `path`: a key as written (`log.level` as one dotted key, the ECS "dotted" form), or
 * nested objects (`{"log": {"level": …}}`), or any mix of the two (`{"log": {"origin.file": …}}`).
 */
export function valueAt(o: JsonObject, path: string): unknown {
  const direct = o[path];
  if (direct !== undefined || path.indexOf('.') < 0) return direct;
  for (let dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
    const head = o[path.slice(0, dot)];
    if (head !== null && typeof head === 'object' && !Array.isArray(head)) {
      const found = valueAt(head as JsonObject, path.slice(dot + 1));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The first of `paths` that holds a usable value (a string, number or, for text, an array of bytes). */
export function firstValue(o: JsonObject, paths: readonly string[]): { path: string; value: unknown } | undefined {
  for (const path of paths) {
    const v = valueAt(o, path);
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'object' && (Array.isArray(v) ? !isBytes(v) : !isSecondsNanos(v))) continue;
    return { path, value: v };
  }
  return undefined;
}

/** Text of a value: journald writes a field it cannot show as UTF-8 text as an array of bytes. */
export function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && isBytes(v)) return Buffer.from(v as number[]).toString('utf8');
  return undefined;
}

function isBytes(v: unknown[]): boolean {
  return v.length > 0 && v.every((b) => typeof b === 'number' && b >= 0 && b <= 255);
}

/** An identifier (pid, thread, host): text, without surrounding space. */
export function idOf(v: unknown): string | undefined {
  const t = textOf(v)?.trim();
  return t === '' ? undefined : t;
}

const PRIORITY_LEVELS = ['CRITICAL', 'CRITICAL', 'CRITICAL', 'ERROR', 'WARNING', 'INFO', 'INFO', 'DEBUG'];
const LEVEL_WORDS: Record<string, string> = {
  debug: 'DEBUG', trace: 'DEBUG', info: 'INFO', information: 'INFO', notice: 'INFO',
  warn: 'WARNING', warning: 'WARNING', err: 'ERROR', error: 'ERROR',
  crit: 'CRITICAL', critical: 'CRITICAL', fatal: 'CRITICAL', alert: 'CRITICAL', emerg: 'CRITICAL', emergency: 'CRITICAL',
};

/**
 * A level as Python names it: `info`, `WARN`, Cloud Logging's `ERROR`, journald's PRIORITY (`"6"`,
 * syslog 0–7) or Python's level number (20, 40).
 */
export function levelOf(v: unknown): string | undefined {
  const t = typeof v === 'string' ? v.trim() : textOf(v)?.trim();
  if (!t) return undefined;
  const c = t.charCodeAt(0);
  if (c >= 48 && c <= 57 && /^\d+$/.test(t)) {
    const n = Number(t);
    if (t.length === 1) return PRIORITY_LEVELS[n];
    return n >= 50 ? 'CRITICAL' : n >= 40 ? 'ERROR' : n >= 30 ? 'WARNING' : n >= 20 ? 'INFO' : 'DEBUG';
  }
  return LEVEL_WORDS[t.toLowerCase()] ?? t.toUpperCase();
}

function isSecondsNanos(v: unknown): v is { seconds: number | string; nanos?: number } {
  return v !== null && typeof v === 'object' && 'seconds' in (v as object);
}

/**
 * An instant: ISO 8601 (with or without an offset: without one, the clock infers the zone as for
 * text logs), Python's asctime (`2026-11-26 13:42:03,788`), or a number since the epoch in
 * seconds, milliseconds, microseconds (journald) or nanoseconds, told apart by magnitude, as a
 * number or a string of digits; also `{ "seconds": …, "nanos": … }` (Cloud Logging exports).
 */
export function stampOf(v: unknown): Stamp | undefined {
  if (typeof v === 'number') return epochStamp(v);
  if (typeof v === 'string') {
    const c = v.charCodeAt(0);
    if (c < 48 || c > 57) return undefined;
    if (/^\d+(?:\.\d+)?$/.test(v)) return epochStamp(Number(v), v);
    return isoStampAt(v, 0, v.length) ?? pickStamp(findStamps(v));
  }
  if (isSecondsNanos(v)) {
    const seconds = Number(v.seconds);
    if (!Number.isFinite(seconds)) return undefined;
    return { wall: seconds * 1e6 + Math.floor(Number(v.nanos ?? 0) / 1000), offsetMinutes: 0, start: 0, end: 0, form: 'epoch' };
  }
  return undefined;
}

function epochStamp(n: number, digits?: string): Stamp | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  let micros: number;
  if (n < 1e11) micros = Math.round(n * 1e6);
  else if (n < 1e14) micros = Math.round(n * 1e3);
  // Microseconds (journald's __REALTIME_TIMESTAMP) are exact in a double until 2255.
  else if (n < 1e17) micros = Math.round(n);
  // Nanoseconds lose precision as a double: cut the digits instead.
  else micros = digits && /^\d+$/.test(digits) ? Number(digits.slice(0, -3)) : Math.round(n / 1e3);
  return { wall: micros, offsetMinutes: 0, start: 0, end: 0, form: 'epoch' };
}

const EXCEPTION = /^[A-Za-z_][\w.]*(?::|$)/;

/**
 * The exception line of a Python traceback: the first unindented line after the last frame
 * (`  File "…"` and its indented source lines), so a chained exception gives the final one and a
 * message that runs over several lines gives its first.
 */
export function exceptionLine(traceback: string): string | undefined {
  const lines = traceback.split('\n');
  let lastFrame = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^\s+File "/.test(lines[i])) {
      lastFrame = i;
      break;
    }
  }
  for (let i = lastFrame + 1; i < lines.length; i++) {
    const l = lines[i].trimEnd();
    if (l === '' || /^\s/.test(l)) continue;
    if (EXCEPTION.test(l)) return l;
    break;
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i].trimEnd();
    if (l !== '' && !/^\s/.test(l) && !/^Traceback \(most recent call last\)/.test(l) && EXCEPTION.test(l)) return l;
  }
  return undefined;
}
