// APScheduler's classes as a job-state pickle names them: the callables Python would run on load
// (datetime, bytes, sets, copyreg's reconstructors, time zones), each turned into the value
// Python would build — without running anything from the pickle.

import type { PyValue, PyDateTime, PyDate, PyTime, PyTimedelta, PyTzInfo, PyObject, PyBytes, PySet, PyGlobal } from '../model/store-record';
import {
  formatOffset,
  isTz,
  makePytz,
  makePytzFixed,
  makeShimZone,
  makeTimezone,
  makeZoneInfo,
  pad,
  tzUtc,
  wallMs,
  zoneAbbreviation,
  zoneOffsetAt,
  zoneOffsetForWall,
} from './pickle-zones';

/** What a known callable may ask of the machine that decodes the pickle. */
export interface Builder {
  fail(message: string): never;
  bytes(data: Buffer, mutable: boolean): PyBytes;
  /** The data of a bytes value this pickle made, or undefined. */
  bytesData(v: unknown): Buffer | undefined;
  global(name: string): PyGlobal;
  /** The qualified name of a class or function this pickle named, or undefined. */
  globalName(v: unknown): string | undefined;
  object(cls: string): PyObject;
  dict(): { [key: string]: PyValue };
  set(frozen: boolean, items: PyValue[]): PySet;
}

// ---------------------------------------------------------------------------------------------
// Known callables. Each returns the value Python would build, or undefined to fall back to a
// generic PyObject (arguments it does not recognise). None of them runs anything from the pickle.
// The datetime and time-zone classes have no generic fallback: arguments they cannot take would
// fail in Python too, and a half-understood datetime must never be shown as a date.

type KnownCall = (args: unknown[], b: Builder) => unknown;

const strict = (name: string, make: (args: unknown[], b: Builder) => unknown): KnownCall => (args, b) => {
  const v = make(args, b);
  if (v === undefined) b.fail(`${name}: unexpected arguments`);
  return v;
};

export const KNOWN_CALLS = new Map<string, KnownCall>([
  ['builtins.getattr', callGetattr],
  ['_codecs.encode', callCodecsEncode],
  ['builtins.bytes', (a, b) => makeBytes(a, b, false)],
  ['builtins.bytearray', (a, b) => makeBytes(a, b, true)],
  ['builtins.set', (a, b) => makeSet(a, b, false)],
  ['builtins.frozenset', (a, b) => makeSet(a, b, true)],
  ['copyreg._reconstructor', callReconstructor],
  ['copyreg.__newobj__', callNewobj],
  ['collections.OrderedDict', (a, b) => (a.length === 0 ? b.dict() : undefined)],
  ['datetime.datetime', strict('datetime.datetime', makeDateTime)],
  ['datetime.date', strict('datetime.date', makeDate)],
  ['datetime.time', strict('datetime.time', makeTime)],
  ['datetime.timedelta', strict('datetime.timedelta', makeTimedelta)],
  ['datetime.timezone', strict('datetime.timezone', makeTimezone)],
  ['pytz._p', strict('pytz._p', makePytz)],
  ['pytz._UTC', () => tzUtc('pytz.UTC')],
  ['pytz.utc', () => tzUtc('pytz.UTC')],
  ['pytz.FixedOffset', strict('pytz.FixedOffset', makePytzFixed)],
  ['zoneinfo.ZoneInfo._unpickle', strict('zoneinfo.ZoneInfo', makeZoneInfo)],
  ['pytz_deprecation_shim._impl.wrap_zone', strict('pytz_deprecation_shim.wrap_zone', makeShimZone)],
]);

/** getattr(Class, 'name') names a class attribute (how bound classmethods pickle). */
function callGetattr(args: unknown[], b: Builder): unknown {
  const [obj, attr] = args;
  const name = b.globalName(obj);
  if (name !== undefined && typeof attr === 'string') return b.global(`${name}.${attr}`);
  return undefined;
}

/** Protocols 0–2 write bytes as _codecs.encode(text, 'latin1'). */
function callCodecsEncode(args: unknown[], b: Builder): unknown {
  const [text, enc = 'utf-8'] = args;
  if (typeof text !== 'string' || typeof enc !== 'string') return undefined;
  return b.bytes(encodeText(text, enc, b), false);
}

