// jobs.include / jobs.exclude: glob patterns on the job's name as logged (`*` any run of
// characters, `?` one character, everything else literal, case-sensitive, whole name).

import type { Config } from './config';

export type JobFilter = (name: string) => boolean;

export function jobFilter(jobs: Config['jobs']): JobFilter | undefined {
  if (jobs.include.length === 0 && jobs.exclude.length === 0) return undefined;
  const include = jobs.include.map(globToRegExp);
  const exclude = jobs.exclude.map(globToRegExp);
  return (name) => (include.length === 0 || include.some((r) => r.test(name))) && !exclude.some((r) => r.test(name));
}

export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
