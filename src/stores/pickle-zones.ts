// Time zones in job-state pickles: the tzinfo objects pytz, zoneinfo and datetime.timezone pickle
// (only names and, for some, one offset), and the offsets and abbreviations Python would compute
// for them, from the system tz database (as zoneinfo reads it) or ICU.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PyTzInfo, PyTimedelta } from '../model/store-record';
import { daysFromCivil } from '../model/time';


export function tzUtc(cls: 'pytz.UTC' | 'datetime.timezone'): PyTzInfo {
  return {
    __class__: cls,
    kind: 'utc',
    name: 'UTC',
    utcoffsetSeconds: 0,
    dstSeconds: cls === 'pytz.UTC' ? 0 : null,
    abbrev: 'UTC',
  };
}

/**
 * pytz._p(zone) is a StaticTzInfo; pytz._p(zone, utcoffset, dst, tzname) a DstTzInfo localized
 * to one period: then the offset and abbreviation are right there in the arguments.
 */
export function makePytz(args: unknown[]): unknown {
  const [zone, utcoffset, dst, tzname] = args;
  if (typeof zone !== 'string') return undefined;
  if (args.length === 1) {
    return tzObject('pytz.StaticTzInfo', 'pytz', zone, null, null, null);
  }
  if (typeof utcoffset !== 'number' || typeof dst !== 'number' || typeof tzname !== 'string') {
    return undefined;
  }
  return tzObject('pytz.DstTzInfo', 'pytz', zone, utcoffset, dst, tzname);
}

export function makePytzFixed(args: unknown[]): unknown {
  const [minutes] = args;
  if (typeof minutes !== 'number') return undefined;
  if (minutes === 0) return tzUtc('pytz.UTC'); // pytz.FixedOffset(0) is pytz.utc
  return tzObject('pytz.FixedOffset', 'fixed', `pytz.FixedOffset(${minutes})`, minutes * 60, 0, null);
}

/** datetime.timezone(offset[, name]). */
export function makeTimezone(args: unknown[]): unknown {
  const [offset, name] = args;
  if (!isTimedelta(offset) || (name !== undefined && typeof name !== 'string')) return undefined;
  const seconds = offset.totalMicros / 1e6;
  if (seconds === 0 && name === undefined) return tzUtc('datetime.timezone');
  const label = name ?? `UTC${formatOffset(seconds)}`;
  return tzObject('datetime.timezone', 'fixed', label, seconds, null, label);
}

/** ZoneInfo._unpickle(key, from_cache): only the key is pickled, never the offsets. */
export function makeZoneInfo(args: unknown[]): unknown {
  const [key] = args;
  if (typeof key !== 'string') return undefined;
  return tzObject('zoneinfo.ZoneInfo', 'zoneinfo', key, null, null, null);
}

/** tzlocal 4.x's default zone: a pytz-compatible wrapper around a ZoneInfo. */
export function makeShimZone(args: unknown[]): unknown {
  const [zone, key] = args;
  const name = typeof key === 'string' ? key : isTz(zone) ? zone.name : null;
  if (name === null) return undefined;
  return tzObject('pytz_deprecation_shim._impl._PytzShimTimezone', 'zoneinfo', name, null, null, null);
}

function tzObject(
  cls: PyTzInfo['__class__'],
  kind: PyTzInfo['kind'],
  name: string,
  utcoffsetSeconds: number | null,
  dstSeconds: number | null,
  abbrev: string | null,
): PyTzInfo {
  return { __class__: cls, kind, name, utcoffsetSeconds, dstSeconds, abbrev };
}

const TZ_CLASSES = new Set<string>([
  'pytz.UTC',
  'pytz.DstTzInfo',
  'pytz.StaticTzInfo',
  'pytz.FixedOffset',
  'datetime.timezone',
  'zoneinfo.ZoneInfo',
  'pytz_deprecation_shim._impl._PytzShimTimezone',
]);

