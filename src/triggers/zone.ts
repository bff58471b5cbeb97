// Time zones for trigger evaluation: the offset in effect at an instant, from a fixed offset or
// an IANA name (Node's ICU data). Offsets are seconds east of UTC; instants are epoch seconds.

export interface Zone {
  /** Label for reports: `Europe/Berlin`, `UTC+01:00`. */
  name: string;
  offsetAt(epochSeconds: number): number;
}

// Fixed zones are asked for per gap a rule checks (each run of a cron job closes one): built once per offset.
const fixed = new Map<number, Zone>();

export function fixedZone(offsetSeconds: number): Zone {
  let zone = fixed.get(offsetSeconds);
  if (!zone) {
    zone = buildFixedZone(offsetSeconds);
    if (fixed.size < 1000) fixed.set(offsetSeconds, zone);
  }
  return zone;
}

function buildFixedZone(offsetSeconds: number): Zone {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const a = Math.abs(offsetSeconds);
  const name = `UTC${sign}${String(Math.floor(a / 3600)).padStart(2, '0')}:${String(Math.floor((a % 3600) / 60)).padStart(2, '0')}`;
  return { name, offsetAt: () => offsetSeconds };
}

// Transitions fall on whole quarter hours in every zone still in use: one lookup per quarter.
const BUCKET = 900;

// Zones are built once per name: an Intl formatter is costly, and candidate searches ask for all of them.
const built = new Map<string, Zone | undefined>();

/** An IANA zone, or undefined when the runtime does not know the name. */
export function ianaZone(name: string): Zone | undefined {
  if (!built.has(name)) built.set(name, buildZone(name));
  return built.get(name);
}

function buildZone(name: string): Zone | undefined {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    return undefined;
  }
  const cache = new Map<number, number>();
  const compute = (t: number): number => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(t * 1000))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000;
    return Math.round((wall - t) / 60) * 60;
  };
  return {
    name,
    offsetAt(t) {
      const b = Math.floor(t / BUCKET);
      let o = cache.get(b);
      if (o === undefined) {
        o = compute(b * BUCKET);
        if (cache.size > 50_000) cache.clear();
        cache.set(b, o);
      }
      return o;
    },
  };
}

let names: readonly string[] | undefined;

/** Every IANA zone name the runtime knows (asked once: the runtime makes a new array of ~420 names per call). */
export function zoneNames(): readonly string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  names ??= Object.freeze(intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : []);
  return names;
}
