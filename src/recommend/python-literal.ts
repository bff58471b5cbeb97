// Decoded pickle values (decodePickle with exactTypes) written back as Python source that builds
// an equal value: strings escaped, tuples kept apart from lists, 1.0 apart from 1, datetimes in
// the same zone library they were pickled with (pytz, zoneinfo, datetime.timezone).
//
// A value that cannot be written as source (an instance of an application class, a function
// object) becomes a marked placeholder `<…>`: a syntax error if pasted unfilled, never a wrong value.

import { isTz, zoneOffsetForWall } from '../stores/pickle';
import type { PyDate, PyDateTime, PyTime, PyTimedelta, PyTzInfo, PyValue } from '../model/store-record';

/** What the rendered source needs: imports, and the values it could not write. */
export class PythonSource {
  readonly imports = new Set<string>();
  readonly placeholders: string[] = [];

  /** `from datetime import datetime` style lines, merged per module, sorted. */
  importLines(): string[] {
    const from = new Map<string, Set<string>>();
    const plain: string[] = [];
    for (const imp of this.imports) {
      const m = /^from (\S+) import (\S+)$/.exec(imp);
      if (m) from.set(m[1], (from.get(m[1]) ?? new Set()).add(m[2]));
      else plain.push(imp);
    }
    const lines = [...plain.sort()];
    for (const mod of [...from.keys()].sort()) lines.push(`from ${mod} import ${[...from.get(mod)!].sort().join(', ')}`);
    return lines;
  }

  placeholder(what: string): string {
    this.placeholders.push(what);
    return `<${what}>`;
  }
}

const SHIM = 'pytz_deprecation_shim._impl._PytzShimTimezone';

export function pyLiteral(v: PyValue, src: PythonSource): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloat(v, src);
  if (typeof v === 'string') return pyStr(v);
  if (Array.isArray(v)) {
    const items = v.map((x) => pyLiteral(x, src));
    if (!Object.isFrozen(v)) return `[${items.join(', ')}]`;
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if ('__global__' in v && typeof v.__global__ === 'string') return src.placeholder(`the object ${v.__global__}`);
  if (!('__class__' in v) || typeof v.__class__ !== 'string') {
    return `{${Object.entries(v as Record<string, PyValue>).map(([k, x]) => `${pyStr(k)}: ${pyLiteral(x, src)}`).join(', ')}}`;
  }
  const o = v as { __class__: string; [k: string]: unknown };
  switch (o.__class__) {
    case 'builtins.float':
      return pyFloat((o.args as number[])[0], src);
    case 'builtins.bytes':
      return pyBytes(Buffer.from(o.base64 as string, 'base64'));
    case 'builtins.bytearray':
      return `bytearray(${pyBytes(Buffer.from(o.base64 as string, 'base64'))})`;
    case 'builtins.dict':
      return `{${(o.items as [PyValue, PyValue][]).map(([k, x]) => `${pyLiteral(k, src)}: ${pyLiteral(x, src)}`).join(', ')}}`;
    case 'builtins.set':
    case 'builtins.frozenset': {
      const items = (o.items as PyValue[]).map((x) => pyLiteral(x, src));
      const set = items.length ? `{${items.join(', ')}}` : o.__class__ === 'builtins.set' ? 'set()' : '';
      return o.__class__ === 'builtins.set' ? set : `frozenset(${set})`;
    }
    case 'datetime.datetime':
      return pyDateTime(v as PyDateTime, src);
    case 'datetime.date': {
      const d = v as PyDate;
      src.imports.add('from datetime import date');
      return `date(${d.year}, ${d.month}, ${d.day})`;
    }
    case 'datetime.time':
      return pyTime(v as PyTime, src);
    case 'datetime.timedelta':
      return pyTimedelta(v as PyTimedelta, src);
    case 'decimal.Decimal': {
      const a = o.args as PyValue[] | undefined;
      if (a?.length === 1 && typeof a[0] === 'string') {
        src.imports.add('from decimal import Decimal');
        return `Decimal(${pyStr(a[0])})`;
      }
      break;
    }
    case 'builtins.complex': {
      const a = o.args as PyValue[] | undefined;
      if (a?.length === 2) return `complex(${pyLiteral(a[0], src)}, ${pyLiteral(a[1], src)})`;
      break;
    }
  }
  if (isTz(v)) return pyTz(v, src);
  return src.placeholder(`an instance of ${o.__class__}: write it as your app builds it`);
}

// ---------------------------------------------------------------------------------------------
// Scalars

/** A float literal that parses back to the same double (JS's shortest round-trip digits). */
function pyFloat(x: number, src: PythonSource): string {
  if (Number.isNaN(x)) return "float('nan')";
  if (x === Infinity) return "float('inf')";
  if (x === -Infinity) return "-float('inf')";
  if (Object.is(x, -0)) return '-0.0';
  void src;
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

const STR_ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A str literal in single quotes. Printable non-ASCII text stays readable (source files are
 * UTF-8); control and format characters, line separators and lone surrogates are escaped.
 */
export function pyStr(s: string): string {
  let out = "'";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (STR_ESCAPES[c]) {
      out += STR_ESCAPES[c];
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      const pair = s.slice(i, i + 2);
      out += /\p{C}/u.test(pair) ? `\\U${pair.codePointAt(0)!.toString(16).padStart(8, '0')}` : pair;
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += `\\u${code.toString(16).padStart(4, '0')}`; // a lone surrogate (surrogatepass)
    } else if (code < 0x20 || code === 0x7f) {
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    } else if (code > 0x7f && /[\p{C}\p{Zl}\p{Zp}]/u.test(c)) {
      out += code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    } else {
      out += c;
    }
  }
  return out + "'";
}

