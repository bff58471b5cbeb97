// Message bodies exactly as APScheduler 3.9.1 (Debian's python3-apscheduler, /usr/bin/python3)
// logged them: a BackgroundScheduler in Asia/Shanghai (+08:00), one job with a pytz
// FixedOffset(120) zone (empty zone name in `next run at`), a job name with quotes, parentheses,
// `, ` and `trigger:` in it, a raising job and a chained exception. Captured with a logging
// handler that recorded record.getMessage() and the formatted traceback; the readers' tests wrap
// them in the prefixes real deployments add. All runs are on 2026-11-26 at 13:05 UTC.

export const STARTED = 'Scheduler started';
export const SHUT_DOWN = 'Scheduler has been shut down';
export const TENTATIVE = 'Adding job tentatively -- it will be properly scheduled when the scheduler starts';
export const ADDED_CRON = 'Added job "cronjob" to job store "default"';
export const ADDED_QUOTED = 'Added job "say "hi" (v2), trigger: x" to job store "default"';
export const REMOVED = 'Removed job q';
export const PAUSED = 'Paused scheduler job processing';
export const RESUMED = 'Resumed scheduler job processing';
export const LOOKING = 'Looking for jobs to run';
export const NO_JOBS = 'No jobs; waiting until a job is added';
export const NEXT_WAKEUP = 'Next wakeup is due at 2026-11-26 21:05:10.838766+08:00 (in 0.838524 seconds)';

/** Scheduled at 2026-11-26 13:05:10 UTC exactly (no microseconds: a cron job). */
export const RUN_CRON =
  'Running job "cronjob (trigger: cron[second=\'*\'], next run at: 2026-11-26 21:05:11 CST)" (scheduled at 2026-11-26 21:05:10+08:00)';
export const OK_CRON = 'Job "cronjob (trigger: cron[second=\'*\'], next run at: 2026-11-26 21:05:11 CST)" executed successfully';
/** Scheduled at 2026-11-26 13:05:11 UTC. */
export const RUN_CRON_2 =
  'Running job "cronjob (trigger: cron[second=\'*\'], next run at: 2026-11-26 21:05:12 CST)" (scheduled at 2026-11-26 21:05:11+08:00)';

export const QUOTED_NAME = 'say "hi" (v2), trigger: x';
/** Scheduled at 2026-11-26 13:05:10.838766 UTC. */
export const RUN_QUOTED =
  'Running job "say "hi" (v2), trigger: x (trigger: interval[0:00:01], next run at: 2026-11-26 21:05:11 CST)" (scheduled at 2026-11-26 21:05:10.838766+08:00)';
export const OK_QUOTED =
  'Job "say "hi" (v2), trigger: x (trigger: interval[0:00:01], next run at: 2026-11-26 21:05:11 CST)" executed successfully';

/** pytz FixedOffset(120): `next run at` has an empty zone name. Scheduled at 13:05:10.841057 UTC. */
export const RUN_FIXED =
  'Running job "fixed (trigger: interval[0:00:01], next run at: 2026-11-26 15:05:11 )" (scheduled at 2026-11-26 15:05:10.841057+02:00)';

/** Scheduled at 2026-11-26 13:05:10.838945 UTC. */
export const RUN_BAD =
  'Running job "bad (trigger: interval[0:00:01], next run at: 2026-11-26 21:05:10 CST)" (scheduled at 2026-11-26 21:05:10.838945+08:00)';
export const FAIL_BAD = 'Job "bad (trigger: interval[0:00:01], next run at: 2026-11-26 21:05:11 CST)" raised an exception';
/** `raise ValueError('feed payload malformed') from KeyError`: two tracebacks in one record. */
export const TRACEBACK_CHAINED = [
  'Traceback (most recent call last):',
  '  File "/tmp/gen/gen.py", line 19, in bad',
  "    {}['items']",
  '    ~~^^^^^^^^^',
  "KeyError: 'items'",
  '',
  'The above exception was the direct cause of the following exception:',
  '',
  'Traceback (most recent call last):',
  '  File "/usr/lib/python3/dist-packages/apscheduler/executors/base.py", line 125, in run_job',
  '    retval = job.func(*job.args, **job.kwargs)',
  '             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
  '  File "/tmp/gen/gen.py", line 21, in bad',
  "    raise ValueError('feed payload malformed') from e",
  'ValueError: feed payload malformed',
];

export const FAIL_SIMPLE = 'Job "simple (trigger: interval[0:00:01], next run at: 2026-11-26 21:05:11 CST)" raised an exception';
export const TRACEBACK_SIMPLE = [
  'Traceback (most recent call last):',
  '  File "/usr/lib/python3/dist-packages/apscheduler/executors/base.py", line 125, in run_job',
  '    retval = job.func(*job.args, **job.kwargs)',
  '             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
  '  File "/tmp/gen/gen.py", line 22, in simple',
  "    def simple(): raise ValueError('kaboom')",
  '                  ^^^^^^^^^^^^^^^^^^^^^^^^^^',
  'ValueError: kaboom',
];

/** Late by 30.001125 s (misfire_grace_time=1). */
export const MISSED =
  'Run time of job "late (trigger: date[2026-11-26 21:04:39 CST], next run at: 2026-11-26 21:04:39 CST)" was missed by 0:00:30.001125';

/** From test/fixtures/skips (3.9.1, America/New_York scheduler). */
export const SKIPPED =
  'Execution of job "export_reports (trigger: interval[0:00:01], next run at: 2026-11-26 08:03:53 EST)" skipped: maximum number of running instances reached (1)';

/** `str(job)` of real 3.9.1 jobs (America/Chicago), as printed by `str(scheduler.get_job(id))`. */
export const JOB_PAUSED = 'paused_one (trigger: interval[1:00:00], paused)';
export const JOB_PENDING = 'pending (trigger: interval[1:00:00], pending)';
export const JOB_CRON_PARENS =
  "weekday (9:30) (trigger: cron[day_of_week='mon-fri', hour='9', minute='30'], next run at: 2026-11-26 09:30:00 CST)";
export const JOB_DAILY = 'daily (trigger: interval[1 day, 0:00:00], next run at: 2026-11-27 07:06:19 CST)';
export const JOB_OR = "or (trigger: or[cron[hour='1'], cron[hour='2']], next run at: 2026-11-27 01:00:00 UTC)";
