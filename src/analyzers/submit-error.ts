import type { JobRef } from '../model/event';
import type { Evidence, Finding } from '../model/finding';
import { isoFromMicros } from '../model/time';
import { detach } from '../model/detach';
import { addEvidence, evidenceOf, plural } from './job-tally';
import type { LogRule } from './rule';

/** A submit error this close to its scheduler's shutdown is the shutdown racing the wakeup. */
const SHUTDOWN_WINDOW = 5e6;

interface Lost { job: JobRef; lost: number; atShutdown: number; first?: number; last?: number; executor: string; exception?: string; lostAt: string[]; evidence: Evidence[] }
interface Pending { entry: Lost; instance: string; time?: number }

/** Whether a pending error is still within its window at `now` (one without a time never is). */
function inWindow(p: Pending, now: number): boolean {
  return p.time !== undefined && now - p.time <= SHUTDOWN_WINDOW;
}

/**
 * Whether a pending error has left its window by `now`: only then is the list rebuilt. Every
 * line of the process asks, and within the window the answer is nearly always no.
 */
function anyExpired(list: Pending[], now: number): boolean {
  for (const p of list) if (!inWindow(p, now)) return true;
  return false;
}

/**
 * The pending errors still in their window at `now`. A function of its own, not a closure in
 * the listener: a closure over the event made V8 allocate the listener's context on every call.
 */
function unexpired(list: Pending[], now: number): Pending[] {
  return list.filter((p) => inWindow(p, now));
}

