import type { Evidence } from '../model/finding';
import type { Run } from '../model/run';
import { intervalMicros } from '../model/trigger';
import { JobTally, plural } from './job-tally';
import { detach } from '../model/detach';
import type { LogRule } from './rule';

/** Runs of one job in flight at once are few; a job whose runs never end must not grow without bound. */
const MAX_IN_FLIGHT = 64;
/** Overlaps whose evidence is kept per job (texts copied): the first one is shown. */
const WITH_EVIDENCE = 3;

/** What is kept of a run in flight: numbers, and its lines only when they may become evidence. */
interface Flight { id: number; instance: string; at: number; evidence?: Evidence; end?: Evidence }
/** A run that started while others were in flight; decided at the end, when crashes and the census are known. */
interface Pending { key: string; job: Run['job']; instance: string; at: number; start: number; before: Flight[]; evidence?: Evidence }

export const overlappingRuns: LogRule = {
  id: 'overlapping-runs',
  scope: 'log',
  severity: 'warning',
  summary: 'A run started while another run of the same job was still running.',
  docs: {
    what: 'A run of a job began while another run of the same job had not finished, in whichever scheduler. `count` is the number of runs that started on top of another; the message tells overlap inside one scheduler (what `max_instances` governs) from overlap across schedulers (what only the deployment fixes).',
    why: 'Overlapping runs of one job compete for the same rows, files and locks; most jobs are not written for it. Inside one process it happens when `max_instances` is above 1 and a run lasts longer than the interval; across processes whenever several schedulers run the same job.',
    detection: 'A run is in flight from its start line to its end line (paired by thread name, or first in, first out per job and process); without timestamps the log\'s order is the evidence: three starts before any of their ends were in flight together. A run that never ended (its process crashed) does not count. Another job with the same name and interval (its scheduled times a few microseconds apart) in one scheduler is not an overlap.',
    example: '… [ThreadPoolExecutor-0_0] Running job "sync (trigger: interval[0:00:01], …)" (scheduled at 2026-11-26 14:00:01+00:00)\n… [ThreadPoolExecutor-0_1] Running job "sync (trigger: interval[0:00:01], …)" (scheduled at 2026-11-26 14:00:02+00:00)',
    fix: 'Inside one scheduler: `max_instances=1` unless the job is known to be safe to overlap, or an interval longer than the job\'s run time. Across schedulers: run one scheduler (see multiple-schedulers); `max_instances` is per process and cannot help.',
  },
  create(context) {
    const inFlight = new Map<string, Flight[]>();
    const pending: Pending[] = [];
    const withEvidence = new Map<string, number>();
    /** Ids of runs some pending overlap waits on, and those of them that ended. */
    const awaited = new Set<number>();
    const ended = new Set<number>();
    const flightOf = new WeakMap<Run, Flight>();
    let seq = 0;
    return {
      runStart(run) {
        let list = inFlight.get(run.key);
        if (!list) inFlight.set(run.key, (list = []));
        const flight: Flight = { id: ++seq, instance: run.instance, at: run.scheduledAt.at };
        flightOf.set(run, flight);
        if (list.length > 0) {
          const n = withEvidence.get(run.key) ?? 0;
          const keepLines = n < WITH_EVIDENCE;
          if (keepLines) withEvidence.set(run.key, n + 1);
          for (const o of list) awaited.add(o.id);
          pending.push({ key: run.key, job: run.job, instance: run.instance, at: run.scheduledAt.at, start: run.start, before: list.slice(), evidence: keepLines ? copy(run.evidence) : undefined });
        }
        // Its own start line, should it become the earlier run of an overlap with evidence.
        if ((withEvidence.get(run.key) ?? 0) < WITH_EVIDENCE) flight.evidence = copy(run.evidence);
        if (list.length >= MAX_IN_FLIGHT) list.shift();
        list.push(flight);
      },
      runEnd(run) {
        const flight = flightOf.get(run);
        if (!flight) return;
        if (awaited.has(flight.id)) ended.add(flight.id);
        if (flight.evidence) flight.end = copy({ source: run.evidence.source, line: 0, ...run.endEvidence });
        const list = inFlight.get(run.key);
        const i = list ? list.indexOf(flight) : -1;
        if (i >= 0) list!.splice(i, 1);
      },
      finish(end) {
        const tally = new JobTally(() => ({ maxConcurrent: 0, inProcess: 0, crossScheduler: 0 }));
        for (const p of pending) {
          let inProcess = 0;
          let cross = 0;
          let first: Flight | undefined;
          for (const o of p.before) {
            // A run that never ended was cut off by a crash, not running alongside.
            if (!ended.has(o.id)) continue;
            const kind = classify(p, o, (i) => end.census.forJob(i, p.key), (i) => context.instance(i)?.pid !== undefined || context.instance(i)?.host !== undefined);
            if (kind === undefined) continue;
            if (kind === 'in-process') inProcess++;
            else cross++;
            first ??= o;
          }
          if (!first) continue;
          const t = tally.hit(p.job, p.start);
          t.data.maxConcurrent = Math.max(t.data.maxConcurrent, inProcess + cross + 1);
          // A run on top of both kinds counts in both: each has its own fix.
          if (cross > 0) t.data.crossScheduler++;
          if (inProcess > 0) t.data.inProcess++;
          // The first overlap measured: the earlier run's start and end, and the start on top of it.
          if (t.evidence.length === 0 && p.evidence && first.evidence) {
            t.evidence.push(first.evidence);
            if (first.end && first.end.line > 0) t.evidence.push(first.end);
            t.evidence.push(p.evidence);
          }
        }
        return tally.findings('overlapping-runs', 'warning', (t) => {
          const parts = [
            t.data.inProcess ? `${t.data.inProcess} on top of a run of the same scheduler (max_instances)` : '',
            t.data.crossScheduler ? `${t.data.crossScheduler} on top of another scheduler's run (the deployment)` : '',
          ].filter(Boolean).join(', ');
          return {
            message: `${plural(t.count, 'run')} of ${t.job.name} started while another run was still running (up to ${t.data.maxConcurrent} at once): ${parts}`,
            data: { overlappingRuns: t.count, maxConcurrent: t.data.maxConcurrent, inProcess: t.data.inProcess, crossScheduler: t.data.crossScheduler },
          };
        });
      },
    };
  },
};

function copy(e: Evidence): Evidence {
  return { ...e, text: e.text === undefined ? undefined : detach(e.text.length > 400 ? e.text.slice(0, 400) + '…' : e.text) };
}

/**
 * Where run `r`, started while `o` was in flight, overlaps: inside one scheduler, across
 * schedulers, or not at all (another job of the same name; a copy inside one process, which is
 * the store's duplicate job). `schedulers(i)` is how many schedulers instance i held for this job.
 */
function classify(r: Pending, o: Flight, schedulers: (instance: string) => number, hasPid: (instance: string) => boolean): 'in-process' | 'cross' | undefined {
  if (o.instance !== r.instance) return 'cross';
  const several = !hasPid(r.instance) && schedulers(r.instance) >= 2;
  const delta = Math.abs(r.at - o.at);
  if (delta === 0) return several ? 'cross' : undefined;
  const period = intervalMicros(r.job.trigger);
  if (period !== undefined && period > 0 && delta % period !== 0) {
    // Another series of the same name and interval: another scheduler, or another job in this one.
    if (several) return 'cross';
    return delta < period / 2 ? undefined : 'in-process';
  }
  return several ? 'cross' : 'in-process';
}