export function isTz(v: unknown): v is PyTzInfo {
  // The shape too: an instance of a zone class that the pickle built some other way (NEWOBJ with
  // arguments we did not read) carries the class name but none of the fields.
  return typeof v === 'object' && v !== null && TZ_CLASSES.has((v as PyTzInfo).__class__) &&
    typeof (v as PyTzInfo).name === 'string' && typeof (v as PyTzInfo).kind === 'string';
}

export function isTimedelta(v: unknown): v is PyTimedelta {
  return typeof v === 'object' && v !== null && (v as PyTimedelta).__class__ === 'datetime.timedelta';
}

/** '+02:00', '-03:30', '+01:39:49': Python's isoformat() offsets and timezone names. */
export function formatOffset(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  let micros = Math.round(Math.abs(seconds) * 1e6);
  const us = micros % 1e6;
  micros = (micros - us) / 1e6;
  const s = micros % 60;
  const m = Math.floor(micros / 60) % 60;
  const h = Math.floor(micros / 3600);
  let out = `${sign}${pad(h, 2)}:${pad(m, 2)}`;
  if (s || us) out += `:${pad(s, 2)}`;
  if (us) out += `.${pad(us, 6)}`;
  return out;
}

export function pad(n: number, width: number): string {
  // Two digits is most of what a store's datetimes print: without a string made to be padded.
  if (width === 2 && n >= 0 && n < 100 && Number.isInteger(n)) return n < 10 ? `0${n}` : `${n}`;
  return String(n).padStart(width, '0');
}

// --- zone offsets from ICU (zoneinfo pickles carry only the key)

const dtfCache = new Map<string, Intl.DateTimeFormat | null>();

function zoneFormatter(zone: string): Intl.DateTimeFormat | null {
  let f = dtfCache.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = null; // a key ICU does not know
    }
    dtfCache.set(zone, f);
  }
  return f;
}

/**
 * UTC milliseconds for wall-clock fields read as if they were UTC (years 1–99 included), by
 * arithmetic: a Date made and set per call was a tenth of a store's datetime decoding. The
 * fields are a valid date and time (checkWall, or ICU's own parts).
 */
export function wallMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  return (daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * 1000;
}

// formatToParts costs tens of µs; stores repeat instants (same schedules, the ±1 day probes).
const offsetCache = new Map<string, number | null>();

/** The zone's UTC offset in seconds at a UTC instant (ms), or null if the zone is unknown. */
export function zoneOffsetAt(zone: string, utcMs: number): number | null {
  const at = Math.floor(utcMs / 1000) * 1000;
  // The system tz database first, as Python's zoneinfo reads it: a binary search, where ICU's
  // formatToParts costs tens of µs per call (and a store has a new instant in every row). Only
  // ICU's answers are cached: the key, a string made per call, cost more than the search.
  const fromTzif = tzifOffsetAt(zone, at / 1000);
  if (fromTzif !== null) return fromTzif;
  const key = `${zone}|${at}`;
  let v = offsetCache.get(key);
  if (v === undefined) {
    v = icuOffsetAt(zone, at);
    if (offsetCache.size >= 100_000) offsetCache.clear();
    offsetCache.set(key, v);
  }
  return v;
}

/** The offset ICU gives, where the tz database has none (no file for the zone, or an instant past its table). */
function icuOffsetAt(zone: string, at: number): number | null {
  const f = zoneFormatter(zone);
  if (!f) return null;
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(at))) p[part.type] = part.value;
  let year = Number(p.year);
  if (p.era === 'BC' || p.era === 'B') year = 1 - year;
  const local = wallMs(year, Number(p.month), Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return (local - at) / 1000;
}

/**
 * The offset of a wall-clock time in a zone, with Python's fold rule (PEP 495): in a repeated
 * hour fold=0 picks the earlier (pre-transition) offset, in a skipped hour fold=0 also uses the
 * pre-transition offset; fold=1 picks the later one in both cases.
 */
