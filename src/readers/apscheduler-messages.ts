// The catalogue of APScheduler 3.x log messages (3.0 to 3.11 share the texts; see the field
// guide). Each entry is a literal start, a parser for the rest of the message, and sample
// messages it must parse (test/readers/apscheduler-messages.test.ts runs every sample).
// Parsers anchor on the end of the message, because job names may contain anything.

import type { LogEvent, RecordContext } from '../model/event';
import { parseJobString } from './job-string';
import { parsePythonDatetime, parsePythonTimedelta } from './timestamp';

/** An event without its context: the reader adds where and when. */
export type EventBody = DistributiveOmit<LogEvent, 'ctx'>;
type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

export interface MessageDef {
  /** The literal text every such message starts with: the reader finds messages by it. */
  start: string;
  /** Whether a traceback follows on the next lines (logger.exception). */
  traceback?: boolean;
  parse(message: string): EventBody | undefined;
  samples: string[];
}

function between(message: string, start: string, end: string): string | undefined {
  const e = message.lastIndexOf(end);
  if (e < start.length) return undefined;
  return message.slice(start.length, e);
}

function exact(start: string, body: EventBody): MessageDef {
  // A fresh body per message: withContext attaches the context to the body itself.
  return { start, parse: (m) => (m.trimEnd() === start ? { ...body } : undefined), samples: [start] };
}

function jobMessage(start: string, end: string, build: (job: NonNullable<ReturnType<typeof parseJobString>>) => EventBody, samples: string[]): MessageDef {
  return {
    start,
    parse(message) {
      const m = message.trimEnd();
      if (!m.endsWith(end)) return undefined;
      const job = parseJobString(m.slice(start.length, m.length - end.length));
      return job && build(job);
    },
    samples,
  };
}

