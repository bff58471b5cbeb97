// Python literals as sched-doctor writes them, read back by real Python: the same value, bit for
// bit, for text that needs escaping and for floats at the edges.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import type { PyValue } from '../../src/model/store-record';
import { pyLiteral, pyStr, PythonSource } from '../../src/recommend/python-literal';

const hasPython = spawnSync('/usr/bin/python3', ['-c', 'pass'], { stdio: 'ignore' }).status === 0;

const STRINGS = ['', 'plain', "it's", '"double"', 'back\\slash', 'line\nbreak\r\ttab', '\x00\x07\x1b\x7f', 'héllo ✓ 😀', '\u2028\u2029', '\u200b zero width', '\ud800 lone', 'x\udfffy', "'\"mixed\"'", '\\n not a newline'];
const FLOATS = [0, -0, 1, -1, 0.1, 1.5, 1e21, 1e-7, 123456789.125, Number.MAX_VALUE, Number.MIN_VALUE, 5e-324, 2 ** 53, NaN, Infinity, -Infinity];

test('str literals: escapes where needed, readable text kept', () => {
  assert.equal(pyStr("it's"), "'it\\'s'");
  assert.equal(pyStr('a\nb'), "'a\\nb'");
  assert.equal(pyStr('héllo ✓'), "'héllo ✓'");
  assert.equal(pyStr('\u2028'), "'\\u2028'");
  assert.equal(pyStr('\x00'), "'\\x00'");
});

test('containers keep their Python types', () => {
  const src = new PythonSource();
  const tuple = (...xs: PyValue[]) => Object.freeze(xs) as unknown as PyValue;
  assert.equal(pyLiteral(tuple(1), src), '(1,)');
  assert.equal(pyLiteral(tuple(), src), '()');
  assert.equal(pyLiteral([tuple(1, 2), []], src), '[(1, 2), []]');
  assert.equal(pyLiteral({ __class__: 'builtins.set', items: [] }, src), 'set()');
  assert.equal(pyLiteral({ __class__: 'builtins.frozenset', items: [1] }, src), 'frozenset({1})');
  assert.equal(pyLiteral({ __class__: 'builtins.frozenset', items: [] }, src), 'frozenset()');
  assert.equal(pyLiteral({ __class__: 'builtins.dict', items: [[tuple(1, 2), null]] }, src), '{(1, 2): None}');
  assert.equal(pyLiteral({ __class__: 'builtins.bytearray', base64: Buffer.from("a'\\\x00").toString('base64') }, src), "bytearray(b'a\\'\\\\\\x00')");
  assert.equal(pyLiteral(12345678901234567890123n, src), '12345678901234567890123');
  assert.equal(src.placeholders.length, 0);
  assert.equal(pyLiteral({ __class__: 'myapp.models.User', args: [] }, src), '<an instance of myapp.models.User: write it as your app builds it>');
  assert.equal(src.placeholders.length, 1);
});

test('real Python reads every literal back as the same value', { skip: hasPython ? false : '/usr/bin/python3 is not installed' }, () => {
  const src = new PythonSource();
  const strs = STRINGS.map((s) => pyLiteral(s, src));
  const floats = FLOATS.map((x) => pyLiteral({ __class__: 'builtins.float', args: [x] }, src));
  const program = [
    'import json, math, struct, sys',
    'data = json.loads(sys.stdin.read())',
    `strs = [${strs.join(', ')}]`,
    `floats = [${floats.join(', ')}]`,
    "bad = [i for i, (a, b) in enumerate(zip(strs, data['strings'])) if a != b or type(a) is not str]",
    "bits = lambda x: struct.pack('>d', x)",
    "want = [float(x) if not isinstance(x, str) else float(x) for x in data['floats']]",
    'badf = [i for i, (a, b) in enumerate(zip(floats, want)) if type(a) is not float or (bits(a) != bits(b) and not (math.isnan(a) and math.isnan(b)))]',
    'print(json.dumps([bad, badf, len(strs), len(floats)]))',
  ].join('\n');
  // JSON carries lone surrogates as \u escapes, which Python's json module reads as such.
  const input = JSON.stringify({ strings: STRINGS, floats: FLOATS.map((x) => (Number.isFinite(x) ? (Object.is(x, -0) ? '-0.0' : x) : String(x).replace('Infinity', 'inf'))) });
  const res = spawnSync('/usr/bin/python3', ['-c', program], { input, encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout), [[], [], STRINGS.length, FLOATS.length]);
});
