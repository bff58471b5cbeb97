// Time zones for log stamps that carry no offset: an IANA zone (via Intl, which Node ships with
// full ICU), a fixed offset, or the machine's own zone. Offsets are cached per hour: a DST change
// never falls inside an hour on the hour boundaries that matter here, and Intl is slow per call.

import { parseOffset } from './timestamp';

const HOUR = 3600e6;

export interface Zone {
  name: string;
  /** Minutes east of UTC in force at a wall-clock time (microseconds as if UTC). */
  offsetAtWall(wall: number): number;
}

export function fixedZone(offsetMinutes: number, name?: string): Zone {
  return { name: name ?? formatOffset(offsetMinutes), offsetAtWall: () => offsetMinutes };
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function machineZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** `Europe/Berlin`, `UTC`, `+08:00`, `local`; throws a one-line error for anything else. */
export function zoneFromName(name: string): Zone {
  if (name === 'local') return ianaZone(machineZoneName());
  const fixed = parseOffset(name);
  if (fixed !== undefined) return fixedZone(fixed, name === 'UTC' || name === 'Z' ? 'UTC' : formatOffset(fixed));
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    throw new Error(`unknown time zone '${name}' (use an IANA name such as Europe/Berlin, UTC, or an offset such as +08:00)`);
  }
  return ianaZone(name);
}

function ianaZone(name: string): Zone {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const byHour = new Map<number, number>();
  const offsetAtInstant = (instant: number): number => {
    const hour = Math.floor(instant / HOUR);
    let cached = byHour.get(hour);
    if (cached === undefined) {
      const parts: Record<string, number> = {};
      for (const p of format.formatToParts(new Date(hour * 3600e3))) parts[p.type] = Number(p.value);
      const wallMs = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
      cached = Math.round((wallMs - hour * 3600e3) / 60000);
      byHour.set(hour, cached);
    }
    return cached;
  };
  return {
    name,
    offsetAtWall(wall: number): number {
      const first = offsetAtInstant(wall);
      return offsetAtInstant(wall - first * 60e6);
    },
  };
}