function pyBytes(b: Buffer): string {
  let out = "b'";
  for (const byte of b) {
    const c = String.fromCharCode(byte);
    if (STR_ESCAPES[c]) out += STR_ESCAPES[c];
    else if (byte >= 0x20 && byte < 0x7f) out += c;
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out + "'";
}

// ---------------------------------------------------------------------------------------------
// Dates, times and zones

function wallArgs(d: { hour: number; minute: number; second: number; microsecond: number }): number[] {
  const parts = [d.hour, d.minute, d.second, d.microsecond];
  while (parts.length > 0 && parts[parts.length - 1] === 0) parts.pop();
  return parts;
}

/**
 * An aware datetime in the zone object it was pickled with. pytz zones are attached with
 * localize() (a tzinfo= argument would give the zone's first, LMT, offset); is_dst picks the
 * pickled side of an ambiguous or skipped wall time.
 */
function pyDateTime(d: PyDateTime, src: PythonSource): string {
  src.imports.add('from datetime import datetime');
  const args = [d.year, d.month, d.day, ...wallArgs(d)].join(', ');
  const tz = d.tz;
  if (tz === null || tz === undefined) return `datetime(${args}${d.fold ? ', fold=1' : ''})`;
  if (!isTz(tz)) return `datetime(${args}, tzinfo=${src.placeholder(`the time zone ${describeClass(tz)}`)})`;
  if (tz.__class__ === 'pytz.DstTzInfo' || tz.__class__ === 'pytz.StaticTzInfo' || tz.__class__ === SHIM) {
    src.imports.add('import pytz');
    // is_dst only decides a wall time that occurs twice or not at all; tzlocal 4's shim zone keeps
    // the fold instead (fold=0: the first, summer, reading of a repeated hour).
    const dst = tz.__class__ === SHIM ? (d.fold ? 0 : 1) : tz.dstSeconds;
    const isDst = dst === null || !ambiguous(tz.name, d) ? '' : `, is_dst=${dst !== 0 ? 'True' : 'False'}`;
    return `pytz.timezone(${pyStr(tz.name)}).localize(datetime(${args})${isDst})`;
  }
  return `datetime(${args}, tzinfo=${pyTz(tz, src, true)}${d.fold ? ', fold=1' : ''})`;
}

/** A wall time that a DST change repeats or skips in `zone`, or one the zone data cannot place. */
function ambiguous(zone: string, d: PyDateTime): boolean {
  const wall = Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second);
  const first = zoneOffsetForWall(zone, wall, 0);
  const second = zoneOffsetForWall(zone, wall, 1);
  return first === null || second === null || first !== second;
}

function pyTime(t: PyTime, src: PythonSource): string {
  src.imports.add('from datetime import time');
  const args = wallArgs(t);
  const tz = t.tz !== null && t.tz !== undefined ? `, tzinfo=${isTz(t.tz) ? pyTz(t.tz, src, true) : src.placeholder('a time zone')}` : '';
  return `time(${args.join(', ') || '0'}${tz}${t.fold ? ', fold=1' : ''})`;
}

function pyTimedelta(td: PyTimedelta, src: PythonSource): string {
  src.imports.add('from datetime import timedelta');
  const parts: string[] = [];
  if (td.days) parts.push(`days=${td.days}`);
  if (td.seconds) parts.push(`seconds=${td.seconds}`);
  if (td.microseconds) parts.push(`microseconds=${td.microseconds}`);
  return `timedelta(${parts.join(', ')})`;
}

/**
 * A zone object as source. `asTzinfo`: the zone is attached to a datetime, so it must be an
 * object; otherwise (a trigger's timezone=) a pytz zone is its name, which every APScheduler 3.x
 * turns back into the same zone (pytz up to 3.10; 3.11 converts pytz zones to ZoneInfo either way).
 */
export function pyTz(tz: PyTzInfo, src: PythonSource, asTzinfo = false): string {
  switch (tz.__class__) {
    case 'pytz.UTC':
      if (!asTzinfo) return "'UTC'";
      src.imports.add('import pytz');
      return 'pytz.utc';
    case 'pytz.DstTzInfo':
    case 'pytz.StaticTzInfo':
    case SHIM:
      // The shim (tzlocal 4's local zone) is pytz's interface over zoneinfo: the pytz zone of that name.
      if (!asTzinfo) return pyStr(tz.name);
      src.imports.add('import pytz');
      return `pytz.timezone(${pyStr(tz.name)})`;
    case 'pytz.FixedOffset': {
      src.imports.add('import pytz');
      return `pytz.FixedOffset(${Math.round((tz.utcoffsetSeconds ?? 0) / 60)})`;
    }
    case 'datetime.timezone': {
      src.imports.add('from datetime import timezone');
      if (tz.kind === 'utc') return 'timezone.utc';
      src.imports.add('from datetime import timedelta');
      const secs = tz.utcoffsetSeconds ?? 0;
      const offset = `timedelta(${Number.isInteger(secs) ? `seconds=${secs}` : `microseconds=${Math.round(secs * 1e6)}`})`;
      const defaultName = `UTC${secs < 0 ? '-' : '+'}${String(Math.floor(Math.abs(secs) / 3600)).padStart(2, '0')}:${String(Math.floor(Math.abs(secs) / 60) % 60).padStart(2, '0')}`;
      return tz.name === defaultName ? `timezone(${offset})` : `timezone(${offset}, ${pyStr(tz.name)})`;
    }
    case 'zoneinfo.ZoneInfo':
      break;
  }
  src.imports.add('from zoneinfo import ZoneInfo');
  return `ZoneInfo(${pyStr(tz.name)})`;
}

function describeClass(v: PyValue): string {
  return typeof v === 'object' && v !== null && '__class__' in v ? String((v as { __class__: unknown }).__class__) : typeof v;
}
