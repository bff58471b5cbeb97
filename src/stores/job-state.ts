// APScheduler 3.x job state (the pickled `job_state` column) → a typed, readable JobState.
//
// The texts reproduce what APScheduler itself prints (str(trigger), str(job)), so that a job
// found in a store can be matched with the lines its executions wrote to the log.

import { decodePickle, isTz } from './pickle';
import type { PyValue, PyObject, PyDateTime, PyDate, PyTimedelta } from '../model/store-record';
import { JsonLimitError, JsonRenderer, expansionBudget, type JsonValue } from './py-json';

// str(timedelta) is needed by the log side too; it lives with the decoder.
export { formatTimedelta } from './pickle';
export type { JsonValue } from './py-json';

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
  /**
   * `limit`: the state is not broken, only larger than sched-doctor decodes (the expansion budget,
   * the nesting depth, the trigger text): APScheduler may load it fine.
   */
  constructor(message: string, readonly limit = false) {
    super(message);
    this.name = 'JobStateError';
  }
}

/** Decode a `job_state` blob. Throws PickleError for a bad pickle, JobStateError for a non-job. */
export function decodeJobState(buf: Buffer): JobState {
  return jobStateFromValue(decodePickle(buf), expansionBudget(buf.length));
}

/**
 * The same, from an already decoded pickle (stores that nest the state, e.g. ZooKeeper). Every
 * field APScheduler's Job.__setstate__ reads must have the type it gives it: a row that would
 * make APScheduler fail (or a half-readable job) is a JobStateError, shown as undecodable.
 */
