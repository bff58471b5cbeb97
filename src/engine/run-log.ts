// Every run as a picture needs it: per job and scheduler instance, each run's start, end, outcome
// and marks (duplicate copy, overlap, failure, no end), the misfires and skips between them, and
// the spans when no scheduler was running. Fed from the engine's run hooks while it walks the
// timeline; read by the HTML timeline, `runs` and markdown's small chart.
//
// Memory is bounded however long the log: a density count per lane and time bucket is kept for
// every run, exact runs only up to a budget. Exact runs are kept by whole time chunks (all lanes
// of a chunk, or none), so a zoomed-in view of a kept chunk is complete and never shows a gap
// that is not in the log; chunks with the fewest problems are dropped first when over budget.

import type { LogEvent, Micros } from '../model/event';
import type { Run } from '../model/run';
import type { LogRuleListener } from '../analyzers/rule';
import { RecentRuns } from '../stats/recent-runs';
import { displayInstance } from '../analyzers/duplicate-run';
import { intervalMicros } from '../model/trigger';
import { detach } from '../model/detach';

/** Marks on a run, as bits: a run can be a duplicate copy, overlap another and fail at once. */
export const RUN_FLAG = {
  duplicate: 1,
  overlap: 2,
  failed: 4,
  /** No end line, and the scheduler restarted after it began: cut off. */
  unfinished: 8,
  /** No end line when the log ended: still running, or cut off without a restart to show it. */
  noEnd: 16,
  startInferred: 32,
  endInferred: 64,
} as const;

const PROBLEM = RUN_FLAG.duplicate | RUN_FLAG.overlap | RUN_FLAG.failed | RUN_FLAG.unfinished;

export interface LoggedRun {
  lane: number;
  scheduledAt: Micros;
  start: Micros;
  end?: Micros;
  flags: number;
  /** Duplicate copies: the lane of the copy that started first (absent on that first copy). */
  copyOf?: number;
  /** On the first copy of a duplicated run: how many copies started. */
  copies?: number;
  /** Index into `sources`. */
  source: number;
  line: number;
  exception?: string;
  /** `Scheduler started` count of its instance when it began (tells a restart from a run in progress). */
  epoch: number;
}

export interface PointMark {
  kind: 'misfire' | 'skip';
  lane: number;
  time: Micros;
  /** misfire: how late the run was when it was given up. */
  lateMicros?: Micros;
  source: number;
  line: number;
}

export interface Lane {
  job: string;
  trigger: string;
  /** Engine instance id (host or source, then pid or the inferred instance). */
  instance: string;
  /** For people: `app.log pid 4130`, `web-1 pid 7`. */
  label: string;
  host?: string;
  pid?: string;
  /** Offset (minutes east of UTC) the job's `scheduled at` was written with. */
  offsetMinutes: number;
  runs: number;
  /** Runs per bucket of `bucketMicros` from `origin`, every run whether kept or not. */
  density: number[];
  /** Problem runs and marks per bucket. */
  problems: number[];
}

export interface RunLogSnapshot {
  origin: Micros;
  bucketMicros: Micros;
  /** Buckets (a chunk is a bucket) whose runs were dropped for the budget: counted, not in `runs`. */
  droppedChunks: number[];
  first?: Micros;
  last?: Micros;
  lanes: Lane[];
  runs: LoggedRun[];
  points: PointMark[];
  /** Spans with no scheduler running anywhere in the log (from start and shutdown lines). */
  downtime: { from: Micros; to: Micros }[];
  sources: string[];
  totalRuns: number;
  /** Runs counted in the density but not kept exactly (budget). */
  droppedRuns: number;
}

export interface RunLogOptions {
  /** Exact runs kept at most (points count too). */
  budget?: number;
  /** Only runs whose start (marks: whose time) is in [from, to] are kept exactly. */
  from?: Micros;
  to?: Micros;
}

const MAX_BUCKETS = 2048;
const DEFAULT_BUDGET = 250_000;

interface Chunk { items: (LoggedRun | PointMark)[]; problems: number; runs: number }
interface Up { from: Micros; to: Micros }
interface InstanceLife { ups: Up[]; open: boolean; last: Micros | undefined; epoch: number; host?: string; pid?: string }

