// A safe decoder for Python pickles (protocols 0–5), written for APScheduler job stores.
//
// It never executes anything: classes and functions named in the pickle are only recorded by
// name, and a handful of well-known ones (datetime, time zones, bytes, sets…) are turned into
// readable values. Decoding happens in two passes: a stack machine builds internal nodes (so that
// containers can still be filled after they were memoised), then `finalize` turns them into the
// PyValue shapes of src/model/store-record.ts, keeping shared references shared.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  PyValue,
  PyObject,
  PyTzInfo,
  PyDateTime,
  PyDate,
  PyTime,
  PyTimedelta,
} from '../model/store-record';

export class PickleError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly opcode?: number,
  ) {
    super(message);
    this.name = 'PickleError';
  }
}

// ---------------------------------------------------------------------------------------------
// Internal nodes (pass 1). Lists and tuples are plain arrays (tuples frozen); primitives are
// themselves; values made by known constructors are plain objects that are already final.

class DictNode {
  pairs: [unknown, unknown][] = [];
}
class SetNode {
  constructor(
    readonly frozen: boolean,
    readonly items: unknown[] = [],
  ) {}
}
class BytesNode {
  constructor(
    readonly data: Buffer,
    readonly mutable: boolean,
  ) {}
}
/** A class or function named by module and qualified name. */
class GlobalRef {
  constructor(readonly name: string) {}
}
/** A float, kept apart from ints when the caller asks for exact types (1.0 is not 1). */
class FloatNode {
  constructor(readonly value: number) {}
}
/** An instance of a class we do not interpret. */
class ObjNode {
  args?: unknown[];
  kwargs?: unknown;
  state?: unknown;
  dictItems?: DictNode;
  listItems?: unknown[];
  constructor(readonly cls: string) {}
}

// Python 2 module names written by protocols 0–2 (Python 3 maps them back on load).
const PY2_MODULES: Record<string, string> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
  exceptions: 'builtins',
};

