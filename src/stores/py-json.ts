// Decoded pickle values as JSON, in time and size linear in the pickle.
//
// A pickle can name one object many times (memo references): `x = [x, x]` 25 times is 350 bytes
// that Python loads as 25 lists, but printed as a tree it is 2**25 copies. So a container met a
// second time is written as a reference to where it was first written, a JSON Pointer (RFC 6901)
// into the job state: {"__class__": "ref", "pointer": "/args/0/1"}. A container inside itself is
// a reference to its ancestor. Small fixed-size values (datetimes, zones, bytes, class names) are
// copied, so that common output reads as before. A budget bounds what one row may expand to
// (strings repeated by reference still multiply): beyond it the row is not shown, with the reason.

import type { PyValue } from '../model/store-record';

/** A JSON-safe rendering of a decoded value (big ints and non-finite floats become markers). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The row expands beyond the budget, or nests deeper than JSON output can follow. */
export class JsonLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonLimitError';
  }
}

/** Units a row may expand to: one per value plus one per character of text. */
export function expansionBudget(pickleBytes: number): number {
  return 1_000_000 + 4 * pickleBytes;
}

/** Nesting deeper than this is not rendered (Python's own repr stops near 1,000). */
export const MAX_DEPTH = 500;

// Values of bounded size: copied at every occurrence, never referenced.
const COPIED = new Set([
  'datetime.datetime', 'datetime.date', 'datetime.time', 'datetime.timedelta', 'builtins.bytes', 'builtins.bytearray',
  'pytz.UTC', 'pytz.DstTzInfo', 'pytz.StaticTzInfo', 'pytz.FixedOffset', 'datetime.timezone', 'zoneinfo.ZoneInfo',
  'pytz_deprecation_shim._impl._PytzShimTimezone',
]);

/** Python 3.11+ refuses str() of ints with more digits; beyond it, hex (linear to produce). */
const MAX_DECIMAL_BITS = 14_000;

interface Place {
  parent: Place | null;
  key: string | number;
}

export class JsonRenderer {
  private placed = new Map<object, Place>();
  private open = new Set<object>();
  private units = 0;

  constructor(private readonly budget: number) {}

  /** Render `v`, found at `path` in the job state (e.g. 'args', or 'kwargs', 'when'). */
  render(v: PyValue, ...path: (string | number)[]): JsonValue {
    let at: Place | null = null;
    for (const key of path) at = { parent: at, key };
    return this.value(v, at!, 0);
  }

  private spend(n: number): void {
    this.units += n;
    if (this.units > this.budget) {
      throw new JsonLimitError(`its arguments expand to more than ${this.budget.toLocaleString('en-US')} values and characters (repeated references to large values); not shown`);
    }
  }

  private value(v: PyValue, at: Place, depth: number): JsonValue {
    this.spend(1);
    if (typeof v === 'string') {
      this.spend(v.length);
      return v;
    }
    if (typeof v === 'bigint') return bigIntJson(v, this);
    if (typeof v === 'number') {
      if (Number.isFinite(v)) return v;
      return { __class__: 'builtins.float', value: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' };
    }
    if (v === null || typeof v !== 'object') return v;
    if (depth > MAX_DEPTH) throw new JsonLimitError(`its arguments nest more than ${MAX_DEPTH} levels deep; not shown`);
    const cls = (v as { __class__?: unknown }).__class__;
    const copied = '__global__' in v || (typeof cls === 'string' && COPIED.has(cls));
    if (!copied) {
      const first = this.placed.get(v);
      if (first) return this.ref(first);
      this.placed.set(v, at);
    } else if (this.open.has(v)) {
      return this.ref(this.placed.get(v)!); // inside itself
    } else if (!this.placed.has(v)) {
      this.placed.set(v, at);
    }
    this.open.add(v);
    let out: JsonValue;
    if (Array.isArray(v)) {
      const a: JsonValue[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) a[i] = this.value(v[i], { parent: at, key: i }, depth + 1);
      out = a;
    } else {
      const o: { [key: string]: JsonValue } = {};
      for (const k of Object.keys(v)) {
        this.spend(k.length);
        const x = this.value((v as Record<string, PyValue>)[k], { parent: at, key: k }, depth + 1);
        if (k === '__proto__') Object.defineProperty(o, k, { value: x, enumerable: true, writable: true, configurable: true });
        else o[k] = x;
      }
      out = o;
    }
    this.open.delete(v);
    return out;
  }

  private ref(at: Place): JsonValue {
    const p = pointer(at);
    this.spend(p.length);
    return { __class__: 'ref', pointer: p };
  }

  /** For bigIntJson. */
  charge(n: number): void {
    this.spend(n);
  }
}

function bigIntJson(v: bigint, r: JsonRenderer): JsonValue {
  const hex = (v < 0n ? -v : v).toString(16);
  r.charge(hex.length);
  if (hex.length * 4 <= MAX_DECIMAL_BITS) return { __class__: 'builtins.int', value: v.toString() };
  return { __class__: 'builtins.int', hex: `${v < 0n ? '-' : ''}0x${hex}` };
}

/** RFC 6901: '~' is '~0' and '/' is '~1' inside a key. */
function pointer(p: Place): string {
  const keys: string[] = [];
  for (let q: Place | null = p; q; q = q.parent) keys.push(String(q.key).replace(/~/g, '~0').replace(/\//g, '~1'));
  return '/' + keys.reverse().join('/');
}
