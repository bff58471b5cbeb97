// django-apscheduler's tables (jcass77/django-apscheduler): `django_apscheduler_djangojob` holds
// APScheduler 3.x's pickled job state like `apscheduler_jobs`, but its `next_run_time` is a Django
// DateTimeField, not a float; `django_apscheduler_djangojobexecution` holds a row per run, which
// no other store has (see src/readers/django-executions.ts).
//
// Each backend reads a datetime column as the text Django's own SQLite backend writes
// (`YYYY-MM-DD HH:MM:SS.ffffff`, UTC): PostgreSQL's timestamptz through to_char in a UTC session,
// MySQL's datetime(6) through DATE_FORMAT. The text is what a guarded delete compares and what a
// restore writes back, to the microsecond; the seconds are for everything else.

import type { RawStoreRow } from '../model/store-record';
import { rawRow } from './store';

export const DJANGO_JOB_TABLE = 'django_apscheduler_djangojob';
export const DJANGO_EXECUTION_TABLE = 'django_apscheduler_djangojobexecution';
export const SQLALCHEMY_TABLE = 'apscheduler_jobs';

/**
 * Why clean cannot delete a django-apscheduler job whose runs are still in the execution table:
 * the foreign key (no ON DELETE CASCADE in the database; Django cascades in Python).
 */
export const DJANGO_RUNS_REFER =
  "other rows refer to it (django-apscheduler's run history in django_apscheduler_djangojobexecution): remove the job through Django, whose delete removes its runs too (DjangoJob.objects.filter(id=…).delete()), or delete its execution rows first";

/** How a job table keeps `next_run_time`: SQLAlchemyJobStore's epoch float, or Django's datetime. */
export type NextRunColumn = 'epoch' | 'datetime';

export interface TableLayout {
  table: string;
  nextRunTime: NextRunColumn;
}

/**
 * The job table to read: the one asked for; or, when only the default was asked for and the
 * database has no `apscheduler_jobs` but has django-apscheduler's table, that one.
 */
export function chooseLayout(requested: string, exists: (table: string) => boolean): TableLayout {
  if (requested === DJANGO_JOB_TABLE) return { table: requested, nextRunTime: 'datetime' };
  if (requested === SQLALCHEMY_TABLE && !exists(SQLALCHEMY_TABLE) && exists(DJANGO_JOB_TABLE)) return { table: DJANGO_JOB_TABLE, nextRunTime: 'datetime' };
  return { table: requested, nextRunTime: 'epoch' };
}

/** A row as the job table holds it, whichever way it keeps next_run_time (django-apscheduler: a datetime's text). */
export function layoutRow(r: { id: unknown; next_run_time: unknown; job_state: unknown }, layout: TableLayout): RawStoreRow {
  if (layout.nextRunTime === 'epoch' || r.next_run_time === null || typeof r.next_run_time !== 'string') return rawRow(r.id, r.next_run_time, r.job_state);
  const text = r.next_run_time;
  const seconds = djangoDatetimeSeconds(text);
  const row = rawRow(r.id, seconds ?? text, r.job_state);
  row.nextRunTimeText = text;
  return row;
}

/** PostgreSQL, in a session whose TimeZone is UTC: a timestamptz as Django's UTC text. */
export const PG_DATETIME_TEXT = (column: string) => `to_char(${column}, 'YYYY-MM-DD HH24:MI:SS.US')`;
/** MySQL/MariaDB: a datetime(6) (naive UTC with USE_TZ) as Django's text. */
export const MYSQL_DATETIME_TEXT = (column: string) => `DATE_FORMAT(${column}, '%Y-%m-%d %H:%i:%s.%f')`;

const DATETIME = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d\d):?(\d\d)|Z)?$/;

/**
 * A Django datetime column's text as epoch seconds. With `USE_TZ = True` (Django's default since
 * 5.0, and what django-apscheduler expects) SQLite and MySQL hold naive UTC; PostgreSQL's text
 * carries its offset.
 */
export function djangoDatetimeSeconds(text: string): number | undefined {
  const m = DATETIME.exec(text.trim());
  if (!m) return undefined;
  const micros = Number(((m[7] ?? '') + '000000').slice(0, 6));
  const offset = m[8] ? (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) * 60 : 0;
  const seconds = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000 - offset;
  return seconds + micros / 1e6;
}
