// How many schedulers wrote each log stream, when the records do not say (no pid, no host).
// Every count is a lower bound taken from what the log offers, and says how it was found:
// - `starts`: `Scheduler started` n times in one burst (no run and no shutdown between), the
//   same jobs added in each → n schedulers holding the same jobs (different jobs: normal);
// - `copies`: one run (name, trigger, `scheduled at`) started k times in one stream → ≥ k;
// - `phases`: one interval job whose `scheduled at` instants form several interleaved series,
//   each stepping by the interval (memory stores: a reloader, workers) → one per series;
// - `skips`: the `maximum number of running instances` line written twice for one fire time.
// With a pid on the records, one process is one scheduler unless it logged several starts: copies
// inside it are copies of the job in its store (duplicate-job), not schedulers.

import { jobKey, type LogEvent } from '../model/event';
import type { Evidence } from '../model/finding';
import type { Run } from '../model/run';
import { intervalMicros } from '../model/trigger';
import { detach } from '../model/detach';
import { addEvidence, evidenceOf } from '../analyzers/job-tally';
import type { InstanceState } from '../analyzers/rule';
import { DeploymentPrints } from './deployment-prints';

export type CensusBasis = 'starts' | 'copies' | 'phases' | 'skips';

export interface SchedulerCount {
  /** At least this many schedulers wrote the stream (1 when nothing says more). */
  schedulers: number;
  /** What gave the count; empty when it is 1. */
  basis: CensusBasis[];
  /** Jobs seen held (or run) by more than one of them. */
  jobs: string[];
  /** The lines that show it: the starts of the burst, the copies, the series. */
  evidence: Evidence[];
  /** `Scheduler started` bursts whose schedulers added different jobs: several schedulers, on purpose. */
  distinctStarts: number;
}

interface Signal { basis: CensusBasis; n: number; jobs: string[]; evidence: Evidence[]; /** The job, for per-job signals. */ key?: string }
interface Burst { starts: number; added: Map<string, number>; evidence: Evidence[] }
interface Phase { first: number; last: number; count: number; evidence: Evidence }
interface RecentTimes { at: number[]; n: number[]; seq: number[]; evidence: (Evidence[] | undefined)[]; next: number }
/** An interval job's series, by residue; the last series a run fell in is looked at first. */
interface JobPhases { name: string; period: number | undefined; byResidue: Map<number, Phase>; lastResidue: number; lastPhase: Phase | undefined }

const MAX_PHASES = 32;
/** The last RING runs' evidence, by sequence number (as duplicate-run keeps it). */
const RING = 512;
/** Scheduled times remembered per job and stream: a catch-up burst of one scheduler may come between two copies. */
const SLOTS = 32;

function keep(e: Evidence): Evidence {
  return { ...e, text: e.text === undefined ? undefined : detach(e.text.length > 400 ? e.text.slice(0, 400) + '…' : e.text) };
}
const MAX_SKIP_KEYS = 4096;
/** Skip lines name their fire time to the second: below this interval two fire times share one. */
const MIN_SKIP_PERIOD = 2e6;

class StreamCensus {
  burst: Burst = { starts: 0, added: new Map(), evidence: [] };
  bestStarts = { n: 0, jobs: [] as string[], evidence: [] as Evidence[] };
  distinctStarts = 0;
  /** Per job key: the largest group of copies of one run, and the job's name. */
  perJobCopies = new Map<string, { n: number; name: string; evidence: Evidence[] }>();
  phases = new Map<string, JobPhases>();
  skips = new Map<string, { n: number; evidence: Evidence[] }>();
  perJobSkips = new Map<string, { n: number; name: string; evidence: Evidence[] }>();
  /** Per job name, the most `Added job` lines one scheduler wrote at one start: jobs registered twice. */
  addsPerStart = new Map<string, number>();
  /**
   * Per job key: its last few scheduled times and how often each started (copies of one run
   * arrive close together), and its entry in `phases`, found with one look-up per run.
   */
  perRun = new Map<string, { times: RecentTimes; phases: JobPhases }>();

  /** The signals found so far, kept until the stream changes: counts are asked per job, thousands of times. */
  found?: Found;
  private open?: BurstOutcome | null;

  /** The stream changed: what was derived from it is derived again when next asked. */
  touched(): void {
    this.found = undefined;
    this.open = undefined;
  }