export const submitError: LogRule = {
  id: 'submit-error',
  scope: 'log',
  severity: 'warning',
  summary: 'A due run could not be handed to its executor: the run was lost.',
  docs: {
    what: '`Error submitting job "JOB" to executor "X"` (with a traceback): the scheduler found the run due, the executor refused it, and APScheduler moved `next_run_time` on anyway. `count` is the number of lost runs; the instant lost is the `next run at` of the line (written before the advance). Errors within a few seconds of their scheduler\'s shutdown are counted apart, at `info`.',
    why: 'The run never happens and nothing retries it. During `shutdown()` it is expected (`RuntimeError: cannot schedule new futures after shutdown`: the scheduler thread woke while the pool was closing); at any other time the executor is broken (a dead process pool, a full or closed thread pool, an exception in a custom executor).',
    detection: 'The ERROR line from `apscheduler.scheduler`, per job, with the exception from its traceback. A `Scheduler has been shut down` of the same process within 5 s before or after the line (or, without timestamps, the neighbouring line of that process) marks it as a shutdown race.',
    example: '2026-12-02 02:09:46,027 ERROR apscheduler.scheduler: Error submitting job "pulse (trigger: cron[second=\'*/2\'], next run at: 2026-12-01 20:09:46 EST)" to executor "default"\nRuntimeError: cannot schedule new futures after shutdown',
    fix: 'Outside shutdown: look at the exception (a process pool whose workers die: memory, unpicklable arguments; a custom executor) and fix the executor. At shutdown: harmless, or call `scheduler.shutdown(wait=False)` after pausing (`scheduler.pause()`) so no new run is submitted while the pool closes.',
  },
  create() {
    const entries = new Map<string, Lost>();
    // Per process: submit errors not yet known to be a shutdown race, and its last shutdown.
    const pending = new Map<string, Pending[]>();
    const lastShutdown = new Map<string, { time?: number; active: boolean }>();
    const settle = (p: Pending, atShutdown: boolean) => {
      if (atShutdown) p.entry.atShutdown++;
      else p.entry.lost++;
    };
    return {
      event(event, instance) {
        if (event.kind === 'submit-error') {
          let e = entries.get(event.job.key!);
          if (!e) entries.set(event.job.key!, (e = { job: event.job, lost: 0, atShutdown: 0, executor: detach(event.executor), exception: event.exception && detach(event.exception), lostAt: [], evidence: [] }));
          const t = event.ctx.time;
          if (t !== undefined) {
            e.first ??= t;
            e.last = t;
          }
          // The job as interned keeps no `next run at`: read it from the line (written before the advance, it is the lost instant).
          const next = /next run at: ([^)]*?)\s*\)" to executor "/.exec(event.ctx.text)?.[1];
          if (next && e.lostAt.length < 5) e.lostAt.push(detach(next));
          addEvidence(e.evidence, evidenceOf(event.ctx));
          const shut = lastShutdown.get(instance);
          const p: Pending = { entry: e, instance, time: t };
          // After its scheduler's shutdown (the pool is closing while the thread woke once more).
          if (shut?.active && (t === undefined || shut.time === undefined || t - shut.time <= SHUTDOWN_WINDOW)) settle(p, true);
          else {
            let list = pending.get(instance);
            if (!list) pending.set(instance, (list = []));
            list.push(p);
          }
          return;
        }
        if (event.kind === 'scheduler-shutdown') {
          lastShutdown.set(instance, { time: event.ctx.time, active: true });
          for (const p of pending.get(instance) ?? []) settle(p, p.time === undefined || event.ctx.time === undefined || event.ctx.time - p.time <= SHUTDOWN_WINDOW);
          pending.delete(instance);
          return;
        }
        if (event.kind === 'scheduler-start') lastShutdown.set(instance, { active: false });
        // Without timestamps only the next line of the process can tell: anything but a shutdown settles it.
        const list = pending.get(instance);
        if (list && event.ctx.time === undefined) {
          for (const p of list) settle(p, false);
          pending.delete(instance);
        } else if (list && event.ctx.time !== undefined && anyExpired(list, event.ctx.time)) {
          const keep = unexpired(list, event.ctx.time);
          for (const p of list) if (!keep.includes(p)) settle(p, false);
          if (keep.length) pending.set(instance, keep);
          else pending.delete(instance);
        }
      },
      finish(end) {
        // Still pending at the end: the log ended before a shutdown could be seen. Counted here
        // without settling them (finish is asked again while a log is followed); live, one still
        // within the window of its error may yet turn out to be a shutdown's, and waits.
        const unsettled = new Map<Lost, number>();
        for (const list of pending.values()) {
          for (const p of list) {
            if (end.live && (p.time === undefined || end.live.now - p.time <= SHUTDOWN_WINDOW)) continue;
            unsettled.set(p.entry, (unsettled.get(p.entry) ?? 0) + 1);
          }
        }
        return [...entries.values()].flatMap((entry): Finding[] => {
          const e = { ...entry, lost: entry.lost + (unsettled.get(entry) ?? 0) };
          const total = e.lost + e.atShutdown;
          if (total === 0) return [];
          const why = e.exception ? ` (${e.exception})` : '';
          const at = e.lostAt.length ? `; lost: next run at ${e.lostAt.join(', ')}` : '';
          const message = e.lost === 0
            ? `${plural(total, 'run')} of ${e.job.name} not submitted to executor "${e.executor}" while its scheduler shut down${why}: expected during shutdown${at}`
            : `${plural(e.lost, 'run')} of ${e.job.name} lost: the scheduler could not submit ${e.lost === 1 ? 'it' : 'them'} to executor "${e.executor}"${why}${e.atShutdown ? `; ${e.atShutdown} more while its scheduler shut down` : ''}${at}`;
          return [{
            rule: 'submit-error', severity: e.lost === 0 ? 'info' : 'warning', job: e.job.name, trigger: e.job.trigger, count: total, message,
            firstTime: e.first === undefined ? undefined : isoFromMicros(e.first),
            lastTime: e.last === undefined ? undefined : isoFromMicros(e.last),
            evidence: e.evidence,
            data: { lost: e.lost, atShutdown: e.atShutdown, executor: e.executor, exception: e.exception ?? null },
          }];
        });
      },
    };
  },
};
