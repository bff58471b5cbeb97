import type { Command } from 'commander';
import { UserError } from '../model/errors';
import type { StoreOptions } from '../stores/store';

export interface StoreFlags {
  db?: string;
  table: string;
  schema?: string;
  now?: string;
  source?: string;
  jobsKey?: string;
  runTimesKey?: string;
}

/** What every store command passes to the store: the table (or Redis keys) the flags name. */
export function storeOptionsFrom(flags: { table?: string; schema?: string; jobsKey?: string; runTimesKey?: string }): StoreOptions {
  return { table: flags.table ?? 'apscheduler_jobs', schema: flags.schema, jobsKey: flags.jobsKey, runTimesKey: flags.runTimesKey };
}

/** RedisJobStore's two keys, for every command that opens a store. */
export function addRedisKeyOptions(command: Command, defaults = true): Command {
  return command
    .option('--jobs-key <key>', 'RedisJobStore jobs_key: the hash of job states' + (defaults ? ' (default apscheduler.jobs)' : ' (default: the one recorded in the backup)'))
    .option('--run-times-key <key>', 'RedisJobStore run_times_key: the sorted set of next run times' + (defaults ? ' (default apscheduler.run_times)' : ' (default: the one recorded in the backup)'));
}

export function addStoreOptions(command: Command, required: boolean): Command {
  const db = 'job store URL: sqlite:///path.db, sqlite:////abs/path.db, postgresql://user:pass@host:5432/db, mysql+pymysql://user:pass@host:3306/db, redis://:pass@host:6379/0';
  if (required) command.requiredOption('--db <url>', db);
  else command.option('--db <url>', db);
  return addRedisKeyOptions(command
    .option('--table <name>', 'job store table (SQLAlchemyJobStore tablename)', 'apscheduler_jobs')
    .option('--schema <name>', 'PostgreSQL schema, or MySQL database (SQLAlchemyJobStore tableschema)'))
    .option('--now <time>', 'reference time for stale-job (ISO 8601); default: the clock')
    .option('--source <dir>', 'project source folder: report jobs whose function is no longer there (orphan-job)');
}

export function parseNow(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UserError(`--now '${value}' is not a date (use ISO 8601, e.g. 2026-11-26T12:00:00Z)`);
  return ms * 1000;
}