function encodeText(text: string, encoding: string, b: Builder): Buffer {
  const enc = encoding.toLowerCase().replace(/[-_ ]/g, '');
  if (enc === 'latin1' || enc === 'iso88591') return Buffer.from(text, 'latin1');
  if (enc === 'utf8') return Buffer.from(text, 'utf8');
  if (enc === 'ascii' && /^[\x00-\x7f]*$/.test(text)) return Buffer.from(text, 'latin1');
  b.fail(`unsupported text encoding ${JSON.stringify(encoding)}`);
}

function makeBytes(args: unknown[], b: Builder, mutable: boolean): unknown {
  const [src, enc] = args;
  if (args.length === 0) return b.bytes(Buffer.alloc(0), mutable);
  const data = b.bytesData(src);
  if (data) return b.bytes(Buffer.from(data), mutable);
  if (typeof src === 'string' && typeof enc === 'string') return b.bytes(encodeText(src, enc, b), mutable);
  if (Array.isArray(src) && src.every((x) => typeof x === 'number' && x >= 0 && x < 256)) {
    return b.bytes(Buffer.from(src as number[]), mutable);
  }
  return undefined;
}

function makeSet(args: unknown[], b: Builder, frozen: boolean): unknown {
  if (args.length === 0) return b.set(frozen, []);
  if (args.length === 1 && Array.isArray(args[0])) return b.set(frozen, [...(args[0] as PyValue[])]);
  return undefined;
}

/** copyreg._reconstructor(cls, base, state): protocols 0–1 for plain objects. */
function callReconstructor(args: unknown[], b: Builder): unknown {
  const [cls, base, baseState] = args;
  const name = b.globalName(cls);
  if (name === undefined) return undefined;
  const obj = b.object(name);
  const baseIsObject = b.globalName(base) === 'builtins.object';
  if (!baseIsObject && baseState !== null && baseState !== undefined) obj.args = [baseState as PyValue];
  return obj;
}

function callNewobj(args: unknown[], b: Builder): unknown {
  const [cls, ...rest] = args;
  const name = b.globalName(cls);
  if (name === undefined) return undefined;
  const obj = b.object(name);
  if (rest.length) obj.args = rest as PyValue[];
  return obj;
}

// ---------------------------------------------------------------------------------------------
// datetime values

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  fold: number;
}

/** The payload of datetime/date/time pickles: bytes, or latin-1 text from Python 2 pickles. */
function payloadBytes(v: unknown, b: Builder): Buffer | null {
  const data = b.bytesData(v);
  if (data) return data;
  if (typeof v === 'string' && /^[\x00-\xff]*$/.test(v)) return Buffer.from(v, 'latin1');
  return null;
}

function makeDateTime(args: unknown[], builder: Builder): unknown {
  const [first, tz = null] = args;
  const b = payloadBytes(first, builder);
  let wall: Wall;
  if (b && b.length === 10) {
    // year (2 bytes, big-endian), month (bit 7 = fold, protocol 4+), day, h, m, s, µs (3 bytes)
    wall = {
      year: b[0] * 256 + b[1],
      month: b[2] & 0x7f,
      day: b[3],
      hour: b[4],
      minute: b[5],
      second: b[6],
      microsecond: (b[7] << 16) | (b[8] << 8) | b[9],
      fold: b[2] & 0x80 ? 1 : 0,
    };
    checkWall(wall, builder, 'datetime.datetime');
    return datetimeValue(wall, tz);
  }
  if (b) builder.fail(`datetime.datetime: a payload of ${b.length} bytes (10 expected)`);
  if (args.slice(0, 7).every((x) => typeof x === 'number') && args.length >= 3 && args.length <= 8) {
    const n = args as number[];
    wall = { year: n[0], month: n[1], day: n[2], hour: n[3] ?? 0, minute: n[4] ?? 0, second: n[5] ?? 0, microsecond: n[6] ?? 0, fold: 0 };
    checkWall(wall, builder, 'datetime.datetime');
    return datetimeValue(wall, args.length > 7 ? args[7] : null);
  }
  return undefined;
}

