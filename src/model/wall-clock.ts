// Instants as the log's people read them: the wall clock of the offset the scheduler wrote
// `scheduled at` with (`2026-11-26 14:18:50.651951`), not UTC. Views of one job show its times
// this way and say which offset they use.

/** `2026-11-26 14:18:50.660` (digits: 0, 3 or 6 decimals) at `offsetMinutes` east of UTC. */
export function wallClock(us: number, offsetMinutes: number, digits: 0 | 3 | 6 = 3): string {
  const shifted = us + offsetMinutes * 60e6;
  const ms = Math.floor(shifted / 1000);
  const iso = new Date(ms).toISOString();
  const base = iso.slice(0, 10) + ' ' + iso.slice(11, 19);
  if (digits === 0) return base;
  const frac = String(Math.round(shifted - Math.floor(shifted / 1e6) * 1e6)).padStart(6, '0');
  return `${base}.${frac.slice(0, digits)}`;
}

/** `UTC+01:00`, `UTC`, `UTC-05:30`. */
export function offsetName(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const m = Math.abs(offsetMinutes);
  return `UTC${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** A duration for a table cell: `2.501 s`, `4 min 3 s`, `1 h 12 min`. */
export function shortDuration(us: number): string {
  const s = us / 1e6;
  if (s < 60) return `${s.toFixed(3)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${(s / 86400).toFixed(1)} d`;
}
