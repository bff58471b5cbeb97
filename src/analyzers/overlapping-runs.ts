import { removeAt } from '../model/lists';
import type { Evidence } from '../model/finding';
import type { Run } from '../model/run';
import { intervalMicros } from '../model/trigger';
import { JobTally, plural } from './job-tally';
import { detach } from '../model/detach';
import type { LogRule } from './rule';

/** The waiters of a run nothing started on top of (nearly every run): one shared empty list, never pushed to. */
const NO_WAITERS: Flight['waiters'] = [];
/** Runs of one job in flight at once are few; a job whose runs never end must not grow without bound. */
const MAX_IN_FLIGHT = 64;
/** Overlaps whose evidence is kept per job (texts copied): the first one is shown. */
const WITH_EVIDENCE = 3;

/**
 * How a run r lies on top of a run o of the same job, as far as is known when r starts:
 * another instance (across schedulers), or the same process (a pid: inside one scheduler), or,
 * in a stream without pids, one of four shapes decided at the end by how many schedulers the
 * census found in that stream: the same `scheduled at` (a copy), another series a fraction of an
 * interval apart, another series further off, or the same series.
 */
const CROSS = 0, IN = 1, COPY = 2, NEAR = 3, FAR = 4, SAME = 5;
type Category = typeof CROSS | typeof IN | typeof COPY | typeof NEAR | typeof FAR | typeof SAME;

