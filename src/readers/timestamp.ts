// Timestamp forms found in log prefixes, parsed without Date or date-fns: this runs once per line.
// A parsed stamp is a wall-clock time (microseconds as if it were UTC) plus the offset written
// with it, if any; the clock (clock.ts) turns stamps without an offset into instants.

import { daysFromCivil } from '../model/time';

export interface Stamp {
  /** Wall-clock microseconds, computed as though the wall time were UTC. */
  wall: number;
  /** Minutes east of UTC written on the line; undefined when the line gave no zone. */
  offsetMinutes?: number;
  /** Where the stamp sits in the string it was found in. */
  start: number;
  end: number;
  /** Which form matched, for the "format used" report. */
  form: StampForm;
  /**
   * A numeric date whose day and month could be either way round (`03/04/2026`): `wall` reads it
   * day first, `altWall` month first. The reader decides for the whole source (date-order.ts).
   */
  altWall?: number;
}

export type StampForm = 'iso' | 'iso-offset' | 'apache' | 'clf' | 'syslog' | 'epoch' | 'day-month' | 'month-day' | 'datefmt';

const MONTHS: Record<string, number> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
};

// `2024-01-01 16:23:18,123`, `2024-01-01T16:23:18.123456+08:00`, `2024/01/01 16:23:18`, `...Z`, `... UTC`, `... +0000`.
// An offset's hours stop at 14, so a pid glued to the stamp (`…,123-4130`) is not read as one.
const ISO =
  /(\d{4})[-/](\d\d)[-/](\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(?:(Z|[+-](?:0\d|1[0-4])(?::?[0-5]\d)?)(?!\d)| (UTC|GMT|[+-](?:0\d|1[0-4]):?[0-5]\d)\b)?/g;
// Apache error log: `[Mon Jan 01 16:23:18.123456 2024]` (time.asctime() pads the day with a space)
// Also `datefmt='%c'` / time.ctime() without the brackets: `Thu Nov 26 13:05:10 2026`.
const APACHE = /\[?(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))? (\d{4})\]?/g;
// `%(created)f`: Unix seconds (2001–2099) at the start of the line or of a bracket.
const EPOCH = /(?:^|\[)([1-3]\d{9}|40\d{8})(?:\.(\d{1,9}))?(?![\d.])/;
// Common log format: `01/Jan/2024:16:23:18 +0000`
const CLF = /(\d\d)\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/(\d{4}):(\d\d):(\d\d):(\d\d)(?: ([+-]\d{4}))?/g;
// syslog / `journalctl` short output, and `datefmt='%b %d %H:%M:%S'`: `Jan  1 16:23:18`, no year;
// at the start of the line or of a field.
const SYSLOG = /(?:^|(?<=[\s[(]))(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?:[.,](\d{1,6}))?(?= |\]|\)|$)/;
// A numeric `datefmt` with slashes, day or month first: `26/11/2026 14:18:47`,
// `11/26/2026 02:18:47 PM` (`%I` and `%p`), `26.11.2026 14:18:47` (day first only, as written in
// Europe). The order is decided from the data: a number above 12 is a day.
const NUMERIC_DATE = /(?<![\d/.])(\d{1,2})([/.])(\d{1,2})\2(\d{4}),?[ T](\d{1,2}):(\d\d):(\d\d)(?:[.,](\d{1,6}))?(?: ?([AaPp][Mm])\b)?(?![\d/])/g;
/** A syslog stamp more than this far ahead of the present is from last year (logs are read after they are written). */
const SYSLOG_AHEAD = 7 * 86400e6;

export function wallMicros(y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string | undefined): number {
  const days = daysFromCivil(y, mo, d);
  return ((days * 86400 + h * 3600 + mi * 60 + s) * 1e6) + fractionMicros(frac);
}

/** `123` → 123000 µs, `123456789` → 123456 µs (digits past microseconds are dropped). */
export function fractionMicros(frac: string | undefined): number {
  if (!frac) return 0;
  const six = frac.length >= 6 ? frac.slice(0, 6) : frac + '000000'.slice(frac.length);
  return Number(six);
}

/** `Z`, `UTC`, `+08:00`, `+0800`, `-03` → minutes east of UTC. */
export function parseOffset(text: string): number | undefined {
  if (text === 'Z' || text === 'UTC' || text === 'GMT') return 0;
  const m = /^([+-])(\d\d):?(\d\d)?$/.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * The ISO stamp that starts at `start` of `text` and ends at `end`, if it is one (a layout's
 * known position): what ISO matches there, read by hand, because it runs for every record and
 * the regex made nine strings per call. test/readers/timestamp.test.ts holds it to the regex.
 */
export function isoStampAt(text: string, start: number, end: number): Stamp | undefined {
  const n = text.length;
  if (start + 19 > n) return undefined;
  const y = digits(text, start, 4);
  const mo = digits(text, start + 5, 2);
  const d = digits(text, start + 8, 2);
  const h = digits(text, start + 11, 2);
  const mi = digits(text, start + 14, 2);
  const sec = digits(text, start + 17, 2);
  const s1 = text.charCodeAt(start + 4), s2 = text.charCodeAt(start + 7), t = text.charCodeAt(start + 10);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return undefined;
  if ((s1 !== 45 && s1 !== 47) || (s2 !== 45 && s2 !== 47) || (t !== 84 && t !== 32)) return undefined;
  if (text.charCodeAt(start + 13) !== 58 || text.charCodeAt(start + 16) !== 58) return undefined;
  let i = start + 19;
  // `[.,]` and 1 to 9 digits, as many as there are.
  let micros = 0;
  const sep = text.charCodeAt(i);
  if ((sep === 46 || sep === 44) && isDigit(text.charCodeAt(i + 1))) {
    const f = i + 1;
    let k = f;
    while (k < n && k - f < 9 && isDigit(text.charCodeAt(k))) k++;
    // Microseconds: the first six digits, padded (fractionMicros).
    for (let j = 0; j < 6; j++) micros = micros * 10 + (f + j < k ? text.charCodeAt(f + j) - 48 : 0);
    i = k;
  }
  let offsetMinutes: number | undefined;
  const z = zoneAt(text, i);
  if (z !== undefined) {
    offsetMinutes = z.minutes;
    i = z.end;
  }
  if (i !== end) return undefined;
  return {
    wall: (daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1e6 + micros,
    offsetMinutes,
    start, end, form: offsetMinutes === undefined ? 'iso' : 'iso-offset',
  };
}

/**
 * ISO's zone after the time, at `i`: `Z` or `±HH[[:]MM]` not followed by a digit, or a space and
 * `UTC`, `GMT` or `±HH[:]MM` at a word's end; the offset in minutes and where the zone ends.
 */
function zoneAt(text: string, i: number): { minutes: number; end: number } | undefined {
  const c = text.charCodeAt(i);
  if (c === 90 /* Z */) return isDigit(text.charCodeAt(i + 1)) ? undefined : { minutes: 0, end: i + 1 };
  if (c === 43 || c === 45) {
    const hh = offsetHours(text, i + 1);
    if (hh < 0) return undefined;
    const sign = c === 45 ? -1 : 1;
    // With minutes (`:MM` or `MM`) when they are there and no digit follows; else the hours alone.
    const colon = text.charCodeAt(i + 3) === 58 ? 1 : 0;
    const mm = minutesAt(text, i + 3 + colon);
    if (mm >= 0 && !isDigit(text.charCodeAt(i + 5 + colon))) return { minutes: sign * (hh * 60 + mm), end: i + 5 + colon };
    return isDigit(text.charCodeAt(i + 3)) ? undefined : { minutes: sign * hh * 60, end: i + 3 };
  }
  if (c !== 32) return undefined;
  const w = text.charCodeAt(i + 1);
  if (w === 85 || w === 71) {
    const word = text.slice(i + 1, i + 4);
    if ((word === 'UTC' || word === 'GMT') && !isWordChar(text.charCodeAt(i + 4))) return { minutes: 0, end: i + 4 };
    return undefined;
  }
  if (w !== 43 && w !== 45) return undefined;
  const hh = offsetHours(text, i + 2);
  if (hh < 0) return undefined;
  const colon = text.charCodeAt(i + 4) === 58 ? 1 : 0;
  const mm = minutesAt(text, i + 4 + colon);
  if (mm < 0 || isWordChar(text.charCodeAt(i + 6 + colon))) return undefined;
  return { minutes: (w === 45 ? -1 : 1) * (hh * 60 + mm), end: i + 6 + colon };
}

/** `0\d` or `1[0-4]` at `i`: an offset's hours, or -1. */
function offsetHours(text: string, i: number): number {
  const a = text.charCodeAt(i), b = text.charCodeAt(i + 1);
  if (!isDigit(b)) return -1;
  if (a === 48) return b - 48;
  if (a === 49 && b <= 52) return 10 + b - 48;
  return -1;
}

/** `[0-5]\d` at `i`, or -1. */
function minutesAt(text: string, i: number): number {
  const a = text.charCodeAt(i), b = text.charCodeAt(i + 1);
  return a >= 48 && a <= 53 && isDigit(b) ? (a - 48) * 10 + b - 48 : -1;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

export function findStamps(text: string): Stamp[] {
  const found: Stamp[] = [];
  ISO.lastIndex = 0;
  for (let m = ISO.exec(text); m; m = ISO.exec(text)) {
    const zone = m[8] ?? m[9];
    found.push({
      wall: wallMicros(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6], m[7]),
      offsetMinutes: zone === undefined ? undefined : parseOffset(zone),
      start: m.index,
      end: m.index + m[0].length,
      form: zone === undefined ? 'iso' : 'iso-offset',
    });
  }
  if (found.length === 0 || text.charCodeAt(0) === 91 /* [ */ || text.includes('/')) {
    APACHE.lastIndex = 0;
    for (let m = APACHE.exec(text); m; m = APACHE.exec(text)) {
      found.push({ wall: wallMicros(+m[7], MONTHS[m[1]], +m[2], +m[3], +m[4], +m[5], m[6]), start: m.index, end: m.index + m[0].length, form: 'apache' });
    }
    CLF.lastIndex = 0;
    for (let m = CLF.exec(text); m; m = CLF.exec(text)) {
      found.push({
        wall: wallMicros(+m[3], MONTHS[m[2]], +m[1], +m[4], +m[5], +m[6], undefined),
        offsetMinutes: m[7] ? parseOffset(m[7]) : undefined,
        start: m.index, end: m.index + m[0].length, form: 'clf',
      });
    }
    found.sort((a, b) => a.start - b.start);
  }
  if (found.length === 0) {
    NUMERIC_DATE.lastIndex = 0;
    for (let m = NUMERIC_DATE.exec(text); m; m = NUMERIC_DATE.exec(text)) {
      const stamp = numericDate(m);
      if (stamp) found.push(stamp);
    }
  }
  if (found.length === 0) {
    const m = SYSLOG.exec(text);
    if (m) found.push({ wall: syslogWall(MONTHS[m[1]], +m[2], +m[3], +m[4], +m[5], m[6]), start: m.index, end: m.index + m[0].length, form: 'syslog' });
  }
  if (found.length === 0) {
    const m = EPOCH.exec(text);
    if (m) {
      const start = m.index + (m[0].startsWith('[') ? 1 : 0);
      found.push({ wall: Number(m[1]) * 1e6 + fractionMicros(m[2]), offsetMinutes: 0, start, end: start + m[0].length - (m[0].startsWith('[') ? 1 : 0), form: 'epoch' });
    }
  }
  return found;
}

/** `a/b/yyyy h:mm:ss[.f] [AM|PM]` → a stamp, with both readings when day and month can swap. */
function numericDate(m: RegExpExecArray): Stamp | undefined {
  const a = +m[1], b = +m[3], y = +m[4];
  let h = +m[5];
  const mi = +m[6], sec = +m[7];
  const ampm = m[9]?.toUpperCase();
  if (ampm) {
    if (h < 1 || h > 12) return undefined;
    h = (h % 12) + (ampm === 'PM' ? 12 : 0);
  }
  if (h > 23 || mi > 59 || sec > 60) return undefined;
  const valid = (d: number, mo: number) => mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo);
  // Dotted dates are written day first; slashes either way.
  const dayFirst = valid(a, b);
  const monthFirst = m[2] === '/' && valid(b, a);
  if (!dayFirst && !monthFirst) return undefined;
  const start = m.index, end = m.index + m[0].length;
  if (dayFirst && monthFirst && a !== b) {
    return { wall: wallMicros(y, b, a, h, mi, sec, m[8]), altWall: wallMicros(y, a, b, h, mi, sec, m[8]), start, end, form: 'day-month' };
  }
  return dayFirst
    ? { wall: wallMicros(y, b, a, h, mi, sec, m[8]), start, end, form: 'day-month' }
    : { wall: wallMicros(y, a, b, h, mi, sec, m[8]), start, end, form: 'month-day' };
}

export function daysIn(y: number, mo: number): number {
  return mo === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
}

/** A syslog stamp has no year: the current one, or last year's when that would put it in the future. */
export function syslogWall(mo: number, d: number, h: number, mi: number, s: number, frac: string | undefined): number {
  const now = Date.now() * 1000;
  const year = new Date().getUTCFullYear();
  const wall = wallMicros(year, mo, d, h, mi, s, frac);
  return wall - now > SYSLOG_AHEAD ? wallMicros(year - 1, mo, d, h, mi, s, frac) : wall;
}

/**
 * The stamp that dates the record: one with an explicit zone beats one without (a container
 * runtime's RFC 3339 `Z` stamp is an exact instant, the app's local asctime is not); among
 * equals, the innermost (last) one, which is the Python record's own.
 */
export function pickStamp(stamps: Stamp[]): Stamp | undefined {
  let best: Stamp | undefined;
  for (const s of stamps) {
    if (!best) best = s;
    else if ((s.offsetMinutes !== undefined) >= (best.offsetMinutes !== undefined)) best = s;
  }
  return best;
}

/** Python's `str(datetime)` of an aware datetime, as in `scheduled at …`: the instant and its offset. */
export function parsePythonDatetime(text: string): { at: number; offsetMinutes: number } | undefined {
  // Hand-read (this runs for every run line): YYYY-MM-DD HH:MM:SS[.ffffff][±HH:MM[:SS[.ffffff]]|Z]
  const n = text.length;
  if (n < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const sep = text.charCodeAt(10);
  if (sep !== 32 && sep !== 84) return undefined;
  const y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  const h = digits(text, 11, 2), mi = digits(text, 14, 2), sec = digits(text, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return undefined;
  let i = 19;
  let micros = 0;
  if (i < n && text.charCodeAt(i) === 46) {
    const startFrac = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    const len = i - startFrac;
    if (len < 1 || len > 6) return undefined;
    micros = digits(text, startFrac, len) * 10 ** (6 - len);
  }
  let offset = 0;
  let offsetSeconds = 0;
  if (i < n) {
    const c = text.charCodeAt(i);
    if (c === 90 && i + 1 === n) {
      i++;
    } else if ((c === 43 || c === 45) && n - i >= 6 && text.charCodeAt(i + 3) === 58) {
      const sign = c === 45 ? -1 : 1;
      const oh = digits(text, i + 1, 2), om = digits(text, i + 4, 2);
      if (oh < 0 || om < 0) return undefined;
      offset = sign * (oh * 60 + om);
      i += 6;
      if (i < n) {
        // Python prints seconds (and microseconds) of an offset only when there are any.
        const m = /^:(\d\d)(?:\.\d+)?$/.exec(text.slice(i));
        if (!m) return undefined;
        offsetSeconds = sign * Number(m[1]);
        i = n;
      }
    } else return undefined;
  }
  if (i !== n) return undefined;
  const wall = (daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1e6 + micros;
  return { at: wall - offset * 60e6 - offsetSeconds * 1e6, offsetMinutes: offset };
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The number written by `count` digits at `at`, or -1. */
function digits(text: string, at: number, count: number): number {
  let v = 0;
  for (let k = at; k < at + count; k++) {
    const c = text.charCodeAt(k);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

/** Python's `str(timedelta)`: `0:00:07.156346`, `1 day, 2:03:04.500000`, `-1 day, 23:59:59`. */
export function parsePythonTimedelta(text: string): number | undefined {
  const m = /^(?:(-?\d+) days?, )?(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) return undefined;
  const days = m[1] ? Number(m[1]) : 0;
  return ((days * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1e6) + fractionMicros(m[5]);
}

