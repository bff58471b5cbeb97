// Grace times people can read: 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 6, 12, 24 h.
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

/** The smallest readable number of seconds at or above `seconds`. */
export function readableSeconds(seconds: number): number {
  for (const s of STEPS) if (s >= seconds) return s;
  return Math.ceil(seconds / 86400) * 86400;
}
