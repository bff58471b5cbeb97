import type { JobRef, LogEvent } from '../model/event';
import type { Evidence, Finding } from '../model/finding';
import type { Run } from '../model/run';
import { isoFromMicros } from '../model/time';
import { detach } from '../model/detach';
import { candidateZones, countFireTimes, listFireTimes, scheduleOf, type Schedule } from '../triggers/schedule';
import { fixedZone, type Zone } from '../triggers/zone';
import { nextFireTime, type CronSpec } from '../triggers/cron';
import { addEvidence, plural, seconds } from './job-tally';
import type { LogRule } from './rule';

/** Two fire times of one phase closer than this are one (APScheduler's interval arithmetic is exact). */
const SAME = 2000;
/** A span shorter than this with both ends at one offset has no DST change in it (two would take months). */
const ONE_OFFSET_SPAN = 90 * 86400e6;
/** A stretch with no line at all from anyone, longer than this, is the log falling silent. */
const QUIET = 1e6;
/** Lists kept per log (quiet stretches, restarts, store errors) are bounded: memory follows jobs, not lines. */
const MAX_MARKS = 20_000;

type Cause = 'store-error' | 'restart' | 'silent-log' | 'replaced' | 'job-silent';

const CAUSE_TEXT: Record<Cause, string> = {
  'store-error': 'while the job store could not be read (store-error)',
  restart: 'while the scheduler was down: it started again afterwards, and the backlog was not run (coalesce, or the job was re-added)',
  'silent-log': 'while the log fell silent (downtime, or the process hung)',
  replaced: 'before the job was added again with a new phase (a restart with replace_existing=True): the old schedule\'s fire times of the downtime were dropped',
  'job-silent': 'while its scheduler kept logging: the job stopped running (removed or paused without a log line, or the scheduler thread died)',
};

/** One series of fire times: an interval job's phase (several schedulers on memory stores have one each), or a cron job's grid. */
interface Phase {
  first: number;
  last: number;
  lastOffset: number;
  instance: string;
  /** Largest excess over the interval seen between consecutive runs: the trigger's jitter. */
  jitter: number;
  lastEvidence: Evidence;
}

interface Gap { after: number; before: number; missed: number; first: number; last: number; cause: Cause; uncertain?: [number, number] }

interface JobState {
  job: JobRef;
  schedule: Schedule;
  phases: Phase[];
  /** Misfire, skip and submit-error lines not yet matched to a gap: fire times the log did account for, with the instant each names when its stamp tells. */
  pending: (number | undefined)[];
  maxLate: number;
  /** `scheduled at` offsets seen, first and at each change: where the trigger's zone is read from. */
  offsets: { at: number; offsetMinutes: number }[];
  gaps: Gap[];
  missed: number;
  capped: boolean;
  evidence: Evidence[];
  /** APScheduler removed it (executor lookup failed, or a restore failure naming it). */
  removedAt?: number;
}

interface Span { from: number; to?: number; instance: string }

