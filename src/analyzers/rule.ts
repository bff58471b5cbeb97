// The interface every rule implements (ESLint-style): metadata and docs beside a small
// streaming listener. The engine calls the listener while it walks the merged timeline; a rule
// keeps per-job state only, and returns its findings at the end.

import type { LogEvent } from '../model/event';
import type { Finding, Severity } from '../model/finding';
import type { Run } from '../model/run';
import type { StoreJob } from '../model/store-job';
import type { SchedulerCensus } from '../engine/scheduler-census';

export interface RuleDocs {
  /** What the finding means. */
  what: string;
  /** Why it matters. */
  why: string;
  /** How it is detected, and what is deliberately not reported. */
  detection: string;
  /** A log (or store) excerpt that triggers it. */
  example: string;
  /** What to change. */
  fix: string;
}

export interface RuleMeta {
  id: string;
  severity: Severity;
  summary: string;
  docs: RuleDocs;
  /** Numeric thresholds the rule reads from the config file, with their defaults. */
  options?: Record<string, { default: number; description: string }>;
}

/** What the engine knows at the end of the timeline. */
export interface TimelineEnd {
  /** Runs still open when the log ended. */
  openRuns: Run[];
  /** Per instance: the last instant it logged anything, and when it (re)started schedulers. */
  instances: Map<string, InstanceState>;
  /** The last instant of the whole timeline. */
  lastTime: number | undefined;
  /** How many schedulers each instance held, inferred from the log, and the server lines per stream. */
  census: SchedulerCensus;
  /**
   * Set while a log is still being followed (`watch`): `now` is the wall clock (epoch µs). A rule
   * then reports only what is certain now: nothing that assumes the log ended here, no fire time
   * missed before its grace has passed by the wall clock, no run unfinished while its process may
   * still be running it. finish() may be called again later: it must not change the rule's state.
   */
  live?: { now: number };
}

export interface InstanceState {
  id: string;
  source: string;
  host?: string;
  pid?: string;
  epoch: number;
  activeSchedulers: number;
  maxActiveSchedulers: number;
  starts: number[];
  firstStartEvidence?: { source: string; line: number; text?: string };
  lastTime?: number;
}

export interface RuleContext {
  options: Record<string, number>;
  /** Instance state, for rules that need to know who else is running. */
  instance(id: string): InstanceState | undefined;
}

export interface LogRuleListener {
  event?(event: LogEvent, instance: string): void;
  /**
   * The kinds of event `event` is called for; every kind when absent. Most rules care about a
   * few kinds, and nearly every event of a large log is a run's start or end: declaring them
   * spares a call per event per rule (ESLint's selectors, for the same reason).
   */
  eventKinds?: readonly LogEvent['kind'][];
  /** `open` holds the other runs of the same job in the same instance still running. */
  runStart?(run: Run, open: Run[]): void;
  runEnd?(run: Run, endInferred: boolean): void;
  finish(end: TimelineEnd): Finding[];
}

export interface LogRule extends RuleMeta {
  scope: 'log';
  create(context: RuleContext): LogRuleListener;
}

export interface StoreRuleContext {
  options: Record<string, number>;
  /** Reference instant for time-relative rules (--now), epoch microseconds. */
  now: number;
  /** --source DIR, when given. */
  sourceDir?: string;
}

export interface StoreRule extends RuleMeta {
  scope: 'store';
  check(jobs: StoreJob[], context: StoreRuleContext): Finding[];
}

export type Rule = LogRule | StoreRule;
