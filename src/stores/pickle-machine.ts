// The pickle stack machine: opcodes in, the PyValue shapes of src/model/store-record.ts out.
//
// One pass, and every value is built once: a memoised container is the same JS object wherever
// the pickle refers to it again (GET, DUP), so a pickle of n bytes builds at most O(n) values —
// `x = [x, x]` repeated 25 times is 25 small lists, not 2**25. Containers are filled in place
// after they were memoised (as Python does), so a dict that turns out to have a non-str key is
// converted in place into its PyDictItems form. Classes and functions named in the pickle are
// only recorded by name, and never called; the well-known ones become readable values
// (pickle-classes.ts).

import type { PyValue, PyObject, PyBytes, PySet, PyGlobal, PyDictItems } from '../model/store-record';
import { KNOWN_CALLS, type Builder } from './pickle-classes';
import {
  OP as OPCODES,
  PickleError,
  Reader,
  decodeLong,
  decodeRawUnicodeEscape,
  decodeStringRepr,
  decodeUtf8,
  parseDecimalInt,
  parseFloatText,
} from './pickle-reader';

// Python 2 module names written by protocols 0–2 (Python 3 maps them back on load).
const PY2_MODULES: Record<string, string> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
  exceptions: 'builtins',
};

// The opcodes as literals for the switch below: with constant case labels V8 dispatches through a
// jump table; with property reads (OPCODES.X) it compared the opcode against each case in turn,
// and the common opcodes (SHORT_BINUNICODE, MEMOIZE) come late in the list. The compile-time
// check after the table keeps it equal to the reader's OP (names and values).
const enum OP {
  MARK = 0x28,
  STOP = 0x2e,
  POP = 0x30,
  POP_MARK = 0x31,
  DUP = 0x32,
  FLOAT = 0x46,
  INT = 0x49,
  BININT = 0x4a,
  BININT1 = 0x4b,
  LONG = 0x4c,
  BININT2 = 0x4d,
  NONE = 0x4e,
  PERSID = 0x50,
  BINPERSID = 0x51,
  REDUCE = 0x52,
  STRING = 0x53,
  BINSTRING = 0x54,
  SHORT_BINSTRING = 0x55,
  UNICODE = 0x56,
  BINUNICODE = 0x58,
  APPEND = 0x61,
  BUILD = 0x62,
  GLOBAL = 0x63,
  DICT = 0x64,
  EMPTY_DICT = 0x7d,
  APPENDS = 0x65,
  GET = 0x67,
  BINGET = 0x68,
  INST = 0x69,
  LONG_BINGET = 0x6a,
  LIST = 0x6c,
  EMPTY_LIST = 0x5d,
  OBJ = 0x6f,
  PUT = 0x70,
  BINPUT = 0x71,
  LONG_BINPUT = 0x72,
  SETITEM = 0x73,
  TUPLE = 0x74,
  EMPTY_TUPLE = 0x29,
  SETITEMS = 0x75,
  BINFLOAT = 0x47,
  BINBYTES = 0x42,
  SHORT_BINBYTES = 0x43,
  PROTO = 0x80,
  NEWOBJ = 0x81,
  EXT1 = 0x82,
  EXT2 = 0x83,
  EXT4 = 0x84,
  TUPLE1 = 0x85,
  TUPLE2 = 0x86,
  TUPLE3 = 0x87,
  NEWTRUE = 0x88,
  NEWFALSE = 0x89,
  LONG1 = 0x8a,
  LONG4 = 0x8b,
  SHORT_BINUNICODE = 0x8c,
  BINUNICODE8 = 0x8d,
  BINBYTES8 = 0x8e,
  EMPTY_SET = 0x8f,
  ADDITEMS = 0x90,
  FROZENSET = 0x91,
  NEWOBJ_EX = 0x92,
  STACK_GLOBAL = 0x93,
  MEMOIZE = 0x94,
  FRAME = 0x95,
  BYTEARRAY8 = 0x96,
  NEXT_BUFFER = 0x97,
  READONLY_BUFFER = 0x98,
}
type Table<T> = { [K in keyof T]: `${T[K] & number}` };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const opTablesAgree: Same<Table<typeof OPCODES>, Table<typeof OP>> = true;
void opTablesAgree;


