// The byte level of the pickle decoder: reading opcodes and their arguments, and the scalar
// encodings (ints, floats, the text forms of protocols 0–5). Nothing here builds containers.

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
// Byte reader

export class Reader {
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

export const OP = {
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

export function opName(op: number): string {
  const hex = `0x${op.toString(16).padStart(2, '0')}`;
  const name = OP_NAMES.get(op);
  return name ? `${name} (${hex})` : hex;
}

// ---------------------------------------------------------------------------------------------
// Scalars

/** Python int → number when exact, bigint otherwise. */
export function pyInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** LONG1 / LONG4 payload: little-endian two's complement. */
export function decodeLong(bytes: Buffer): number | bigint {
  const n = bytes.length;
  if (n === 0) return 0;
  if (n <= 6) {
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + bytes[i];
    return bytes[n - 1] & 0x80 ? v - 2 ** (8 * n) : v;
  }
  // Through hex text, which BigInt parses in linear time: shifting a byte in at a time copies
  // the whole number per byte (quadratic: a 1 MB LONG4 took minutes).
  let v = BigInt('0x' + Buffer.from(bytes).reverse().toString('hex'));
  if (bytes[n - 1] & 0x80) v -= 1n << BigInt(n * 8);
  return pyInt(v);
}

/** Python 3.11+ refuses to convert longer decimal strings to int (and so to load them). */
export const MAX_INT_DIGITS = 4300;

export function parseDecimalInt(r: Reader, text: string): number | bigint {
  const s = text.trim();
  if (!/^[+-]?\d+$/.test(s)) r.fail(`bad integer ${JSON.stringify(text.length > 40 ? text.slice(0, 40) + '…' : text)}`);
  if (s.length > 15) {
    // Decimal → BigInt is super-linear in V8; Python has the same limit for the same reason.
    if (s.replace(/^[+-]/, '').length > MAX_INT_DIGITS) r.fail(`decimal integer of more than ${MAX_INT_DIGITS} digits`);
    return pyInt(BigInt(s));
  }
  return Number(s) + 0; // + 0: "-0" is the int 0, not -0
}

export function parseFloatText(r: Reader, text: string): number {
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
// Job states repeat the same short strings (keys, class and zone names) in every row: a small
// cache keyed by a hash of the bytes returns the string already made, without a native call.
const CACHE_SIZE = 4096;
const cacheStrings: (string | undefined)[] = new Array(CACHE_SIZE);

function shortAscii(b: Buffer, start: number, end: number): string | null {
  const n = end - start;
  if (n === 0) return '';
  // The slot from the length and four sampled bytes, not a hash of every byte: the comparison
  // below reads every byte anyway, so a second full pass only cost time. Ids and names that
  // differ in their last digits still fall in different slots.
  const slot = (n * 31 + b[start] * 7 + b[end - 1] * 131 + b[start + (n >> 1)] * 17 + (n > 1 ? b[end - 2] : 0) * 1031) & (CACHE_SIZE - 1);
  const hit = cacheStrings[slot];
  if (hit !== undefined && hit.length === n) {
    let i = 0;
    while (i < n && hit.charCodeAt(i) === b[start + i]) i++;
    if (i === n) return hit;
  }
  for (let i = start; i < end; i++) if (b[i] >= 0x80) return null;
  const s = b.toString('latin1', start, end);
  cacheStrings[slot] = s;
  return s;
}

export function decodeUtf8(r: Reader, length: number): string {
  r.need(length);
  const start = r.pos;
  const b = r.buf;
  const end = start + length;
  r.pos = end;
  // Short ASCII strings (dict keys, names, zone keys: most of a job state) skip TextDecoder,
  // whose call costs more than the copy.
  if (length <= 32) {
    const s = shortAscii(b, start, end);
    if (s !== null) return s;
  }
  const bytes = b.subarray(start, end);
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
export function decodeRawUnicodeEscape(r: Reader, s: string): string {
  return s.replace(/(\\+)(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/g, (m, slashes: string, esc: string) => {
    if (slashes.length % 2 === 0) return m;
    const cp = parseInt(esc.slice(1), 16);
    if (cp > 0x10ffff) r.fail('bad \\U escape in UNICODE');
    return slashes.slice(1) + String.fromCodePoint(cp);
  });
}

/** STRING (protocol 0, Python 2 str): a quoted repr with backslash escapes → bytes. */
export function decodeStringRepr(r: Reader, text: string): Buffer {
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

