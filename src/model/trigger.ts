// What a trigger's text says about its period. `interval[1 day, 0:00:02]` is exact; other
// triggers have no fixed period, and callers fall back to the gaps they observe.

const INTERVAL = /^interval\[(?:(\d+) days?, )?(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?\]$/;

export function intervalMicros(trigger: string): number | undefined {
  const m = INTERVAL.exec(trigger);
  if (!m) return undefined;
  const frac = m[5] ? Number((m[5] + '00000').slice(0, 6)) : 0;
  return ((Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1e6) + frac;
}
