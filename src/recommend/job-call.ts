// One add_job() call, either recreating a stored job from its decoded state (every field; only the
// recommended values changed), or, from a log alone, with marked placeholders for what a log does
// not show (function, arguments, id, zone).

import type { PyValue } from '../model/store-record';
import { decodePickle } from '../stores/pickle';
import type { TriggerInfo } from '../stores/job-state';
import { triggerArgs as triggerArgsFromText } from './trigger-args';
import { triggerCall } from './trigger-call';
import { pyLiteral, pyStr, PythonSource } from './python-literal';
import type { PlannedJob } from './store-plan';

/** Job options the recommender may change: setting → Python value. */
export type Overrides = Partial<Record<'max_instances' | 'coalesce' | 'misfire_grace_time', string>>;

export interface JobCall {
  /** The call, one argument per line. */
  lines: string[];
  /** Values that could not be written as Python: the call is then given commented out. */
  placeholders: string[];
}

const OPTION_KEYS = ['misfire_grace_time', 'coalesce', 'max_instances'] as const;

export function storeJobCall(planned: PlannedJob, overrides: Overrides, src: PythonSource): JobCall {
  const s = planned.job.state!;
  const own = new PythonSource();
  let raw: Record<string, PyValue> = {};
  try {
    const v = decodePickle(planned.job.row.jobState, { exactTypes: true });
    if (v && typeof v === 'object' && !Array.isArray(v) && !('__class__' in v)) raw = v as Record<string, PyValue>;
  } catch {
    // The row decoded once already (it has a state); a failure here leaves the placeholders below.
  }
  const args: Arg[] = [pyStr(s.func)];
  // The store's decoder fills in the whole TriggerInfo; the model names only what most callers need.
  const trigger = triggerCall(raw.trigger ?? null, s.trigger as unknown as TriggerInfo, own);
  args.push(...(trigger ?? [own.placeholder(`the trigger ${s.trigger.text}`)]));
  const rawArgs = raw.args;
  if (Array.isArray(rawArgs) && rawArgs.length) args.push(`args=${pyLiteral(Object.isFrozen(rawArgs) ? rawArgs : (Object.freeze([...rawArgs]) as PyValue[]), own)}`);
  const rawKwargs = raw.kwargs;
  if (rawKwargs && typeof rawKwargs === 'object' && (!('__class__' in rawKwargs) ? Object.keys(rawKwargs).length > 0 : true)) args.push(...kwargsLines(rawKwargs, own));
  args.push(`id=${pyStr(planned.id)}`, `name=${pyStr(s.name)}`, `executor=${pyStr(s.executor)}`);
  for (const key of OPTION_KEYS) {
    const stored = key in raw ? pyLiteral(raw[key], own) : storedOption(s, key);
    const value = overrides[key];
    args.push(value !== undefined && value !== stored ? [`${key}=${value}`, `sched-doctor: was ${stored}`] : `${key}=${stored}`);
  }
  // A paused job (next_run_time NULL) is added paused, as add_job(next_run_time=None) does.
  if (planned.job.row.nextRunTime === null) args.push(['next_run_time=None', 'paused in the store']);
  args.push('replace_existing=True');
  for (const imp of own.imports) src.imports.add(imp);
  src.placeholders.push(...own.placeholders);
  return { lines: callLines(args), placeholders: own.placeholders };
}

function storedOption(s: NonNullable<PlannedJob['job']['state']>, key: (typeof OPTION_KEYS)[number]): string {
  if (key === 'coalesce') return s.coalesce ? 'True' : 'False';
  if (key === 'max_instances') return String(s.maxInstances);
  return s.misfireGraceTime === null ? 'None' : String(s.misfireGraceTime);
}

/** From a log alone: name and trigger are known; the rest is marked for the user to fill in. */
export function logJobCall(name: string, trigger: string | undefined, overrides: Overrides, src: PythonSource): JobCall {
  const own = new PythonSource();
  const fromText = trigger ? triggerArgsFromText(trigger) : undefined;
  const args: Arg[] = [own.placeholder(`the function of ${name}`)];
  args.push(fromText ?? own.placeholder(`the trigger ${trigger ?? ''}`.trim()));
  if (fromText && !fromText.startsWith("'interval'")) args.push(`timezone=${own.placeholder('its time zone: the log does not show it')}`);
  args.push(`args=${own.placeholder('its args, if any')}`, `kwargs=${own.placeholder('its kwargs, if any')}`);
  args.push(`id=${own.placeholder(`the id your app gives ${name}`)}`, `name=${pyStr(name)}`);
  for (const key of OPTION_KEYS) if (overrides[key] !== undefined) args.push(`${key}=${overrides[key]}`);
  args.push('replace_existing=True');
  src.placeholders.push(...own.placeholders);
  return { lines: callLines(args), placeholders: own.placeholders };
}

/** kwargs={...}: one key a line when it would not fit on one. */
function kwargsLines(kwargs: PyValue, src: PythonSource): string[] {
  const whole = `kwargs=${pyLiteral(kwargs, src)}`;
  if (whole.length <= 90 || Array.isArray(kwargs) || kwargs === null || typeof kwargs !== 'object' || '__class__' in kwargs) return [whole];
  const entries = Object.entries(kwargs as Record<string, PyValue>).map(([k, v]) => `    ${pyStr(k)}: ${pyLiteral(v, src)},`);
  return [['kwargs={', ...entries, '}'].join('\n    ')];
}

/** An argument, or an argument with its trailing comment. */
type Arg = string | [string, string];

function callLines(args: Arg[]): string[] {
  const lines = ['scheduler.add_job('];
  for (const a of args) lines.push(typeof a === 'string' ? `    ${a},` : `    ${a[0]},  # ${a[1]}`);
  lines.push(')');
  return lines;
}