/** Build the readable datetime, resolving the offset where the pickle allows it. */
function datetimeValue(wall: Wall, tz: unknown): PyDateTime {
  const local = wallMs(wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second);
  let offset: number | null = null;
  let tzname: string | null = null;
  if (isTz(tz)) {
    ({ offset, tzname } = resolveOffset(tz, local, wall.fold));
  }
  const epochMicros = offset === null ? null : (local - offset * 1000) * 1000 + wall.microsecond;
  const iso = `${dateIso(wall)}T${timeIso(wall)}${offset === null ? '' : formatOffset(offset)}`;
  // Spelled out, in the order a spread of the wall gave: a spread made each datetime by a copy
  // and then grew it a member at a time (half of this function's time).
  return {
    __class__: 'datetime.datetime',
    iso,
    year: wall.year,
    month: wall.month,
    day: wall.day,
    hour: wall.hour,
    minute: wall.minute,
    second: wall.second,
    microsecond: wall.microsecond,
    fold: wall.fold,
    tz: (tz ?? null) as PyValue,
    utcoffsetSeconds: offset,
    tzname,
    epochMicros,
  };
}

function resolveOffset(tz: PyTzInfo, localMs: number, fold: number): { offset: number | null; tzname: string | null } {
  if (tz.utcoffsetSeconds !== null) return { offset: tz.utcoffsetSeconds, tzname: tz.abbrev };
  // zoneinfo and pytz static zones: the pickle holds only the name.
  const offset =
    tz.kind === 'zoneinfo'
      ? zoneOffsetForWall(tz.name, localMs, fold)
      : zoneOffsetAt(tz.name, localMs);
  if (offset === null) return { offset: null, tzname: null };
  let utcSeconds = Math.floor(localMs / 1000) - offset;
  // In a skipped hour the offset used belongs to a neighbouring period, not to the instant it
  // yields: take the abbreviation from the side of the transition that offset came from.
  if (zoneOffsetAt(tz.name, utcSeconds * 1000) !== offset) {
    utcSeconds += zoneOffsetAt(tz.name, (utcSeconds - 86_400) * 1000) === offset ? -86_400 : 86_400;
  }
  return { offset, tzname: zoneAbbreviation(tz.name, utcSeconds, offset) };
}

function dateIso(w: { year: number; month: number; day: number }): string {
  return `${pad(w.year, 4)}-${pad(w.month, 2)}-${pad(w.day, 2)}`;
}

function timeIso(w: { hour: number; minute: number; second: number; microsecond: number }): string {
  const base = `${pad(w.hour, 2)}:${pad(w.minute, 2)}:${pad(w.second, 2)}`;
  return w.microsecond ? `${base}.${pad(w.microsecond, 6)}` : base;
}

function makeDate(args: unknown[], builder: Builder): unknown {
  const b = payloadBytes(args[0], builder);
  let y: number, m: number, d: number;
  if (b && b.length === 4) [y, m, d] = [b[0] * 256 + b[1], b[2], b[3]];
  else if (b) builder.fail(`datetime.date: a payload of ${b.length} bytes (4 expected)`);
  else if (args.length === 3 && args.every((x) => typeof x === 'number')) [y, m, d] = args as number[];
  else return undefined;
  checkWall({ year: y, month: m, day: d, hour: 0, minute: 0, second: 0, microsecond: 0, fold: 0 }, builder, 'datetime.date');
  const v: PyDate = { __class__: 'datetime.date', iso: dateIso({ year: y, month: m, day: d }), year: y, month: m, day: d };
  return v;
}

