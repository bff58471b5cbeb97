// What a Python record's prefix says about it, found by shape rather than by position, so that
// any `logging` format works without configuration: the timestamp, the level, the logger, the
// process id and the thread name, wherever the format put them.

import { findDateFormat, type CompiledDateFormat } from './date-format';
import { findStamps, isDigit, isoStampAt, pickStamp, type Stamp } from './timestamp';

export interface PrefixFields {
  stamp?: Stamp;
  level?: string;
  logger?: string;
  pid?: string;
  thread?: string;
  host?: string;
}

const LEVEL = /(?:^|[^\w.])(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)(?![\w.])/g;
const LOWER_LEVEL = /\[\s*(debug|info|warning|error|critical)\s*\]/;
const LOGGER = /\b(apscheduler(?:\.[\w]+)*)/;
// Process names stand for the process where no id is logged: celery's `ForkPoolWorker-3`.
const PID = /\bpid[ =:]+(\d+)|\bprocess[ =:]+(\d+)|\[(\d{1,8})\]|\b(?:MainProcess|ForkProcess-\d+|SpawnProcess-\d+)[ :(]+(\d+)|<(\d{1,8})>|\b((?:ForkPoolWorker|SpawnPoolWorker|ForkProcess|SpawnProcess)-\d+)\b/i;
const THREAD = /\b(ThreadPoolExecutor-\d+_\d+|Thread-\d+(?: \(\w+\))?|MainThread|Dummy-\d+|APScheduler|asyncio_\d+|Tornado-\d+|gevent-\d+)|\btid[ =:]+(\d+)|\bthread(?:Name)?[ =:]+([\w.-]+)/;
// `host=web-1`, `hostname: web-1`; a bare word `host` is more likely a syslog host named so.
const HOST = /\bhost(?:name)?\s*[=:]\s*([\w.-]+)/;
// `%(process)d %(thread)d` with no label, as Django's documented `verbose` formatter writes them
// (`{levelname} {asctime} {module} {process:d} {thread:d} {message}`): a process id, then a
// thread ident (a pointer-sized number, 8 digits or more). A single bare number could be a line
// number, so only the pair is read.
const PID_THEN_THREAD = /(?:^|\s)(\d{1,7}) +(\d{8,20})(?=\s|$)/;

type Span = [number, number];

/** Where each field sat in a prefix: the layout that every line of the same shape shares. */
interface Layout {
  stamp?: Span;
  /** The stamp is ISO 8601: read it in place, without searching. */
  isoStamp?: boolean;
  level?: string;
  logger?: string;
  pid?: Span;
  thread?: Span;
  host?: Span;
}

const MAX_LAYOUTS = 16;
/** Recently seen shapes, most recent first: a log has a handful. */
const layouts: { shape: Shape; layout: Layout; dateFormat?: CompiledDateFormat }[] = [];

/**
 * A prefix's shape, its text with any digit where a digit was, as two lists: the characters that
 * are not digits, each with its position, and the positions of the digits. Checked against the
 * shape's text a pair of characters at a time, on the prefix sliced off its line (V8 reads a
 * character of a sliced string through its parent), parsePrefix took 440 ns a prefix of the bench
 * log, most of it this check; read against the lists, from the line itself, 240 ns.
 */
interface Shape {
  length: number;
  /** Position, then character code, of each character that is not a digit. */
  chars: Int32Array;
  digits: Int32Array;
}

function shapeOf(text: string, end: number): Shape {
  const chars: number[] = [];
  const digits: number[] = [];
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) digits.push(i);
    else chars.push(i, c);
  }
  return { length: end, chars: Int32Array.from(chars), digits: Int32Array.from(digits) };
}

/** Whether text[0, end) has this shape: the same characters, any digit where the shape has one. */
function hasShape(text: string, end: number, shape: Shape): boolean {
  if (end !== shape.length) return false;
  const { chars, digits } = shape;
  for (let c = 0; c < chars.length; c += 2) if (text.charCodeAt(chars[c]) !== chars[c + 1]) return false;
  for (let d = 0; d < digits.length; d++) if (!isDigit(text.charCodeAt(digits[d]))) return false;
  return true;
}

/**
 * Fields of a prefix. A log repeats a handful of layouts millions of times: lines whose prefix
 * has the same shape (digits aside) keep every field at the same place, so the regexes run once
 * per shape and later lines are sliced at the learnt positions.
 */
