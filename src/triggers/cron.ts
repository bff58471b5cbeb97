// APScheduler 3.x's CronTrigger, evaluated the way `get_next_fire_time` does it, step for step
// (apscheduler/triggers/cron/__init__.py, fields.py and expressions.py of 3.9.1): the same field
// order, the same "increment the field before and reset the ones after" walk, `day_of_week`
// 0 = Monday, steps counted from the field's minimum (`day='*/2'` is 1, 3, 5…), and pytz's wall
// clock arithmetic: a value set directly is localized (in a DST gap the pre-transition offset is
// kept, for a repeated hour the standard-time one), a value incremented is added to the current
// offset and normalized. Cron libraries differ on each of these (test/triggers/cron.test.ts keeps
// the comparison with APScheduler's own fire times), so the walk is reproduced rather than adopted.

import { civilFromDays } from '../model/time';
import type { Zone } from './zone';

export const FIELD_NAMES = ['year', 'month', 'day', 'week', 'day_of_week', 'hour', 'minute', 'second'] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

const MIN: Record<FieldName, number> = { year: 1970, month: 1, day: 1, week: 1, day_of_week: 0, hour: 0, minute: 0, second: 0 };
const MAX: Record<FieldName, number> = { year: 9999, month: 12, day: 31, week: 53, day_of_week: 6, hour: 23, minute: 59, second: 59 };
const DEFAULTS: Record<FieldName, string> = { year: '*', month: '1', day: '1', week: '*', day_of_week: '*', hour: '0', minute: '0', second: '0' };
/** `week` and `day_of_week` are not parts of a datetime: the walk steps the day to satisfy them. */
const REAL: Record<FieldName, boolean> = { year: true, month: true, day: true, week: false, day_of_week: false, hour: true, minute: true, second: true };

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const POSITIONS = ['1st', '2nd', '3rd', '4th', '5th', 'last'];

type Expr =
  | { kind: 'range'; first: number; last: number | undefined; step: number | undefined }
  | { kind: 'all'; step: number | undefined }
  | { kind: 'position'; option: number; weekday: number }
  | { kind: 'last-day' };

export interface CronField { name: FieldName; exprs: Expr[] }

export interface CronSpec {
  /** The trigger text as the log shows it. */
  text: string;
  fields: CronField[];
}

/** A pytz-style aware datetime: wall-clock seconds (as if UTC) and the offset it carries. */
interface Aware { wall: number; offset: number }

export class CronSyntaxError extends Error {}

/**
 * `cron[day_of_week='mon-fri', hour='9', minute='30']` → the trigger's fields, with the defaults
 * APScheduler's constructor fills in: fields more significant than the first given one are `*`,
 * less significant than the last given one are their minimum. Undefined when the text is not a
 * cron trigger's `str()`; throws CronSyntaxError when a field is one APScheduler would reject.
 */
export function parseCronTrigger(text: string): CronSpec | undefined {
  const m = /^cron\[(.*)\]$/.exec(text);
  if (!m) return undefined;
  const given = new Map<string, string>();
  const body = m[1];
  const pair = /\s*(\w+)='([^']*)'\s*(?:,|$)/y;
  let at = 0;
  while (at < body.length) {
    pair.lastIndex = at;
    const p = pair.exec(body);
    if (!p) return undefined;
    given.set(p[1], p[2]);
    at = pair.lastIndex;
  }
  for (const k of given.keys()) if (!(FIELD_NAMES as readonly string[]).includes(k)) return undefined;
  const fields: CronField[] = [];
  let remaining = given.size;
  let assignDefaults = false;
  for (const name of FIELD_NAMES) {
    let exprs: string;
    if (given.has(name)) {
      exprs = given.get(name)!;
      remaining--;
      assignDefaults = remaining === 0;
    } else exprs = assignDefaults ? DEFAULTS[name] : '*';
    fields.push({ name, exprs: exprs.trim().split(/ *, */).map((e) => compile(name, e)) });
  }
  return { text, fields };
}

