// A stored trigger written back as the add_job() arguments (or the trigger object) that make an
// equal trigger: every field, its zone, start and end dates, jitter.
//
// The structure (cron fields as text, the kind of trigger) comes from the decoded TriggerInfo; the
// values (datetimes, zone objects, jitter) from the exact pickle state, so nothing is rounded.

import type { CronFieldInfo, TriggerInfo } from '../stores/job-state';
import type { PyTimedelta, PyValue } from '../model/store-record';
import { isTz } from '../stores/pickle';
import { pyLiteral, pyStr, pyTz, type PythonSource } from './python-literal';

const CLASSES: Record<string, { type: TriggerInfo['type']; name: string; module: string; alias?: string }> = {
  'apscheduler.triggers.interval.IntervalTrigger': { type: 'interval', name: 'IntervalTrigger', module: 'apscheduler.triggers.interval', alias: 'interval' },
  'apscheduler.triggers.cron.CronTrigger': { type: 'cron', name: 'CronTrigger', module: 'apscheduler.triggers.cron', alias: 'cron' },
  'apscheduler.triggers.date.DateTrigger': { type: 'date', name: 'DateTrigger', module: 'apscheduler.triggers.date', alias: 'date' },
  'apscheduler.triggers.combining.AndTrigger': { type: 'and', name: 'AndTrigger', module: 'apscheduler.triggers.combining' },
  'apscheduler.triggers.combining.OrTrigger': { type: 'or', name: 'OrTrigger', module: 'apscheduler.triggers.combining' },
  'apscheduler.triggers.calendarinterval.CalendarIntervalTrigger': { type: 'calendarinterval', name: 'CalendarIntervalTrigger', module: 'apscheduler.triggers.calendarinterval' },
};

/**
 * The trigger arguments of an add_job call: `'cron', hour='6', timezone='Asia/Kathmandu'` for the
 * three triggers add_job names by alias, `trigger=OrTrigger([...])` for the others. Undefined
 * (with a placeholder noted in `src`) when the trigger is not one APScheduler ships.
 */
export function triggerCall(raw: PyValue, info: TriggerInfo, src: PythonSource): string[] | undefined {
  const cls = CLASSES[info.className];
  if (!cls || cls.type !== info.type) {
    src.placeholder(`the trigger ${info.className} (${info.text}): not one APScheduler ships, add it as your app does`);
    return undefined;
  }
  const args = triggerArgs(raw, info, src);
  if (args === undefined) return undefined;
  if (cls.alias) return [pyStr(cls.alias), ...args];
  src.imports.add(`from ${cls.module} import ${cls.name}`);
  return [`trigger=${cls.name}(${args.join(', ')})`];
}

/** The trigger as an object: `CronTrigger(hour='3', timezone='Europe/Helsinki')`. */
function triggerObject(raw: PyValue, info: TriggerInfo, src: PythonSource): string | undefined {
  const cls = CLASSES[info.className];
  if (!cls || cls.type !== info.type) {
    src.placeholder(`the trigger ${info.className} (${info.text})`);
    return undefined;
  }
  const args = triggerArgs(raw, info, src);
  if (args === undefined) return undefined;
  src.imports.add(`from ${cls.module} import ${cls.name}`);
  return `${cls.name}(${args.join(', ')})`;
}

function triggerArgs(raw: PyValue, info: TriggerInfo, src: PythonSource): string[] | undefined {
  const state = stateOf(raw);
  if (!state) {
    src.placeholder(`the state of ${info.text}`);
    return undefined;
  }
  const out: string[] = [];
  const put = (key: string, value: PyValue | undefined, always = false) => {
    if (value === undefined || (value === null && !always)) return;
    out.push(`${key}=${pyLiteral(value, src)}`);
  };
  const zone = (value: PyValue | undefined) => {
    if (isTz(value)) out.push(`timezone=${pyTz(value, src)}`);
    else if (value !== undefined && value !== null) out.push(`timezone=${pyLiteral(value, src)}`);
  };
  switch (info.type) {
    case 'interval': {
      const td = state.interval as PyTimedelta | undefined;
      if (!td || td.__class__ !== 'datetime.timedelta') {
        src.placeholder(`the interval of ${info.text}`);
        return undefined;
      }
      out.push(...intervalParts(td));
      put('start_date', state.start_date);
      put('end_date', state.end_date);
      zone(state.timezone);
      put('jitter', state.jitter);
      return out;
    }
    case 'cron':
      // Only the fields that were given: APScheduler derives the others (the less significant ones
      // from their minimum) the same way again, so is_default comes back as it was.
      for (const f of (info.fields ?? []).filter((x: CronFieldInfo) => !x.isDefault)) out.push(`${f.name}=${pyStr(f.expression)}`);
      put('start_date', state.start_date);
      put('end_date', state.end_date);
      zone(state.timezone);
      put('jitter', state.jitter);
      return out;
    case 'date':
      put('run_date', state.run_date, true);
      return out;
    case 'calendarinterval': {
      const iv = Array.isArray(state.interval) ? state.interval : [];
      const tm = Array.isArray(state.time) ? state.time : [];
      ['years', 'months', 'weeks', 'days'].forEach((k, i) => {
        if (iv[i]) out.push(`${k}=${pyLiteral(iv[i], src)}`);
      });
      ['hour', 'minute', 'second'].forEach((k, i) => {
        if (tm[i]) out.push(`${k}=${pyLiteral(tm[i], src)}`);
      });
      put('start_date', state.start_date);
      put('end_date', state.end_date);
      zone(state.timezone);
      put('jitter', state.jitter);
      return out;
    }
    case 'and':
    case 'or': {
      const pairs = Array.isArray(state.triggers) ? state.triggers : [];
      const children: string[] = [];
      for (let i = 0; i < pairs.length; i++) {
        const pair = pairs[i];
        const child = info.children?.[i];
        if (!child) return undefined;
        // Children are stored as ('module:Class', state) pairs.
        const childRaw: PyValue = Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' ? { __class__: pair[0].replace(':', '.'), state: pair[1] } : pair;
        const obj = triggerObject(childRaw, child, src);
        if (obj === undefined) return undefined;
        children.push(obj);
      }
      out.push(`[${children.join(', ')}]`);
      put('jitter', state.jitter);
      return out;
    }
    default:
      return undefined;
  }
}

/** A trigger object's state dict; the 3.0.x form was a (None, {slot: value}) tuple. */
function stateOf(raw: PyValue): Record<string, PyValue> | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !('__class__' in raw)) return undefined;
  let state = (raw as { state?: PyValue }).state;
  if (Array.isArray(state) && state.length === 2) state = state[1];
  if (state === null || state === undefined || typeof state !== 'object' || Array.isArray(state) || '__class__' in state) return undefined;
  return state as Record<string, PyValue>;
}

/** timedelta → IntervalTrigger's days/hours/minutes/seconds (seconds may carry the microseconds). */
function intervalParts(td: PyTimedelta): string[] {
  const parts: string[] = [];
  const h = Math.floor(td.seconds / 3600);
  const m = Math.floor(td.seconds / 60) % 60;
  const s = td.seconds % 60;
  if (td.days) parts.push(`days=${td.days}`);
  if (h) parts.push(`hours=${h}`);
  if (m) parts.push(`minutes=${m}`);
  if (s || td.microseconds || parts.length === 0) {
    parts.push(`seconds=${td.microseconds ? `${s}.${String(td.microseconds).padStart(6, '0').replace(/0+$/, '')}` : s}`);
  }
  return parts;
}
