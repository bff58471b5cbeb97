// A trigger as the log shows it, turned into the fire times it produces: interval triggers step
// by their interval from a phase (any fire time of theirs), cron triggers follow cron.ts in a
// zone. Date and combined triggers have no schedule to check between runs.

import { intervalMicros } from '../model/trigger';
import { CronSyntaxError, nextFireTime, parseCronTrigger, type CronSpec } from './cron';
import { fixedZone, ianaZone, zoneNames, type Zone } from './zone';

export type Schedule = { kind: 'interval'; period: number } | { kind: 'cron'; spec: CronSpec };

export function scheduleOf(trigger: string): Schedule | undefined {
  const period = intervalMicros(trigger);
  if (period !== undefined && period > 0) return { kind: 'interval', period };
  try {
    const spec = parseCronTrigger(trigger);
    return spec && { kind: 'cron', spec };
  } catch (e) {
    if (e instanceof CronSyntaxError) return undefined;
    throw e;
  }
}

export interface FireCount {
  count: number;
  first?: number;
  last?: number;
  /** True when counting stopped at the cap: `count` is a lower bound. */
  capped: boolean;
}

const CAP = 200_000;

/**
 * Fire times strictly after `after` and strictly before `before` (epoch µs). Interval: on the
 * grid through `phase`; cron: in `zone`. `slack` widens the open ends, for jitter and rounding.
 */
export function countFireTimes(s: Schedule, zone: Zone, phase: number, after: number, before: number, slack: number): FireCount {
  const lo = after + slack;
  const hi = before - slack;
  if (hi <= lo) return { count: 0, capped: false };
  if (s.kind === 'interval') {
    const k0 = Math.floor((lo - phase) / s.period) + 1;
    const k1 = Math.ceil((hi - phase) / s.period) - 1;
    if (k1 < k0) return { count: 0, capped: false };
    return { count: k1 - k0 + 1, first: phase + k0 * s.period, last: phase + k1 * s.period, capped: false };
  }
  let count = 0;
  let first: number | undefined;
  let last: number | undefined;
  let t = nextFireTime(s.spec, zone, lo + 1);
  while (t !== undefined && t < hi) {
    count++;
    first ??= t;
    last = t;
    if (count >= CAP) return { count, first, last, capped: true };
    t = nextFireTime(s.spec, zone, t + 1);
  }
  return { count, first, last, capped: false };
}

/** The fire times themselves, as countFireTimes counts them, up to `limit` of them. */
export function listFireTimes(s: Schedule, zone: Zone, phase: number, after: number, before: number, slack: number, limit: number): number[] {
  const out: number[] = [];
  const lo = after + slack;
  const hi = before - slack;
  if (s.kind === 'interval') {
    for (let k = Math.floor((lo - phase) / s.period) + 1; phase + k * s.period < hi && out.length < limit; k++) out.push(phase + k * s.period);
    return out;
  }
  for (let t = nextFireTime(s.spec, zone, lo + 1); t !== undefined && t < hi && out.length < limit; t = nextFireTime(s.spec, zone, t + 1)) out.push(t);
  return out;
}

/**
 * The zones a cron trigger may have been in, from the offsets its runs were logged with (the
 * trigger's text has no zone): every IANA zone whose offsets match at every observation, one per
 * distinct behaviour over [from, to] (zones that change offset at the same instants count once).
 * The fixed offset comes first when no DST change is seen. Never empty.
 */
export function candidateZones(observed: { at: number; offsetMinutes: number }[], from: number, to: number): Zone[] {
  const offsets = new Set(observed.map((o) => o.offsetMinutes));
  const out: Zone[] = [];
  if (offsets.size === 1) out.push(fixedZone(observed[0].offsetMinutes * 60));
  const seen = new Set<string>(out.map((z) => signature(z, from, to)));
  for (const name of zoneNames()) {
    const z = ianaZone(name);
    if (!z || !observed.every((o) => z.offsetAt(Math.floor(o.at / 1e6)) === o.offsetMinutes * 60)) continue;
    const sig = signature(z, from, to);
    if (seen.has(sig)) continue;
    seen.add(sig);
    out.push(z);
  }
  if (out.length === 0) out.push(fixedZone(observed[observed.length - 1].offsetMinutes * 60));
  return out;
}

/** The offsets a zone goes through over [from, to], sampled each quarter hour at most 2000 times. */
export function signature(z: Zone, from: number, to: number): string {
  const a = Math.floor(from / 1e6);
  const b = Math.ceil(to / 1e6);
  const step = Math.max(900, Math.ceil((b - a) / 2000));
  // Sample k is at min(a + k·step, b), for k up to the first past b.
  const last = Math.floor((b - a) / step) + 1;
  const at = (k: number) => Math.min(a + k * step, b);
  const offset = (k: number) => z.offsetAt(at(k));
  // The samples where the offset changes, found by halving: a stretch of at most a week whose two
  // ends agree is taken as one offset (no zone changes and changes back within a week), so a span
  // costs a few look-ups a week and a few per change instead of one per sample (2,000 formatted
  // instants per zone on a month-long log; each Intl call is about 10 µs).
  const changes: [number, number][] = [];
  const WEEK = 7 * 86400;
  const walk = (i: number, oi: number, j: number, oj: number) => {
    if (j - i <= 1) {
      if (oj !== oi) changes.push([j, oj]);
      return;
    }
    if (oi === oj && (j - i) * step <= WEEK) return;
    const m = (i + j) >> 1;
    const om = offset(m);
    walk(i, oi, m, om);
    walk(m, om, j, oj);
  };
  const first = offset(0);
  walk(0, first, last, offset(last));
  return [String(first), ...changes.map(([k, o]) => `${at(k)}:${o}`)].join(',');
}
