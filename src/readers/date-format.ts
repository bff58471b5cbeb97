// Python's `datefmt` (the `time.strftime` format `logging.Formatter` renders `%(asctime)s` with),
// from `--date-format`, compiled to a parser that finds the stamp in a prefix: the order of day and
// month, 12-hour clocks and month names are then certain instead of inferred. Directives are data
// (a table), each with the pattern it matches and what it sets.

import { UserError } from '../model/errors';
import { daysIn, parseOffset, syslogWall, wallMicros, type Stamp } from './timestamp';

export interface CompiledDateFormat {
  source: string;
  regex: RegExp;
  /** The field each capture group sets, in order. */
  fields: Field[];
}

type Field = 'Y' | 'y' | 'm' | 'b' | 'd' | 'H' | 'I' | 'M' | 'S' | 'p' | 'f' | 'z' | 'Z' | 'skip';

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const DIRECTIVES: Record<string, { re: string; field: Field }> = {
  Y: { re: '(\\d{4})', field: 'Y' },
  y: { re: '(\\d\\d)', field: 'y' },
  m: { re: '(\\d\\d?)', field: 'm' },
  d: { re: '(\\d\\d?)', field: 'd' },
  e: { re: ' ?(\\d\\d?)', field: 'd' },
  b: { re: '([A-Za-z]{3})', field: 'b' },
  h: { re: '([A-Za-z]{3})', field: 'b' },
  B: { re: '([A-Za-z]{3})[A-Za-z]*', field: 'b' },
  H: { re: '(\\d\\d?)', field: 'H' },
  I: { re: '(\\d\\d?)', field: 'I' },
  M: { re: '(\\d\\d)', field: 'M' },
  S: { re: '(\\d\\d)', field: 'S' },
  p: { re: '([AaPp][Mm])', field: 'p' },
  f: { re: '(\\d{1,6})', field: 'f' },
  z: { re: '([+-]\\d\\d:?\\d\\d|Z)', field: 'z' },
  Z: { re: '([A-Za-z][A-Za-z0-9+-]{0,5})', field: 'Z' },
  a: { re: '([A-Za-z]{3})', field: 'skip' },
  A: { re: '([A-Za-z]+)', field: 'skip' },
  j: { re: '(\\d{3})', field: 'skip' },
};
const COMPOSITE: Record<string, string> = { T: '%H:%M:%S', D: '%m/%d/%y', F: '%Y-%m-%d', R: '%H:%M', c: '%a %b %e %H:%M:%S %Y', x: '%m/%d/%y', X: '%H:%M:%S' };

/** `%d/%m/%Y %H:%M:%S` → a parser; an unknown directive is a one-line error. */
export function compileDateFormat(datefmt: string): CompiledDateFormat {
  let expanded = datefmt;
  for (let i = 0; i < 2; i++) expanded = expanded.replace(/%([TDFRcxX])/g, (_, c: string) => COMPOSITE[c]);
  const fields: Field[] = [];
  let re = '';
  for (let i = 0; i < expanded.length; i++) {
    const c = expanded[i];
    if (c !== '%') {
      re += c === ' ' ? ' +' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const d = expanded[++i];
    if (d === '%') {
      re += '%';
      continue;
    }
    const def = d === undefined ? undefined : DIRECTIVES[d];
    if (!def) throw new UserError(`--date-format: unsupported directive %${d ?? ''} in '${datefmt}' (use Python's strftime directives: %Y %m %d %H %M %S %I %p %b %z …)`);
    re += def.re;
    fields.push(def.field);
  }
  if (!fields.some((f) => f === 'H' || f === 'I')) throw new UserError(`--date-format '${datefmt}' has no hour (%H or %I): it cannot date a record`);
  // `%(asctime)s,%(msecs)03d` and Python's default `,123` after the stamp: milliseconds are read too.
  re += '(?:[.,](\\d{1,6}))?';
  fields.push('f');
  return { source: datefmt, regex: new RegExp(`(?<![\\w])${re}(?![\\d])`), fields };
}

/** The stamp the format finds in `text`, if any. */
export function findDateFormat(format: CompiledDateFormat, text: string, from = 0): Stamp | undefined {
  format.regex.lastIndex = 0;
  const m = format.regex.exec(from ? text.slice(from) : text);
  if (!m) return undefined;
  let y: number | undefined, mo: number | undefined, d = 1, h = 0, mi = 0, s = 0, pm: boolean | undefined, frac: string | undefined;
  let offset: number | undefined;
  for (let g = 0; g < format.fields.length; g++) {
    const v = m[g + 1];
    if (v === undefined) continue;
    switch (format.fields[g]) {
      case 'Y': y = +v; break;
      case 'y': y = 2000 + +v; break;
      case 'm': mo = +v; break;
      case 'b': mo = MONTH_NAMES.indexOf(v.toLowerCase()) + 1; break;
      case 'd': d = +v; break;
      case 'H': h = +v; break;
      case 'I': h = +v; break;
      case 'M': mi = +v; break;
      case 'S': s = +v; break;
      case 'p': pm = v.toUpperCase() === 'PM'; break;
      case 'f': frac = frac ?? v; break;
      case 'z': offset = parseOffset(v); break;
      case 'Z': offset = v === 'UTC' || v === 'GMT' || v === 'Z' ? 0 : undefined; break;
    }
  }
  if (pm !== undefined) h = (h % 12) + (pm ? 12 : 0);
  if (mo === undefined || mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 60) return undefined;
  const wall = y === undefined ? syslogWall(mo, d, h, mi, s, frac) : d >= 1 && d <= daysIn(y, mo) ? wallMicros(y, mo, d, h, mi, s, frac) : undefined;
  if (wall === undefined) return undefined;
  const start = from + m.index;
  return { wall, offsetMinutes: offset, start, end: start + m[0].length, form: 'datefmt' };
}
