// APScheduler 3.x job state (the pickled `job_state` column) → a typed, readable JobState.
//
// The texts reproduce what APScheduler itself prints (str(trigger), str(job)), so that a job
// found in a store can be matched with the lines its executions wrote to the log.

import { decodePickle, isTz } from './pickle';
import type { PyValue, PyObject, PyDateTime, PyDate, PyTimedelta } from '../model/store-record';

// str(timedelta) is needed by the log side too; it lives with the decoder.
export { formatTimedelta } from './pickle';

/** A JSON-safe rendering of a decoded value (big ints and non-finite floats become markers). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface DateInfo {
  /** Python's isoformat(), offset included when known. */
  iso: string;
  epochMicros: number | null;
  /** str(tzinfo): 'Europe/Helsinki', 'UTC', 'UTC+02:00', 'pytz.FixedOffset(120)'; null when naive. */
  zone: string | null;
  /** strftime('%Z'): 'EET', '+0545', 'UTC'; null when nothing is printed. */
  abbrev: string | null;
  /** APScheduler's datetime_repr: '%Y-%m-%d %H:%M:%S %Z' (a date prints as str(date)). */
  text: string;
}

export type TriggerType = 'interval' | 'cron' | 'date' | 'and' | 'or' | 'calendarinterval' | 'unknown';

export interface CronFieldInfo {
  name: string;
  /** str(field): the comma-joined expressions, e.g. 'mon-fri', '*\/5', 'last fri'. */
  expression: string;
  isDefault: boolean;
}

export interface TriggerInfo {
  type: TriggerType;
  /** 'apscheduler.triggers.cron.CronTrigger' (a subclass keeps its own name). */
  className: string;
  /** Exactly what str(trigger) prints. */
  text: string;
  /** The trigger state's version; null for the 3.0.x tuple form or no version key. */
  version: number | null;
  /** str(timezone) of the trigger, or of the run date for date triggers. */
  timezone: string | null;
  startDate: DateInfo | null;
  endDate: DateInfo | null;
  jitter: number | null;
  /** interval: the interval in seconds (timedelta.total_seconds()). */
  intervalSeconds?: number;
  /** cron: every field, default or not, in APScheduler's order. */
  fields?: CronFieldInfo[];
  /** date: when it fires. */
  runDate?: DateInfo | null;
  /** and / or: the combined triggers. */
  children?: TriggerInfo[];
  /** calendarinterval (3.11+). */
  calendar?: { years: number; months: number; weeks: number; days: number; time: string };
}

export interface JobState {
  /** Job state version (always 1 in 3.x). */
  version: number | null;
  id: string;
  /** The job's name: what the log lines show. */
  name: string;
  /** Text reference of the callable, 'module:qualname'. */
  func: string;
  executor: string;
  args: JsonValue[];
  kwargs: { [key: string]: JsonValue };
  misfireGraceTime: number | null;
  coalesce: boolean;
  maxInstances: number;
  /** null: the job is paused. */
  nextRunTime: DateInfo | null;
  trigger: TriggerInfo;
  /** str(job): 'NAME (trigger: TRIGGER, next run at: …)' or '… paused)'. */
  text: string;
}

export class JobStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobStateError';
  }
}

/** Decode a `job_state` blob. Throws PickleError for a bad pickle, JobStateError for a non-job. */
export function decodeJobState(buf: Buffer): JobState {
  return jobStateFromValue(decodePickle(buf));
}

/** The same, from an already decoded pickle (stores that nest the state, e.g. ZooKeeper). */
export function jobStateFromValue(value: PyValue): JobState {
  const s = asDict(value);
  if (!s) throw new JobStateError('job state is not a dict');
  if (typeof s.id !== 'string' || !('trigger' in s)) {
    throw new JobStateError('job state has no id or trigger: not an APScheduler 3.x job');
  }
  const trigger = triggerFromObject(s.trigger);
  const nextRunTime = dateInfo(s.next_run_time ?? null);
  const name = typeof s.name === 'string' ? s.name : '';
  const status = nextRunTime ? `next run at: ${nextRunTime.text}` : 'paused';
  return {
    version: num(s.version),
    id: s.id,
    name,
    func: typeof s.func === 'string' ? s.func : renderFunc(s.func),
    executor: typeof s.executor === 'string' ? s.executor : 'default',
    args: Array.isArray(s.args) ? s.args.map((a) => toJson(a)) : [],
    kwargs: kwargsToJson(s.kwargs ?? null),
    misfireGraceTime: num(s.misfire_grace_time),
    coalesce: s.coalesce === true,
    maxInstances: num(s.max_instances) ?? 1,
    nextRunTime,
    trigger,
    text: `${name} (trigger: ${trigger.text}, ${status})`,
  };
}