export const MESSAGES: MessageDef[] = [
  {
    start: 'Running job "',
    parse(message) {
      const m = message.trimEnd();
      const k = m.lastIndexOf('" (scheduled at ');
      if (k < 0 || !m.endsWith(')')) return undefined;
      const job = parseJobString(m.slice('Running job "'.length, k));
      const text = m.slice(k + '" (scheduled at '.length, -1);
      const at = parsePythonDatetime(text);
      if (!job || !at) return undefined;
      return { kind: 'run-start', job, scheduledAt: { at: at.at, offsetMinutes: at.offsetMinutes, text } };
    },
    samples: [
      'Running job "job_1 (trigger: interval[0:00:02], next run at: 2026-11-24 15:40:36 UTC)" (scheduled at 2026-11-24 15:40:34.176079+00:00)',
      'Running job "say "hi" (v2) (trigger: cron[hour=\'9\', minute=\'30\'], next run at: 2026-11-25 09:30:00 CST)" (scheduled at 2026-11-24 09:30:00+08:00)',
      'Running job "f (trigger: CalendarIntervalTrigger(days=2, time=\'00:00:00+00:00\', start_date=\'2026-11-26\', timezone=\'datetime.timezone.utc\'), next run at: 2026-11-28 00:00:00 UTC)" (scheduled at 2026-11-26 00:00:00+00:00)',
      'Running job "p (trigger: interval[1:00:00], next run at: 2024-07-01 12:00:00 )" (scheduled at 2024-07-01 11:00:00+02:00)',
    ],
  },
  jobMessage('Job "', '" executed successfully', (job) => ({ kind: 'run-end', job, outcome: 'success' }), [
    'Job "job_1 (trigger: interval[0:00:02], next run at: 2026-11-24 15:40:36 UTC)" executed successfully',
  ]),
  { ...jobMessage('Job "', '" raised an exception', (job) => ({ kind: 'run-end', job, outcome: 'error' }), [
    'Job "boom (trigger: interval[0:00:01], next run at: 2026-11-26 14:25:40 EET)" raised an exception',
  ]), traceback: true },
  {
    start: 'Run time of job "',
    parse(message) {
      const m = message.trimEnd();
      const k = m.lastIndexOf('" was missed by ');
      if (k < 0) return undefined;
      const job = parseJobString(m.slice('Run time of job "'.length, k));
      const late = parsePythonTimedelta(m.slice(k + '" was missed by '.length));
      if (!job || late === undefined) return undefined;
      return { kind: 'misfire', job, lateMicros: late };
    },
    samples: [
      'Run time of job "ok (trigger: date[2026-11-26 14:25:08 EET], next run at: 2026-11-26 14:25:08 EET)" was missed by 0:00:30.001059',
      'Run time of job "nightly (trigger: cron[hour=\'3\'], next run at: 2026-11-27 03:00:00 -03)" was missed by 1 day, 0:00:05',
    ],
  },
  {
    start: 'Execution of job "',
    parse(message) {
      const m = /" skipped: maximum number of running instances reached \((\d+)\)\s*$/.exec(message);
      if (!m) return undefined;
      const job = parseJobString(message.slice('Execution of job "'.length, m.index));
      return job && { kind: 'max-instances', job, maxInstances: Number(m[1]) };
    },
    samples: ['Execution of job "Slow Job (trigger: interval[0:00:01], next run at: 2026-11-26 14:25:40 EET)" skipped: maximum number of running instances reached (1)'],
  },
  {
    start: 'Added job "',
    parse(message) {
      const m = message.trimEnd();
      const k = m.lastIndexOf('" to job store "');
      if (k < 0 || !m.endsWith('"')) return undefined;
      return { kind: 'job-added', name: m.slice('Added job "'.length, k), store: m.slice(k + '" to job store "'.length, -1) };
    },
    samples: ['Added job "my cron job" to job store "default"'],
  },
  {
    start: 'Removed job ',
    parse: (m) => (m.trim().length > 12 ? { kind: 'job-removed', jobId: m.trim().slice('Removed job '.length) } : undefined),
    samples: ['Removed job okjob'],
  },
  {
    start: 'Executor lookup ("',
    parse(message) {
      const m = /^Executor lookup \("(.*?)"\) failed for job "(.*)" -- removing it from the job store\s*$/.exec(message);
      const job = m && parseJobString(m[2]);
      return job ? { kind: 'executor-lookup-failed', job, executor: m[1] } : undefined;
    },
    samples: ['Executor lookup ("nope") failed for job "f (trigger: interval[0:00:01], next run at: 2026-11-26 14:25:40 EET)" -- removing it from the job store'],
  },
  {
    start: 'Error submitting job "',
    traceback: true,
    parse(message) {
      const m = /^Error submitting job "(.*)" to executor "(.*)"\s*$/.exec(message);
      const job = m && parseJobString(m[1]);
      return job ? { kind: 'submit-error', job, executor: m[2] } : undefined;
    },
    samples: ['Error submitting job "f (trigger: interval[0:00:01], next run at: 2026-11-26 14:25:40 EET)" to executor "processpool"'],
  },
  {
    start: 'Error getting due jobs from job store ',
    parse(message) {
      const m = /^Error getting due jobs from job store '(.*?)': (.*)$/.exec(message.trimEnd());
      return m ? { kind: 'jobstore-error', store: m[1], error: m[2] } : undefined;
    },
    samples: ["Error getting due jobs from job store 'default': (psycopg2.OperationalError) server closed the connection unexpectedly"],
  },
  {
    start: 'Error running job ',
    traceback: true,
    parse: (m) => { const id = m.trim().slice('Error running job '.length); return id ? { kind: 'run-error', jobId: id } : undefined; },
    samples: ['Error running job 3f2a9c1e8d7b4a6f9e0d1c2b3a4f5e6d'],
  },
  {
    start: 'Unable to restore job ',
    traceback: true,
    parse(message) {
      // 3.x: `Unable to restore job "ID" -- removing it`; django-apscheduler 0.4+: `Unable to restore job 'ID'. Removing it...`
      const m = /^Unable to restore job (?:"(.*)" -- removing it|'(.*)'\. Removing it\.\.\.)\s*$/.exec(message);
      return m ? { kind: 'restore-failed', jobId: m[1] ?? m[2] } : undefined;
    },
    samples: ['Unable to restore job "j1" -- removing it', "Unable to restore job 'j1'. Removing it..."],
  },
  {
    start: 'Next wakeup is due at ',
    parse(message) {
      const m = /^Next wakeup is due at (\S+ \S+) \(in -?[\d.]+ seconds\)\s*$/.exec(message);
      const at = m && parsePythonDatetime(m[1]);
      return at ? { kind: 'next-wakeup', at: at.at } : undefined;
    },
    samples: ['Next wakeup is due at 2026-11-26 14:25:57.236916+02:00 (in 0.992776 seconds)'],
  },
  exact('Scheduler started', { kind: 'scheduler-start' }),
  exact('Scheduler has been shut down', { kind: 'scheduler-shutdown' }),
  exact('Paused scheduler job processing', { kind: 'scheduler-paused' }),
  exact('Resumed scheduler job processing', { kind: 'scheduler-resumed' }),
  exact('Adding job tentatively -- it will be properly scheduled when the scheduler starts', { kind: 'job-added-tentatively' }),
  { ...exact('Error notifying listener', { kind: 'listener-error' }), traceback: true },
  exact('Process pool is broken; replacing pool with a fresh instance', { kind: 'pool-broken' }),
  exact('Looking for jobs to run', { kind: 'looking-for-jobs' }),
  exact('No jobs; waiting until a job is added', { kind: 'no-jobs' }),
  exact('Scheduler is paused -- not processing jobs', { kind: 'scheduler-paused-debug' }),
  exact('Scheduler is paused; waiting until resume() is called', { kind: 'scheduler-paused-debug' }),
];

