// Percentiles in fixed memory: values are counted in logarithmic buckets 2% wide, so a job's
// duration statistics cost the same for ten runs as for ten million.

const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
const FLOOR = 1; // values below 1 (µs) share bucket 0

export class Histogram {
  private buckets = new Map<number, number>();
  count = 0;
  max = -Infinity;
  min = Infinity;

  add(value: number): void {
    const v = Math.max(0, value);
    const b = v < FLOOR ? 0 : 1 + Math.floor(Math.log(v / FLOOR) / LOG_GROWTH);
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
      if (seen >= rank) {
        const upper = b === 0 ? FLOOR : FLOOR * GROWTH ** b;
        return Math.min(this.max, Math.max(this.min, upper));
      }
    }
    return this.max;
  }
}
