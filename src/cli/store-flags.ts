import type { Command } from 'commander';
import { UserError } from '../model/errors';

export interface StoreFlags {
  db?: string;
  table: string;
  schema?: string;
  now?: string;
  source?: string;
}

export function addStoreOptions(command: Command, required: boolean): Command {
  const db = "job store URL: sqlite:///path.db, sqlite:////abs/path.db, postgresql://user:pass@host:5432/db";
  if (required) command.requiredOption('--db <url>', db);
  else command.option('--db <url>', db);
  return command
    .option('--table <name>', 'job store table (SQLAlchemyJobStore tablename)', 'apscheduler_jobs')
    .option('--schema <name>', 'PostgreSQL schema (SQLAlchemyJobStore tableschema)')
    .option('--now <time>', 'reference time for stale-job (ISO 8601); default: the clock')
    .option('--source <dir>', 'project source folder: report jobs whose function is no longer there (orphan-job)');
}

export function parseNow(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UserError(`--now '${value}' is not a date (use ISO 8601, e.g. 2026-11-26T12:00:00Z)`);
  return ms * 1000;
}