export function jobStateFromValue(value: PyValue, budget = expansionBudget(0)): JobState {
  const s = asDict(value);
  if (!s) throw new JobStateError('job state is not a dict');
  if (typeof s.id !== 'string' || !('trigger' in s)) {
    throw new JobStateError('job state has no id or trigger: not an APScheduler 3.x job');
  }
  const field = <T>(key: string, ok: (v: PyValue) => boolean, what: string, missing: T): PyValue | T => {
    if (!(key in s)) return missing;
    const v = s[key];
    if (!ok(v)) throw new JobStateError(`job state field '${key}' is ${pyTypeName(v)}, not ${what}`);
    return v;
  };
  const version = field('version', (v) => Number.isInteger(v), 'an int', null) as number | null;
  const name = field('name', (v) => typeof v === 'string', 'a str', '') as string;
  const executor = field('executor', (v) => typeof v === 'string', 'a str', 'default') as string;
  const func = field('func', (v) => typeof v === 'string' || isGlobal(v), 'a text reference', null);
  const args = field('args', Array.isArray, 'a tuple', []) as PyValue[];
  const kwargs = field('kwargs', (v) => asDict(v) !== null || isItemsDict(v), 'a dict', {});
  const grace = field('misfire_grace_time', (v) => v === null || (typeof v === 'number' && v >= 0), 'an int or None', null) as number | null;
  const coalesce = field('coalesce', (v) => typeof v === 'boolean', 'a bool', false) as boolean;
  const maxInstances = field('max_instances', (v) => Number.isInteger(v) && (v as number) > 0, 'a positive int', 1) as number;
  const next = field('next_run_time', (v) => v === null || isDateTime(v), 'a datetime or None', null);
  const trigger = triggerFromObject(s.trigger, new Set(), 0);
  const nextRunTime = dateInfo(next);
  const status = nextRunTime ? `next run at: ${nextRunTime.text}` : 'paused';
  const renderer = new JsonRenderer(budget);
  let argsJson: JsonValue[];
  let kwargsJson: { [key: string]: JsonValue };
  try {
    argsJson = renderer.render(args, 'args') as JsonValue[];
    kwargsJson = kwargsToJson(kwargs, renderer);
  } catch (err) {
    if (err instanceof JsonLimitError) throw new JobStateError(err.message, true);
    throw err;
  }
  return {
    version,
    id: s.id,
    name,
    func: typeof func === 'string' ? func : renderFunc(func),
    executor,
    args: argsJson,
    kwargs: kwargsJson,
    misfireGraceTime: grace,
    coalesce,
    maxInstances,
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

// Combined triggers nest; a pickle can nest one state in itself or repeat it by reference, and
// str(trigger) would then be endless or exponentially long. Real ones nest two or three deep.
const MAX_TRIGGER_DEPTH = 32;
const MAX_TRIGGER_TEXT = 100_000;

function triggerFromObject(v: PyValue, open: Set<object>, depth: number): TriggerInfo {
  if (isObject(v)) return triggerFromState(v.__class__, v.state ?? null, open, depth);
  return unknownTrigger(describeValue(v), null);
}

/**
 * One trigger from its class name and pickled state. 3.0.x pickled __slots__ triggers as
 * (None, {slot: value}); 3.2+ as a versioned dict.
 */
export function triggerFromState(className: string, rawState: PyValue, open: Set<object> = new Set(), depth = 0): TriggerInfo {
  if (depth > MAX_TRIGGER_DEPTH) throw new JobStateError(`trigger nested more than ${MAX_TRIGGER_DEPTH} levels deep`);
  if (rawState !== null && typeof rawState === 'object') {
    if (open.has(rawState)) throw new JobStateError('trigger contains itself');
    open.add(rawState);
  }
  try {
    const t = triggerOf(className, rawState, open, depth);
    if (t.text.length > MAX_TRIGGER_TEXT) throw new JobStateError(`trigger text longer than ${MAX_TRIGGER_TEXT.toLocaleString('en-US')} characters`, true);
    return t;
  } finally {
    if (rawState !== null && typeof rawState === 'object') open.delete(rawState);
  }
}

function triggerOf(className: string, rawState: PyValue, open: Set<object>, depth: number): TriggerInfo {
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
      return combiningTrigger(type, base, state, open, depth);
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

/**
 * str(trigger) of intervals met before, by the interval's text: a store repeats a few intervals
 * over many rows, and one string for them all is one to hash when rows are grouped or interned
 * (decode-row.ts), where a text made per row was a new one each time. Bounded.
 */
const intervalTexts = new Map<string, string>();

function intervalText(td: { text: string } | null): string {
  if (!td) return 'interval[?]';
  let text = intervalTexts.get(td.text);
  if (text === undefined) {
    if (intervalTexts.size >= 10_000) intervalTexts.clear();
    text = ['interval[', td.text, ']'].join('');
    intervalTexts.set(td.text, text);
  }
  return text;
}

function intervalTrigger(base: Base, s: Record<string, PyValue>): TriggerInfo {
  const td = isTimedeltaValue(s.interval) ? s.interval : null;
  return {
    type: 'interval',
    ...base,
    text: intervalText(td),
    timezone: tzName(s.timezone),
    startDate: dateInfo(s.start_date ?? null),
    endDate: dateInfo(s.end_date ?? null),
    intervalSeconds: td ? td.totalMicros / 1e6 : undefined,
  };
}

function cronTrigger(base: Base, s: Record<string, PyValue>): TriggerInfo {
  const fields = (Array.isArray(s.fields) ? s.fields : []).map(cronField);
  // Joined once into one flat string: made of templates, the text was a tree of pieces that every
  // later reader (a hash, a compare, the output) had to flatten first.
  const parts = ['cron['];
  for (const f of fields) {
    if (f.isDefault) continue;
    if (parts.length > 1) parts.push(', ');
    parts.push(f.name, "='", f.expression, "'");
  }
  parts.push(']');
  return {
    type: 'cron',
    ...base,
    text: parts.join(''),
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
    text: ['date[', runDate ? runDate.text : 'None', ']'].join(''),
    // 3.0.x also kept the zone in the state; later only the run date carries it.
    timezone: tzName(s.timezone) ?? runDate?.zone ?? null,
    startDate: null,
    endDate: null,
    runDate,
  };
}

/** and/or: children are stored as ('module:Class', state) pairs, not as objects. */
function combiningTrigger(type: 'and' | 'or', base: Base, s: Record<string, PyValue>, open: Set<object>, depth: number): TriggerInfo {
  const children: TriggerInfo[] = [];
  let length = 0;
  for (const pair of Array.isArray(s.triggers) ? s.triggers : []) {
    let child: TriggerInfo;
    if (Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string') {
      child = triggerFromState(pair[0].replace(':', '.'), pair[1], open, depth + 1);
    } else {
      child = isObject(pair) ? triggerFromObject(pair, open, depth + 1) : unknownTrigger(describeValue(pair), null);
    }
    length += child.text.length + 2;
    if (length > MAX_TRIGGER_TEXT) throw new JobStateError(`trigger text longer than ${MAX_TRIGGER_TEXT.toLocaleString('en-US')} characters`, true);
    children.push(child);
  }
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

/** kwargs as a JSON object (a dict with a reserved key name decodes as items; kwargs keys are str). */
function kwargsToJson(v: PyValue, renderer: JsonRenderer): { [key: string]: JsonValue } {
  if (isItemsDict(v)) {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, x] of v.items) {
      Object.defineProperty(out, String(k), { value: renderer.render(x, 'kwargs', String(k)), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return renderer.render(v, 'kwargs') as { [key: string]: JsonValue };
}

function isItemsDict(v: PyValue | undefined): v is { __class__: 'builtins.dict'; items: [PyValue, PyValue][] } {
  return isObject(v) && v.__class__ === 'builtins.dict' && Array.isArray((v as { items?: unknown }).items);
}

/** The Python type of a decoded value, for messages. */
function pyTypeName(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return `a bool (${v ? 'True' : 'False'})`;
  if (typeof v === 'number') return Number.isInteger(v) ? `an int (${v})` : `a float (${v})`;
  if (typeof v === 'bigint') return 'an int';
  if (typeof v === 'string') return 'a str';
  if (Array.isArray(v)) return 'a tuple or list';
  if (isObject(v)) return `a ${v.__class__}`;
  return isGlobal(v) ? 'a class or function' : 'a dict';
}

function isGlobal(v: PyValue | undefined): boolean {
  return typeof v === 'object' && v !== null && '__global__' in v;
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