// ---------------------------------------------------------------------------------------------
// Triggers

const TRIGGER_CLASSES: Record<string, TriggerType> = {
  'apscheduler.triggers.interval.IntervalTrigger': 'interval',
  'apscheduler.triggers.cron.CronTrigger': 'cron',
  'apscheduler.triggers.date.DateTrigger': 'date',
  'apscheduler.triggers.combining.AndTrigger': 'and',
  'apscheduler.triggers.combining.OrTrigger': 'or',
  'apscheduler.triggers.calendarinterval.CalendarIntervalTrigger': 'calendarinterval',
};

function triggerFromObject(v: PyValue): TriggerInfo {
  if (isObject(v)) return triggerFromState(v.__class__, v.state ?? null);
  return unknownTrigger(describeValue(v), null);
}

/**
 * One trigger from its class name and pickled state. 3.0.x pickled __slots__ triggers as
 * (None, {slot: value}); 3.2+ as a versioned dict.
 */
export function triggerFromState(className: string, rawState: PyValue): TriggerInfo {
  let state = asDict(rawState);
  let tupleForm = false;
  if (!state && Array.isArray(rawState) && rawState.length === 2) {
    state = asDict(rawState[1]);
    tupleForm = state !== null;
  }
  if (!state) return unknownTrigger(className, null);
  const type = TRIGGER_CLASSES[className] ?? inferType(state);
  const base = {
    className,
    version: tupleForm ? null : num(state.version),
    jitter: num(state.jitter),
  };
  switch (type) {
    case 'interval':
      return intervalTrigger(base, state);
    case 'cron':
      return cronTrigger(base, state);
    case 'date':
      return dateTrigger(base, state);
    case 'and':
    case 'or':
      return combiningTrigger(type, base, state);
    case 'calendarinterval':
      return calendarTrigger(base, state);
    default:
      return unknownTrigger(className, base.version);
  }
}

/** A subclass of a built-in trigger keeps its parent's state (and usually its __str__). */
function inferType(state: Record<string, PyValue>): TriggerType {
  if (Array.isArray(state.fields)) return 'cron';
  if (isTimedeltaValue(state.interval)) return 'interval';
  if ('run_date' in state) return 'date';
  return 'unknown';
}

type Base = Pick<TriggerInfo, 'className' | 'version' | 'jitter'>;

function intervalTrigger(base: Base, s: Record<string, PyValue>): TriggerInfo {
  const td = isTimedeltaValue(s.interval) ? s.interval : null;
  return {
    type: 'interval',
    ...base,
    text: `interval[${td ? td.text : '?'}]`,
    timezone: tzName(s.timezone),
    startDate: dateInfo(s.start_date ?? null),
    endDate: dateInfo(s.end_date ?? null),
    intervalSeconds: td ? td.totalMicros / 1e6 : undefined,
  };
}

function cronTrigger(base: Base, s: Record<string, PyValue>): TriggerInfo {
  const fields = (Array.isArray(s.fields) ? s.fields : []).map(cronField);
  const shown = fields.filter((f) => !f.isDefault).map((f) => `${f.name}='${f.expression}'`);
  return {
    type: 'cron',
    ...base,
    text: `cron[${shown.join(', ')}]`,
    timezone: tzName(s.timezone),
    startDate: dateInfo(s.start_date ?? null),
    endDate: dateInfo(s.end_date ?? null),
    fields,
  };
}

function dateTrigger(base: Base, s: Record<string, PyValue>): TriggerInfo {
  const runDate = dateInfo(s.run_date ?? null);
  return {
    type: 'date',
    ...base,
    text: `date[${runDate ? runDate.text : 'None'}]`,
    // 3.0.x also kept the zone in the state; later only the run date carries it.
    timezone: tzName(s.timezone) ?? runDate?.zone ?? null,
    startDate: null,
    endDate: null,
    runDate,
  };
}

/** and/or: children are stored as ('module:Class', state) pairs, not as objects. */
function combiningTrigger(type: 'and' | 'or', base: Base, s: Record<string, PyValue>): TriggerInfo {
  const children = (Array.isArray(s.triggers) ? s.triggers : []).map((pair) => {
    if (Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string') {
      return triggerFromState(pair[0].replace(':', '.'), pair[1]);
    }
    return isObject(pair) ? triggerFromObject(pair) : unknownTrigger(describeValue(pair), null);
  });
  return {
    type,
    ...base,
    text: `${type}[${children.map((c) => c.text).join(', ')}]`,
    timezone: null,
    startDate: null,
    endDate: null,
    children,
  };
}

