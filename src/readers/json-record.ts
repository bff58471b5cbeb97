// One JSON log line to what the line reader needs: the message (or the program's output line, for
// shapes that wrap one), the record's time, level, logger, host, process and thread, and the
// exception line of its traceback. The shape is detected per record (json-shapes.ts), nested
// records are unwrapped (Docker's `log` holding a python-json-logger line, Cloud Logging's
// jsonPayload), and `--field` paths, read from the top of the line, override what was detected.

import { MESSAGE_START, MESSAGES } from './apscheduler-messages';
import { exceptionLine, firstValue, idOf, levelOf, stampOf, textOf, valueAt, FIELD_NAMES, type FieldMap, type FieldName, type JsonObject } from './json-fields';
import { detectShape, GENERIC, type JsonShape } from './json-shapes';
import { pickStamp, type Stamp } from './timestamp';

export interface JsonRecord {
  /** `python-json-logger`, `Docker json-file + python-json-logger`, … for the report. */
  shape: string;
  message: string;
  /** The message is a line of output to read as text (see JsonShape.stream). */
  stream: boolean;
  stamp?: Stamp;
  level?: string;
  logger?: string;
  host?: string;
  pid?: string;
  thread?: string;
  /** The exception line of the record's traceback (`ValueError: kaboom`). */
  exception?: string;
  /** Where each field was read (`time` → `asctime`), for the report. */
  paths: Partial<Record<FieldName, string>>;
}

/**
 * Whether a JSON line may matter: it names an APScheduler logger or message (its quotes escaped
 * once or more: JSON inside Docker's JSON; or as `\u0022`), a traceback, or a message written as
 * bytes. The rest are skipped without being parsed, which keeps JSON logs as cheap per line as
 * text logs.
 */
export const JSON_CANDIDATE = new RegExp(
  [
    'apscheduler', 'Traceback', '"MESSAGE"\\s*:\\s*\\[',
    ...[...new Set(MESSAGES.map((d) => d.start))].map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/"/g, '(?:\\\\*"|\\\\u0022)')),
  ].join('|'),
);

const MAX_DEPTH = 2;

/**
 * A record of a JSON line, or undefined when the object has no message at all. `describe`: also
 * note where each field was read (`paths`), for the report; the reader asks once per source.
 */
export function readJsonRecord(o: JsonObject, override?: FieldMap, describe = false, depth = 0): JsonRecord | undefined {
  const shape = detectShape(o);
  let record = fieldsOf(o, shape, describe);
  const innerObject = shape.inner ? valueAt(o, shape.inner) : undefined;
  if (innerObject !== null && typeof innerObject === 'object' && !Array.isArray(innerObject) && depth < MAX_DEPTH) {
    const inner = readJsonRecord(innerObject as JsonObject, undefined, describe, depth + 1);
    if (inner) record = { ...wrap(record, inner), shape: `${shape.name} + ${inner.shape}` };
  } else if (record && record.stream && depth < MAX_DEPTH && record.message.charCodeAt(0) === 123 /* { */) {
    // Docker's `log` (or a journald MESSAGE) holding the application's own JSON line.
    const inner = parseObject(record.message.trimEnd());
    const innerRecord = inner && readJsonRecord(inner, undefined, describe, depth + 1);
    if (innerRecord) record = { ...wrap(record, innerRecord), shape: `${shape.name} + ${innerRecord.shape}` };
  }
  if (override) record = applyOverride(o, record, shape, override);
  if (!record) record = scanForMessage(o, shape, describe);
  return record;
}

/** A JSON object, or undefined for anything else (a line that only looks like JSON). */
export function parseObject(text: string): JsonObject | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

const NO_PATHS: Partial<Record<FieldName, string>> = Object.freeze({});

function fieldsOf(o: JsonObject, shape: JsonShape, describe: boolean): JsonRecord | undefined {
  const paths: Partial<Record<FieldName, string>> = describe ? {} : NO_PATHS;
  const find = (name: FieldName): unknown => {
    const own = shape.paths[name];
    let hit = own ? firstValue(o, own) : undefined;
    if (!hit && shape !== GENERIC && name !== 'message') hit = firstValue(o, GENERIC.paths[name]!);
    if (!hit) return undefined;
    if (describe) paths[name] = hit.path;
    return hit.value;
  };
  const message = textOf(find('message'));
  if (message === undefined && !shape.inner) return undefined;
  const exception = textOf(find('exception'));
  return {
    shape: shape.name,
    message: message ?? '',
    stream: shape.stream === true,
    stamp: stampOf(find('time')),
    level: levelOf(find('level')),
    logger: idOf(find('logger')),
    host: idOf(find('host')),
    pid: idOf(find('pid')),
    thread: idOf(find('thread')),
    exception: exception === undefined ? undefined : exceptionLine(exception),
    paths,
  };
}

/** An envelope around the application's record: the record's own fields win, the envelope fills gaps. */
function wrap(outer: JsonRecord | undefined, inner: JsonRecord): JsonRecord {
  if (!outer) return inner;
  const stamps = [outer.stamp, inner.stamp].filter((s): s is Stamp => s !== undefined);
  return {
    shape: inner.shape,
    message: inner.message,
    stream: inner.stream,
    stamp: pickStamp(stamps),
    level: inner.level ?? outer.level,
    logger: inner.logger ?? outer.logger,
    host: inner.host ?? outer.host,
    pid: inner.pid ?? outer.pid,
    thread: inner.thread ?? outer.thread,
    exception: inner.exception ?? outer.exception,
    paths: outer.paths === NO_PATHS ? inner.paths : { ...outer.paths, ...inner.paths },
  };
}

function applyOverride(o: JsonObject, record: JsonRecord | undefined, shape: JsonShape, override: FieldMap): JsonRecord | undefined {
  const out: JsonRecord = record ?? { shape: shape.name, message: '', stream: shape.stream === true, paths: {} };
  if (out.paths === NO_PATHS) out.paths = {};
  out.shape = record ? `${record.shape}, --field` : '--field';
  for (const name of FIELD_NAMES) {
    const path = override[name];
    if (path === undefined) continue;
    const v = valueAt(o, path);
    out.paths[name] = path;
    switch (name) {
      case 'message': out.message = textOf(v) ?? ''; break;
      case 'time': out.stamp = stampOf(v); break;
      case 'level': out.level = levelOf(v); break;
      case 'logger': out.logger = idOf(v); break;
      case 'host': out.host = idOf(v); break;
      case 'pid': out.pid = idOf(v); break;
      case 'thread': out.thread = idOf(v); break;
      case 'exception': { const t = textOf(v); out.exception = t === undefined ? undefined : exceptionLine(t); break; }
    }
  }
  return out.message === '' && !record ? undefined : out;
}

/** No known message key: a top-level text that holds an APScheduler message is the message. */
function scanForMessage(o: JsonObject, shape: JsonShape, describe: boolean): JsonRecord | undefined {
  for (const [key, v] of Object.entries(o)) {
    if (typeof v !== 'string' || !MESSAGE_START.test(v)) continue;
    const record = fieldsOf({ ...o, message: v }, GENERIC, describe);
    if (record) return { ...record, shape: `${shape === GENERIC ? 'JSON' : shape.name}, message in "${key}"`, paths: { ...record.paths, message: key } };
  }
  return undefined;
}
