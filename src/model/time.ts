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

/** Days from 1970-01-01 to a civil date (proleptic Gregorian); Howard Hinnant's days_from_civil. */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number (days since 1970-01-01, proleptic Gregorian): Howard Hinnant's civil_from_days. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day };
}
