// Instants as reports show them. Every layer formats time; none of them should reach into a reader for it.

/** ISO 8601 in UTC with microseconds when present, for reports. */
export function isoFromMicros(us: number): string {
  // A corrupt store can hold -inf or 1e300 seconds: said as it is, not an exception.
  if (!(Math.abs(us) <= 8.64e18)) return `(not a time: ${us / 1e6} s)`;
  const ms = Math.floor(us / 1000);
  const rest = Math.round(us - ms * 1000);
  const base = new Date(ms).toISOString();
  if (rest === 0) return base;
  return base.replace('Z', String(rest).padStart(3, '0') + 'Z');
}
