import type { Evidence, Finding } from '../model/finding';
import { isoFromMicros } from '../model/time';
import { detach } from '../model/detach';
import { addEvidence, evidenceOf, plural } from './job-tally';
import type { LogRule } from './rule';

interface Removal {
  kind: 'restore' | 'executor';
  /** The row id (restore failures name only that), or the job's name. */
  id: string;
  job: string | null;
  trigger?: string;
  detail: string;
  store?: string;
  count: number;
  first?: number;
  last?: number;
  evidence: Evidence[];
}

export const jobRemoved: LogRule = {
  id: 'job-removed',
  scope: 'log',
  severity: 'warning',
  summary: 'APScheduler deleted a job from its store: its function no longer imports, or its executor is unknown.',
  docs: {
    what: 'APScheduler removed a job row itself: `Unable to restore job "ID" -- removing it` (the stored function reference no longer imports: a renamed module or function, a missing dependency, 3.11 without pytz reading rows of 3.10) or `Executor lookup ("X") failed for job "JOB" -- removing it from the job store` (the job names an executor this scheduler does not have). One finding per job; `count` is the number of such lines.',
    why: 'The row is deleted, not skipped: the job will not run again anywhere until the app adds it again, and with a shared store every other scheduler loses it too. Nothing else in the log says so later.',
    detection: 'The ERROR lines from `apscheduler.jobstores.*` and `apscheduler.scheduler`. A restore failure names only the row id (the job\'s name is not in the store line); its exception is the last line of the traceback. django-apscheduler\'s `Unable to restore job \'ID\'. Removing it...` counts too.',
    example: '2026-12-02 02:09:20,879 ERROR apscheduler.jobstores.default: Unable to restore job "legacy_cleanup" -- removing it\nLookupError: Error resolving reference legacy_tasks:cleanup: could not import module',
    fix: 'Restore failures: keep the function importable under its old `module:name` (or re-add the job under the new one with `replace_existing=True`) and install what it needs; for rows from APScheduler 3.10 or older read by 3.11, install pytz. Executor lookups: configure the executor the job names on every scheduler that shares the store, or re-add the job with an existing `executor=`.',
  },
  create() {
    const removals = new Map<string, Removal>();
    const note = (key: string, make: () => Omit<Removal, 'count' | 'evidence'>, time: number | undefined, evidence: Evidence) => {
      let r = removals.get(key);
      if (!r) removals.set(key, (r = { ...make(), count: 0, evidence: [] }));
      r.count++;
      if (time !== undefined) {
        r.first ??= time;
        r.last = time;
      }
      addEvidence(r.evidence, evidence);
    };
    return {
      eventKinds: ['restore-failed', 'executor-lookup-failed'],
      event(event) {
        if (event.kind === 'restore-failed') {
          const store = event.ctx.logger?.startsWith('apscheduler.jobstores.') ? event.ctx.logger.slice('apscheduler.jobstores.'.length) : undefined;
          note(`r\u0000${event.jobId}`, () => ({ kind: 'restore', id: detach(event.jobId), job: null, store: store && detach(store), detail: detach(event.exception ?? 'its function could not be restored') }), event.ctx.time, evidenceOf(event.ctx));
        } else if (event.kind === 'executor-lookup-failed') {
          note(`e\u0000${event.job.key ?? event.job.name}\u0000${event.executor}`, () => ({ kind: 'executor', id: event.job.name, job: event.job.name, trigger: event.job.trigger, detail: detach(event.executor) }), event.ctx.time, evidenceOf(event.ctx));
        }
      },
      finish() {
        return [...removals.values()].map((r): Finding => ({
          rule: 'job-removed', severity: 'warning', job: r.job, trigger: r.trigger, count: r.count,
          message: r.kind === 'restore'
            ? `APScheduler deleted job "${r.id}" from ${r.store ? `job store '${r.store}'` : 'its job store'} because it could not be restored (${r.detail})${r.count > 1 ? `, ${plural(r.count, 'time')}` : ''}: it will not run until the app adds it again`
            : `APScheduler deleted ${r.job} from its job store because executor "${r.detail}" does not exist in this scheduler${r.count > 1 ? ` (${plural(r.count, 'time')})` : ''}: it will not run until the app adds it again`,
          firstTime: r.first === undefined ? undefined : isoFromMicros(r.first),
          lastTime: r.last === undefined ? undefined : isoFromMicros(r.last),
          evidence: r.evidence,
          data: r.kind === 'restore' ? { reason: 'restore-failed', id: r.id, store: r.store ?? null, exception: r.detail } : { reason: 'executor-lookup-failed', id: r.id, executor: r.detail },
        }));
      },
    };
  },
};