/** What is kept of a run in flight: numbers, the overlaps waiting for its end, and its lines only when they may become evidence. */
interface Flight { instance: string; at: number; waiters: { entry: Entry; cat: Category }[]; evidence?: Evidence; end?: Evidence; /** The run, while it is in flight: its end finds it by this. */ run?: Run }
/** Per job: its runs in flight, and its trigger's interval, read once from its text. */
interface JobFlights { flights: Flight[]; period: number | undefined }
/** A run that started on top of others; its counts grow as those end (a run that never ends was cut off by a crash). */
interface Entry { key: string; job: Run['job']; instance: string; start: number; counts: number[]; waiting: number; first?: Flight; evidence?: Evidence }
/** Overlapping runs with the same shape, summed: memory follows the shapes, not the runs. */
interface Shape { key: string; job: Run['job']; instance: string; counts: number[]; n: number; first: number; last: number }

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
    const inFlight = new Map<string, JobFlights>();
    /** Runs pushed out of a full in-flight list: their ends still count (rare: a job whose runs never end). */
    const evicted = new WeakMap<Run, Flight>();
    const live = new Set<Entry>();
    const shapes = new Map<string, Shape>();
    /** Per job, the first few overlaps with their lines: the first that counts is shown. */
    const candidates = new Map<string, Entry[]>();
    const keepsLines = (key: string) => (candidates.get(key)?.length ?? 0) < WITH_EVIDENCE;
    const hasPid = (i: string) => context.instance(i)?.pid !== undefined || context.instance(i)?.host !== undefined;

    /** Counts an entry into `shapes` and `candidates`: the rule's own, or a finish's copies of them. */
    const settle = (e: Entry, into: { shapes: Map<string, Shape>; candidates: Map<string, Entry[]> }) => {
      if (e.counts.every((c) => c === 0)) return;
      const sig = `${e.key}\u0000${e.instance}\u0000${e.counts.join(',')}`;
      const shape = into.shapes.get(sig);
      if (shape) {
        shape.n++;
        shape.first = Math.min(shape.first, e.start);
        shape.last = Math.max(shape.last, e.start);
      } else into.shapes.set(sig, { key: e.key, job: e.job, instance: e.instance, counts: [...e.counts], n: 1, first: e.start, last: e.start });
      if (e.evidence && e.first?.evidence) {
        const list = into.candidates.get(e.key) ?? [];
        if (list.length < WITH_EVIDENCE) {
          // Copied now, once: until here they were the runs' own lines, held only while in flight.
          list.push({ ...e, counts: [...e.counts], evidence: copy(e.evidence), first: { ...e.first, waiters: [], evidence: copy(e.first.evidence), end: e.first.end && copy(e.first.end), run: undefined } });
        }
        into.candidates.set(e.key, list);
      }
    };

    return {
      runStart(run) {
        let job = inFlight.get(run.key);
        if (!job) inFlight.set(run.key, (job = { flights: [], period: intervalMicros(run.job.trigger) }));
        const list = job.flights;
        // Every field declared at once: set later, they would add a property store per run.
        const flight: Flight = { instance: run.instance, at: run.scheduledAt.at, waiters: NO_WAITERS, evidence: undefined, end: undefined, run };
        if (list.length > 0) {
          const entry: Entry = { key: run.key, job: run.job, instance: run.instance, start: run.start, counts: [0, 0, 0, 0, 0, 0], waiting: 0 };
          for (const o of list) {
            const cat = categorize(run, o, hasPid(run.instance), job.period);
            if (cat === undefined) continue;
            entry.waiting++;
            if (o.waiters === NO_WAITERS) o.waiters = [];
            o.waiters.push({ entry, cat });
            if (!entry.first && o.evidence) entry.first = o;
          }
          if (entry.waiting > 0) {
            live.add(entry);
            if (entry.first && keepsLines(run.key)) entry.evidence = run.evidence;
          }
        }
        // Its own start line, should it become the earlier run of an overlap that is shown.
        if (keepsLines(run.key)) flight.evidence = run.evidence;
        if (list.length >= MAX_IN_FLIGHT) {
          const out = list.shift()!;
          if (out.run) evicted.set(out.run, out);
          out.run = undefined;
        }
        list.push(flight);
      },
      runEnd(run) {
        const list = inFlight.get(run.key)?.flights;
        let i = -1;
        if (list) for (let k = 0; k < list.length; k++) if (list[k].run === run) { i = k; break; }
        const flight = i >= 0 ? list![i] : evicted.get(run);
        if (!flight) return;
        if (flight.evidence && flight.waiters.length > 0 && run.endEvidence) flight.end = run.endEvidence;
        for (const { entry, cat } of flight.waiters) {
          entry.counts[cat]++;
          if (--entry.waiting === 0) {
            live.delete(entry);
            settle(entry, { shapes, candidates });
          }
        }
        flight.waiters = NO_WAITERS;
        flight.run = undefined;
        if (i >= 0) removeAt(list!, i);
        else evicted.delete(run);
      },
      finish(end) {
        // Overlaps still waiting on a run that never ended: counted with the runs that did.
        // Into copies: finish is asked again while a log is followed, and those runs may still end.
        const now = { shapes: new Map([...shapes].map(([k, v]) => [k, { ...v }])), candidates: new Map([...candidates].map(([k, v]) => [k, [...v]])) };
        for (const e of live) settle(e, now);
        const several = (instance: string, key: string) => !hasPid(instance) && end.census.forJob(instance, key) >= 2;
        const decide = (counts: number[], instance: string, key: string) => {
          const many = several(instance, key);
          const c = counts;
          return { cross: c[CROSS] + (many ? c[COPY] + c[NEAR] + c[FAR] + c[SAME] : 0), inside: c[IN] + (many ? 0 : c[FAR] + c[SAME]) };
        };
        const tally = new JobTally(() => ({ maxConcurrent: 0, inProcess: 0, crossScheduler: 0 }));
        for (const shape of now.shapes.values()) {
          const { cross, inside } = decide(shape.counts, shape.instance, shape.key);
          if (cross + inside === 0) continue;
          const t = tally.hit(shape.job, shape.first);
          t.count += shape.n - 1;
          if (shape.last > (t.last ?? -Infinity)) t.last = shape.last;
          t.data.maxConcurrent = Math.max(t.data.maxConcurrent, cross + inside + 1);
          // A run on top of both kinds counts in both: each has its own fix.
          if (cross > 0) t.data.crossScheduler += shape.n;
          if (inside > 0) t.data.inProcess += shape.n;
        }
        for (const [key, list] of now.candidates) {
          const shown = list.find((e) => { const d = decide(e.counts, e.instance, key); return d.cross + d.inside > 0; });
          const t = shown && tally.get(shown.job);
          if (!shown || !t || t.evidence.length > 0) continue;
          // The first overlap measured: the earlier run's start and end, and the start on top of it.
          t.evidence.push(shown.first!.evidence!);
          if (shown.first!.end) t.evidence.push(shown.first!.end);
          t.evidence.push(shown.evidence!);
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

/** The shape of run r on top of run o (see Category); undefined when it is no overlap at all. */
function categorize(r: Run, o: Flight, pid: boolean, period: number | undefined): Category | undefined {
  if (o.instance !== r.instance) return CROSS;
  const delta = Math.abs(r.scheduledAt.at - o.at);
  // A copy inside one process is its store's duplicate job (duplicate-run says so), not max_instances.
  if (delta === 0) return pid ? undefined : COPY;
  if (period !== undefined && period > 0 && delta % period !== 0) {
    // Another series of the same name and interval: another job of this scheduler when near, else this job late.
    if (pid) return delta < period / 2 ? undefined : IN;
    return delta < period / 2 ? NEAR : FAR;
  }
  return pid ? IN : SAME;
}