function compile(field: FieldName, expr: string): Expr {
  const all = /^\*(?:\/(\d+))?$/.exec(expr);
  if (all) return checkStep(field, { kind: 'all', step: asStep(all[1]) }, MAX[field] - MIN[field]);
  const range = /^(\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(expr);
  if (range) {
    const first = Number(range[1]);
    const step = asStep(range[3]);
    const last = range[2] !== undefined ? Number(range[2]) : step === undefined ? first : undefined;
    if (last !== undefined && first > last) throw new CronSyntaxError(`${field}='${expr}': the minimum is higher than the maximum`);
    if (first < MIN[field] || (last !== undefined && last > MAX[field])) throw new CronSyntaxError(`${field}='${expr}': out of range`);
    return checkStep(field, { kind: 'range', first, last, step }, (last ?? MAX[field]) - first);
  }
  if (field === 'day') {
    const pos = new RegExp(`^(${POSITIONS.join('|')}) +(\\w+)`, 'i').exec(expr);
    if (pos) {
      const weekday = WEEKDAYS.indexOf(pos[2].toLowerCase());
      if (weekday < 0) throw new CronSyntaxError(`day='${expr}': unknown weekday`);
      return { kind: 'position', option: POSITIONS.indexOf(pos[1].toLowerCase()), weekday };
    }
    if (/^last/i.test(expr)) return { kind: 'last-day' };
  }
  const names = field === 'month' ? MONTHS : field === 'day_of_week' ? WEEKDAYS : undefined;
  const named = names && /^([a-z]+)(?:-([a-z]+))?/i.exec(expr);
  if (names && named) {
    const base = field === 'month' ? 1 : 0;
    const first = names.indexOf(named[1].toLowerCase());
    const last = named[2] ? names.indexOf(named[2].toLowerCase()) : first;
    if (first < 0 || last < 0) throw new CronSyntaxError(`${field}='${expr}': unknown name`);
    if (first > last) throw new CronSyntaxError(`${field}='${expr}': the minimum is higher than the maximum`);
    return { kind: 'range', first: first + base, last: last + base, step: undefined };
  }
  throw new CronSyntaxError(`unrecognised expression "${expr}" for field "${field}"`);
}

function asStep(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (n === 0) throw new CronSyntaxError('a step must be higher than 0');
  return n;
}

function checkStep(field: FieldName, e: Expr, span: number): Expr {
  if ('step' in e && e.step !== undefined && e.step > span) throw new CronSyntaxError(`${field}: the step ${e.step} is larger than the range ${span}`);
  return e;
}

// ---- the calendar, on wall-clock seconds ----

interface Parts { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number }

// One walk asks for the fields of the same wall time many times over (every field, its maximum,
// every expression): the last answer is kept. Callers only read it.
let lastWall = NaN;
let lastParts: Parts | undefined;

/** The calendar fields of a wall-clock second, without Date. */
function parts(wall: number): Parts {
  if (wall === lastWall) return lastParts!;
  const days = Math.floor(wall / 86400);
  const rem = wall - days * 86400;
  const { year, month, day } = civilFromDays(days);
  const hour = Math.floor(rem / 3600);
  const minute = Math.floor((rem - hour * 3600) / 60);
  lastParts = {
    year, month, day,
    hour, minute, second: Math.floor(rem - hour * 3600 - minute * 60),
    // 1970-01-01 was a Thursday: 3 with Monday 0.
    weekday: (((days + 3) % 7) + 7) % 7,
  };
  lastWall = wall;
  return lastParts;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

function isoWeek(wall: number): number {
  const p = parts(wall);
  // The ISO week is the week of the Thursday in the same Monday-based week.
  const thursday = Date.UTC(p.year, p.month - 1, p.day) / 86400e3 - p.weekday + 3;
  const year = new Date(thursday * 86400e3).getUTCFullYear();
  return Math.floor((thursday - Date.UTC(year, 0, 1) / 86400e3) / 7) + 1;
}

function getValue(field: FieldName, wall: number): number {
  if (field === 'week') return isoWeek(wall);
  const p = parts(wall);
  return field === 'day_of_week' ? p.weekday : p[field];
}

function getMax(field: FieldName, wall: number): number {
  if (field !== 'day') return MAX[field];
  const p = parts(wall);
  return daysInMonth(p.year, p.month);
}

function exprNext(e: Expr, field: FieldName, wall: number): number | undefined {
  const start = getValue(field, wall);
  let min = MIN[field];
  let max = getMax(field, wall);
  switch (e.kind) {
    case 'all': {
      const s = Math.max(start, min);
      const next = e.step ? s + ((e.step - (s - min)) % e.step + e.step) % e.step : s;
      return next <= max ? next : undefined;
    }
    case 'range': {
      min = Math.max(min, e.first);
      max = e.last !== undefined ? Math.min(max, e.last) : max;
      let next = Math.max(min, start);
      if (e.step) next += ((e.step - (next - min)) % e.step + e.step) % e.step;
      return next <= max ? next : undefined;
    }
    case 'position': {
      const p = parts(wall);
      const firstWeekday = (new Date(Date.UTC(p.year, p.month - 1, 1)).getUTCDay() + 6) % 7;
      const last = daysInMonth(p.year, p.month);
      let firstHit = e.weekday - firstWeekday + 1;
      if (firstHit <= 0) firstHit += 7;
      const target = e.option < 5 ? firstHit + e.option * 7 : firstHit + Math.floor((last - firstHit) / 7) * 7;
      return target <= last && target >= p.day ? target : undefined;
    }
    case 'last-day': {
      const p = parts(wall);
      return daysInMonth(p.year, p.month);
    }
  }
}

function fieldNext(f: CronField, wall: number): number | undefined {
  let smallest: number | undefined;
  for (const e of f.exprs) {
    const v = exprNext(e, f.name, wall);
    if (smallest === undefined || (v !== undefined && v < smallest)) smallest = v;
  }
  return smallest;
}

type RealValues = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function wallOf(v: RealValues): number {
  return Date.UTC(v.year, v.month - 1, v.day, v.hour, v.minute, v.second) / 1000;
}

function normalize(instant: number, zone: Zone): Aware {
  const offset = zone.offsetAt(instant);
  return { wall: instant + offset, offset };
}

/** pytz's `localize(dt, is_dst=False)`: the standard-time reading of a repeated hour; in a gap, the pre-transition offset. */
function localize(wall: number, zone: Zone): Aware {
  const candidates = new Set([zone.offsetAt(wall - 86400), zone.offsetAt(wall + 86400)]);
  const possible = [...candidates].filter((o) => zone.offsetAt(wall - o) === o);
  if (possible.length === 1) return { wall, offset: possible[0] };
  if (possible.length === 0) return { wall, offset: localize(wall - 6 * 3600, zone).offset };
  return { wall, offset: Math.min(...possible) };
}

function incrementField(spec: CronSpec, date: Aware, fieldnum: number, zone: Zone): { date: Aware; fieldnum: number } {
  const values: Partial<RealValues> = {};
  let i = 0;
  while (i < spec.fields.length) {
    const name = spec.fields[i].name;
    if (!REAL[name]) {
      if (i === fieldnum) {
        fieldnum--;
        i--;
      } else i++;
      continue;
    }
    const key = name as keyof RealValues;
    if (i < fieldnum) {
      values[key] = getValue(name, date.wall);
      i++;
    } else if (i > fieldnum) {
      values[key] = MIN[name];
      i++;
    } else {
      const value = getValue(name, date.wall);
      if (value === getMax(name, date.wall)) {
        fieldnum--;
        i--;
      } else {
        values[key] = value + 1;
        i++;
      }
    }
  }
  if (fieldnum < 0) return { date, fieldnum };
  const difference = wallOf(values as RealValues) - date.wall;
  // pytz: the wall-clock difference added to the aware datetime (its offset kept), then normalized.
  return { date: normalize(date.wall - date.offset + difference, zone), fieldnum };
}

function setField(spec: CronSpec, date: Aware, fieldnum: number, value: number, zone: Zone): Aware {
  const values: Partial<RealValues> = {};
  spec.fields.forEach((f, i) => {
    if (!REAL[f.name]) return;
    const key = f.name as keyof RealValues;
    values[key] = i < fieldnum ? getValue(f.name, date.wall) : i > fieldnum ? MIN[f.name] : value;
  });
  return localize(wallOf(values as RealValues), zone);
}

/** Years past this are taken as "never": APScheduler would walk to 9999 for an impossible date. */
const HORIZON_YEARS = 200;

/**
 * The first fire time at or after `fromMicros` (APScheduler's `get_next_fire_time(None, now)`
 * with no start date): epoch microseconds, or undefined when the trigger never fires again.
 * The next fire time after a previous one is `nextFireTime(spec, zone, previous + 1)`.
 */
export function nextFireTime(spec: CronSpec, zone: Zone, fromMicros: number): number | undefined {
  const start = Math.ceil(fromMicros / 1e6);
  const limit = parts(start).year + HORIZON_YEARS;
  let date = normalize(start, zone);
  let fieldnum = 0;
  while (fieldnum >= 0 && fieldnum < spec.fields.length) {
    const field = spec.fields[fieldnum];
    // A lone `*` accepts every value: APScheduler's walk moves on without changing the date.
    if (field.exprs.length === 1 && field.exprs[0].kind === 'all' && !field.exprs[0].step) {
      fieldnum++;
      continue;
    }
    const curr = getValue(field.name, date.wall);
    const next = fieldNext(field, date.wall);
    if (next === undefined) {
      ({ date, fieldnum } = incrementField(spec, date, fieldnum - 1, zone));
    } else if (next > curr) {
      if (REAL[field.name]) {
        date = setField(spec, date, fieldnum, next, zone);
        fieldnum++;
      } else ({ date, fieldnum } = incrementField(spec, date, fieldnum, zone));
    } else fieldnum++;
    if (parts(date.wall).year > limit) return undefined;
  }
  return fieldnum >= 0 ? (date.wall - date.offset) * 1e6 : undefined;
}