export const missedRun: LogRule = {
  id: 'missed-run',
  scope: 'log',
  severity: 'warning',
  summary: 'Fire times the trigger produced that never ran, with no misfire or skip line to say so.',
  docs: {
    what: 'Fire times a job\'s trigger produced while the job existed, that the log shows no trace of: no `Running job`, no `was missed by`, no `skipped`, no `Error submitting`. `count` is the number of such fire times; the finding gives the first and the last, each gap, and the likely cause.',
    why: 'APScheduler says nothing about most lost work. With `coalesce=True` (the default) a backlog after downtime runs once and the other fire times vanish; a restart that re-adds a job with `replace_existing=True` starts a new schedule and drops the old one\'s; a job store that does not answer holds every run back; a job whose thread died simply stops. Only the trigger tells they were due.',
    detection: 'Per job (name and trigger), from its runs\' `scheduled at` instants. Interval triggers step by their interval from their phase, and every phase is followed on its own: several schedulers with memory stores (a reloader, web workers) run interleaved phases, which are not misses. Cron triggers are evaluated the way APScheduler 3.x does (fields, `day_of_week` 0 = Monday, `last`, `1st mon`, steps, names, DST gaps and repeated hours); the log\'s trigger text has no zone, so it is taken from the offsets of the `scheduled at` instants, and where a span crosses a DST change that the zones fitting those offsets handle differently, the smallest count is given with the range. Jitter is tolerated (steps longer than the interval by less than the jitter seen are one step). Counted only while the job existed: from its first run to its next run, to its replacement by a new phase (the last `Added job` before it), to its removal (`Executor lookup … removing it`, `Unable to restore job` with its name, or a `Removed job` line of its process), to its scheduler\'s shutdown, or to its process\'s last line less `graceSeconds`. Spans between a clean shutdown and the next start, and while job processing was paused, are not counted: that downtime was meant. Date triggers (one fire time) and combined triggers are not checked. The cause: job-store errors in the gap; a scheduler start in it (downtime); no line at all from anyone for most of it (the log fell silent); a new phase after it (the job was re-added); otherwise the scheduler kept logging and the job was silent.',
    example: '2026-12-02 02:09:06,057 INFO apscheduler.executors.default: Running job "sync_orders (trigger: interval[0:00:01], …)" (scheduled at 2026-12-02 02:09:05.980117+01:00)\n(kill -9; 14 s later the app starts again and re-adds the job)\n2026-12-02 02:09:21,862 INFO apscheduler.executors.default: Running job "sync_orders (trigger: interval[0:00:01], …)" (scheduled at 2026-12-02 02:09:21.738283+01:00)',
    fix: 'Find the cause the finding names: keep the process up (a supervisor, graceful shutdown), keep the job store reachable, give jobs a stable `id=` and re-add them only when missing (`get_job(id) is None`), or set `coalesce=False` with a `misfire_grace_time` long enough for the runs you need to catch up after downtime.',
  },
  options: { graceSeconds: { default: 5, description: 'how long the log must go on past a fire time before its absence counts, at the end of a process\'s log' } },
  create(context) {
    const grace = (context.options.graceSeconds ?? 5) * 1e6;
    const jobs = new Map<string, JobState>();
    const byName = new Map<string, JobState[]>();
    const added = new Map<string, number[]>();
    // Boxed per instance, and the last instance's box kept: every event and run writes it.
    const lastReal = new Map<string, { t: number }>();
    let realOf: string | undefined;
    let realBox: { t: number } | undefined;
    const removedIn = new Map<string, number[]>();
    const restoreFailed = new Map<string, number>();
    const downSpans: Span[] = [];
    const starts: number[] = [];
    const storeErrors: number[] = [];
    const quiet: [number, number][] = [];
    // The last instant of any line (NaN before any), in a box: a closure's variable took each
    // double stored into it as a new heap number, one per event.
    const lastLine = { t: NaN };

    const push = <T>(list: T[], v: T) => {
      if (list.length >= MAX_MARKS) list.shift();
      list.push(v);
    };
    const stateOf = (job: JobRef): JobState | undefined => {
      const key = job.key!;
      let s = jobs.get(key);
      if (s) return s;
      const schedule = scheduleOf(job.trigger);
      if (!schedule) return undefined;
      s = { job, schedule, phases: [], pending: [], maxLate: 0, offsets: [], gaps: [], missed: 0, capped: false, evidence: [] };
      jobs.set(key, s);
      const list = byName.get(job.name) ?? [];
      list.push(s);
      byName.set(job.name, list);
      return s;
    };

    const openSpan = (instance: string, t: number | undefined) => {
      if (t === undefined) return;
      const open = downSpans.find((d) => d.instance === instance && d.to === undefined);
      if (!open) push(downSpans, { from: t, instance });
    };
    const closeSpan = (instance: string, t: number | undefined) => {
      if (t === undefined) return;
      for (const d of downSpans) if (d.instance === instance && d.to === undefined) d.to = t;
    };

    // `step` is the job's usual spacing: a log is "silent" only when one stretch without any line
    // covers most of the gap and is far longer than that (a sparse log is not a silent one).
    const causeOf = (after: number, before: number, step: number): Cause => {
      if (storeErrors.some((t) => t > after - 1e6 && t < before)) return 'store-error';
      if (starts.some((t) => t > after && t < before)) return 'restart';
      let longest = 0;
      for (const [a, b] of quiet) longest = Math.max(longest, Math.min(b, before) - Math.max(a, after));
      return longest >= (before - after) / 2 && longest >= 2 * step ? 'silent-log' : 'job-silent';
    };

    /** Fire times of a phase in (after, before), less those in meant downtime; min and max over the zones that fit. */
    const count = (s: JobState, p: Phase, after: number, before: number, slack: number, endOffset: number | undefined) => {
      const closingRun = endOffset !== undefined;
      const countIn = (z: Zone) => {
        const all = countFireTimes(s.schedule, z, p.last, after, before, slack);
        let n = all.count;
        // A cron run with jitter lies after its own grid point, which is then the last one counted.
        if (closingRun && s.schedule.kind === 'cron' && all.last !== undefined && nextFireTime(s.schedule.spec, z, before) !== before) {
          const next = nextFireTime(s.schedule.spec, z, all.last + 1);
          if (next === undefined || next > before) n--;
        }
        for (const d of downSpans) {
          const to = d.to ?? Infinity;
          if (to <= after || d.from >= before) continue;
          n -= countFireTimes(s.schedule, z, p.last, Math.max(after, d.from) - 1, Math.min(before, to) + 1, 0).count;
        }
        return { ...all, count: Math.max(0, n) };
      };
      if (s.schedule.kind !== 'cron') return { ...countIn(fixedZone(0)), uncertain: undefined };
      // Both ends at one offset, a short span between: the fixed offset is exact.
      if (endOffset === p.lastOffset && before - after < ONE_OFFSET_SPAN) return { ...countIn(fixedZone(p.lastOffset * 60)), uncertain: undefined };
      // With one offset ever seen, the fixed one is the first candidate zone: when nothing is due
      // in it, the smallest count over the zones is 0, and the zones (an Intl formatter each, for
      // every zone the runtime knows) need not be built. This is a healthy job's tail.
      if (s.offsets.every((o) => o.offsetMinutes === s.offsets[0].offsetMinutes)) {
        const fixed = countIn(fixedZone(s.offsets[0].offsetMinutes * 60));
        if (fixed.count === 0) return { ...fixed, uncertain: undefined };
      }
      // Otherwise every zone that fits the offsets seen, one per behaviour over the span.
      const zones = candidateZones(s.offsets, after, before);
      // One zone: its count as it is, without the min and max over zones.
      if (zones.length === 1) return { ...countIn(zones[0]), uncertain: undefined };
      const results = zones.map(countIn);
      results.sort((a, b) => a.count - b.count);
      const lo = results[0];
      const hi = results[results.length - 1];
      return { ...lo, uncertain: hi.count !== lo.count ? ([lo.count, hi.count] as [number, number]) : undefined };
    };

    /** `endOffset`: the offset of the run that closes the gap; none for a job's tail. */
    const record = (s: JobState, p: Phase, after: number, before: number, slack: number, causeOf: () => Cause, evidence: Evidence[], endOffset?: number) => {
      // Another scheduler ran this job meanwhile (a phase begun before the gap with runs inside it:
      // web workers on memory stores, one of them restarted): its work was done, only not by this one.
      if (s.phases.some((q) => q !== p && q.first < after && q.last > after + SAME)) return;
      const c = count(s, p, after, before, slack, endOffset);
      if (c.capped) s.capped = true;
      // Nothing due in the gap (a cron job's every run closes one): nothing to match or record.
      if (c.count === 0) return;
      const used = s.pending.splice(0, Math.min(s.pending.length, c.count));
      const missed = c.count - used.length;
      if (missed <= 0 || c.first === undefined || c.last === undefined) return;
      let { first, last } = c;
      // The accounted lines that say which fire time they were: the first and last lost ones are the others.
      const placed = used.filter((u): u is number => u !== undefined);
      if (placed.length && c.count <= 10_000) {
        const zone = s.schedule.kind === 'cron' ? fixedZone(p.lastOffset * 60) : fixedZone(0);
        const times = listFireTimes(s.schedule, zone, p.last, after, before, slack, 10_000);
        for (const u of placed) {
          let best = -1;
          for (let i = 0; i < times.length; i++) if (best < 0 || Math.abs(times[i] - u) < Math.abs(times[best] - u)) best = i;
          if (best >= 0) times.splice(best, 1);
        }
        if (times.length) {
          first = times[0];
          last = times[times.length - 1];
        }
      }
      s.missed += missed;
      s.gaps.push({ after, before, missed, first, last, cause: causeOf(), uncertain: c.uncertain });
      for (const e of evidence) addEvidence(s.evidence, e);
    };

    /** A line that names a fire time of a gap already counted (a misfire logged after the next run): one fewer missed. */
    const retract = (s: JobState, at: number): boolean => {
      for (let i = s.gaps.length - 1; i >= 0 && i >= s.gaps.length - 20; i--) {
        const g = s.gaps[i];
        if (at <= g.after + SAME || at >= g.before - SAME) continue;
        g.missed--;
        s.missed--;
        if (g.missed === 0) s.gaps.splice(i, 1);
        return true;
      }
      return false;
    };

    // What phaseFor found, in one object filled per run instead of a new one (a run is the hot path).
    const found: { phase: Phase | undefined; steps: number; duplicate: boolean } = { phase: undefined, steps: 0, duplicate: false };
    const result = (phase: Phase | undefined, steps: number, duplicate: boolean) => {
      found.phase = phase;
      found.steps = steps;
      found.duplicate = duplicate;
      return found;
    };
    const phaseFor = (s: JobState, at: number): typeof found => {
      if (s.schedule.kind === 'cron') {
        const p = s.phases[0];
        if (!p) return result(undefined, 0, false);
        return result(p, 1, at - p.last <= SAME);
      }
      const period = s.schedule.period;
      let best: Phase | undefined;
      let bestSteps = 0;
      let bestResid = Infinity;
      for (const p of s.phases) {
        const d = at - p.last;
        if (Math.abs(d) <= SAME + p.jitter) return result(p, 0, true);
        if (d < 0) {
          // An older fire time of this phase (a copy from another process, logged late): nothing to count.
          const r = (-d) % period;
          if (Math.min(r, period - r) <= SAME) return result(p, 0, true);
          continue;
        }
        // With jitter each step is the interval plus up to the jitter: the fewest steps that fit.
        const steps = p.jitter > 0 ? Math.max(1, Math.ceil((d - SAME) / (period + p.jitter))) : Math.round(d / period);
        const resid = d - steps * period;
        if (steps >= 1 && resid >= -SAME && resid <= steps * p.jitter + SAME && (!best || resid < bestResid)) {
          best = p;
          bestSteps = steps;
          bestResid = resid;
        }
      }
      if (best) return result(best, bestSteps, false);
      // One step a little long: the trigger has jitter (a new phase would start a step after the last run, not right after it).
      for (const p of s.phases) {
        const excess = at - p.last - period;
        if (excess > SAME && excess < period / 2 && p.last === Math.max(...s.phases.map((x) => x.last))) {
          p.jitter = Math.max(p.jitter, excess);
          return result(p, 1, false);
        }
      }
      return result(undefined, 0, false);
    };

    // Called for a run before its event: the stretch a run line ends must be known when its gap closes.
    // `lastReal` is a process's last sign that its scheduler thread was working: an end line
    // only says a worker thread finished, so it does not extend a job's expected life.
    const noteTime = (t: number | undefined, instance: string, scheduling: boolean) => {
      if (t === undefined) return;
      if (t - lastLine.t > QUIET) push(quiet, [lastLine.t, t]);
      if (!(t <= lastLine.t)) lastLine.t = t;
      if (!scheduling) return;
      if (instance !== realOf) {
        realOf = instance;
        realBox = lastReal.get(instance);
      }
      if (!realBox) lastReal.set(instance, (realBox = { t }));
      else if (realBox.t < t) realBox.t = t;
    };

    return {
      event(event: LogEvent, instance: string) {
        const t = event.ctx.timeInferred ? undefined : event.ctx.time;
        noteTime(t, instance, event.kind !== 'run-end');
        switch (event.kind) {
          case 'misfire':
          case 'max-instances':
          case 'submit-error': {
            const s = stateOf(event.job);
            // A misfire line is written its delay after the fire time; skips and submit errors at it.
            const named = t === undefined ? undefined : event.kind === 'misfire' ? t - event.lateMicros : t;
            if (s && !(named !== undefined && retract(s, named)) && s.pending.length < 1000) s.pending.push(named);
            break;
          }
          case 'job-added':
            if (t !== undefined) {
              const list = added.get(event.name) ?? [];
              if (list.length >= 50) list.shift();
              list.push(t);
              added.set(detach(event.name), list);
            }
            break;
          case 'scheduler-start':
            if (t !== undefined) push(starts, t);
            closeSpan(instance, t);
            break;
          case 'scheduler-shutdown':
          case 'scheduler-paused':
            openSpan(instance, t);
            break;
          case 'scheduler-resumed':
            closeSpan(instance, t);
            break;
          case 'jobstore-error':
            if (t !== undefined) push(storeErrors, t);
            break;
          case 'executor-lookup-failed': {
            const s = stateOf(event.job);
            if (s && t !== undefined) s.removedAt ??= t;
            break;
          }
          case 'restore-failed':
            if (t !== undefined && !restoreFailed.has(event.jobId)) restoreFailed.set(detach(event.jobId), t);
            break;
          case 'job-removed':
            if (t !== undefined) {
              const list = removedIn.get(instance) ?? [];
              if (list.length >= 50) list.shift();
              list.push(t);
              removedIn.set(instance, list);
            }
            break;
          default:
        }
      },
      runStart(run: Run) {
        if (!run.startInferred) noteTime(run.start, run.instance, true);
        const s = stateOf(run.job);
        if (!s) return;
        const at = run.scheduledAt.at;
        if (!run.startInferred) s.maxLate = Math.max(s.maxLate, run.start - at);
        const lastSeen = s.offsets[s.offsets.length - 1];
        if (!lastSeen || lastSeen.offsetMinutes !== run.scheduledAt.offsetMinutes) {
          if (s.offsets.length >= 20) s.offsets.splice(1, 1);
          s.offsets.push({ at, offsetMinutes: run.scheduledAt.offsetMinutes });
        }
        const { phase: p, steps, duplicate } = phaseFor(s, at);
        if (duplicate) return;
        if (!p) {
          s.phases.push({ first: at, last: at, lastOffset: run.scheduledAt.offsetMinutes, instance: run.instance, jitter: 0, lastEvidence: run.evidence });
          return;
        }
        // A `Removed job` of its process in the gap: the job was gone until added again, due only until then.
        const removal = firstBetween(removedIn.get(p.instance), p.last, at);
        if (removal !== undefined) record(s, p, p.last, removal, SAME, () => causeOf(p.last, removal, s.schedule.kind === 'interval' ? s.schedule.period : cronStep(s, p.last, removal)), [p.lastEvidence]);
        // Nearly every cron run follows the fire time before it: one look-up says so, without the
        // general count (zones, downtime, evidence) that a gap needs.
        else if (s.schedule.kind === 'cron') {
          if (cronGapPossible(s.schedule.spec, p, at, run.scheduledAt.offsetMinutes)) record(s, p, p.last, at, SAME, () => causeOf(p.last, at, cronStep(s, p.last, at)), [p.lastEvidence, run.evidence], run.scheduledAt.offsetMinutes);
        }
        // The steps between: the grid points before the closing run's own (a jittered run lies after it).
        else if (steps > 1) {
          const period = s.schedule.period;
          record(s, p, p.last, p.last + steps * period, SAME, () => causeOf(p.last, at, period), [p.lastEvidence, run.evidence]);
        }
        // Unused accounted lines stay: in a catch-up burst the skips of fresh fire times are logged
        // between the replayed runs, before the gap they account for closes.
        p.last = at;
        p.lastOffset = run.scheduledAt.offsetMinutes;
        p.instance = run.instance;
        // The run's own line, not a copy: a line's text is its own string (RecordContext.text), so
        // it pins no chunk of the log; a copy per run lived a period, long enough to be promoted.
        p.lastEvidence = run.evidence;
      },
      finish(end) {
        const findings: Finding[] = [];
        for (const job of jobs.values()) {
          // The tails are counted into a copy of the job's gaps: finish is asked again while a log is followed.
          const s: JobState = { ...job, pending: [...job.pending], gaps: job.gaps.map((g) => ({ ...g })), evidence: [...job.evidence] };
          const period = s.schedule.kind === 'interval' ? s.schedule.period : 0;
          for (const p of s.phases) {
            const later = s.phases.filter((q) => q !== p && q.first > p.last).sort((a, b) => a.first - b.first)[0];
            if (later) {
              // Replaced: the old phase existed until the job was added again (the last
              // `Added job` before the new phase's first run; else one interval before that run).
              const readds = (added.get(s.job.name) ?? []).filter((t) => t > p.last && t < later.first);
              // Removed on purpose before it came back (`Removed job`, then a new `add_job`): nothing was due meanwhile.
              const removed = (removedIn.get(p.instance) ?? []).filter((t) => t > p.last && t < later.first);
              const until = removed.length ? Math.min(...removed) : Math.max(later.first - period, ...readds);
              record(s, p, p.last, until + 1, SAME + p.jitter, () => 'replaced', [p.lastEvidence, later.lastEvidence]);
              continue;
            }
            // Until the job's end as the log shows it: removal, shutdown, a new trigger for the name, or the process's last line.
            const ends: { at: number; grace: number }[] = [];
            // Live, a fire time counts only once its grace has passed by the wall clock too.
            const logged = lastReal.get(p.instance)?.t;
            const alive = logged !== undefined && end.live ? Math.min(logged, end.live.now) : logged;
            if (alive !== undefined) ends.push({ at: alive, grace: Math.max(grace, 2 * s.maxLate) });
            if (s.removedAt !== undefined && s.removedAt > p.last) ends.push({ at: s.removedAt, grace: 0 });
            const restored = restoreFailed.get(s.job.name);
            if (restored !== undefined && restored > p.last) ends.push({ at: restored, grace: 0 });
            for (const t of removedIn.get(p.instance) ?? []) if (t > p.last) ends.push({ at: t, grace: 0 });
            for (const d of downSpans) if (d.instance === p.instance && d.from > p.last) ends.push({ at: d.from, grace: 1e6 });
            for (const other of byName.get(s.job.name) ?? []) {
              if (other === job) continue;
              const firstRun = Math.min(...other.phases.map((q) => q.first).filter((f) => f > p.last));
              if (Number.isFinite(firstRun)) ends.push({ at: firstRun, grace: 0 });
            }
            if (ends.length === 0) continue;
            const closing = ends.reduce((a, b) => (b.at - b.grace < a.at - a.grace ? b : a));
            const before = closing.at - closing.grace;
            if (before <= p.last) continue;
            record(s, p, p.last, before, SAME + p.jitter, () => causeOf(p.last, closing.at, period || cronStep(s, p.last, closing.at)), [p.lastEvidence]);
          }
          if (s.missed > 0 && s.gaps.length) findings.push(describe(s));
        }
        return findings;
      },
    };
  },
};

