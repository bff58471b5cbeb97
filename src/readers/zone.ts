// Time zones for log stamps that carry no offset: an IANA zone (via Intl, which Node ships with
// full ICU), a fixed offset, or the machine's own zone. Offsets are cached per quarter hour of UTC,
// because Intl is slow per call: zone changes fall on quarter hours of UTC (America/St_Johns
// changes at 04:30 and 05:30 UTC), never inside one.

import { UserError } from '../model/errors';
import { parseOffset } from './timestamp';

const QUARTER = 900e6;

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
  if (fixed !== undefined) {
    // Real offsets run from -12:00 to +14:00; a larger one is a typo, not a zone.
    const minutes = /^[+-]\d\d:?(\d\d)$/.exec(name)?.[1];
    if (Math.abs(fixed) > 14 * 60 || (minutes !== undefined && Number(minutes) > 59)) {
      throw new UserError(`time zone offset '${name}' is out of range (UTC offsets lie within ±14:00)`);
    }
    return fixedZone(fixed, name === 'UTC' || name === 'Z' ? 'UTC' : formatOffset(fixed));
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    throw new UserError(`unknown time zone '${name}' (use an IANA name such as Europe/Berlin, UTC, or an offset such as +08:00)`);
  }
  return ianaZone(name);
}

function ianaZone(name: string): Zone {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const byQuarter = new Map<number, number>();
  const offsetAtInstant = (instant: number): number => {
    const quarter = Math.floor(instant / QUARTER);
    let cached = byQuarter.get(quarter);
    if (cached === undefined) {
      const ms = quarter * (QUARTER / 1000);
      const parts: Record<string, number> = {};
      for (const p of format.formatToParts(new Date(ms))) parts[p.type] = Number(p.value);
      const wallMs = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
      cached = Math.round((wallMs - ms) / 60000);
      byQuarter.set(quarter, cached);
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