  /** Copies or series of a job that its own registrations explain (two jobs, one name and trigger). */
  explained(name: string, n: number): boolean {
    const kept = this.addsPerStart.get(name);
    const open = this.openBurst()?.adds.get(name);
    const each = kept === undefined && open === undefined ? 1 : Math.max(kept ?? 0, open ?? 0);
    return each >= n;
  }

  /** The best `Scheduler started` burst, the open one included (as if it were closed now). */
  starts(): { n: number; jobs: string[]; evidence: Evidence[] } {
    const best = this.openBurst()?.best;
    return best && best.n > this.bestStarts.n ? best : this.bestStarts;
  }

  distinct(): number {
    return Math.max(this.distinctStarts, this.openBurst()?.distinct ?? 0);
  }

  closeBurst(): void {
    const o = outcomeOf(this.burst);
    for (const [name, each] of o.adds) if (each > (this.addsPerStart.get(name) ?? 0)) this.addsPerStart.set(name, each);
    if (o.best && o.best.n > this.bestStarts.n) this.bestStarts = o.best;
    this.distinctStarts = Math.max(this.distinctStarts, o.distinct);
    this.burst = { starts: 0, added: new Map(), evidence: [] };
    this.touched();
  }

  /** What closing the open burst would give, without closing it: counts may be read mid-log. */
  private openBurst(): BurstOutcome | undefined {
    if (this.open === undefined) this.open = this.burst.starts > 0 || this.burst.added.size > 0 ? outcomeOf(this.burst) : null;
    return this.open ?? undefined;
  }
}

interface BurstOutcome { adds: Map<string, number>; best?: { n: number; jobs: string[]; evidence: Evidence[] }; distinct: number }
interface Found { signals: Signal[]; byKey: Map<string, number>; starts: number; startsJobs: Set<string> }

/** A burst of starts, read: how many times each job was added per start, and how many schedulers share jobs. */
function outcomeOf(b: Burst): BurstOutcome {
  const adds = new Map<string, number>();
  for (const [name, k] of b.added) adds.set(name, Math.ceil(k / Math.max(1, b.starts)));
  if (b.starts < 2) return { adds, distinct: 0 };
  const shared = [...b.added.entries()].filter(([, n]) => n >= 2);
  // A loop, not Math.max(...): one burst may add more jobs than an argument list can hold.
  let most = 0;
  for (const [, k] of shared) if (k > most) most = k;
  const n = Math.min(b.starts, most);
  if (n >= 2) return { adds, best: { n, jobs: shared.map(([name]) => name).sort(), evidence: b.evidence }, distinct: 0 };
  return { adds, distinct: shared.length === 0 && b.added.size > 0 ? b.starts : 0 };
}

export class SchedulerCensus {
  private streams = new Map<string, StreamCensus>();
  private seq = 0;
  private ring: Evidence[] = new Array(RING);
  readonly prints = new DeploymentPrints();

  constructor(private readonly instances: Map<string, InstanceState>) {}

  /** The stream asked for last: events come in streaks from one instance. */
  private lastInstance: string | undefined;
  private lastStream: StreamCensus | undefined;

  private of(instance: string): StreamCensus {
    if (instance === this.lastInstance) return this.lastStream!;
    let s = this.streams.get(instance);
    if (!s) this.streams.set(instance, (s = new StreamCensus()));
    this.lastInstance = instance;
    this.lastStream = s;
    return s;
  }

  /** `nextRunAt`: a skip line's `next run at` (the fire time it skipped), read before the job was interned. */
  event(event: LogEvent, instance: string, nextRunAt?: string): void {
    const s = this.of(instance);
    // The instance's state (its starts) changes with its events, and this is called for each of them.
    s.touched();
    switch (event.kind) {
      case 'scheduler-start':
        s.burst.starts++;
        addEvidence(s.burst.evidence, evidenceOf(event.ctx));
        break;
      case 'job-added':
        s.burst.added.set(event.name, (s.burst.added.get(event.name) ?? 0) + 1);
        break;
      case 'scheduler-shutdown':
        s.closeBurst();
        break;
      case 'max-instances': {
        const period = intervalMicros(event.job.trigger);
        if (nextRunAt === undefined || (period !== undefined && period < MIN_SKIP_PERIOD)) break;
        const k = jobKey(event.job);
        const key = `${k}\u0000${nextRunAt}`;
        if (s.skips.size >= MAX_SKIP_KEYS) s.skips.clear();
        let entry = s.skips.get(key);
        // The key is copied: made of the line's own `next run at`, it would pin the chunk of log it was read from.
        if (!entry) s.skips.set(detach(key), (entry = { n: 0, evidence: [] }));
        entry.n++;
        addEvidence(entry.evidence, evidenceOf(event.ctx));
        const best = s.perJobSkips.get(k);
        if (!best || entry.n > best.n) s.perJobSkips.set(k, { n: entry.n, name: best?.name ?? detach(event.job.name), evidence: entry.evidence });
        break;
      }
      default:
    }
  }