// ---------------------------------------------------------------------------------------------
// Byte reader

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  /** Start offset of the opcode being decoded, for error messages. */
  opStart = 0;
  op = 0;

  fail(message: string): never {
    throw new PickleError(
      `pickle: ${message} (opcode ${opName(this.op)} at offset ${this.opStart})`,
      this.opStart,
      this.op,
    );
  }

  need(n: number): void {
    if (n > this.buf.length - this.pos) {
      this.fail(`truncated data: needs ${n} bytes, ${this.buf.length - this.pos} left`);
    }
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    // Anything longer than the buffer fails in take(); clamp so the message stays numeric.
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  f64be(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }
  take(n: number): Buffer {
    if (n < 0) this.fail(`negative length ${n}`);
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  /** A protocol-0 argument: bytes up to the next newline, as latin-1 text. */
  line(): string {
    const end = this.buf.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('truncated data: missing end of line');
    const s = this.buf.toString('latin1', this.pos, end);
    this.pos = end + 1;
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Opcodes

const OP = {
  MARK: 0x28, // (
  STOP: 0x2e, // .
  POP: 0x30, // 0
  POP_MARK: 0x31, // 1
  DUP: 0x32, // 2
  FLOAT: 0x46, // F
  INT: 0x49, // I
  BININT: 0x4a, // J
  BININT1: 0x4b, // K
  LONG: 0x4c, // L
  BININT2: 0x4d, // M
  NONE: 0x4e, // N
  PERSID: 0x50, // P
  BINPERSID: 0x51, // Q
  REDUCE: 0x52, // R
  STRING: 0x53, // S
  BINSTRING: 0x54, // T
  SHORT_BINSTRING: 0x55, // U
  UNICODE: 0x56, // V
  BINUNICODE: 0x58, // X
  APPEND: 0x61, // a
  BUILD: 0x62, // b
  GLOBAL: 0x63, // c
  DICT: 0x64, // d
  EMPTY_DICT: 0x7d, // }
  APPENDS: 0x65, // e
  GET: 0x67, // g
  BINGET: 0x68, // h
  INST: 0x69, // i
  LONG_BINGET: 0x6a, // j
  LIST: 0x6c, // l
  EMPTY_LIST: 0x5d, // ]
  OBJ: 0x6f, // o
  PUT: 0x70, // p
  BINPUT: 0x71, // q
  LONG_BINPUT: 0x72, // r
  SETITEM: 0x73, // s
  TUPLE: 0x74, // t
  EMPTY_TUPLE: 0x29, // )
  SETITEMS: 0x75, // u
  BINFLOAT: 0x47, // G
  BINBYTES: 0x42, // B
  SHORT_BINBYTES: 0x43, // C
  PROTO: 0x80,
  NEWOBJ: 0x81,
  EXT1: 0x82,
  EXT2: 0x83,
  EXT4: 0x84,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  LONG4: 0x8b,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  NEWOBJ_EX: 0x92,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95,
  BYTEARRAY8: 0x96,
  NEXT_BUFFER: 0x97,
  READONLY_BUFFER: 0x98,
} as const;

const OP_NAMES = new Map<number, string>(Object.entries(OP).map(([k, v]) => [v, k]));

function opName(op: number): string {
  const hex = `0x${op.toString(16).padStart(2, '0')}`;
  const name = OP_NAMES.get(op);
  return name ? `${name} (${hex})` : hex;
}

// ---------------------------------------------------------------------------------------------
// Scalars

/** Python int → number when exact, bigint otherwise. */
function pyInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** LONG1 / LONG4 payload: little-endian two's complement. */
function decodeLong(bytes: Buffer): number | bigint {
  if (bytes.length === 0) return 0;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(bytes.length * 8);
  return pyInt(v);
}

function parseDecimalInt(r: Reader, text: string): number | bigint {
  const s = text.trim();
  if (!/^[+-]?\d+$/.test(s)) r.fail(`bad integer ${JSON.stringify(text)}`);
  return pyInt(BigInt(s));
}

function parseFloatText(r: Reader, text: string): number {
  const s = text.trim().toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(s)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) r.fail(`bad float ${JSON.stringify(text)}`);
  return Number(s);
}

/**
 * UTF-8 as Python pickles it: with 'surrogatepass', so lone surrogates may be encoded. The fast
 * path is TextDecoder; ignoreBOM keeps a leading U+FEFF that is part of the string.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function decodeUtf8(r: Reader, bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return decodeUtf8SurrogatePass(r, bytes);
  }
}

function decodeUtf8SurrogatePass(r: Reader, b: Buffer): string {
  let out = '';
  let i = 0;
  const cont = (k: number): number => {
    if (k >= b.length || (b[k] & 0xc0) !== 0x80) r.fail('invalid UTF-8 in string');
    return b[k] & 0x3f;
  };
  while (i < b.length) {
    const c = b[i];
    let cp: number;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else if (c >= 0xc2 && c < 0xe0) {
      cp = ((c & 0x1f) << 6) | cont(i + 1);
      i += 2;
    } else if (c >= 0xe0 && c < 0xf0) {
      cp = ((c & 0x0f) << 12) | (cont(i + 1) << 6) | cont(i + 2);
      if (cp < 0x800) r.fail('invalid UTF-8 in string');
      i += 3;
    } else if (c >= 0xf0 && c < 0xf5) {
      cp = ((c & 0x07) << 18) | (cont(i + 1) << 12) | (cont(i + 2) << 6) | cont(i + 3);
      if (cp < 0x10000 || cp > 0x10ffff) r.fail('invalid UTF-8 in string');
      i += 4;
    } else {
      r.fail('invalid UTF-8 in string');
    }
    out += String.fromCodePoint(cp);
  }
  return out;
}

/**
 * UNICODE (protocol 0): raw-unicode-escape, i.e. latin-1 plus \uXXXX and \UXXXXXXXX. As in
 * Python's codec, only a backslash that is not itself escaped (an odd run) starts an escape.
 */
function decodeRawUnicodeEscape(r: Reader, s: string): string {
  return s.replace(/(\\+)(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/g, (m, slashes: string, esc: string) => {
    if (slashes.length % 2 === 0) return m;
    const cp = parseInt(esc.slice(1), 16);
    if (cp > 0x10ffff) r.fail('bad \\U escape in UNICODE');
    return slashes.slice(1) + String.fromCodePoint(cp);
  });
}

/** STRING (protocol 0, Python 2 str): a quoted repr with backslash escapes → bytes. */
function decodeStringRepr(r: Reader, text: string): Buffer {
  const q = text[0];
  if (text.length < 2 || (q !== "'" && q !== '"') || text[text.length - 1] !== q) {
    r.fail('the STRING opcode argument must be quoted');
  }
  const body = text.slice(1, -1);
  const out: number[] = [];
  const simple: Record<string, number> = {
    n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34,
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      out.push(body.charCodeAt(i) & 0xff);
      continue;
    }
    const e = body[++i];
    if (e === undefined) r.fail('trailing backslash in STRING');
    if (e in simple) out.push(simple[e]);
    else if (e === '\n') continue;
    else if (e === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) r.fail('bad \\x escape in STRING');
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (/[0-7]/.test(e)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out.push(parseInt(oct, 8) & 0xff);
      i += oct.length - 1;
    } else {
      out.push(92, body.charCodeAt(i) & 0xff); // unknown escapes stay as written
    }
  }
  return Buffer.from(out);
}

// ---------------------------------------------------------------------------------------------
// The stack machine (pass 1)

class Machine {
  private stack: unknown[] = [];
  private marks: number[] = [];
  private memo = new Map<number, unknown>();

  constructor(
    private readonly r: Reader,
    private readonly exact = false,
  ) {}

  run(): unknown {
    const r: Reader = this.r;
    for (;;) {
      if (r.pos >= r.buf.length) {
        r.opStart = r.pos;
        throw new PickleError(
          `pickle: truncated data: no STOP opcode before the end (offset ${r.pos})`,
          r.pos,
        );
      }
      r.opStart = r.pos;
      r.op = r.u8();
      if (r.op === OP.STOP) return this.pop();
      this.step(r.op);
    }
  }

  private float(v: number): unknown {
    return this.exact ? new FloatNode(v) : v;
  }

  private push(v: unknown): void {
    this.stack.push(v);
  }

  private pop(): unknown {
    const floor = this.marks.length ? this.marks[this.marks.length - 1] : 0;
    if (this.stack.length <= floor) this.r.fail('stack underflow');
    return this.stack.pop();
  }

  private top(): unknown {
    const floor = this.marks.length ? this.marks[this.marks.length - 1] : 0;
    if (this.stack.length <= floor) this.r.fail('stack underflow');
    return this.stack[this.stack.length - 1];
  }

  /** Items pushed since the last MARK, removing the mark. */
  private popMark(): unknown[] {
    const at = this.marks.pop();
    if (at === undefined) this.r.fail('no MARK on the stack');
    return this.stack.splice(at);
  }

  private memoGet(key: number): unknown {
    if (!this.memo.has(key)) this.r.fail(`memo key ${key} not found`);
    return this.memo.get(key);
  }

  private memoPut(key: number): void {
    if (key < 0) this.r.fail(`negative memo key ${key}`);
    this.memo.set(key, this.top());
  }

  private step(op: number): void {
    const r: Reader = this.r; // annotated so that TypeScript knows r.fail() never returns
    switch (op) {
      // --- framing and protocol
      case OP.PROTO: {
        const v = r.u8();
        if (v > 5) r.fail(`unsupported pickle protocol ${v}`);
        return;
      }
      case OP.FRAME:
        r.u64(); // frames only group opcodes for buffered I/O; the content is read as usual
        return;

      // --- constants and numbers
      case OP.NONE:
        return this.push(null);
      case OP.NEWTRUE:
        return this.push(true);
      case OP.NEWFALSE:
        return this.push(false);
      case OP.INT: {
        const s = r.line();
        // Protocols 0–1 write booleans as INT 01 / 00.
        if (s === '01') return this.push(true);
        if (s === '00') return this.push(false);
        return this.push(parseDecimalInt(r, s));
      }
      case OP.BININT:
        return this.push(r.i32());
      case OP.BININT1:
        return this.push(r.u8());
      case OP.BININT2:
        return this.push(r.u16());
      case OP.LONG: {
        const s = r.line();
        return this.push(parseDecimalInt(r, s.endsWith('L') ? s.slice(0, -1) : s));
      }
      case OP.LONG1:
        return this.push(decodeLong(r.take(r.u8())));
      case OP.LONG4:
        return this.push(decodeLong(r.take(r.i32())));
      case OP.FLOAT:
        return this.push(this.float(parseFloatText(r, r.line())));
      case OP.BINFLOAT:
        return this.push(this.float(r.f64be()));

      // --- text and bytes
      case OP.STRING:
        return this.push(decodeStringRepr(r, r.line()).toString('latin1'));
      case OP.BINSTRING:
        // Python 2 str: kept as text, read as latin-1 (like Python 3's encoding='latin1').
        return this.push(r.take(r.i32()).toString('latin1'));
      case OP.SHORT_BINSTRING:
        return this.push(r.take(r.u8()).toString('latin1'));
      case OP.UNICODE:
        return this.push(decodeRawUnicodeEscape(r, r.line()));
      case OP.SHORT_BINUNICODE:
        return this.push(decodeUtf8(r, r.take(r.u8())));
      case OP.BINUNICODE:
        return this.push(decodeUtf8(r, r.take(r.u32())));
      case OP.BINUNICODE8:
        return this.push(decodeUtf8(r, r.take(r.u64())));
      case OP.SHORT_BINBYTES:
        return this.push(new BytesNode(Buffer.from(r.take(r.u8())), false));
      case OP.BINBYTES:
        return this.push(new BytesNode(Buffer.from(r.take(r.u32())), false));
      case OP.BINBYTES8:
        return this.push(new BytesNode(Buffer.from(r.take(r.u64())), false));
      case OP.BYTEARRAY8:
        return this.push(new BytesNode(Buffer.from(r.take(r.u64())), true));

      // --- tuples
      case OP.EMPTY_TUPLE:
        return this.push(Object.freeze([]));
      case OP.TUPLE1:
        return this.push(Object.freeze([this.pop()]));
      case OP.TUPLE2: {
        const b = this.pop();
        const a = this.pop();
        return this.push(Object.freeze([a, b]));
      }
      case OP.TUPLE3: {
        const c = this.pop();
        const b = this.pop();
        const a = this.pop();
        return this.push(Object.freeze([a, b, c]));
      }
      case OP.TUPLE:
        return this.push(Object.freeze(this.popMark()));

      // --- lists
      case OP.EMPTY_LIST:
        return this.push([]);
      case OP.LIST:
        return this.push(this.popMark());
      case OP.APPEND: {
        const v = this.pop();
        return this.extendList(this.top(), [v]);
      }
      case OP.APPENDS: {
        const items = this.popMark();
        return this.extendList(this.top(), items);
      }

      // --- dicts
      case OP.EMPTY_DICT:
        return this.push(new DictNode());
      case OP.DICT: {
        const d = new DictNode();
        this.setItems(d, this.popMark());
        return this.push(d);
      }
      case OP.SETITEM: {
        const v = this.pop();
        const k = this.pop();
        return this.setItems(this.top(), [k, v]);
      }
      case OP.SETITEMS: {
        const items = this.popMark();
        return this.setItems(this.top(), items);
      }

      // --- sets
      case OP.EMPTY_SET:
        return this.push(new SetNode(false));
      case OP.ADDITEMS: {
        const items = this.popMark();
        const s = this.top();
        if (!(s instanceof SetNode) || s.frozen) r.fail(`ADDITEMS on ${describe(s)}`);
        s.items.push(...items);
        return;
      }
      case OP.FROZENSET:
        return this.push(new SetNode(true, this.popMark()));

      // --- stack manipulation
      case OP.MARK:
        this.marks.push(this.stack.length);
        return;
      case OP.POP:
        if (this.stack.length > (this.marks.length ? this.marks[this.marks.length - 1] : 0)) {
          this.stack.pop();
        } else {
          this.popMark(); // Python's POP discards a MARK when nothing was pushed after it
        }
        return;
      case OP.POP_MARK:
        this.popMark();
        return;
      case OP.DUP:
        return this.push(this.top());

      // --- memo
      case OP.PUT:
        return this.memoPut(Number(parseDecimalInt(r, r.line())));
      case OP.BINPUT:
        return this.memoPut(r.u8());
      case OP.LONG_BINPUT:
        return this.memoPut(r.u32());
      case OP.MEMOIZE:
        return this.memoPut(this.memo.size);
      case OP.GET:
        return this.push(this.memoGet(Number(parseDecimalInt(r, r.line()))));
      case OP.BINGET:
        return this.push(this.memoGet(r.u8()));
      case OP.LONG_BINGET:
        return this.push(this.memoGet(r.u32()));

      // --- classes, calls and objects
      case OP.GLOBAL: {
        const module = r.line();
        const name = r.line();
        return this.push(globalRef(module, name));
      }
      case OP.STACK_GLOBAL: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') {
          r.fail('STACK_GLOBAL needs two strings');
        }
        return this.push(globalRef(module, name));
      }
      case OP.REDUCE: {
        const args = this.pop();
        const callable = this.pop();
        return this.push(this.call(callable, args));
      }
      case OP.NEWOBJ: {
        const args = this.pop();
        const cls = this.pop();
        return this.push(this.call(cls, args));
      }
      case OP.NEWOBJ_EX: {
        const kwargs = this.pop();
        const args = this.pop();
        const cls = this.pop();
        const obj = this.call(cls, args);
        if (obj instanceof ObjNode && !(kwargs instanceof DictNode && kwargs.pairs.length === 0)) {
          obj.kwargs = kwargs;
        }
        return this.push(obj);
      }
      case OP.INST: {
        // Protocol 0 old-style instance: class by name, constructor args after the MARK.
        const module = r.line();
        const name = r.line();
        return this.push(this.call(globalRef(module, name), this.popMark()));
      }
      case OP.OBJ: {
        const [cls, ...args] = this.popMark();
        return this.push(this.call(cls, args));
      }
      case OP.BUILD: {
        const state = this.pop();
        return this.build(this.top(), state);
      }

      // --- things that need the writer's cooperation; never used by job stores
      case OP.PERSID:
      case OP.BINPERSID:
        return r.fail('persistent IDs are not supported');
      case OP.EXT1:
      case OP.EXT2:
      case OP.EXT4:
        return r.fail('the extension registry is not supported');
      case OP.NEXT_BUFFER:
      case OP.READONLY_BUFFER:
        return r.fail('out-of-band buffers are not supported');
      default:
        return r.fail('unknown opcode');
    }
  }

  private extendList(target: unknown, items: unknown[]): void {
    if (Array.isArray(target) && !Object.isFrozen(target)) {
      target.push(...items);
    } else if (target instanceof ObjNode) {
      (target.listItems ??= []).push(...items); // a list subclass's extra items
    } else {
      this.r.fail(`APPEND(S) on ${describe(target)}`);
    }
  }

  private setItems(target: unknown, flat: unknown[]): void {
    if (flat.length % 2) this.r.fail('odd number of items for a dict');
    let d: DictNode;
    if (target instanceof DictNode) d = target;
    else if (target instanceof ObjNode) d = target.dictItems ??= new DictNode();
    else this.r.fail(`SETITEM(S) on ${describe(target)}`);
    for (let i = 0; i < flat.length; i += 2) d.pairs.push([flat[i], flat[i + 1]]);
  }

  private build(target: unknown, state: unknown): void {
    if (!(target instanceof ObjNode)) this.r.fail(`BUILD on ${describe(target)}`);
    if (target.state instanceof DictNode && state instanceof DictNode) {
      target.state.pairs.push(...state.pairs);
    } else {
      target.state = state;
    }
  }

  private call(callable: unknown, args: unknown): unknown {
    if (!(callable instanceof GlobalRef)) this.r.fail(`cannot call ${describe(callable)}`);
    if (!Array.isArray(args)) this.r.fail(`arguments of ${callable.name} are not a tuple`);
    const known = KNOWN_CALLS.get(callable.name);
    if (known) {
      const v = known(args, this.r);
      if (v !== undefined) return v;
    }
    const obj = new ObjNode(callable.name);
    if (args.length) obj.args = [...args];
    return obj;
  }
}

