// Instants as reports show them. Every layer formats time; none of them should reach into a reader for it.

/** ISO 8601 in UTC with microseconds when present, for reports. */
export function isoFromMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const rest = Math.round(us - ms * 1000);
  const base = new Date(ms).toISOString();
  if (rest === 0) return base;
  return base.replace('Z', String(rest).padStart(3, '0') + 'Z');
}