  runStart(run: Run): void {
    const s = this.of(run.instance);
    s.touched();
    if (s.burst.starts > 0 || s.burst.added.size > 0) s.closeBurst();
    // Copies of one run arrive close together: the first is remembered by its place, and its
    // text fetched from the ring of recent runs only if a second copy turns up.
    const seq = ++this.seq;
    this.ring[seq % RING] = run.evidence;
    let job = s.perRun.get(run.key);
    if (!job) {
      const times: RecentTimes = { at: new Array(SLOTS).fill(NaN), n: new Array(SLOTS).fill(0), seq: new Array(SLOTS).fill(0), evidence: new Array(SLOTS), next: 0 };
      const phases: JobPhases = { name: detach(run.job.name), period: intervalMicros(run.job.trigger), byResidue: new Map(), lastResidue: NaN, lastPhase: undefined };
      s.phases.set(run.key, phases);
      s.perRun.set(run.key, (job = { times, phases }));
    }
    const w = job.times;
    let slot = w.at.indexOf(run.scheduledAt.at);
    if (slot < 0) {
      slot = w.next;
      w.next = (w.next + 1) % SLOTS;
      w.at[slot] = run.scheduledAt.at;
      w.n[slot] = 1;
      w.seq[slot] = seq;
      w.evidence[slot] = undefined;
      return this.phase(job.phases, run);
    }
    const n = ++w.n[slot];
    let evidence = w.evidence[slot];
    if (!evidence) {
      const first = seq - w.seq[slot] < RING ? this.ring[w.seq[slot] % RING] : undefined;
      w.evidence[slot] = evidence = first ? [keep(first)] : [];
    }
    if (evidence.length < 5) evidence.push(keep(run.evidence));
    const best = s.perJobCopies.get(run.key);
    if (!best || n > best.n) s.perJobCopies.set(run.key, { n, name: best?.name ?? detach(run.job.name), evidence });
    this.phase(job.phases, run);
  }

  /** The interleaved series of an interval job: one per instant the scheduled times repeat by the interval. */
  private phase(p: JobPhases, run: Run): void {
    const period = p.period;
    if (period === undefined || period <= 0) return;
    const residue = ((run.scheduledAt.at % period) + period) % period;
    const phase = residue === p.lastResidue ? p.lastPhase : p.byResidue.get(residue);
    if (phase) {
      p.lastResidue = residue;
      p.lastPhase = phase;
      // A copy of one run is not a step of its series.
      if (run.scheduledAt.at !== phase.last && run.scheduledAt.at !== phase.first) phase.count++;
      if (run.scheduledAt.at > phase.last) phase.last = run.scheduledAt.at;
      if (run.scheduledAt.at < phase.first) phase.first = run.scheduledAt.at;
    } else if (p.byResidue.size < MAX_PHASES) {
      p.byResidue.set(residue, { first: run.scheduledAt.at, last: run.scheduledAt.at, count: 1, evidence: keep(run.evidence) });
    }
  }

  /**
   * Nothing to close: counts read the open burst of starts as if it were closed, so they may be
   * asked for at any moment (a live view) and again. Kept for the engine's end of timeline.
   */
  finish(): void {}

  /** The schedulers behind one instance (a stream, or a process when the records carry pids). */
  count(instance: string): SchedulerCount {
    const s = this.streams.get(instance);
    const one: SchedulerCount = { schedulers: 1, basis: [], jobs: [], evidence: [], distinctStarts: s?.distinct() ?? 0 };
    if (!s) return one;
    const found = [...this.found(instance, s).signals];
    if (found.length === 0) return one;
    let n = 0;
    for (const c of found) if (c.n > n) n = c.n;
    const evidence: Evidence[] = [];
    for (const c of found.sort((a, b) => b.n - a.n)) for (const e of c.evidence) addEvidence(evidence, e);
    const jobs = [...new Set(found.flatMap((c) => c.jobs))].sort();
    const basis = [...new Set(found.map((c) => c.basis))];
    return { schedulers: n, basis, jobs, evidence, distinctStarts: s.distinct() };
  }