function globalRef(module: string, name: string): GlobalRef {
  return new GlobalRef(`${PY2_MODULES[module] ?? module}.${name}`);
}

function describe(v: unknown): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return Object.isFrozen(v) ? 'a tuple' : 'a list';
  if (v instanceof DictNode) return 'a dict';
  if (v instanceof SetNode) return v.frozen ? 'a frozenset' : 'a set';
  if (v instanceof BytesNode) return 'bytes';
  if (v instanceof GlobalRef) return `the global ${v.name}`;
  if (v instanceof ObjNode) return `an instance of ${v.cls}`;
  if (typeof v === 'object') return `a ${(v as { __class__?: string }).__class__ ?? 'value'}`;
  return `a ${typeof v}`;
}

// ---------------------------------------------------------------------------------------------
// Known callables. Each returns the value Python would build, or undefined to fall back to a
// generic PyObject (arguments it does not recognise). None of them runs anything from the pickle.

type KnownCall = (args: unknown[], r: Reader) => unknown;

const KNOWN_CALLS = new Map<string, KnownCall>([
  ['builtins.getattr', callGetattr],
  ['_codecs.encode', callCodecsEncode],
  ['builtins.bytes', (a, r) => makeBytes(a, r, false)],
  ['builtins.bytearray', (a, r) => makeBytes(a, r, true)],
  ['builtins.set', (a) => makeSet(a, false)],
  ['builtins.frozenset', (a) => makeSet(a, true)],
  ['copyreg._reconstructor', callReconstructor],
  ['copyreg.__newobj__', callNewobj],
  ['collections.OrderedDict', (a) => (a.length === 0 ? new DictNode() : undefined)],
  ['datetime.datetime', makeDateTime],
  ['datetime.date', makeDate],
  ['datetime.time', makeTime],
  ['datetime.timedelta', makeTimedelta],
  ['datetime.timezone', makeTimezone],
  ['pytz._p', makePytz],
  ['pytz._UTC', () => tzUtc('pytz.UTC')],
  ['pytz.utc', () => tzUtc('pytz.UTC')],
  ['pytz.FixedOffset', makePytzFixed],
  ['zoneinfo.ZoneInfo._unpickle', makeZoneInfo],
  ['pytz_deprecation_shim._impl.wrap_zone', makeShimZone],
]);

