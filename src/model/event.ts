// Events: what the readers produce from a scheduler's log. Everything downstream reads these.
// Instants are epoch microseconds (a double holds them exactly until the year 2255).

export type Micros = number;

/** Where a record came from, and what its prefix told about it. */
export interface RecordContext {
  /** Source label: the file path as given, or "-" for stdin. */
  source: string;
  /**
   * The log this file is a part of, when a source is several files (rotated parts: `app.log.2`,
   * `app.log.1`, `app.log` → `app.log`): one log, one instance. `source` stays the file, for evidence.
   */
  stream?: string;
  /** 1-based line number of the record's first line. */
  line: number;
  /** Instant of the log line, if the line (or the reader's clock inference) gave one. */
  time?: Micros;
  /** True when `time` was not on the line but carried forward or taken from the message. */
  timeInferred?: boolean;
  level?: string;
  logger?: string;
  pid?: string;
  thread?: string;
  host?: string;
  /**
   * The raw line, for evidence: its own string, or a part of its line, never a slice of a larger
   * chunk of the log (the readers decode line by line), so keeping it keeps no more than its line.
   */
  text: string;
}

/** A job as APScheduler's `str(job)` shows it: the name and the trigger, never the id. */
export interface JobRef {
  name: string;
  /** Set once the engine has interned the job: the name-and-trigger key, computed once. */
  key?: string;
  trigger: string;
  /** `next run at` text, kept for display only: it is racy (see the field guide). */
  nextRunAt?: string;
  paused?: boolean;
}

/** `scheduled at` as logged: the instant and the offset it was written with (minutes east of UTC). */
export interface ScheduledAt {
  at: Micros;
  offsetMinutes: number;
  text: string;
}

export type LogEvent =
  | { kind: 'scheduler-start'; ctx: RecordContext }
  | { kind: 'scheduler-shutdown'; ctx: RecordContext }
  | { kind: 'scheduler-paused'; ctx: RecordContext }
  | { kind: 'scheduler-resumed'; ctx: RecordContext }
  | { kind: 'job-added-tentatively'; ctx: RecordContext }
  | { kind: 'job-added'; ctx: RecordContext; name: string; store: string }
  | { kind: 'job-removed'; ctx: RecordContext; jobId: string }
  | {
    kind: 'run-start'; ctx: RecordContext; job: JobRef; scheduledAt: ScheduledAt;
    /**
     * The source itself shows that this run ended unseen: django-apscheduler's `Started execution`
     * row of a job whose later runs finished (its process died mid-run). A log never sets it.
     */
    cutOff?: true;
  }
  /**
   * A run another source already showed starting, which this source knows was cut off (its
   * history row stayed `Started execution` while later runs finished): a mark, not a run.
   */
  | { kind: 'run-cut-off'; ctx: RecordContext; job: JobRef; scheduledAt: ScheduledAt }
  | { kind: 'run-end'; ctx: RecordContext; job: JobRef; outcome: 'success' | 'error'; exception?: string }
  | { kind: 'misfire'; ctx: RecordContext; job: JobRef; lateMicros: Micros }
  | { kind: 'max-instances'; ctx: RecordContext; job: JobRef; maxInstances: number }
  | { kind: 'executor-lookup-failed'; ctx: RecordContext; job: JobRef; executor: string }
  | { kind: 'submit-error'; ctx: RecordContext; job: JobRef; executor: string; exception?: string }
  | { kind: 'jobstore-error'; ctx: RecordContext; store: string; error: string }
  | { kind: 'listener-error'; ctx: RecordContext }
  | { kind: 'run-error'; ctx: RecordContext; jobId: string }
  | { kind: 'pool-broken'; ctx: RecordContext }
  | { kind: 'restore-failed'; ctx: RecordContext; jobId: string; exception?: string }
  | { kind: 'looking-for-jobs'; ctx: RecordContext }
  | { kind: 'next-wakeup'; ctx: RecordContext; at: Micros }
  | { kind: 'no-jobs'; ctx: RecordContext }
  | { kind: 'scheduler-paused-debug'; ctx: RecordContext }
  /**
   * A web server's own line (gunicorn `Booting worker with pid: N`, uvicorn `Started server process`,
   * the Werkzeug reloader…): how the app was started. `role` is the line's kind (readers/server-lines).
   */
  | { kind: 'server-line'; ctx: RecordContext; server: string; role: string; pid?: string; version?: string }
  /** An APScheduler-looking line that no pattern matched: counted so gaps are visible. */
  | { kind: 'unrecognised'; ctx: RecordContext };

export type LogEventKind = LogEvent['kind'];

/** The identity of a job as far as a log can tell: name and trigger together. */
export function jobKey(job: JobRef): string {
  return job.key ?? `${job.name}\u0000${job.trigger}`;
}
