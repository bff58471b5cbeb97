// The pickle decoder against pickles written by real Python, with expectations that Python
// computed (test/fixtures/gen/pickle_vectors.py). Nothing here is typed by hand except the
// identity and robustness checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePickle, PickleError, formatTimedelta, zoneOffsetForWall } from '../../src/stores/pickle';

interface Vector {
  name: string;
  protocol?: number;
  pickler?: string;
  blob: string;
  expected?: unknown;
  python_error?: string;
}

interface Vectors {
  values: Vector[];
  raw: Vector[];
  invalid: Vector[];
  jobs: Record<string, Vector[]>;
}

const vectors: Vectors = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'pickle', 'vectors.json'), 'utf8'),
);

const blob = (v: Vector): Buffer => Buffer.from(v.blob, 'base64');

/** JSON cannot hold big ints or nan/inf: the generator wrote markers for them. */
function revive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revive);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$bigint') return BigInt(o.$bigint as string);
    if (keys.length === 1 && keys[0] === '$float') {
      return { nan: NaN, inf: Infinity, '-inf': -Infinity }[o.$float as string];
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      Object.defineProperty(out, k, { value: revive(o[k]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

/** Set iteration order is Python's hash order, which a reload may change: compare sorted. */
function sortSets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortSets);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o)) {
      Object.defineProperty(out, k, { value: sortSets(o[k]), enumerable: true, writable: true, configurable: true });
    }
    if ((o.__class__ === 'builtins.set' || o.__class__ === 'builtins.frozenset') && Array.isArray(out.items)) {
      const key = (x: unknown) => JSON.stringify(x, (_k, y) => (typeof y === 'bigint' ? `${y}n` : y));
      out.items = [...(out.items as unknown[])].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    }
    return out;
  }
  return v;
}

const same = (actual: unknown, expected: unknown, message?: string): void =>
  assert.deepStrictEqual(sortSets(actual), sortSets(revive(expected)), message);

function byName(list: Vector[]): Map<string, Vector[]> {
  const m = new Map<string, Vector[]>();
  for (const v of list) m.set(v.name, [...(m.get(v.name) ?? []), v]);
  return m;
}

for (const [name, cases] of byName(vectors.values)) {
  test(`value ${name} decodes as Python loads it (protocols ${cases.map((c) => c.protocol).join(',')})`, () => {
    for (const c of cases) {
      same(decodePickle(blob(c)), c.expected, `protocol ${c.protocol}, ${c.pickler} pickler`);
    }
  });
}

for (const c of vectors.raw) {
  test(`hand-made opcode stream ${c.name}`, () => {
    same(decodePickle(blob(c)), c.expected);
  });
}

test('memo references stay shared (one object, as in Python)', () => {
  for (const c of byName(vectors.values).get('shared')!) {
    const v = decodePickle(blob(c)) as [unknown[], unknown[], { again: unknown[] }];
    assert.equal(v[0], v[1], `protocol ${c.protocol}`);
    assert.equal(v[0], v[2].again, `protocol ${c.protocol}`);
  }
});

test('a dict key named __proto__ stays an ordinary key', () => {
  for (const c of byName(vectors.values).get('proto_key')!) {
    const v = decodePickle(blob(c)) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepStrictEqual(Object.keys(v), ['__proto__']);
  }
});

test('a global in a module named like an Object property is named as written', () => {
  // Protocol 0: GLOBAL 'constructor foo', an empty tuple, REDUCE. Python 2 module names are mapped
  // (__builtin__ -> builtins); Object's own properties are not module names.
  for (const module of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    const v = decodePickle(Buffer.from(`c${module}\nfoo\n(tR.`, 'latin1')) as { __class__: string };
    assert.equal(v.__class__, `${module}.foo`);
  }
  assert.equal((decodePickle(Buffer.from('c__builtin__\nfoo\n(tR.', 'latin1')) as { __class__: string }).__class__, 'builtins.foo');
});

test('a pickle that asks to run a command is only described', () => {
  const [c] = byName(vectors.values).get('evil')!;
  assert.deepStrictEqual(decodePickle(blob(c)), { __class__: 'posix.system', args: ['echo pwned'] });
});

for (const c of vectors.invalid) {
  test(`malformed stream ${c.name} (Python: ${c.python_error}) throws PickleError`, () => {
    assert.throws(
      () => decodePickle(blob(c)),
      (e: unknown) => e instanceof PickleError && /offset \d+/.test(e.message),
    );
  });
}

test('error messages name the opcode and the offset', () => {
  const c = vectors.invalid.find((v) => v.name === 'unknown_opcode')!;
  assert.throws(() => decodePickle(blob(c)), { name: 'PickleError', message: /unknown opcode.*0xff.*offset 2/ });
  const t = vectors.invalid.find((v) => v.name === 'truncated_binunicode')!;
  assert.throws(() => decodePickle(blob(t)), { message: /truncated data.*BINUNICODE.*offset 2/ });
});

test('every truncation of real job-state pickles throws PickleError', () => {
  const samples = vectors.jobs['3.9.1'].filter((v) => v.name === 'with_args' || v.name === 'cron_positions');
  assert.ok(samples.length >= 4);
  for (const c of samples) {
    const full = blob(c);
    for (let n = 0; n < full.length; n++) {
      assert.throws(() => decodePickle(full.subarray(0, n)), PickleError, `${c.name} p${c.protocol} cut at ${n}`);
    }
  }
});

test('corrupted job-state pickles either decode or throw PickleError, nothing else', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const samples = Object.values(vectors.jobs).flat();
  for (let i = 0; i < 3000; i++) {
    const buf = Buffer.from(blob(samples[rand(samples.length)]));
    for (let k = 1 + rand(3); k > 0; k--) buf[rand(buf.length)] = rand(256);
    try {
      decodePickle(buf);
    } catch (e) {
      if (!(e instanceof PickleError)) throw new Error(`mutation ${i}: ${String(e)}\n${buf.toString('base64')}`);
    }
  }
});

test('formatTimedelta matches str(timedelta) for every pickled timedelta', () => {
  let checked = 0;
  for (const c of byName(vectors.values).get('timedeltas')!) {
    for (const td of c.expected as { days: number; seconds: number; microseconds: number; text: string }[]) {
      const micros = BigInt(td.days) * 86_400_000_000n + BigInt(td.seconds) * 1_000_000n + BigInt(td.microseconds);
      assert.equal(formatTimedelta(micros), td.text);
      if (micros <= BigInt(Number.MAX_SAFE_INTEGER) && micros >= -BigInt(Number.MAX_SAFE_INTEGER)) {
        assert.equal(formatTimedelta(Number(micros)), td.text);
      }
      checked++;
    }
  }
  assert.ok(checked > 20);
});

test('zoneinfo offsets follow fold in repeated and skipped hours', () => {
  // Same wall times as the dt_zoneinfo_fold*/gap* vectors, whose offsets Python computed.
  const vals = byName(vectors.values);
  for (const name of ['dt_zoneinfo_fold0', 'dt_zoneinfo_fold1', 'dt_zoneinfo_gap0', 'dt_zoneinfo_gap1']) {
    const c = vals.get(name)!.find((v) => v.protocol === 5)!;
    const e = c.expected as { year: number; month: number; day: number; hour: number; minute: number; fold: number; utcoffsetSeconds: number };
    const wall = Date.UTC(e.year, e.month - 1, e.day, e.hour, e.minute);
    assert.equal(zoneOffsetForWall('Europe/Helsinki', wall, e.fold), e.utcoffsetSeconds, name);
  }
});