/** Every message start, for searches that must find them all (candidate-lines.ts). */
export const MESSAGE_STARTS: readonly string[] = [...new Set(MESSAGES.map((d) => d.start))];

/** The starts longest first: the order MESSAGE_START tries them in. */
const LONGEST_FIRST = [...MESSAGE_STARTS].sort((a, b) => b.length - a.length);

/** One regex finding the earliest message start in a line: the cheap search before any parse. */
export const MESSAGE_START = new RegExp(LONGEST_FIRST.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));

/** The starts by their first character, in the regex's order. */
const BY_FIRST = new Map<number, string[]>();
for (const start of LONGEST_FIRST) {
  const list = BY_FIRST.get(start.charCodeAt(0)) ?? [];
  list.push(start);
  BY_FIRST.set(start.charCodeAt(0), list);
}

/**
 * Where the first message start in `text` is, and which (as MESSAGE_START.exec would say:
 * the first of the regex's alternatives found at the leftmost place), or undefined. Searched
 * without exec's match array, which was a hundred bytes of garbage per record.
 */
export function findMessageStart(text: string): { start: string; index: number } | undefined {
  const index = text.search(MESSAGE_START);
  if (index < 0) return undefined;
  const list = BY_FIRST.get(text.charCodeAt(index))!;
  for (let i = 0; i < list.length; i++) if (text.startsWith(list[i], index)) return { start: list[i], index };
  // Unreachable: the regex matched one of them here.
  return undefined;
}

const BY_START = new Map<string, MessageDef[]>();
for (const def of MESSAGES) {
  const list = BY_START.get(def.start) ?? [];
  list.push(def);
  BY_START.set(def.start, list);
}

/** Parse a message whose start `start` was found by MESSAGE_START. */
// What some renderers append after the message: structlog's ConsoleRenderer writes
// `… (scheduled at …) [apscheduler.executors.default]` and then `key=value` pairs.
const LOGGER_TRAILER = /\s+\[apscheduler(?:\.\w+)*\](?:\s+\w+=\S*)*\s*$/;
const KEY_VALUE_TRAILER = /(?:\s+\w+=\S*)+\s*$/;

function tryParse(start: string, message: string): { body: EventBody; def: MessageDef } | undefined {
  for (const def of BY_START.get(start) ?? []) {
    const body = def.parse(message);
    if (body) return { body, def };
  }
  return undefined;
}

/** Parse a message whose start `start` was found by MESSAGE_START (with a renderer's trailer, if any). */
export function parseMessage(start: string, message: string): { body: EventBody; def: MessageDef } | undefined {
  // A trailing `[apscheduler.…]` is a renderer's logger column, never part of a job's name: drop it first.
  // (The literal first: the regex, tried at every space of every record, cost more than the parse.)
  const trailer = message.includes('[apscheduler') ? LOGGER_TRAILER.exec(message) : null;
  if (trailer) return tryParse(start, message.slice(0, trailer.index));
  const parsed = tryParse(start, message);
  if (parsed) return parsed;
  const kv = KEY_VALUE_TRAILER.exec(message);
  return kv ? tryParse(start, message.slice(0, kv.index)) : undefined;
}

/** Every parse returns a fresh body, so the context is attached in place: no copy per record. */
export function withContext(body: EventBody, ctx: RecordContext): LogEvent {
  (body as LogEvent).ctx = ctx;
  return body as LogEvent;
}