export class RunLog {
  private readonly budget: number;
  private origin: Micros | undefined;
  private width: Micros = 1e6;
  private chunks = new Map<number, Chunk>();
  private evicted = new Set<number>();
  private kept = 0;
  private dropped = 0;
  private totalRuns = 0;
  private lanes: Lane[] = [];
  private laneIds = new Map<string, Map<string, number>>();
  private open = new Map<Run, LoggedRun>();
  /** Per job, its runs in flight in every scheduler: overlap is counted across schedulers, as overlapping-runs does. */
  private flying = new Map<string, Set<Run>>();
  private copies = new RecentRuns<{ first?: LoggedRun; firstLane: number; count: number }>(() => ({ firstLane: -1, count: 0 }));
  private sources: string[] = [];
  private sourceIds = new Map<string, number>();
  private lives = new Map<string, InstanceLife>();
  private first: Micros | undefined;
  private last: Micros | undefined;

  constructor(private readonly options: RunLogOptions = {}) {
    this.budget = options.budget ?? DEFAULT_BUDGET;
  }

  /** The hooks the engine calls, like a rule's. */
  listener(): LogRuleListener {
    return {
      event: (event, instance) => this.event(event, instance),
      runStart: (run, open) => this.runStart(run, open),
      runEnd: (run, endInferred) => this.runEnd(run, endInferred),
      finish: () => [],
    };
  }

  private event(event: LogEvent, instance: string): void {
    const t = event.ctx.time;
    const life = this.lifeOf(instance, event);
    if (event.kind === 'scheduler-start') {
      life.epoch++;
      // A start with no shutdown before it: the earlier scheduler ended (crashed) at its last line.
      if (life.open && life.ups.length) life.ups[life.ups.length - 1].to = life.last ?? t ?? 0;
      if (t !== undefined) life.ups.push({ from: t, to: t });
      life.open = t !== undefined;
    } else if (event.kind === 'scheduler-shutdown') {
      if (t !== undefined && life.ups.length) life.ups[life.ups.length - 1].to = t;
      life.open = false;
    } else if (t !== undefined && !life.open) {
      // Lines from a process whose start the log does not show: it was running.
      if (life.ups.length === 0 || event.kind !== 'scheduler-paused') life.ups.push({ from: t, to: t });
      life.open = true;
    }
    if (t !== undefined) {
      if (life.open && life.ups.length) life.ups[life.ups.length - 1].to = t;
      life.last = t;
      if (this.first === undefined || t < this.first) this.first = t;
      if (this.last === undefined || t > this.last) this.last = t;
    }
    if (event.kind === 'misfire' || event.kind === 'max-instances') {
      if (t === undefined) return;
      const lane = this.laneOf(event.job.name, event.job.trigger, instance, undefined);
      const mark: PointMark = {
        kind: event.kind === 'misfire' ? 'misfire' : 'skip', lane, time: t,
        lateMicros: event.kind === 'misfire' ? event.lateMicros : undefined,
        source: this.sourceOf(event.ctx.source), line: event.ctx.line,
      };
      this.count(lane, t, true);
      if (this.wanted(t)) this.keep(mark, t, true);
    }
  }

  private runStart(run: Run, open: Run[]): void {
    this.totalRuns++;
    const lane = this.laneOf(run.job.name, run.job.trigger, run.instance, run.scheduledAt.offsetMinutes);
    // Every field set up front: one object shape for all runs, its fields inside the object
    // (fields added later would move to a separate store and double its size).
    const rec: LoggedRun = {
      lane, scheduledAt: run.scheduledAt.at, start: run.start, end: undefined, flags: run.startInferred ? RUN_FLAG.startInferred : 0,
      copyOf: undefined, copies: undefined, source: this.sourceOf(run.evidence.source), line: run.evidence.line, exception: undefined, epoch: run.epoch,
    };
    // As overlapping-runs counts: another run of this job in flight in any scheduler; in this one,
    // another scheduled time at least half a period earlier (not a same-named job microseconds apart).
    const period = intervalMicros(run.job.trigger);
    let flying = this.flying.get(run.key);
    if (!flying) this.flying.set(run.key, (flying = new Set()));
    for (const r of flying) {
      const sameScheduler = r.instance === run.instance;
      if (!sameScheduler || (r.scheduledAt.at !== run.scheduledAt.at && r.epoch === run.epoch && (period === undefined || run.scheduledAt.at - r.scheduledAt.at >= period / 2))) {
        rec.flags |= RUN_FLAG.overlap;
        break;
      }
    }
    flying.add(run);
    const entry = this.copies.get(run.key, run.scheduledAt.at);
    const seen = this.copies.seen;
    entry.count++;
    if (!seen) {
      entry.first = rec;
      entry.firstLane = lane;
    } else {
      rec.flags |= RUN_FLAG.duplicate;
      rec.copyOf = entry.firstLane;
      if (entry.first) {
        if (!(entry.first.flags & RUN_FLAG.duplicate)) this.problem(entry.first);
        entry.first.flags |= RUN_FLAG.duplicate;
        entry.first.copies = entry.count;
      }
    }
    this.open.set(run, rec);
    const problem = (rec.flags & PROBLEM) !== 0;
    this.lanes[lane].runs++;
    this.count(lane, rec.start, problem);
    if (this.wanted(rec.start)) this.keep(rec, rec.start, problem);
  }

