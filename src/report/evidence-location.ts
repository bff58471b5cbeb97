// Where a piece of evidence is, for formats that link to files: a log line (path relative to the
// working folder when it is inside it), a job-store row, or standard input.

import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Evidence } from '../model/finding';

export type Place =
  | { kind: 'file'; path: string; inside: boolean; absolute: string; line: number }
  | { kind: 'stdin'; line: number }
  | { kind: 'row'; store: string; row: string };

export function placeOf(e: Evidence, cwd: string): Place {
  if (e.row !== undefined || e.line <= 0) return { kind: 'row', store: e.source, row: e.row ?? '' };
  if (e.source === '-') return { kind: 'stdin', line: e.line };
  const absolute = resolve(cwd, e.source);
  const rel = relative(cwd, absolute);
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  return { kind: 'file', path: inside ? rel.split(sep).join('/') : absolute, inside, absolute, line: e.line };
}

/** `path:line`, `standard input:line` or `store#row`, for people. */
export function placeText(p: Place): string {
  if (p.kind === 'file') return `${p.path}:${p.line}`;
  if (p.kind === 'stdin') return `standard input:${p.line}`;
  return `${p.store}#${p.row}`;
}
