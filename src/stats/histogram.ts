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
  private buckets = new Map<number, number>();
  count = 0;
  max = -Infinity;
  min = Infinity;

  add(value: number): void {
    const v = value > 0 ? value : 0;
    const b = bucketOf(v);
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + 1);
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
    for (const b of [...this.buckets.keys()].sort((x, y) => x - y)) {
      seen += this.buckets.get(b)!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, upperOf(b)));
    }
    return this.max;
  }
}