  private runEnd(run: Run, endInferred: boolean): void {
    const rec = this.open.get(run);
    if (!rec) return;
    this.open.delete(run);
    this.flying.get(run.key)?.delete(run);
    rec.end = run.end;
    if (endInferred) rec.flags |= RUN_FLAG.endInferred;
    if (run.outcome === 'error') {
      rec.flags |= RUN_FLAG.failed;
      if (run.exception) rec.exception = detach(run.exception.length > 300 ? run.exception.slice(0, 300) + '…' : run.exception);
      this.problem(rec);
    }
  }

  /** Everything collected, runs sorted by lane and start. */
  snapshot(): RunLogSnapshot {
    for (const rec of this.open.values()) {
      const lane = this.lanes[rec.lane];
      const life = this.lives.get(lane.instance);
      if (life && life.epoch > rec.epoch) {
        rec.flags |= RUN_FLAG.unfinished;
        this.problem(rec);
      } else rec.flags |= RUN_FLAG.noEnd;
    }
    const runs: LoggedRun[] = [];
    const points: PointMark[] = [];
    for (const chunk of this.chunks.values()) {
      for (const item of chunk.items) ('kind' in item ? points : runs).push(item as never);
    }
    runs.sort((a, b) => a.lane - b.lane || a.start - b.start);
    points.sort((a, b) => a.lane - b.lane || a.time - b.time);
    return {
      origin: this.origin ?? 0, bucketMicros: this.width, droppedChunks: [...this.evicted].sort((a, b) => a - b),
      first: this.first, last: this.last, lanes: this.lanes, runs, points, downtime: this.downtime(),
      sources: this.sources, totalRuns: this.totalRuns, droppedRuns: this.dropped,
    };
  }

  /** Where no instance was up, between the first and last line of the log. */
  private downtime(): { from: Micros; to: Micros }[] {
    const ups = [...this.lives.values()].flatMap((l) => l.ups).sort((a, b) => a.from - b.from);
    const gaps: { from: Micros; to: Micros }[] = [];
    let reach: Micros | undefined;
    for (const u of ups) {
      if (reach !== undefined && u.from - reach >= 1e6) gaps.push({ from: reach, to: u.from });
      reach = reach === undefined ? u.to : Math.max(reach, u.to);
    }
    return gaps;
  }

  private wanted(t: Micros): boolean {
    return (this.options.from === undefined || t >= this.options.from) && (this.options.to === undefined || t <= this.options.to);
  }

  private lifeOf(instance: string, event: LogEvent): InstanceLife {
    let life = this.lives.get(instance);
    if (!life) {
      life = { ups: [], open: false, last: undefined, epoch: 0, host: event.ctx.host && detach(event.ctx.host), pid: event.ctx.pid && detach(event.ctx.pid) };
      this.lives.set(detach(instance), life);
    }
    return life;
  }

  private laneOf(job: string, trigger: string, instance: string, offsetMinutes: number | undefined): number {
    const key = `${job}\u0000${trigger}`;
    let byInstance = this.laneIds.get(key);
    if (!byInstance) this.laneIds.set(key, (byInstance = new Map()));
    let id = byInstance.get(instance);
    if (id === undefined) {
      const life = this.lives.get(instance);
      id = this.lanes.length;
      this.lanes.push({
        job: detach(job), trigger: detach(trigger), instance: detach(instance), label: displayInstance(instance),
        host: life?.host, pid: life?.pid, offsetMinutes: offsetMinutes ?? 0, runs: 0, density: [], problems: [],
      });
      byInstance.set(detach(instance), id);
    } else if (offsetMinutes !== undefined && this.lanes[id].runs === 0) this.lanes[id].offsetMinutes = offsetMinutes;
    return id;
  }