/** getattr(Class, 'name') names a class attribute (how bound classmethods pickle). */
function callGetattr(args: unknown[]): unknown {
  const [obj, attr] = args;
  if (obj instanceof GlobalRef && typeof attr === 'string') return new GlobalRef(`${obj.name}.${attr}`);
  return undefined;
}

/** Protocols 0–2 write bytes as _codecs.encode(text, 'latin1'). */
function callCodecsEncode(args: unknown[], r: Reader): unknown {
  const [text, enc = 'utf-8'] = args;
  if (typeof text !== 'string' || typeof enc !== 'string') return undefined;
  return new BytesNode(encodeText(text, enc, r), false);
}

function encodeText(text: string, encoding: string, r: Reader): Buffer {
  const enc = encoding.toLowerCase().replace(/[-_ ]/g, '');
  if (enc === 'latin1' || enc === 'iso88591') return Buffer.from(text, 'latin1');
  if (enc === 'utf8') return Buffer.from(text, 'utf8');
  if (enc === 'ascii' && /^[\x00-\x7f]*$/.test(text)) return Buffer.from(text, 'latin1');
  r.fail(`unsupported text encoding ${JSON.stringify(encoding)}`);
}

function makeBytes(args: unknown[], r: Reader, mutable: boolean): unknown {
  const [src, enc] = args;
  if (args.length === 0) return new BytesNode(Buffer.alloc(0), mutable);
  if (src instanceof BytesNode) return new BytesNode(Buffer.from(src.data), mutable);
  if (typeof src === 'string' && typeof enc === 'string') {
    return new BytesNode(encodeText(src, enc, r), mutable);
  }
  if (Array.isArray(src) && src.every((x) => typeof x === 'number' && x >= 0 && x < 256)) {
    return new BytesNode(Buffer.from(src as number[]), mutable);
  }
  return undefined;
}

