// APScheduler 3.x `str(job)`: `NAME (trigger: TRIGGER, next run at: 2024-01-01 16:23:18 CST)`,
// `NAME (trigger: TRIGGER, paused)` or `NAME (trigger: TRIGGER, pending)`.
// Names are free text (quotes, parentheses, commas) and triggers nest parentheses
// (CalendarIntervalTrigger's repr), so the parse is anchored on the end and on the last
// ` (trigger: `, which a trigger's text never contains.

import type { JobRef } from '../model/event';

const TRIGGER = ' (trigger: ';
const NEXT_RUN = ', next run at: ';

export function parseJobString(text: string): JobRef | undefined {
  if (!text.endsWith(')')) return undefined;
  const t = text.lastIndexOf(TRIGGER);
  if (t < 0) return undefined;
  const name = text.slice(0, t);
  const inner = text.slice(t + TRIGGER.length, -1);
  if (inner.endsWith(', paused')) return { name, trigger: inner.slice(0, -8), paused: true };
  if (inner.endsWith(', pending')) return { name, trigger: inner.slice(0, -9) };
  const n = inner.lastIndexOf(NEXT_RUN);
  if (n < 0) return undefined;
  return { name, trigger: inner.slice(0, n), nextRunAt: inner.slice(n + NEXT_RUN.length) };
}
