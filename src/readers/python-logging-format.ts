// A Python `logging` format string (`%(asctime)s - %(name)s - %(levelname)s - %(message)s`, or
// the `{asctime} {levelname:<8} {message}` style) compiled to an exact, anchored parser.

import { UserError } from '../model/errors';

export interface CompiledFormat {
  source: string;
  regex: RegExp;
  /** Capture group index per attribute name. */
  groups: Map<string, number>;
}

// How each LogRecord attribute can look. Anything else (custom attributes added by a filter)
// is any text, matched lazily.
const ATTRIBUTE: Record<string, string> = {
  // The ISO shapes first: `\d.*?\d` alone stops at the date of `2024-01-01 16:23:18` when the next
  // literal is a space. Then any datefmt: bracketed, digits to digits or to a zone name, ctime-like.
  asctime: '\\d{4}[-/]\\d\\d[-/]\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?(?: ?(?:Z|UTC|GMT|[+-]\\d\\d(?::?\\d\\d)?))?'
    + '|\\[.*?\\]|\\d.*?(?:\\d|[A-Z]{1,5})|[A-Z][a-z]{2},? .*?\\d',
  created: '\\d+(?:\\.\\d+)?',
  relativeCreated: '\\d+(?:\\.\\d+)?',
  msecs: '\\d+(?:\\.\\d+)?',
  levelname: 'DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|NOTSET|Level \\d+',
  levelno: '\\d+',
  name: '\\S*?',
  process: '\\d+',
  thread: '\\d+',
  lineno: '\\d+',
  message: '.*',
};

const PERCENT = /%\((\w+)\)(-?\d*)(?:\.\d+)?([sdfrxX])|%%/g;
const BRACE = /\{(\w+)(?:![rsa])?(?::([^}]*))?\}|\{\{|\}\}/g;

function escapeLiteral(text: string): string {
  // Runs of spaces in a format are often padding of the field before: accept any run.
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ +/g, ' +');
}

export function compileLogFormat(format: string): CompiledFormat {
  const brace = !format.includes('%(') && /\{\w+/.test(format);
  const pattern = brace ? BRACE : PERCENT;
  const groups = new Map<string, number>();
  let regex = '^\\s*';
  let last = 0;
  let index = 0;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(format); m; m = pattern.exec(format)) {
    regex += escapeLiteral(format.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0] === '%%') { regex += '%'; continue; }
    if (m[0] === '{{' || m[0] === '}}') { regex += '\\' + m[0][0]; continue; }
    const attr = m[1];
    const padded = Boolean(m[2]);
    const shape = ATTRIBUTE[attr] ?? '.*?';
    if (groups.has(attr)) {
      regex += `(?:${shape})`;
    } else {
      index += 1;
      groups.set(attr, index);
      regex += padded ? `\\s*(${shape})\\s*` : `(${shape})`;
    }
  }
  regex += escapeLiteral(format.slice(last)) + '\\s*$';
  if (!groups.has('message')) throw new UserError(`--log-format '${format}' has no %(message)s: cannot find the message in a line`);
  try {
    return { source: format, regex: new RegExp(regex), groups };
  } catch {
    throw new UserError(`--log-format '${format}' could not be compiled`);
  }
}

export interface FormatMatch {
  message: string;
  messageStart: number;
  fields: Map<string, string>;
}

export function matchLogFormat(format: CompiledFormat, record: string): FormatMatch | undefined {
  const m = format.regex.exec(record);
  if (!m) return undefined;
  const fields = new Map<string, string>();
  for (const [attr, i] of format.groups) if (m[i] !== undefined) fields.set(attr, m[i]);
  const message = fields.get('message') ?? '';
  // The message is the last capture in almost every format; find it from the end.
  const messageStart = record.lastIndexOf(message);
  return { message, messageStart, fields };
}