export function zoneOffsetForWall(zone: string, wallUtcMs: number, fold: number): number | null {
  const DAY = 86_400_000;
  const before = zoneOffsetAt(zone, wallUtcMs - DAY);
  const after = zoneOffsetAt(zone, wallUtcMs + DAY);
  if (before === null || after === null) return null;
  if (before === after) return before;
  const validBefore = zoneOffsetAt(zone, wallUtcMs - before * 1000) === before;
  const validAfter = zoneOffsetAt(zone, wallUtcMs - after * 1000) === after;
  if (validBefore && validAfter) return fold ? after : before; // repeated hour
  if (validBefore) return before;
  if (validAfter) return after;
  return fold ? after : before; // skipped hour
}

// --- zone abbreviations (%Z) from the system tz database, as Python's zoneinfo reads them

interface TzifData {
  transitions: number[]; // UTC seconds
  types: number[]; // index into infos, per transition
  infos: { offset: number; isDst: boolean; abbrev: string }[];
  footer: { std: string; stdOffset: number; dst: string | null; dstOffset: number | null } | null;
}

const tzifCache = new Map<string, TzifData | null>();

function tzDirs(): string[] {
  const env = process.env.PYTHONTZPATH || process.env.TZDIR;
  if (env) return env.split(':').filter(Boolean);
  return ['/usr/share/zoneinfo', '/usr/lib/zoneinfo', '/usr/share/lib/zoneinfo', '/etc/zoneinfo'];
}

function loadTzif(zone: string): TzifData | null {
  if (tzifCache.has(zone)) return tzifCache.get(zone)!;
  let data: TzifData | null = null;
  // Only plain zone keys: never let a pickled string walk the file system.
  if (/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(zone)) {
    for (const dir of tzDirs()) {
      try {
        data = parseTzif(readFileSync(join(dir, zone)));
        if (data) break;
      } catch {
        // not in this directory
      }
    }
  }
  tzifCache.set(zone, data);
  return data;
}

/** RFC 8536 TZif, version 2+ (64-bit section and POSIX TZ footer). */
function parseTzif(b: Buffer): TzifData | null {
  if (b.length < 44 || b.toString('latin1', 0, 4) !== 'TZif') return null;
  const counts = (at: number) => [0, 1, 2, 3, 4, 5].map((i) => b.readUInt32BE(at + 20 + i * 4));
  const [isut, isstd, leap, time, type, chars] = counts(0);
  if (b[4] < 0x32) return null; // version 1 only: no 64-bit data
  let p = 44 + time * 5 + type * 6 + chars + leap * 8 + isstd + isut;
  if (b.toString('latin1', p, p + 4) !== 'TZif') return null;
  const [isut2, isstd2, leap2, time2, type2, chars2] = counts(p);
  p += 44;
  const transitions: number[] = [];
  for (let i = 0; i < time2; i++) transitions.push(Number(b.readBigInt64BE(p + i * 8)));
  p += time2 * 8;
  const types = [...b.subarray(p, p + time2)];
  p += time2;
  const rawInfos: { offset: number; isDst: boolean; ai: number }[] = [];
  for (let i = 0; i < type2; i++) {
    rawInfos.push({ offset: b.readInt32BE(p), isDst: b[p + 4] === 1, ai: b[p + 5] });
    p += 6;
  }
  const abbrs = b.subarray(p, p + chars2);
  p += chars2 + leap2 * 12 + isstd2 + isut2;
  const infos = rawInfos.map((t) => {
    const end = abbrs.indexOf(0, t.ai);
    return { offset: t.offset, isDst: t.isDst, abbrev: abbrs.toString('latin1', t.ai, end < 0 ? undefined : end) };
  });
  const footerText = b.toString('latin1', p).split('\n')[1] ?? '';
  return { transitions, types, infos, footer: parsePosixTz(footerText) };
}

