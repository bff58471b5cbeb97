// What a Python record's prefix says about it, found by shape rather than by position, so that
// any `logging` format works without configuration: the timestamp, the level, the logger, the
// process id and the thread name, wherever the format put them.

import { findStamps, pickStamp, type Stamp } from './timestamp';

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
const PID = /\bpid[ =:]+(\d+)|\bprocess[ =:]+(\d+)|\[(\d{1,8})\]|\b(?:MainProcess|ForkProcess-\d+|SpawnProcess-\d+)[ :(]+(\d+)|<(\d{1,8})>/i;
const THREAD = /\b(ThreadPoolExecutor-\d+_\d+|Thread-\d+(?: \(\w+\))?|MainThread|Dummy-\d+|APScheduler|asyncio_\d+|Tornado-\d+|gevent-\d+)|\btid[ =:]+(\d+)|\bthread(?:Name)?[ =:]+([\w.-]+)/;
// `host=web-1`, `hostname: web-1`; a bare word `host` is more likely a syslog host named so.
const HOST = /\bhost(?:name)?\s*[=:]\s*([\w.-]+)/;

export function parsePrefix(prefix: string): PrefixFields {
  const fields: PrefixFields = {};
  fields.stamp = pickStamp(findStamps(prefix));
  // Levels and pids inside the timestamp's span are digits of the time, never fields.
  const rest = fields.stamp ? prefix.slice(0, fields.stamp.start) + ' ' + prefix.slice(fields.stamp.end) : prefix;
  let level: string | undefined;
  LEVEL.lastIndex = 0;
  for (let m = LEVEL.exec(rest); m; m = LEVEL.exec(rest)) level = m[1];
  if (!level) level = LOWER_LEVEL.exec(rest)?.[1]?.toUpperCase();
  if (level) fields.level = level === 'WARN' ? 'WARNING' : level === 'FATAL' ? 'CRITICAL' : level;
  const logger = LOGGER.exec(rest);
  if (logger) fields.logger = logger[1];
  const pid = PID.exec(rest);
  if (pid) fields.pid = pid[1] ?? pid[2] ?? pid[3] ?? pid[4] ?? pid[5];
  const thread = THREAD.exec(rest);
  if (thread) fields.thread = thread[1] ?? thread[2] ?? thread[3];
  const host = HOST.exec(rest);
  if (host) fields.host = host[1];
  return fields;
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