type Dict = { [key: string]: PyValue };

/**
 * What a value this pickle made is. The outputs are plain objects and arrays, so a value's kind
 * travels beside it: on the stack and in the memo, which is every way the pickle can refer to a
 * value again (Sets of the tuples, dicts and objects made cost a fifth of the decoding: a hash
 * of every container, seven tables a pickle). Items inside a container need no kind: only the
 * top of the stack is ever appended to, filled or built. Two kinds are also told by shape, where
 * a value is reached inside a container (a call's arguments): a global is the only value with an
 * own `__global__`, and an unconverted dict the only plain object with neither `__class__` nor
 * `__global__` (a dict that gets either key becomes a PyDictItems: setItems).
 */
const enum K {
  OTHER = 0,
  TUPLE = 1,
  LIST = 2,
  /** A dict: a plain object, or (once it got a key a plain object cannot hold) a PyDictItems. */
  DICT = 3,
  OBJECT = 4,
  SET = 5,
  BYTES = 6,
  GLOBAL = 7,
}

const hasOwn = (v: object, key: string): boolean => Object.prototype.hasOwnProperty.call(v, key);

/** A dict of kind DICT that setItems turned into its PyDictItems form. */
function converted(d: unknown): boolean {
  return hasOwn(d as object, '__class__');
}

/** An unconverted dict, told by its shape (see K). */
function isPlainDict(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype && !hasOwn(v, '__class__') && !hasOwn(v, '__global__');
}

class Machine implements Builder {
  private stack: unknown[] = [];
  /** The kind of each value on the stack. */
  private kinds: K[] = [];
  private marks: number[] = [];
  private memo: unknown[] = [];
  private memoKinds: K[] = [];
  private memoSize = 0;
  private byteData = new Map<unknown, Buffer>();
  /** The kind of the value a Builder method made last (a known callable's result). */
  private made: unknown = undefined;
  private madeKind: K = K.OTHER;

  private r: Reader = new Reader(Buffer.alloc(0));

  /** exact: keep tuples apart from lists (frozen) and floats apart from ints (boxed): see decodePickle. */
  constructor(private readonly exact = false) {}

  private float(v: number): unknown {
    return this.exact ? { __class__: 'builtins.float', args: [v] } : v;
  }

  decode(buf: Buffer): PyValue {
    this.r = new Reader(buf);
    return this.run();
  }

  private run(): PyValue {
    const r: Reader = this.r;
    for (;;) {
      if (r.pos >= r.buf.length) {
        r.opStart = r.pos;
        throw new PickleError(`pickle: truncated data: no STOP opcode before the end (offset ${r.pos})`, r.pos);
      }
      r.opStart = r.pos;
      const op = r.buf[r.pos++];
      r.op = op;
      // The three opcodes that are most of a job state (of its ~260: MEMOIZE 86, SHORT_BINUNICODE
      // 43, BINGET 25) are done here, and only here, without a call into step()'s large switch.
      if (op === OP.MEMOIZE) this.memoPut(this.memoSize);
      else if (op === OP.SHORT_BINUNICODE) this.push(decodeUtf8(r, r.u8()), K.OTHER);
      else if (op === OP.BINGET) this.memoGet(r.u8());
      else if (op === OP.STOP) return this.pop() as PyValue;
      else this.step(op);
    }
  }

  // --- Builder: what the known callables may make and ask

  fail(message: string): never {
    this.r.fail(message);
  }
  private making<T>(v: T, kind: K): T {
    this.made = v;
    this.madeKind = kind;
    return v;
  }
  /** `data` may be a view of the pickle: it is kept only while this machine decodes (byteData), never in a value. */
  bytes(data: Buffer, mutable: boolean): PyBytes {
    const v: PyBytes = { __class__: mutable ? 'builtins.bytearray' : 'builtins.bytes', base64: data.toString('base64') };
    this.byteData.set(v, data);
    return this.making(v, K.BYTES);
  }
  bytesData(v: unknown): Buffer | undefined {
    return this.byteData.get(v);
  }
  global(name: string): PyGlobal {
    return this.making({ __global__: name }, K.GLOBAL);
  }
  globalName(v: unknown): string | undefined {
    return v !== null && typeof v === 'object' && hasOwn(v, '__global__') ? (v as PyGlobal).__global__ : undefined;
  }
  object(cls: string): PyObject {
    return this.making({ __class__: cls } as PyObject, K.OBJECT);
  }
  dict(): Dict {
    return this.making({} as Dict, K.DICT);
  }
  set(frozen: boolean, items: PyValue[]): PySet {
    return this.making({ __class__: frozen ? 'builtins.frozenset' : 'builtins.set', items } as PySet, K.SET);
  }