  /** Schedulers of one instance that ran one job (≥ 1). */
  forJob(instance: string, key: string): number {
    const s = this.streams.get(instance);
    if (!s) return 1;
    const name = s.perJobCopies.get(key)?.name ?? s.phases.get(key)?.name ?? s.perJobSkips.get(key)?.name;
    const found = this.found(instance, s);
    let n = Math.max(1, found.byKey.get(key) ?? 1);
    // The one signal of no single job: a burst of starts, over the jobs it names.
    if (name !== undefined && found.startsJobs.has(name) && found.starts > n) n = found.starts;
    return n;
  }

  /** The signals of one instance, found once per change of its stream, with the largest per job. */
  private found(instance: string, s: StreamCensus): Found {
    if (s.found) return s.found;
    const signals = this.signals(instance, s);
    const byKey = new Map<string, number>();
    let starts = 0;
    const startsJobs = new Set<string>();
    for (const c of signals) {
      if (c.key !== undefined) {
        if (c.n > (byKey.get(c.key) ?? 0)) byKey.set(c.key, c.n);
      } else {
        starts = Math.max(starts, c.n);
        for (const j of c.jobs) startsJobs.add(j);
      }
    }
    return (s.found = { signals, byKey, starts, startsJobs });
  }

  /** Every signal of several schedulers in one instance, each with its count (≥ 2) and its lines. */
  private signals(instance: string, s: StreamCensus): Signal[] {
    const state = this.instances.get(instance);
    const startedTwice = (state?.maxActiveSchedulers ?? 0) >= 2;
    // In one process, copies are the store's duplicate jobs unless it started several schedulers.
    const copiesCount = state?.pid === undefined || startedTwice;
    const out: Signal[] = [];
    const starts = s.starts();
    if (starts.n >= 2) out.push({ basis: 'starts', n: starts.n, jobs: starts.jobs, evidence: starts.evidence });
    for (const [key, c] of copiesCount ? s.perJobCopies : []) {
      if (c.n >= 2 && !s.explained(c.name, c.n)) out.push({ basis: 'copies', key, n: c.n, jobs: [c.name], evidence: c.evidence });
    }
    for (const [key, k] of copiesCount ? s.perJobSkips : []) {
      if (k.n >= 2 && !s.explained(k.name, k.n)) out.push({ basis: 'skips', key, n: k.n, jobs: [k.name], evidence: k.evidence });
    }
    // Series alone are confirmed only by a second start: two jobs of one name and interval, added
    // before the log began, would look the same.
    if (startedTwice) {
      for (const [key, p] of s.phases) {
        const r = this.phasesOf(p.byResidue);
        if (r.n >= 2 && !s.explained(p.name, r.n)) out.push({ basis: 'phases', key, n: r.n, jobs: [p.name], evidence: r.evidence });
      }
    }
    return out;
  }

  /** Series that ran at the same time: the most whose [first, last] ranges all overlap. */
  private phasesOf(byResidue: Map<number, Phase> | undefined): { n: number; evidence: Evidence[] } {
    if (!byResidue) return { n: 0, evidence: [] };
    // A series is an instant repeated by the interval: one run alone may be jitter or a one-off.
    const series = [...byResidue.values()].filter((p) => p.count >= 2);
    if (series.length < 2) return { n: 0, evidence: [] };
    const points = series.flatMap((p) => [{ t: p.first, d: 1, p }, { t: p.last, d: -1, p }]).sort((a, b) => a.t - b.t || b.d - a.d);
    let cur = 0;
    let best = 0;
    const open = new Set<Phase>();
    let evidence: Evidence[] = [];
    for (const pt of points) {
      cur += pt.d;
      if (pt.d > 0) open.add(pt.p);
      else open.delete(pt.p);
      if (cur > best) {
        best = cur;
        evidence = [...open].map((p) => p.evidence);
      }
    }
    return best >= 2 ? { n: best, evidence } : { n: 0, evidence: [] };
  }
}
