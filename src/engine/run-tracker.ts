// Builds runs from start and end lines. A completion line does not say which run it ends:
// with a thread name it pairs exactly (start and end are logged by the same worker thread);
// otherwise the only open run, or first-in-first-out per job and process, which is counted
// as ambiguous so the report can say durations are approximate.

import { removeAt } from '../model/lists';
import { jobKey, type LogEvent } from '../model/event';
import type { Run } from '../model/run';
import type { InstanceState } from '../analyzers/rule';
import { evidenceOf } from '../analyzers/job-tally';
import { detach } from '../model/detach';

export interface PairingStats {
  exact: number;
  ambiguous: number;
  /** End lines with no open run (the log began mid-run). */
  unmatched: number;
}

const NONE: Run[] = [];

/**
 * An instance's record. Its last instant is a number from the start (NaN before any), read as
 * `lastTime`: set per event, a field added after the literal sat in a second object and took
 * each double as a new heap number.
 */
class Instance implements InstanceState {
  epoch = 0;
  activeSchedulers = 0;
  maxActiveSchedulers = 0;
  starts: number[] = [];
  firstStartEvidence: InstanceState['firstStartEvidence'] = undefined;
  latest = NaN;

  constructor(readonly id: string, readonly source: string, readonly host: string | undefined, readonly pid: string | undefined) {}

  get lastTime(): number | undefined {
    return Number.isNaN(this.latest) ? undefined : this.latest;
  }
}

export class RunTracker {
  readonly instances = new Map<string, Instance>();
  private open = new Map<string, Map<string, Run[]>>();
  readonly pairing: PairingStats = { exact: 0, ambiguous: 0, unmatched: 0 };

  constructor(private readonly sameProcess: boolean) {}

  /** The last few instances looked up: a log has few, and building an id per event is costly. */
  private recent: { where: string; pid: string | undefined; state: Instance }[] = [];

  /** The stream a record belongs to, before its pid: its host, or its log. */
  whereOf(ctx: LogEvent['ctx']): string {
    return ctx.host ?? (this.sameProcess ? '' : ctx.stream ?? ctx.source);
  }

  instanceOf(event: LogEvent): InstanceState {
    const ctx = event.ctx;
    const where = this.whereOf(ctx);
    let state: Instance | undefined;
    for (const r of this.recent) {
      if (r.where === where && r.pid === ctx.pid) {
        state = r.state;
        break;
      }
    }
    if (!state) state = this.lookUp(where, event);
    // Against NaN (no instant yet) the comparison is false.
    if (ctx.time !== undefined && !(ctx.time <= state.latest)) state.latest = ctx.time;
    return state;
  }

  private lookUp(where: string, event: LogEvent): Instance {
    const ctx = event.ctx;
    const id = `${where}|${ctx.pid ?? ''}`;
    let state = this.instances.get(id);
    if (!state) {
      const copy = (s: string | undefined) => (s === undefined ? undefined : detach(s));
      state = new Instance(detach(id), ctx.stream ?? ctx.source, copy(ctx.host), copy(ctx.pid));
      this.instances.set(id, state);
    }
    this.recent.unshift({ where: state.host ?? (this.sameProcess ? '' : state.source), pid: state.pid, state });
    if (this.recent.length > 8) this.recent.pop();
    return state;
  }

  schedulerStarted(state: InstanceState, event: LogEvent): void {
    state.epoch++;
    state.activeSchedulers++;
    state.maxActiveSchedulers = Math.max(state.maxActiveSchedulers, state.activeSchedulers);
    if (event.ctx.time !== undefined) state.starts.push(event.ctx.time);
    state.firstStartEvidence ??= { source: event.ctx.source, line: event.ctx.line, text: detach(event.ctx.text) };
  }

  schedulerStopped(state: InstanceState): void {
    state.activeSchedulers = Math.max(0, state.activeSchedulers - 1);
  }

  /** The runs of the same job the instance still had open when the last run started (set by start()). */
  openAtStart: Run[] = NONE;

  /** The open runs of the instance last asked for: runs come in streaks from one instance. */
  private openId: string | undefined;
  private openMap: Map<string, Run[]> | undefined;

  /** Opens a run and returns it; `openAtStart` is then the runs of the same job this instance still has open. */
  start(event: Extract<LogEvent, { kind: 'run-start' }>, state: InstanceState): Run {
    const key = jobKey(event.job);
    const run: Run = {
      job: event.job,
      key,
      instance: state.id,
      thread: event.ctx.thread,
      scheduledAt: event.scheduledAt,
      start: event.ctx.time ?? event.scheduledAt.at,
      startInferred: event.ctx.timeInferred === true || event.ctx.time === undefined,
      epoch: state.epoch,
      evidence: evidenceOf(event.ctx),
      // Set when the run ends: declared now, so that the object has room for them and its end
      // adds no property store (22 MB allocated per 64 MB of log when they were added then).
      end: undefined,
      outcome: undefined,
      exception: undefined,
      pairing: undefined,
      endEvidence: undefined,
    };
    const byJob = this.openOf(state.id);
    let list = byJob.get(key);
    if (!list) byJob.set(key, (list = []));
    this.openAtStart = list.length === 0 ? NONE : list.slice();
    list.push(run);
    return run;
  }

  /** Closes the run an end line belongs to, or returns undefined when none is open. */
  end(event: Extract<LogEvent, { kind: 'run-end' }>, state: InstanceState): Run | undefined {
    const list = this.openOf(state.id).get(jobKey(event.job));
    if (!list || list.length === 0) {
      this.pairing.unmatched++;
      return undefined;
    }
    let index = -1;
    let pairing: Run['pairing'];
    const thread = event.ctx.thread;
    if (thread !== undefined) {
      for (let i = 0; i < list.length; i++) if (list[i].thread === thread) { index = i; break; }
      if (index >= 0) pairing = 'thread';
    }
    if (index < 0 && list.length === 1) {
      index = 0;
      pairing = 'only-open';
    }
    if (index < 0) {
      // Oldest run of the current scheduler first: a run left open by a crashed predecessor
      // must not swallow the end lines of its successor.
      index = list.findIndex((r) => r.epoch === state.epoch);
      if (index < 0) index = 0;
      pairing = 'first-in-first-out';
    }
    const run = list[index];
    removeAt(list, index);
    if (pairing === 'first-in-first-out') this.pairing.ambiguous++;
    else this.pairing.exact++;
    run.pairing = pairing;
    run.end = event.ctx.time;
    run.endEvidence = evidenceOf(event.ctx);
    run.outcome = event.outcome;
    run.exception = event.exception;
    return run;
  }

  openRuns(): Run[] {
    const all: Run[] = [];
    for (const byJob of this.open.values()) for (const list of byJob.values()) for (const run of list) all.push(run);
    return all;
  }

  private openOf(instance: string): Map<string, Run[]> {
    if (instance === this.openId) return this.openMap!;
    let byJob = this.open.get(instance);
    if (!byJob) {
      byJob = new Map();
      this.open.set(instance, byJob);
    }
    this.openId = instance;
    this.openMap = byJob;
    return byJob;
  }
}