export function parsePrefix(text: string, dateFormat?: CompiledDateFormat, end = text.length): PrefixFields {
  // The prefix is text[0, end): read in place where it can be (see Shape), sliced off where a
  // function needs it alone.
  let layout: Layout | undefined;
  for (let i = 0; i < layouts.length; i++) {
    if (layouts[i].dateFormat === dateFormat && hasShape(text, end, layouts[i].shape)) {
      layout = layouts[i].layout;
      break;
    }
  }
  if (!layout) {
    layout = learnLayout(end === text.length ? text : text.slice(0, end), dateFormat);
    layouts.unshift({ shape: shapeOf(text, end), layout, dateFormat });
    if (layouts.length > MAX_LAYOUTS) layouts.pop();
  }
  const fields: PrefixFields = {};
  if (layout.stamp) {
    const [a, b] = layout.stamp;
    // An ISO stamp is read in place when the prefix goes on far enough past its start that the
    // reading never looks beyond the prefix. One character past the stamp otherwise: some forms
    // look ahead (a syslog stamp is followed by a space).
    const stamp = layout.isoStamp
      ? isoStampAt(end - a > ISO_STAMP_READS || end === text.length ? text : text.slice(0, end), a, b)
      : findStampIn(text.slice(a, Math.min(b + 1, end)), dateFormat);
    if (stamp) {
      stamp.start = a;
      stamp.end = b;
      fields.stamp = stamp;
    }
  }
  if (layout.level) fields.level = layout.level;
  if (layout.logger) fields.logger = layout.logger;
  if (layout.pid) fields.pid = text.slice(layout.pid[0], layout.pid[1]);
  if (layout.thread) fields.thread = text.slice(layout.thread[0], layout.thread[1]);
  if (layout.host) fields.host = text.slice(layout.host[0], layout.host[1]);
  return fields;
}

/**
 * How far past a stamp's start isoStampAt may read: 19 characters of date and time, a fraction's
 * separator and nine digits, and a zone's seven characters with the one after.
 */
const ISO_STAMP_READS = 40;

/** The stamp of a prefix: the user's --date-format when given and it matches, else any form. */
function findStampIn(text: string, dateFormat: CompiledDateFormat | undefined): Stamp | undefined {
  return (dateFormat && findDateFormat(dateFormat, text)) || pickStamp(findStamps(text));
}

function learnLayout(prefix: string, dateFormat: CompiledDateFormat | undefined): Layout {
  const layout: Layout = {};
  const stamp = findStampIn(prefix, dateFormat);
  if (stamp) layout.stamp = [stamp.start, stamp.end];
  if (stamp && (stamp.form === 'iso' || stamp.form === 'iso-offset')) layout.isoStamp = true;
  // Levels and pids inside the timestamp's span are digits of the time, never fields.
  const rest = stamp ? prefix.slice(0, stamp.start) + ' ' + prefix.slice(stamp.end) : prefix;
  // A position in `rest` back to the same position in `prefix`.
  const at = (i: number) => (stamp && i > stamp.start ? i - 1 - stamp.start + stamp.end : i);
  const span = (m: RegExpExecArray, group: string): Span => {
    const i = at(m.index + m[0].indexOf(group));
    return [i, i + group.length];
  };
  let level: string | undefined;
  LEVEL.lastIndex = 0;
  for (let m = LEVEL.exec(rest); m; m = LEVEL.exec(rest)) level = m[1];
  if (!level) level = LOWER_LEVEL.exec(rest)?.[1]?.toUpperCase();
  if (level) layout.level = level === 'WARN' ? 'WARNING' : level === 'FATAL' ? 'CRITICAL' : level;
  const logger = LOGGER.exec(rest);
  if (logger) layout.logger = logger[1];
  const pid = PID.exec(rest);
  const pidValue = pid && (pid[1] ?? pid[2] ?? pid[3] ?? pid[4] ?? pid[5] ?? pid[6]);
  if (pid && pidValue) layout.pid = span(pid, pidValue);
  const thread = THREAD.exec(rest);
  const threadValue = thread && (thread[1] ?? thread[2] ?? thread[3]);
  if (thread && threadValue) layout.thread = span(thread, threadValue);
  if (!layout.pid) {
    const bare = PID_THEN_THREAD.exec(rest);
    if (bare) {
      layout.pid = span(bare, bare[1]);
      if (!layout.thread) {
        const i = at(bare.index + bare[0].lastIndexOf(bare[2]));
        layout.thread = [i, i + bare[2].length];
      }
    }
  }
  const host = HOST.exec(rest);
  if (host) layout.host = span(host, host[1]);
  return layout;
}

/** A short description of which fields a prefix carried, for the "format used" report. */
export function describeFields(f: PrefixFields, envelopes: string[]): string {
  const parts: string[] = [];
  if (envelopes.length) parts.push(envelopes.join(' + ') + ' prefix');
  if (f.stamp) parts.push(`timestamp (${f.stamp.form === 'iso-offset' ? 'with offset' : f.stamp.form === 'iso' ? 'no offset' : f.stamp.form})`);
  else parts.push('no timestamp');
  if (f.level) parts.push('level');
  if (f.logger) parts.push('logger');
  if (f.pid) parts.push('process id');
  if (f.thread) parts.push('thread');
  if (f.host) parts.push('host');
  return parts.join(', ');
}