/** The first instant of `list` strictly between `after` and `before`. */
function firstBetween(list: number[] | undefined, after: number, before: number): number | undefined {
  if (list) for (const t of list) if (t > after && t < before) return t;
  return undefined;
}

/**
 * False when a cron run at `at` cannot close a gap: both ends at one offset (so `count` uses that
 * fixed zone) and the trigger's next fire time after the phase's last one is this run's own.
 * `count` finds no fire time in such a span, and downtime within it only takes fire times away.
 */
function cronGapPossible(spec: CronSpec, p: Phase, at: number, offsetMinutes: number): boolean {
  if (offsetMinutes !== p.lastOffset || at - p.last >= ONE_OFFSET_SPAN) return true;
  const next = nextFireTime(spec, fixedZone(p.lastOffset * 60), p.last + SAME + 1);
  return next !== undefined && next < at - SAME;
}

/** A cron job's usual spacing around a span: the span over its fire times (in the last offset seen). */
function cronStep(s: JobState, after: number, before: number): number {
  if (s.schedule.kind !== 'cron') return s.schedule.period;
  const p = s.phases[0];
  const n = countFireTimes(s.schedule, fixedZone((p?.lastOffset ?? 0) * 60), after, after, before, 0).count;
  return (before - after) / (n + 1);
}