  private sourceOf(source: string): number {
    let id = this.sourceIds.get(source);
    if (id === undefined) {
      id = this.sources.length;
      this.sources.push(detach(source));
      this.sourceIds.set(detach(source), id);
    }
    return id;
  }

  // ---- buckets: density for all, exact runs by chunk ----------------------------------------

  private bucket(t: Micros): number {
    if (this.origin === undefined) this.origin = Math.floor(t / 1e6) * 1e6;
    let b = Math.max(0, Math.floor((t - this.origin) / this.width));
    while (b >= MAX_BUCKETS) {
      this.coarsen();
      b = Math.max(0, Math.floor((t - this.origin) / this.width));
    }
    return b;
  }

  private count(lane: number, t: Micros, problem: boolean): void {
    const b = this.bucket(t);
    const l = this.lanes[lane];
    while (l.density.length <= b) l.density.push(0);
    l.density[b]++;
    if (problem) {
      while (l.problems.length <= b) l.problems.push(0);
      l.problems[b]++;
    }
  }

  /** A run that turned out to be a problem after it was counted (a later copy, its end). */
  private problem(rec: LoggedRun): void {
    const b = this.bucket(rec.start);
    const l = this.lanes[rec.lane];
    while (l.problems.length <= b) l.problems.push(0);
    l.problems[b]++;
    const chunk = this.chunks.get(b);
    if (chunk) chunk.problems++;
  }

  private keep(item: LoggedRun | PointMark, t: Micros, problem: boolean): void {
    const b = this.bucket(t);
    if (this.evicted.has(b)) {
      this.dropped++;
      return;
    }
    let chunk = this.chunks.get(b);
    if (!chunk) this.chunks.set(b, (chunk = { items: [], problems: 0, runs: 0 }));
    chunk.items.push(item);
    chunk.runs++;
    if (problem) chunk.problems++;
    if (++this.kept > this.budget) this.evict();
  }

  /** Drops whole chunks, fewest problems (then most runs) first, until well under budget. */
  private evict(): void {
    const ranked = [...this.chunks.entries()].sort((a, b) => a[1].problems / a[1].runs - b[1].problems / b[1].runs || b[1].runs - a[1].runs || b[0] - a[0]);
    for (const [id, chunk] of ranked) {
      if (this.kept <= this.budget * 0.8) break;
      this.chunks.delete(id);
      this.evicted.add(id);
      this.kept -= chunk.items.length;
      this.dropped += chunk.items.length;
    }
  }

  /** Twice as wide buckets: pairs merge, a pair with a dropped half is dropped whole. */
  private coarsen(): void {
    this.width *= 2;
    for (const l of this.lanes) {
      l.density = halve(l.density);
      l.problems = halve(l.problems);
    }
    const chunks = new Map<number, Chunk>();
    const evicted = new Set<number>();
    for (const id of this.evicted) evicted.add(Math.floor(id / 2));
    for (const [id, chunk] of this.chunks) {
      const to = Math.floor(id / 2);
      if (evicted.has(to)) {
        this.kept -= chunk.items.length;
        this.dropped += chunk.items.length;
        continue;
      }
      const into = chunks.get(to);
      if (!into) chunks.set(to, chunk);
      else {
        // A loop, not push(...items): a chunk may hold more items than an argument list can.
        for (const item of chunk.items) into.items.push(item);
        into.problems += chunk.problems;
        into.runs += chunk.runs;
      }
    }
    // A chunk evicted into a pair whose other half was kept: the kept half goes too.
    for (const to of evicted) {
      const c = chunks.get(to);
      if (c) {
        chunks.delete(to);
        this.kept -= c.items.length;
        this.dropped += c.items.length;
      }
    }
    this.chunks = chunks;
    this.evicted = evicted;
  }
}

function halve(counts: number[]): number[] {
  const out: number[] = new Array(Math.ceil(counts.length / 2)).fill(0);
  for (let i = 0; i < counts.length; i++) out[i >> 1] += counts[i];
  return out;
}
