// Percentiles in fixed memory: values are counted in logarithmic buckets under 2% wide (the
// float's exponent and the top six bits of its mantissa), so a job's statistics cost the same
// for ten runs as for ten million, and adding a value needs no logarithm.

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// The 32-bit half holding the sign, exponent and top of the mantissa: [1] on little-endian machines.
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

function bucketOf(v: number): number {
  if (v < 1) return 0;
  F64[0] = v;
  const hi = U32[HI];
  return ((hi >>> 20) & 0x7ff) * 64 + ((hi >>> 14) & 0x3f);
}

/** The largest value that falls in a bucket. */
function upperOf(bucket: number): number {
  if (bucket === 0) return 1;
  const exponent = Math.floor(bucket / 64) - 1023;
  const mantissa = bucket % 64;
  return 2 ** exponent * (1 + (mantissa + 1) / 64);
}

export class Histogram {
  /** Counts per bucket, one row of 64 per exponent seen: a job's values span a few exponents. */
  private rows = new Map<number, Uint32Array>();
  /** The row of the last value: a job's next value is nearly always in the same one (no Map look-up). */
  private lastExponent = -1;
  private lastRow: Uint32Array | undefined;
  count = 0;
  max = -Infinity;
  min = Infinity;

  add(value: number): void {
    const v = value > 0 ? value : 0;
    const b = bucketOf(v);
    const exponent = b >>> 6;
    let row = exponent === this.lastExponent ? this.lastRow : this.rows.get(exponent);
    if (!row) this.rows.set(exponent, (row = new Uint32Array(64)));
    this.lastExponent = exponent;
    this.lastRow = row;
    row[b & 63]++;
    this.count++;
    if (v > this.max) this.max = v;
    if (v < this.min) this.min = v;
  }

  /** The q-quantile (0..1), within 2%; exact at the extremes. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    if (q >= 1) return this.max;
    if (q <= 0) return this.min;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (const exponent of [...this.rows.keys()].sort((x, y) => x - y)) {
      const row = this.rows.get(exponent)!;
      for (let m = 0; m < 64; m++) {
        if (row[m] === 0) continue;
        seen += row[m];
        if (seen >= rank) return Math.min(this.max, Math.max(this.min, upperOf(exponent * 64 + m)));
      }
    }
    return this.max;
  }
}
