import { JobTally, evidenceOf, plural } from './job-tally';
import { detach } from '../model/detach';
import type { LogRule } from './rule';

export const jobError: LogRule = {
  id: 'job-error',
  scope: 'log',
  severity: 'warning',
  summary: 'A run raised an exception.',
  docs: {
    what: 'A run ended with `Job "…" raised an exception`. `count` is the number of failed runs; the first exception line of the traceback is shown.',
    why: 'APScheduler logs the failure and carries on: nothing retries the run, and nothing alerts unless someone reads the log.',
    detection: 'The ERROR line from `apscheduler.executors.*`; the traceback lines below it belong to it, and its last line (`ValueError: …`) is the exception.',
    example: '2026-11-26 14:25:39,070 ERROR apscheduler.executors.default: Job "boom (trigger: interval[0:00:01], next run at: 2026-11-26 14:25:40 EET)" raised an exception\nTraceback (most recent call last):\n  …\nValueError: kaboom',
    fix: 'Fix the exception in the job; add a listener for EVENT_JOB_ERROR if failures must alert.',
  },
  create() {
    const tally = new JobTally(() => ({ exception: undefined as string | undefined, exceptions: new Set<string>() }));
    return {
      eventKinds: ['run-end'],
      event(event) {
        if (event.kind !== 'run-end' || event.outcome !== 'error') return;
        const t = tally.hit(event.job, event.ctx.time, evidenceOf(event.ctx));
        if (event.exception) {
          t.data.exception ??= detach(event.exception);
          if (t.data.exceptions.size < 5 && !t.data.exceptions.has(event.exception)) t.data.exceptions.add(detach(event.exception));
        }
      },
      finish() {
        return tally.findings('job-error', 'warning', (t) => ({
          message: `${plural(t.count, 'run')} of ${t.job.name} raised an exception${t.data.exception ? `: ${t.data.exception}` : ''}`,
          data: { errors: t.count, exception: t.data.exception ?? null, exceptions: [...t.data.exceptions] },
        }));
      },
    };
  },
};
