// Reads django-apscheduler's run history, `django_apscheduler_djangojobexecution`: a row per run
// (job_id, status, run_time, duration, finished, exception, traceback). SQLite for now.

import { parseDbUrl } from './db-url';
import { DJANGO_EXECUTION_TABLE } from './django-apscheduler';
import { openSqliteDatabase } from './sqlite-store';

export interface ExecutionRow {
  id: number;
  jobId: string;
  status: string;
  /** The run's scheduled time, as the column's text. */
  runTime: string;
  /** Seconds from the scheduled time to the end (django-apscheduler computes finished − run_time). */
  duration: number | null;
  /** Epoch seconds when the status was recorded. */
  finished: number | null;
  exception: string | null;
  traceback: string | null;
}

/** The run history of a django-apscheduler database, or undefined when it has none. */
export function readDjangoExecutions(url: string): { display: string; rows: ExecutionRow[] } | undefined {
  const parsed = parseDbUrl(url);
  if (parsed.kind !== 'sqlite') return undefined;
  const db = openSqliteDatabase(parsed.path, parsed.display);
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(DJANGO_EXECUTION_TABLE);
    if (!has) return undefined;
    const rows = db.prepare(`SELECT id, job_id, status, run_time, duration, finished, exception, traceback FROM "${DJANGO_EXECUTION_TABLE}" ORDER BY run_time, id`).all() as {
      id: number; job_id: string; status: string; run_time: string; duration: number | string | null; finished: number | string | null; exception: string | null; traceback: string | null;
    }[];
    return {
      display: parsed.display,
      rows: rows.map((r) => ({
        id: r.id, jobId: r.job_id, status: r.status, runTime: String(r.run_time),
        duration: r.duration === null ? null : Number(r.duration), finished: r.finished === null ? null : Number(r.finished),
        exception: r.exception, traceback: r.traceback,
      })),
    };
  } finally {
    db.close();
  }
}
