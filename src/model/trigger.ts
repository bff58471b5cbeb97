// What a trigger's text says about its period. `interval[1 day, 0:00:02]` is exact; other
// triggers have no fixed period, and callers fall back to the gaps they observe.

const INTERVAL = /^interval\[(?:(\d+) days?, )?(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?\]$/;

// Asked per run by several rules, of the few triggers a log has: each text is parsed once.
const parsed = new Map<string, number | null>();
const MAX_PARSED = 10_000;

export function intervalMicros(trigger: string): number | undefined {
  const known = parsed.get(trigger);
  if (known !== undefined) return known === null ? undefined : known;
  const micros = parse(trigger);
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(trigger, micros ?? null);
  return micros;
}

function parse(trigger: string): number | undefined {
  const m = INTERVAL.exec(trigger);
  if (!m) return undefined;
  const frac = m[5] ? Number((m[5] + '00000').slice(0, 6)) : 0;
  return ((Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1e6) + frac;
}