function makeSet(args: unknown[], frozen: boolean): unknown {
  if (args.length === 0) return new SetNode(frozen);
  if (args.length === 1 && Array.isArray(args[0])) return new SetNode(frozen, [...args[0]]);
  return undefined;
}

/** copyreg._reconstructor(cls, base, state): protocols 0–1 for plain objects. */
function callReconstructor(args: unknown[]): unknown {
  const [cls, base, baseState] = args;
  if (!(cls instanceof GlobalRef)) return undefined;
  const obj = new ObjNode(cls.name);
  const baseIsObject = base instanceof GlobalRef && base.name === 'builtins.object';
  if (!baseIsObject && baseState !== null && baseState !== undefined) obj.args = [baseState];
  return obj;
}

function callNewobj(args: unknown[]): unknown {
  const [cls, ...rest] = args;
  if (!(cls instanceof GlobalRef)) return undefined;
  const obj = new ObjNode(cls.name);
  if (rest.length) obj.args = rest;
  return obj;
}

// ---------------------------------------------------------------------------------------------
// Time zones

function tzUtc(cls: 'pytz.UTC' | 'datetime.timezone'): PyTzInfo {
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
function makePytz(args: unknown[]): unknown {
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

function makePytzFixed(args: unknown[]): unknown {
  const [minutes] = args;
  if (typeof minutes !== 'number') return undefined;
  if (minutes === 0) return tzUtc('pytz.UTC'); // pytz.FixedOffset(0) is pytz.utc
  return tzObject('pytz.FixedOffset', 'fixed', `pytz.FixedOffset(${minutes})`, minutes * 60, 0, null);
}

/** datetime.timezone(offset[, name]). */
function makeTimezone(args: unknown[]): unknown {
  const [offset, name] = args;
  if (!isTimedelta(offset) || (name !== undefined && typeof name !== 'string')) return undefined;
  const seconds = offset.totalMicros / 1e6;
  if (seconds === 0 && name === undefined) return tzUtc('datetime.timezone');
  const label = name ?? `UTC${formatOffset(seconds)}`;
  return tzObject('datetime.timezone', 'fixed', label, seconds, null, label);
}

/** ZoneInfo._unpickle(key, from_cache): only the key is pickled, never the offsets. */
function makeZoneInfo(args: unknown[]): unknown {
  const [key] = args;
  if (typeof key !== 'string') return undefined;
  return tzObject('zoneinfo.ZoneInfo', 'zoneinfo', key, null, null, null);
}

/** tzlocal 4.x's default zone: a pytz-compatible wrapper around a ZoneInfo. */
function makeShimZone(args: unknown[]): unknown {
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
  return typeof v === 'object' && v !== null && TZ_CLASSES.has((v as PyTzInfo).__class__);
}

function isTimedelta(v: unknown): v is PyTimedelta {
  return typeof v === 'object' && v !== null && (v as PyTimedelta).__class__ === 'datetime.timedelta';
}

/** '+02:00', '-03:30', '+01:39:49': Python's isoformat() offsets and timezone names. */
function formatOffset(seconds: number): string {
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

function pad(n: number, width: number): string {
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

/** UTC milliseconds for wall-clock fields read as if they were UTC (years 1–99 included). */
function wallMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const dt = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  dt.setUTCFullYear(y);
  return dt.getTime();
}

// formatToParts costs tens of µs; stores repeat instants (same schedules, the ±1 day probes).
const offsetCache = new Map<string, number | null>();

/** The zone's UTC offset in seconds at a UTC instant (ms), or null if the zone is unknown. */
export function zoneOffsetAt(zone: string, utcMs: number): number | null {
  const at = Math.floor(utcMs / 1000) * 1000;
  const key = `${zone}|${at}`;
  let v = offsetCache.get(key);
  if (v === undefined) {
    v = computeOffsetAt(zone, at);
    if (offsetCache.size >= 100_000) offsetCache.clear();
    offsetCache.set(key, v);
  }
  return v;
}

function computeOffsetAt(zone: string, at: number): number | null {
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
function payloadBytes(v: unknown): Buffer | null {
  if (v instanceof BytesNode) return v.data;
  if (typeof v === 'string' && /^[\x00-\xff]*$/.test(v)) return Buffer.from(v, 'latin1');
  return null;
}

function makeDateTime(args: unknown[]): unknown {
  const [first, tz = null] = args;
  const b = payloadBytes(first);
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
    return datetimeValue(wall, tz);
  }
  if (args.slice(0, 7).every((x) => typeof x === 'number') && args.length >= 3) {
    const n = args as number[];
    wall = { year: n[0], month: n[1], day: n[2], hour: n[3] ?? 0, minute: n[4] ?? 0, second: n[5] ?? 0, microsecond: n[6] ?? 0, fold: 0 };
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
  return {
    __class__: 'datetime.datetime',
    iso,
    ...wall,
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

function makeDate(args: unknown[]): unknown {
  const b = payloadBytes(args[0]);
  let y: number, m: number, d: number;
  if (b && b.length === 4) [y, m, d] = [b[0] * 256 + b[1], b[2], b[3]];
  else if (args.length === 3 && args.every((x) => typeof x === 'number')) [y, m, d] = args as number[];
  else return undefined;
  const v: PyDate = { __class__: 'datetime.date', iso: dateIso({ year: y, month: m, day: d }), year: y, month: m, day: d };
  return v;
}

function makeTime(args: unknown[]): unknown {
  const [first, tz = null] = args;
  const b = payloadBytes(first);
  if (!b || b.length !== 6) return undefined;
  // hour (bit 7 = fold, protocol 4+), minute, second, µs (3 bytes)
  const t = {
    hour: b[0] & 0x7f,
    minute: b[1],
    second: b[2],
    microsecond: (b[3] << 16) | (b[4] << 8) | b[5],
    fold: b[0] & 0x80 ? 1 : 0,
  };
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

function makeTimedelta(args: unknown[]): unknown {
  const [days = 0, seconds = 0, micros = 0] = args;
  if (![days, seconds, micros].every((x) => typeof x === 'number' && Number.isInteger(x))) return undefined;
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

// ---------------------------------------------------------------------------------------------
// Pass 2: internal nodes → PyValue

const RESERVED_KEYS = new Set(['__class__', '__global__']);

function finalize(node: unknown, memo: Map<object, PyValue>, exact = false): PyValue {
  if (node === null || typeof node !== 'object') return node as PyValue;
  const seen = memo.get(node);
  if (seen !== undefined) return seen;

  if (Array.isArray(node)) {
    const out: PyValue[] = [];
    memo.set(node, out);
    for (const item of node) out.push(finalize(item, memo, exact));
    // Exact types: a tuple stays frozen, so it can be told from a list.
    if (exact && Object.isFrozen(node)) Object.freeze(out);
    return out;
  }
  if (node instanceof FloatNode) return { __class__: 'builtins.float', args: [node.value] };
  if (node instanceof DictNode) return finalizeDict(node, memo, exact);
  if (node instanceof SetNode) {
    const out = { __class__: node.frozen ? 'builtins.frozenset' : 'builtins.set', items: [] as PyValue[] } as const;
    memo.set(node, out);
    for (const item of node.items) out.items.push(finalize(item, memo, exact));
    return out;
  }
  if (node instanceof BytesNode) {
    const out = { __class__: node.mutable ? 'builtins.bytearray' : 'builtins.bytes', base64: node.data.toString('base64') } as const;
    memo.set(node, out);
    return out;
  }
  if (node instanceof GlobalRef) {
    const out = { __global__: node.name };
    memo.set(node, out);
    return out;
  }
  if (node instanceof ObjNode) return finalizeObject(node, memo, exact);

  // A value made by a known constructor: final already, but it may hold nodes (an unknown tzinfo).
  const obj = node as Record<string, unknown>;
  memo.set(node, obj as PyValue);
  for (const key of Object.keys(obj)) obj[key] = finalize(obj[key], memo, exact);
  return obj as PyValue;
}

function finalizeDict(node: DictNode, memo: Map<object, PyValue>, exact: boolean): PyValue {
  const plain = node.pairs.every(([k]) => typeof k === 'string' && !RESERVED_KEYS.has(k));
  if (!plain) {
    const out = { __class__: 'builtins.dict' as const, items: [] as [PyValue, PyValue][] };
    memo.set(node, out);
    for (const [k, v] of node.pairs) out.items.push([finalize(k, memo, exact), finalize(v, memo, exact)]);
    return out;
  }
  const out: { [key: string]: PyValue } = {};
  memo.set(node, out);
  for (const [k, v] of node.pairs) {
    // defineProperty: a key named "__proto__" must stay data, not replace the prototype.
    Object.defineProperty(out, k as string, {
      value: finalize(v, memo, exact),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function finalizeObject(node: ObjNode, memo: Map<object, PyValue>, exact: boolean): PyValue {
  const out: PyObject = { __class__: node.cls };
  memo.set(node, out);
  if (node.args) out.args = node.args.map((a) => finalize(a, memo, exact));
  if (node.kwargs !== undefined) out.kwargs = finalize(node.kwargs, memo, exact);
  if (node.state !== undefined && node.state !== null) out.state = finalize(node.state, memo, exact);
  if (node.dictItems) out.items = node.dictItems.pairs.map(([k, v]) => [finalize(k, memo, exact), finalize(v, memo, exact)]);
  if (node.listItems) out.listItems = node.listItems.map((v) => finalize(v, memo, exact));
  return out;
}

// ---------------------------------------------------------------------------------------------

/**
 * Decode a pickle without executing it. Throws PickleError on malformed, truncated or
 * unsupported input (persistent ids, extension codes, out-of-band buffers).
 * `exactTypes`: tuples come back frozen and every float as `{ __class__: 'builtins.float', args: [x] }`,
 * for callers that must write the value back as Python (1.0 is not 1, a tuple is not a list).
 */
export function decodePickle(buf: Buffer, options: { exactTypes?: boolean } = {}): PyValue {
  const machine = new Machine(new Reader(buf), options.exactTypes);
  const root = machine.run();
  try {
    return finalize(root, new Map(), options.exactTypes);
  } catch (e) {
    if (e instanceof RangeError) throw new PickleError('pickle: value nested too deeply', 0);
    throw e;
  }
}
