// --since / --until: an absolute instant (ISO 8601 with Z or an offset, or a date, read as UTC
// midnight) or a span back from --now (`90s`, `30m`, `24h`, `7d`, `2w`). Epoch microseconds out.

import { UserError } from '../model/errors';

export interface Window {
  since?: number;
  until?: number;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

export function parseWindow(since: string | undefined, until: string | undefined, nowMicros: number | undefined): Window {
  const now = nowMicros ?? Date.now() * 1000;
  const window: Window = {
    since: since === undefined ? undefined : parseInstant('--since', since, now),
    until: until === undefined ? undefined : parseInstant('--until', until, now),
  };
  if (window.since !== undefined && window.until !== undefined && window.since >= window.until) {
    throw new UserError(`--since ${since} is not before --until ${until}: the window is empty`);
  }
  return window;
}

function parseInstant(flag: string, value: string, now: number): number {
  const relative = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(value.trim());
  if (relative) return now - Math.round(Number(relative[1]) * UNIT_SECONDS[relative[2]] * 1e6);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const withZone = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const ms = dateOnly || withZone ? Date.parse(value.replace(' ', 'T')) : NaN;
  if (Number.isNaN(ms)) {
    throw new UserError(`${flag} '${value}' is neither a span (90s, 30m, 24h, 7d, 2w before --now) nor an ISO 8601 time with Z or an offset (2026-11-26T13:00:00Z)`);
  }
  return ms * 1000;
}