  // --- the stack

  private push(v: unknown, kind: K): void {
    this.stack.push(v);
    this.kinds.push(kind);
  }

  private floor(): number {
    return this.marks.length ? this.marks[this.marks.length - 1] : 0;
  }

  /** The kind of the top value (check it is there first: top() or pop()). */
  private topKind(): K {
    return this.kinds[this.kinds.length - 1];
  }

  /** The kind of the value pop() took last. */
  private popped: K = K.OTHER;

  private pop(): unknown {
    if (this.stack.length <= this.floor()) this.r.fail('stack underflow');
    this.popped = this.kinds.pop()!;
    return this.stack.pop();
  }

  private top(): unknown {
    if (this.stack.length <= this.floor()) this.r.fail('stack underflow');
    return this.stack[this.stack.length - 1];
  }

  /** Items pushed since the last MARK, removing the mark (their kinds are not kept). */
  private popMark(): unknown[] {
    const at = this.marks.pop();
    if (at === undefined) this.r.fail('no MARK on the stack');
    // Popped one by one: a few items, where setting the length took a runtime call each time.
    const kinds = this.kinds;
    while (kinds.length > at) kinds.pop();
    return this.stack.splice(at);
  }

  private tuple(items: unknown[]): unknown[] {
    // Exact types: a tuple comes out frozen, so a caller can tell it from a list.
    if (this.exact) Object.freeze(items);
    return items;
  }

  private memoGet(key: number): void {
    const v = this.memo[key];
    if (v === undefined) this.r.fail(`memo key ${key} not found`);
    this.push(v, this.memoKinds[key]);
  }

