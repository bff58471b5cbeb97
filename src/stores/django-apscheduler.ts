// django-apscheduler's tables (jcass77/django-apscheduler): `django_apscheduler_djangojob` holds
// APScheduler 3.x's pickled job state like `apscheduler_jobs`, but its `next_run_time` is a Django
// DateTimeField, not a float; `django_apscheduler_djangojobexecution` holds a row per run, which
// no other store has (see src/readers/django-executions.ts).

export const DJANGO_JOB_TABLE = 'django_apscheduler_djangojob';
export const DJANGO_EXECUTION_TABLE = 'django_apscheduler_djangojobexecution';
export const SQLALCHEMY_TABLE = 'apscheduler_jobs';

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
