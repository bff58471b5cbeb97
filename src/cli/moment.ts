// `runs --at TIME --around SPAN`: a moment as people copy it from a log line. With `Z` or an
// offset it is an instant; without, it is the wall clock of the job's `scheduled at` (what the
// log shows), resolved once the job's offset is known.

import { UserError } from '../model/errors';

export type Moment = { kind: 'instant'; at: number } | { kind: 'wall'; wall: number };

export function parseMoment(flag: string, value: string): Moment {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?)(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim());
  if (!m) throw new UserError(`${flag} '${value}' is not a time: write it as the log does (2026-11-26 14:18:50) or ISO 8601 with Z or an offset`);
  const [, date, clock, zone] = m;
  const [hms, frac = ''] = clock.replace(',', '.').split('.');
  const base = Date.parse(`${date}T${hms.length === 5 ? hms + ':00' : hms}Z`);
  if (Number.isNaN(base)) throw new UserError(`${flag} '${value}' is not a valid date`);
  const wall = base * 1000 + Number((frac + '000000').slice(0, 6));
  if (!zone) return { kind: 'wall', wall };
  if (/^z$/i.test(zone)) return { kind: 'instant', at: wall };
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  const minutes = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  return { kind: 'instant', at: wall - minutes * 60e6 };
}

const UNITS: Record<string, number> = { ms: 1e3, s: 1e6, m: 60e6, h: 3600e6, d: 86400e6 };

/** `90s`, `5m`, `2h`, `1d`, `500ms` → microseconds. */
export function parseSpan(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  if (!m) throw new UserError(`${flag} '${value}' is not a span: use 30s, 5m, 2h or 1d`);
  return Number(m[1]) * UNITS[m[2]];
}