  private memoPut(key: number): void {
    if (key < 0 || !Number.isSafeInteger(key)) this.r.fail(`bad memo key ${key}`);
    if (this.memo[key] === undefined) this.memoSize++;
    this.memo[key] = this.top();
    this.memoKinds[key] = this.topKind();
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
        return this.push(null, K.OTHER);
      case OP.NEWTRUE:
        return this.push(true, K.OTHER);
      case OP.NEWFALSE:
        return this.push(false, K.OTHER);
      case OP.INT: {
        const s = r.line();
        // Protocols 0–1 write booleans as INT 01 / 00.
        if (s === '01') return this.push(true, K.OTHER);
        if (s === '00') return this.push(false, K.OTHER);
        return this.push(parseDecimalInt(r, s), K.OTHER);
      }
      case OP.BININT:
        return this.push(r.i32(), K.OTHER);
      case OP.BININT1:
        return this.push(r.u8(), K.OTHER);
      case OP.BININT2:
        return this.push(r.u16(), K.OTHER);
      case OP.LONG: {
        const s = r.line();
        return this.push(parseDecimalInt(r, s.endsWith('L') ? s.slice(0, -1) : s), K.OTHER);
      }
      case OP.LONG1:
        return this.push(decodeLong(r.take(r.u8())), K.OTHER);
      case OP.LONG4:
        return this.push(decodeLong(r.take(r.i32())), K.OTHER);
      case OP.FLOAT:
        return this.push(this.float(parseFloatText(r, r.line())), K.OTHER);
      case OP.BINFLOAT:
        return this.push(this.float(r.f64be()), K.OTHER);

      // --- text and bytes
      case OP.STRING:
        return this.push(decodeStringRepr(r, r.line()).toString('latin1'), K.OTHER);
      case OP.BINSTRING:
        // Python 2 str: kept as text, read as latin-1 (like Python 3's encoding='latin1').
        return this.push(r.take(r.i32()).toString('latin1'), K.OTHER);
      case OP.SHORT_BINSTRING:
        return this.push(r.take(r.u8()).toString('latin1'), K.OTHER);
      case OP.UNICODE:
        return this.push(decodeRawUnicodeEscape(r, r.line()), K.OTHER);
      // SHORT_BINUNICODE: in run().
      case OP.BINUNICODE:
        return this.push(decodeUtf8(r, r.u32()), K.OTHER);
      case OP.BINUNICODE8:
        return this.push(decodeUtf8(r, r.u64()), K.OTHER);
      case OP.SHORT_BINBYTES:
        return this.push(this.bytes(r.take(r.u8()), false), K.BYTES);
      case OP.BINBYTES:
        return this.push(this.bytes(r.take(r.u32()), false), K.BYTES);
      case OP.BINBYTES8:
        return this.push(this.bytes(r.take(r.u64()), false), K.BYTES);
      case OP.BYTEARRAY8:
        return this.push(this.bytes(r.take(r.u64()), true), K.BYTES);

      // --- tuples
      case OP.EMPTY_TUPLE:
        return this.push(this.tuple([]), K.TUPLE);
      case OP.TUPLE1:
        return this.push(this.tuple([this.pop()]), K.TUPLE);
      case OP.TUPLE2: {
        const b = this.pop();
        const a = this.pop();
        return this.push(this.tuple([a, b]), K.TUPLE);
      }
      case OP.TUPLE3: {
        const c = this.pop();
        const b = this.pop();
        const a = this.pop();
        return this.push(this.tuple([a, b, c]), K.TUPLE);
      }
      case OP.TUPLE:
        return this.push(this.tuple(this.popMark()), K.TUPLE);

      // --- lists
      case OP.EMPTY_LIST:
        return this.push([], K.LIST);
      case OP.LIST:
        return this.push(this.popMark(), K.LIST);
      case OP.APPEND: {
        const v = this.pop();
        return this.extendList(this.top(), this.topKind(), [v]);
      }
      case OP.APPENDS: {
        const items = this.popMark();
        return this.extendList(this.top(), this.topKind(), items);
      }

      // --- dicts
      case OP.EMPTY_DICT:
        return this.push(this.dict(), K.DICT);
      case OP.DICT: {
        const d = this.dict();
        this.setItems(d, K.DICT, this.popMark());
        return this.push(d, K.DICT);
      }
      case OP.SETITEM: {
        const v = this.pop();
        const k = this.pop();
        return this.setItems(this.top(), this.topKind(), [k, v]);
      }
      case OP.SETITEMS: {
        const items = this.popMark();
        return this.setItems(this.top(), this.topKind(), items);
      }

      // --- sets
      case OP.EMPTY_SET:
        return this.push(this.set(false, []), K.SET);
      case OP.ADDITEMS: {
        const items = this.popMark();
        const s = this.top() as PySet;
        if (this.topKind() !== K.SET || s.__class__ !== 'builtins.set') r.fail(`ADDITEMS on ${this.describe(s, this.topKind())}`);
        append(s.items, items as PyValue[]);
        return;
      }
      case OP.FROZENSET:
        return this.push(this.set(true, this.popMark() as PyValue[]), K.SET);

      // --- stack manipulation
      case OP.MARK:
        this.marks.push(this.stack.length);
        return;
      case OP.POP:
        if (this.stack.length > this.floor()) {
          this.stack.pop();
          this.kinds.pop();
        } else {
          this.popMark(); // Python's POP discards a MARK when nothing was pushed after it
        }
        return;
      case OP.POP_MARK:
        this.popMark();
        return;
      case OP.DUP:
        return this.push(this.top(), this.topKind());

      // --- memo
      case OP.PUT:
        return this.memoPut(Number(parseDecimalInt(r, r.line())));
      case OP.BINPUT:
        return this.memoPut(r.u8());
      case OP.LONG_BINPUT:
        return this.memoPut(r.u32());
      // MEMOIZE: in run().
      case OP.GET:
        return this.memoGet(Number(parseDecimalInt(r, r.line())));
      // BINGET: in run().
      case OP.LONG_BINGET:
        return this.memoGet(r.u32());

      // --- classes, calls and objects
      case OP.GLOBAL: {
        const module = r.line();
        const name = r.line();
        return this.push(this.globalRef(module, name), K.GLOBAL);
      }
      case OP.STACK_GLOBAL: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') r.fail('STACK_GLOBAL needs two strings');
        return this.push(this.globalRef(module, name), K.GLOBAL);
      }
      case OP.REDUCE: {
        const args = this.pop();
        const callable = this.pop();
        const v = this.call(callable, this.popped, args);
        return this.push(v, this.callKind);
      }
      case OP.NEWOBJ: {
        const args = this.pop();
        const cls = this.pop();
        const v = this.call(cls, this.popped, args);
        return this.push(v, this.callKind);
      }
      case OP.NEWOBJ_EX: {
        const kwargs = this.pop();
        const emptyDict = this.popped === K.DICT && !converted(kwargs) && Object.keys(kwargs as Dict).length === 0;
        const args = this.pop();
        const cls = this.pop();
        const obj = this.call(cls, this.popped, args);
        if (this.callKind === K.OBJECT && !emptyDict) (obj as PyObject).kwargs = kwargs as PyValue;
        return this.push(obj, this.callKind);
      }
      case OP.INST: {
        // Protocol 0 old-style instance: class by name, constructor args after the MARK.
        const module = r.line();
        const name = r.line();
        const v = this.call(this.globalRef(module, name), K.GLOBAL, this.popMark());
        return this.push(v, this.callKind);
      }
      case OP.OBJ: {
        const at = this.marks.length ? this.marks[this.marks.length - 1] : -1;
        const clsKind = at >= 0 && at < this.kinds.length ? this.kinds[at] : K.OTHER;
        const [cls, ...args] = this.popMark();
        const v = this.call(cls, clsKind, args);
        return this.push(v, this.callKind);
      }
      case OP.BUILD: {
        const state = this.pop();
        return this.build(this.top(), this.topKind(), state, this.popped);
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

  private globalRef(module: string, name: string): PyGlobal {
    return this.global(qualifiedName(module, name));
  }

  private extendList(target: unknown, kind: K, items: unknown[]): void {
    if (kind === K.LIST) {
      append(target as unknown[], items);
    } else if (kind === K.OBJECT) {
      append(((target as PyObject).listItems ??= []), items as PyValue[]); // a list subclass's extra items
    } else {
      this.r.fail(`APPEND(S) on ${this.describe(target, kind)}`);
    }
  }

  private setItems(target: unknown, kind: K, flat: unknown[]): void {
    if (flat.length % 2) this.r.fail('odd number of items for a dict');
    if (kind === K.OBJECT) {
      // A dict subclass's items (defaultdict, OrderedDict subclasses).
      const items = ((target as PyObject).items ??= []);
      for (let i = 0; i < flat.length; i += 2) items.push([flat[i] as PyValue, flat[i + 1] as PyValue]);
      return;
    }
    if (kind !== K.DICT) this.r.fail(`SETITEM(S) on ${this.describe(target, kind)}`);
    if (converted(target)) {
      const items = (target as PyDictItems).items;
      for (let i = 0; i < flat.length; i += 2) items.push([flat[i] as PyValue, flat[i + 1] as PyValue]);
      return;
    }
    const d = target as Dict;
    for (let i = 0; i < flat.length; i += 2) {
      const k = flat[i];
      if (typeof k !== 'string' || k === '__class__' || k === '__global__') {
        this.toItems(d);
        this.setItems(d, K.DICT, flat.slice(i));
        return;
      }
      if (k === '__proto__') {
        // defineProperty: a key named "__proto__" must stay data, not replace the prototype.
        Object.defineProperty(d, k, { value: flat[i + 1], enumerable: true, writable: true, configurable: true });
      } else {
        d[k] = flat[i + 1] as PyValue;
      }
    }
  }

  /**
   * A dict that got a key a plain object cannot hold: the same object becomes a PyDictItems
   * (every reference to it, on the stack or in the memo, sees the change: converted()).
   */
  private toItems(d: Dict): void {
    const items: [PyValue, PyValue][] = Object.keys(d).map((k) => [k, d[k]]);
    for (const k of Object.keys(d)) delete d[k];
    const out = d as unknown as PyDictItems;
    out.__class__ = 'builtins.dict';
    out.items = items;
  }

  private build(target: unknown, kind: K, state: unknown, stateKind: K): void {
    if (kind !== K.OBJECT) this.r.fail(`BUILD on ${this.describe(target, kind)}`);
    const obj = target as PyObject;
    if (state === null) return;
    if (obj.state !== undefined && isPlainDict(obj.state) && stateKind === K.DICT && !converted(state)) {
      const s = state as Dict;
      this.setItems(obj.state, K.DICT, Object.keys(s).flatMap((k) => [k, s[k]]));
    } else {
      obj.state = state as PyValue;
    }
  }

  /** The kind of the value call() made last. */
  private callKind: K = K.OTHER;

  /** The call's value; its kind is left in `callKind`. */
  private call(callable: unknown, kind: K, args: unknown): unknown {
    const name = kind === K.GLOBAL ? (callable as PyGlobal).__global__ : undefined;
    if (name === undefined) this.r.fail(`cannot call ${this.describe(callable, kind)}`);
    if (!Array.isArray(args)) this.r.fail(`arguments of ${name} are not a tuple`);
    const known = KNOWN_CALLS.get(name);
    if (known) {
      this.made = undefined;
      const v = known(args, this);
      if (v !== undefined) {
        this.callKind = v === this.made ? this.madeKind : K.OTHER;
        return v;
      }
    }
    const obj = this.object(name);
    if (args.length) obj.args = args.slice() as PyValue[];
    this.callKind = K.OBJECT;
    return obj;
  }

  private describe(v: unknown, kind: K): string {
    if (v === null) return 'None';
    switch (kind) {
      case K.TUPLE:
        return 'a tuple';
      case K.LIST:
        return 'a list';
      case K.DICT:
        return 'a dict';
      case K.SET:
        return (v as PySet).__class__ === 'builtins.frozenset' ? 'a frozenset' : 'a set';
      case K.BYTES:
        return 'bytes';
      case K.GLOBAL:
        return `the global ${(v as PyGlobal).__global__}`;
      case K.OBJECT:
        return `an instance of ${(v as PyObject).__class__}`;
      default:
        if (Array.isArray(v)) return 'a list';
        if (typeof v === 'object') return `a ${(v as { __class__?: string }).__class__ ?? 'value'}`;
        return `a ${typeof v}`;
    }
  }
}

/**
 * `module.name`, one string per pair: every job state names the same dozen classes, and a name
 * made anew each time was hashed anew by the known-call look-up. Bounded, for pickles of
 * distinct names.
 */
const qualified = new Map<string, Map<string, string>>();
let qualifiedCount = 0;

function qualifiedName(module: string, name: string): string {
  let byName = qualified.get(module);
  const known = byName?.get(name);
  if (known !== undefined) return known;
  // Own keys only: a module named `constructor` or `__proto__` is not Object's.
  const full = `${hasOwn(PY2_MODULES, module) ? PY2_MODULES[module] : module}.${name}`;
  if (qualifiedCount >= 10_000) {
    qualified.clear();
    qualifiedCount = 0;
    byName = undefined;
  }
  if (!byName) qualified.set(module, (byName = new Map()));
  byName.set(name, full);
  qualifiedCount++;
  return full;
}

/** push(...items) without spreading: a spread of 100,000 items overflows the call stack. */
function append<T>(target: T[], items: T[]): void {
  for (let i = 0; i < items.length; i++) target.push(items[i]);
}

/**
 * Decode a pickle without executing it. Throws PickleError on malformed, truncated or
 * unsupported input (persistent ids, extension codes, out-of-band buffers). Time and memory are
 * linear in the pickle's size: repeated references give the same object, never a copy.
 */
/**
 * Decode a pickle without executing it. Throws PickleError on malformed, truncated or
 * unsupported input. `exactTypes`: tuples come back frozen and every float as
 * `{ __class__: 'builtins.float', args: [x] }`, for callers that write the value back as Python
 * (1.0 is not 1, a tuple is not a list).
 */
export function decodePickle(buf: Buffer, options: { exactTypes?: boolean } = {}): PyValue {
  return new Machine(options.exactTypes === true).decode(buf);
}

