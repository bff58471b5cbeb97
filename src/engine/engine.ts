// The one engine behind `analyze` and `watch`: events are fed one at a time, in timeline order,
// through the run tracker, the job statistics, the scheduler census and every rule's listener.
// `findings()` asks every rule what it can say so far, and may be called any number of times
// (rules' finish is repeatable); `finish()` is the end of the timeline.

import { LOG_RULES } from '../analyzers';
import { ruleOptions, withSeverity } from '../analyzers/rule-settings';
import type { LogRule, LogRuleListener, TimelineEnd } from '../analyzers/rule';
import type { JobRef, LogEvent } from '../model/event';
import type { Finding, Severity } from '../model/finding';
import { JobStats } from './job-stats';
import { RunTracker } from './run-tracker';
import { JobRegistry } from './job-registry';
import { SchedulerCensus } from './scheduler-census';
import type { RunLog } from './run-log';

export interface EngineOptions {
  sameProcess?: boolean;
  /** Per-rule numeric options (from the config file). */
  ruleOptions?: Record<string, Record<string, number>>;
  /** Per-rule severity, or 'off'. */
  ruleSeverity?: Record<string, Severity | 'off'>;
  /** Collects every run for the timeline views (HTML, `runs`, markdown's chart); never for watch. */
  runLog?: RunLog;
}

export class Engine {
  readonly tracker: RunTracker;
  readonly stats = new JobStats();
  readonly census: SchedulerCensus;
  /**
   * The last instant of the timeline so far, -Infinity before any. A number from the start: a
   * field that held undefined takes a double as a new heap number on every store (per event).
   */
  private latest = -Infinity;
  /** Events fed so far. */
  events = 0;
  private readonly rules: LogRule[];
  private readonly listeners: LogRuleListener[];
  private readonly onEvent: LogRuleListener[];
  /** Per event kind, the listeners whose `event` takes it (made on the first event of the kind). */
  private readonly onKind = new Map<string, LogRuleListener[]>();
  private readonly onStart: LogRuleListener[];
  private readonly onEnd: LogRuleListener[];
  private readonly registry = new JobRegistry();
  private finished = false;

  constructor(private readonly options: EngineOptions = {}) {
    this.tracker = new RunTracker(options.sameProcess === true);
    this.census = new SchedulerCensus(this.tracker.instances);
    this.rules = LOG_RULES.filter((r) => options.ruleSeverity?.[r.id] !== 'off');
    this.listeners = this.rules.map((r) =>
      r.create({ options: ruleOptions(r, options.ruleOptions), instance: (id) => this.tracker.instances.get(id) }),
    );
    const all = options.runLog ? [...this.listeners, options.runLog.listener()] : this.listeners;
    // Hooks are looked up once: most rules listen to few of them, and this runs per event.
    this.onEvent = all.filter((l) => l.event);
    this.onStart = all.filter((l) => l.runStart);
    this.onEnd = all.filter((l) => l.runEnd);
  }

  /** The engine's one record of a job (name and trigger): what feed() puts in every event. */
  readonly internJob = (job: JobRef): JobRef => this.registry.intern(job);

  feed(event: LogEvent): void {
    this.events++;
    const { tracker, census, stats } = this;
    if (event.kind === 'server-line') {
      // A server's line belongs to its stream, not to a scheduler process.
      census.prints.serverLine(event, tracker.whereOf(event.ctx));
      for (const l of this.listenersOf(event.kind)) l.event!(event, '');
      return;
    }
    // The interned job drops `next run at`; a skip line's is the fire time it skipped.
    const nextRunAt = event.kind === 'max-instances' ? event.job.nextRunAt : undefined;
    if ('job' in event) event.job = this.registry.intern(event.job);
    const state = tracker.instanceOf(event);
    if (event.ctx.time !== undefined && event.ctx.time > this.latest) this.latest = event.ctx.time;
    switch (event.kind) {
      case 'scheduler-start':
        tracker.schedulerStarted(state, event);
        census.prints.schedulerStarted(tracker.whereOf(event.ctx));
        break;
      case 'scheduler-shutdown':
        tracker.schedulerStopped(state);
        break;
      case 'run-start': {
        const run = tracker.start(event, state);
        const open = tracker.openAtStart;
        census.runStart(run);
        stats.runStart(run, open);
        // Indexed loops: an iterator per loop per event was left allocated in this function.
        const onStart = this.onStart;
        for (let i = 0; i < onStart.length; i++) onStart[i].runStart!(run, open);
        break;
      }
      case 'run-end': {
        const run = tracker.end(event, state);
        if (run) {
          const inferred = event.ctx.timeInferred === true;
          stats.runEnd(run, inferred);
          const onEnd = this.onEnd;
          for (let i = 0; i < onEnd.length; i++) onEnd[i].runEnd!(run, inferred);
        }
        break;
      }
      default:
        stats.event(event);
    }
    census.event(event, state.id, nextRunAt);
    const listeners = this.listenersOf(event.kind);
    for (let i = 0; i < listeners.length; i++) listeners[i].event!(event, state.id);
  }

  /** The last instant of the timeline so far. */
  get lastTime(): number | undefined {
    return this.latest === -Infinity ? undefined : this.latest;
  }

  private listenersOf(kind: LogEvent['kind']): LogRuleListener[] {
    let list = this.onKind.get(kind);
    if (!list) this.onKind.set(kind, (list = this.onEvent.filter((l) => !l.eventKinds || l.eventKinds.includes(kind))));
    return list;
  }

  /**
   * What every rule can say now, unsorted. With `live`, the timeline has not ended: rules report
   * only what is certain at wall-clock `now` (epoch µs); without it, as at the end of a log.
   */
  findings(live?: { now: number }): Finding[] {
    const end: TimelineEnd = { openRuns: this.tracker.openRuns(), instances: this.tracker.instances, lastTime: this.lastTime, census: this.census };
    if (live) end.live = live;
    const findings: Finding[] = [];
    this.rules.forEach((rule, i) => {
      for (const f of this.listeners[i].finish(end)) findings.push(withSeverity(f, this.options.ruleSeverity?.[rule.id]));
    });
    return findings;
  }

  /** The end of the timeline: bursts still open are closed, then the findings as `analyze` reports them. */
  finish(): Finding[] {
    if (!this.finished) this.census.finish();
    this.finished = true;
    return this.findings();
  }
}