function makeTime(args: unknown[], builder: Builder): unknown {
  const [first, tz = null] = args;
  const b = payloadBytes(first, builder);
  if (!b) return undefined;
  if (b.length !== 6) builder.fail(`datetime.time: a payload of ${b.length} bytes (6 expected)`);
  // hour (bit 7 = fold, protocol 4+), minute, second, µs (3 bytes)
  const t = {
    hour: b[0] & 0x7f,
    minute: b[1],
    second: b[2],
    microsecond: (b[3] << 16) | (b[4] << 8) | b[5],
    fold: b[0] & 0x80 ? 1 : 0,
  };
  checkWall({ year: 2000, month: 1, day: 1, ...t }, builder, 'datetime.time');
  // time.utcoffset() asks the zone with no date: only fixed offsets answer.
  let offset: number | null = null;
  if (isTz(tz)) {
    if (tz.kind === 'utc' || tz.kind === 'fixed') offset = tz.utcoffsetSeconds;
    else if (tz.__class__ === 'pytz.StaticTzInfo') offset = zoneOffsetAt(tz.name, Date.now());
  }
  const v: PyTime = {
    __class__: 'datetime.time',
    iso: timeIso(t) + (offset === null ? '' : formatOffset(offset)),
    ...t,
    tz: tz as PyValue,
    utcoffsetSeconds: offset,
  };
  return v;
}

function makeTimedelta(args: unknown[], builder: Builder): unknown {
  const [days = 0, seconds = 0, micros = 0] = args;
  if (args.length > 3 || ![days, seconds, micros].every((x) => typeof x === 'number' && Number.isInteger(x))) return undefined;
  // Python's own limit (OverflowError beyond it); also keeps totalMicros an exact number.
  if (Math.abs(days as number) > 999_999_999 || Math.abs(seconds as number) > 2 ** 40 || Math.abs(micros as number) > 2 ** 50) {
    builder.fail('datetime.timedelta: out of range');
  }
  return timedeltaValue(BigInt(days as number) * 86_400_000_000n + BigInt(seconds as number) * 1_000_000n + BigInt(micros as number));
}

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};

/** A timedelta normalised the way Python stores it: 0 ≤ seconds < 86400, 0 ≤ µs < 10**6. */
function timedeltaValue(totalMicros: bigint): PyTimedelta {
  const days = floorDiv(totalMicros, 86_400_000_000n);
  const rest = totalMicros - days * 86_400_000_000n;
  return {
    __class__: 'datetime.timedelta',
    days: Number(days),
    seconds: Number(rest / 1_000_000n),
    microseconds: Number(rest % 1_000_000n),
    totalMicros: Number(totalMicros),
    text: formatTimedelta(totalMicros),
  };
}

/**
 * Python's str(timedelta): "[D day[s], ]H:MM:SS[.ffffff]", days negative for negative deltas
 * ("-1 day, 23:59:59"), microseconds always six digits when non-zero.
 */
export function formatTimedelta(micros: number | bigint): string {
  const total = typeof micros === 'bigint' ? micros : BigInt(Math.round(micros));
  const days = floorDiv(total, 86_400_000_000n);
  const rest = total - days * 86_400_000_000n;
  const us = Number(rest % 1_000_000n);
  const secs = Number(rest / 1_000_000n);
  let s = `${Math.floor(secs / 3600)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
  if (days !== 0n) s = `${days} day${days === 1n || days === -1n ? '' : 's'}, ${s}`;
  if (us) s += `.${pad(us, 6)}`;
  return s;
}


const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The ranges datetime itself enforces: anything else is a corrupt payload, not a date. */
function checkWall(w: Wall, b: Builder, cls: string): void {
  const leap = w.year % 4 === 0 && (w.year % 100 !== 0 || w.year % 400 === 0);
  const ok =
    [w.year, w.month, w.day, w.hour, w.minute, w.second, w.microsecond].every(Number.isInteger) &&
    w.year >= 1 && w.year <= 9999 && w.month >= 1 && w.month <= 12 &&
    w.day >= 1 && w.day <= DAYS_IN_MONTH[w.month - 1] + (w.month === 2 && leap ? 1 : 0) &&
    w.hour >= 0 && w.hour < 24 && w.minute >= 0 && w.minute < 60 && w.second >= 0 && w.second < 60 &&
    w.microsecond >= 0 && w.microsecond < 1_000_000;
  if (!ok) b.fail(`${cls}: a field out of range (${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}:${w.second}.${w.microsecond})`);
}