function describe(s: JobState): Finding {
  const gaps = s.gaps.sort((a, b) => a.first - b.first);
  const first = gaps[0].first;
  const last = gaps[gaps.length - 1].last;
  const causes: Partial<Record<Cause, number>> = {};
  for (const g of gaps) causes[g.cause] = (causes[g.cause] ?? 0) + g.missed;
  const shown = gaps.slice(0, 3).map((g) => `${g.missed} from ${isoFromMicros(g.first)} to ${isoFromMicros(g.last)} ${CAUSE_TEXT[g.cause]}${g.uncertain ? ` (${g.uncertain[0]} to ${g.uncertain[1]}: the log does not name the trigger's zone, and the zones that fit its offsets disagree across a DST change)` : ''}`);
  const more = gaps.length > 3 ? `; and ${plural(gaps.length - 3, 'more gap')}` : '';
  const uncertain = gaps.some((g) => g.uncertain);
  return {
    rule: 'missed-run', severity: 'warning', job: s.job.name, trigger: s.job.trigger, count: s.missed,
    message: `${s.capped ? 'at least ' : ''}${plural(s.missed, 'fire time')} of ${s.job.name} never ran and no line says so (first ${isoFromMicros(first)}, last ${isoFromMicros(last)}, ${seconds(last - first)} apart): ${shown.join('; ')}${more}`,
    firstTime: isoFromMicros(first),
    lastTime: isoFromMicros(last),
    evidence: s.evidence.sort((a, b) => a.source.localeCompare(b.source) || a.line - b.line),
    data: {
      missed: s.missed, capped: s.capped, uncertain,
      causes,
      gaps: gaps.slice(0, 20).map((g) => ({ first: isoFromMicros(g.first), last: isoFromMicros(g.last), missed: g.missed, cause: g.cause, ...(g.uncertain ? { range: g.uncertain } : {}) })),
    },
  };
}
