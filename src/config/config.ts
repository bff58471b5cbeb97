// The config file's meaning once validated: what the engine and the CLI read. The file itself is
// described in the README ("Config file"); `validateConfig` is the only way to make one.

import type { Severity } from '../model/finding';

export const CONFIG_NAMES = ['sched-doctor.config.json', '.sched-doctorrc.json'];

export interface Config {
  /** Where it was read from; undefined for the empty default. */
  path?: string;
  /** Per rule: a severity that replaces the default, or 'off'. */
  ruleSeverity: Record<string, Severity | 'off'>;
  /** Per rule: every numeric option, defaults filled in for the ones the file does not set. */
  ruleOptions: Record<string, Record<string, number>>;
  /** Glob patterns on job names; an empty include list means every job. */
  jobs: { include: string[]; exclude: string[] };
  logFormat?: string;
  tz?: string;
}

export function emptyConfig(): Config {
  return { ruleSeverity: {}, ruleOptions: {}, jobs: { include: [], exclude: [] } };
}
