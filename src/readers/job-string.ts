// APScheduler 3.x `str(job)`: `NAME (trigger: TRIGGER, next run at: 2024-01-01 16:23:18 CST)`,
// `NAME (trigger: TRIGGER, paused)` or `NAME (trigger: TRIGGER, pending)`.
// Names are free text (quotes, parentheses, commas) and triggers nest parentheses
// (CalendarIntervalTrigger's repr), so the parse is anchored on the end and on the last
// ` (trigger: `, which a trigger's text never contains.

import type { JobRef } from '../model/event';

const TRIGGER = ' (trigger: ';
const NEXT_RUN = ', next run at: ';

const PAUSED = ', paused)';
const PENDING = ', pending)';

// Read by positions in the text, not in a slice of what follows ` (trigger: `: the slice was
// one more string per record. (A last `, next run at: ` lies after the trigger marker or the
// string has none there: the text ends with `)`, which the marker's last character is not.)
export function parseJobString(text: string): JobRef | undefined {
  if (!text.endsWith(')')) return undefined;
  const t = text.lastIndexOf(TRIGGER);
  if (t < 0) return undefined;
  const name = text.slice(0, t);
  const from = t + TRIGGER.length;
  const end = text.length;
  if (text.endsWith(PAUSED) && end - PAUSED.length >= from) return { name, trigger: text.slice(from, end - PAUSED.length), paused: true };
  if (text.endsWith(PENDING) && end - PENDING.length >= from) return { name, trigger: text.slice(from, end - PENDING.length) };
  const n = text.lastIndexOf(NEXT_RUN);
  if (n < from) return undefined;
  return { name, trigger: text.slice(from, n), nextRunAt: text.slice(n + NEXT_RUN.length, end - 1) };
}