/** Only the names and offsets of a POSIX TZ string ("EET-2EEST,M3.5.0/3,M10.5.0/4"). */
function parsePosixTz(s: string): TzifData['footer'] {
  const m = /^(<[^>]+>|[A-Za-z]+)([+-]?\d+(?::\d+){0,2})(?:(<[^>]+>|[A-Za-z]+)([+-]?\d+(?::\d+){0,2})?)?/.exec(s);
  if (!m) return null;
  const name = (x: string) => x.replace(/^<|>$/g, '');
  // POSIX offsets are west-positive: "EET-2" means UTC+2.
  const off = (x: string) => {
    const [h, mi = '0', se = '0'] = x.replace(/^[+-]/, '').split(':');
    const v = Number(h) * 3600 + Number(mi) * 60 + Number(se);
    return x.startsWith('-') ? v : -v;
  };
  const stdOffset = off(m[2]);
  return {
    std: name(m[1]),
    stdOffset,
    dst: m[3] ? name(m[3]) : null,
    dstOffset: m[3] ? (m[4] ? off(m[4]) : stdOffset + 3600) : null,
  };
}

/**
 * The offset at a UTC instant from the zone's TZif transitions, when the instant is within them
 * (Debian's files list transitions to 2037); null beyond them, or without a tz database.
 */
function tzifOffsetAt(zone: string, utcSeconds: number): number | null {
  const data = loadTzif(zone);
  if (!data) return null;
  const { transitions, types, infos, footer } = data;
  if (transitions.length === 0) {
    // A fixed zone (UTC, Etc/GMT+5): one offset, or a footer without daylight saving.
    if (footer && footer.dst === null) return footer.stdOffset + 0; // + 0: "UTC0" parses as -0
    return infos.length === 1 ? infos[0].offset : null;
  }
  if (utcSeconds >= transitions[transitions.length - 1]) return null; // the POSIX rule's time
  if (utcSeconds < transitions[0]) return (infos.find((t) => !t.isDst) ?? infos[0])?.offset ?? null;
  let lo = 0;
  let hi = transitions.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (transitions[mid] <= utcSeconds) lo = mid;
    else hi = mid - 1;
  }
  return infos[types[lo]]?.offset ?? null;
}

/** What Python's zoneinfo prints for %Z at a UTC instant with the given offset. */
export function zoneAbbreviation(zone: string, utcSeconds: number, offsetSeconds: number): string | null {
  const data = loadTzif(zone);
  if (data) {
    const { transitions, types, infos, footer } = data;
    if (transitions.length && utcSeconds < transitions[transitions.length - 1]) {
      let lo = 0;
      let hi = transitions.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (transitions[mid] <= utcSeconds) lo = mid;
        else hi = mid - 1;
      }
      if (transitions[lo] <= utcSeconds) return infos[types[lo]].abbrev;
      const first = infos.find((t) => !t.isDst) ?? infos[0]; // before the first transition
      return first?.abbrev ?? null;
    }
    if (footer) {
      if (footer.dst !== null && footer.dstOffset === offsetSeconds) return footer.dst;
      if (footer.stdOffset === offsetSeconds) return footer.std;
    }
    if (transitions.length) return infos[types[types.length - 1]].abbrev;
    if (infos.length) return infos[0].abbrev;
  }
  return intlAbbreviation(zone, utcSeconds, offsetSeconds);
}

/**
 * Without a tz database: ICU's short name when it is a letter abbreviation, else '+0545' style.
 * ICU gives letters only for the zones a locale commonly uses (CST in en-US, EET in en-GB, AEST
 * in en-AU, IST in en-IN), so several English locales are asked in turn.
 */
function intlAbbreviation(zone: string, utcSeconds: number, offsetSeconds: number): string {
  for (const locale of ['en-US', 'en-GB', 'en-AU', 'en-IN']) {
    try {
      const part = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' })
        .formatToParts(new Date(utcSeconds * 1000))
        .find((x) => x.type === 'timeZoneName');
      if (part && /^[A-Z]{2,5}$/.test(part.value)) return part.value;
    } catch {
      break; // unknown zone
    }
  }
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const h = pad(Math.floor(abs / 3600), 2);
  const m = Math.floor(abs / 60) % 60;
  return m ? `${sign}${h}${pad(m, 2)}` : `${sign}${h}`;
}