/** 3.11's CalendarIntervalTrigger has no __str__: the job line shows its repr. */
function calendarTrigger(base: Base, s: Record<string, PyValue>): TriggerInfo {
  const [years, months, weeks, days] = numbers(s.interval, 4);
  const [hour, minute, second] = numbers(s.time, 3);
  const tz = isTz(s.timezone) ? s.timezone : null;
  // time(h, m, s, tzinfo=zone).isoformat(): only zones with a date-independent offset add one.
  let time = `${pad2(hour)}:${pad2(minute)}:${pad2(second)}`;
  if (tz && (tz.kind === 'utc' || tz.kind === 'fixed') && tz.utcoffsetSeconds !== null) {
    time += isoOffset(tz.utcoffsetSeconds);
  }
  const parts = Object.entries({ years, months, weeks, days })
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k}=${v}`);
  const start = dateInfo(s.start_date ?? null);
  const end = dateInfo(s.end_date ?? null);
  parts.push(`time=${pyStrRepr(time)}`, `start_date='${start ? start.text : 'None'}'`);
  if (end) parts.push(`end_date='${end.text}'`);
  parts.push(`timezone=${pyStrRepr(timezoneRepr(s.timezone))}`);
  return {
    type: 'calendarinterval',
    ...base,
    text: `CalendarIntervalTrigger(${parts.join(', ')})`,
    timezone: tzName(s.timezone),
    startDate: start,
    endDate: end,
    calendar: { years, months, weeks, days, time },
  };
}

function unknownTrigger(className: string, version: number | null): TriggerInfo {
  return {
    type: 'unknown',
    className,
    text: `<${className} object>`,
    version,
    timezone: null,
    startDate: null,
    endDate: null,
    jitter: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Cron fields and expressions (apscheduler/triggers/cron/{fields,expressions}.py)

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const POSITIONS = ['1st', '2nd', '3rd', '4th', '5th', 'last'];

function cronField(v: PyValue): CronFieldInfo {
  const st = isObject(v) ? asDict(v.state ?? null) : null;
  if (!st) return { name: '?', expression: '?', isDefault: false };
  const exprs = Array.isArray(st.expressions) ? st.expressions : [];
  return {
    name: typeof st.name === 'string' ? st.name : '?',
    expression: exprs.map(cronExpression).join(','), // BaseField.__str__
    isDefault: st.is_default === true,
  };
}

/** Each expression class's __str__, from its pickled attributes. */
function cronExpression(v: PyValue): string {
  if (!isObject(v)) return '?';
  const cls = v.__class__.slice(v.__class__.lastIndexOf('.') + 1);
  const st = asDict(v.state ?? null) ?? {};
  const first = num(st.first);
  const last = num(st.last);
  const step = num(st.step);
  const isRange = last !== first && last !== null;
  switch (cls) {
    case 'AllExpression':
      return step ? `*/${step}` : '*';
    case 'LastDayOfMonthExpression':
      return 'last';
    case 'WeekdayPositionExpression':
      return `${POSITIONS[num(st.option_num) ?? -1] ?? '?'} ${WEEKDAYS[num(st.weekday) ?? -1] ?? '?'}`;
    case 'MonthRangeExpression':
      return isRange ? `${MONTHS[first! - 1]}-${MONTHS[last! - 1]}` : `${MONTHS[first! - 1]}`;
    case 'WeekdayRangeExpression':
      return isRange ? `${WEEKDAYS[first!]}-${WEEKDAYS[last!]}` : `${WEEKDAYS[first!]}`;
    default: {
      // RangeExpression, or an unknown expression shaped like one or like AllExpression.
      if (first === null) return step ? `*/${step}` : '*';
      const range = isRange ? `${first}-${last}` : `${first}`;
      return step ? `${range}/${step}` : range;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Dates and zones

function dateInfo(v: PyValue): DateInfo | null {
  if (isDateTime(v)) {
    const zone = tzName(v.tz);
    const text =
      `${v.year}-${pad2(v.month)}-${pad2(v.day)} ` +
      `${pad2(v.hour)}:${pad2(v.minute)}:${pad2(v.second)} ${v.tzname ?? ''}`;
    return { iso: v.iso, epochMicros: v.epochMicros, zone, abbrev: v.tzname, text };
  }
  if (isDate(v)) return { iso: v.iso, epochMicros: null, zone: null, abbrev: null, text: v.iso };
  return null;
}

function tzName(v: PyValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (isTz(v)) return v.name;
  return isObject(v) ? v.__class__ : null;
}

/** apscheduler.util.timezone_repr (3.11): the key of a ZoneInfo, repr() of anything else. */
function timezoneRepr(v: PyValue | undefined): string {
  if (!isTz(v)) return tzName(v ?? null) ?? 'None';
  if (v.kind === 'zoneinfo') return v.name;
  if (v.__class__ === 'datetime.timezone') {
    if (v.kind === 'utc') return 'datetime.timezone.utc';
    const td = timedeltaRepr(Math.round((v.utcoffsetSeconds ?? 0) * 1e6));
    const named = v.name !== `UTC${isoOffset(v.utcoffsetSeconds ?? 0)}`;
    return named ? `datetime.timezone(${td}, ${pyStrRepr(v.name)})` : `datetime.timezone(${td})`;
  }
  if (v.__class__ === 'pytz.UTC') return '<UTC>';
  return v.name;
}

/** repr(timedelta) since Python 3.7: 'datetime.timedelta(days=-1, seconds=68400)'. */
function timedeltaRepr(micros: number): string {
  const day = 86_400_000_000;
  const days = Math.floor(micros / day);
  const rest = micros - days * day;
  const parts: string[] = [];
  if (days) parts.push(`days=${days}`);
  if (Math.floor(rest / 1e6)) parts.push(`seconds=${Math.floor(rest / 1e6)}`);
  if (rest % 1e6) parts.push(`microseconds=${rest % 1e6}`);
  return `datetime.timedelta(${parts.length ? parts.join(', ') : '0'})`;
}

function isoOffset(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const h = Math.floor(abs / 3600);
  const m = Math.floor(abs / 60) % 60;
  const s = Math.floor(abs) % 60;
  return `${sign}${pad2(h)}:${pad2(m)}${s ? `:${pad2(s)}` : ''}`;
}

/** Python's repr() of a str, for the plain ASCII texts that appear in trigger reprs. */
function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(quote === "'" ? /'/g : /(?!)/g, "\\'");
  return `${quote}${body}${quote}`;
}

// ---------------------------------------------------------------------------------------------
// Rendering and small helpers

/** JSON-safe copy: big ints and non-finite floats become marker objects; cycles are cut. */
export function toJson(v: PyValue, ancestors: Set<object> = new Set()): JsonValue {
  if (typeof v === 'bigint') return { __class__: 'builtins.int', value: v.toString() };
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return v;
    return { __class__: 'builtins.float', value: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' };
  }
  if (v === null || typeof v !== 'object') return v;
  if (ancestors.has(v)) return { __class__: 'recursion' };
  ancestors.add(v);
  let out: JsonValue;
  if (Array.isArray(v)) {
    out = v.map((x) => toJson(x, ancestors));
  } else {
    const o: { [key: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v as Record<string, PyValue>)) {
      Object.defineProperty(o, k, { value: toJson(x, ancestors), enumerable: true, writable: true, configurable: true });
    }
    out = o;
  }
  ancestors.delete(v);
  return out;
}

function kwargsToJson(v: PyValue): { [key: string]: JsonValue } {
  const d = asDict(v);
  if (d) return toJson(d) as { [key: string]: JsonValue };
  // A dict with a reserved key name decodes as items; kwargs keys are always str.
  if (isObject(v) && v.__class__ === 'builtins.dict' && Array.isArray((v as { items?: unknown }).items)) {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, x] of (v as unknown as { items: [PyValue, PyValue][] }).items) {
      Object.defineProperty(out, String(k), { value: toJson(x), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return {};
}

function renderFunc(v: PyValue | undefined): string {
  if (v && typeof v === 'object' && '__global__' in v) return String((v as { __global__: string }).__global__);
  return describeValue(v ?? null);
}

function describeValue(v: PyValue): string {
  if (isObject(v)) return v.__class__;
  return v === null ? 'None' : typeof v;
}

/** A decoded Python dict with str keys (a plain object, not a PyObject or a list). */
function asDict(v: PyValue): Record<string, PyValue> | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  if ('__class__' in v || '__global__' in v) return null;
  return v as Record<string, PyValue>;
}

function isObject(v: PyValue | undefined): v is PyObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as PyObject).__class__ === 'string';
}

function isDateTime(v: PyValue): v is PyDateTime {
  return isObject(v) && v.__class__ === 'datetime.datetime';
}

function isDate(v: PyValue): v is PyDate {
  return isObject(v) && v.__class__ === 'datetime.date';
}

function isTimedeltaValue(v: PyValue | undefined): v is PyTimedelta {
  return isObject(v) && v.__class__ === 'datetime.timedelta';
}

function num(v: PyValue | undefined): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return null;
}

function numbers(v: PyValue | undefined, n: number): number[] {
  const a = Array.isArray(v) ? v : [];
  return Array.from({ length: n }, (_, i) => num(a[i]) ?? 0);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
