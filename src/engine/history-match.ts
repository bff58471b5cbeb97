// A log and django-apscheduler's run history of the same project describe the same runs twice:
// each run is logged (`Running job … (scheduled at …)`) and also written as a row. Analysed
// together, a run seen in both must be one run, not a duplicate. This pass reads the logs first
// and notes what they show, so that the history adds only what the logs lack (a process that did
// not log to these files, a rotated-away part), and the report says how the two matched.
//
// Runs are matched exactly: job name and scheduled time (`scheduled at` = the row's run_time,
// both to the microsecond). A misfire or skip has no scheduled time on its log line; it is matched
// by job and instant: django-apscheduler records the status in the listener that runs as
// APScheduler logs the line, so the row's `finished` and the line's stamp are milliseconds apart.

import type { LogRuleListener } from '../analyzers/rule';
import type { LogEvent, Micros } from '../model/event';
import type { Run } from '../model/run';
import { LOG_RULES } from '../analyzers';
import { analyzeLogs, type AnalyzeOptions } from './analyze';
import type { RunLog } from './run-log';
import type { HistorySource } from '../readers/django-executions';

/** How far apart a misfire or skip line and its row's `finished` may be. */
export const POINT_MATCH_MICROS = 500_000;

export interface LoggedRuns {
  /** `name\0scheduled micros` of every run the logs started. */
  runs: Set<string>;
  /** Per job, the instants of its misfire lines and skip lines. */
  misfires: Map<string, Micros[]>;
  skips: Map<string, Micros[]>;
}

export const runKey = (job: string, scheduledMicros: Micros) => `${job}\0${scheduledMicros}`;

/** What the logs show of runs, misfires and skips: the logs read once, with no rule on. */
export async function loggedRuns(paths: string[], options: AnalyzeOptions): Promise<LoggedRuns> {
  const seen: LoggedRuns = { runs: new Set(), misfires: new Map(), skips: new Map() };
  const add = (map: Map<string, Micros[]>, job: string, at: Micros | undefined) => {
    if (at === undefined) return;
    const list = map.get(job);
    if (list) list.push(at);
    else map.set(job, [at]);
  };
  const listener: LogRuleListener = {
    runStart(run: Run) {
      seen.runs.add(runKey(run.job.name, run.scheduledAt.at));
    },
    eventKinds: ['misfire', 'max-instances'],
    event(event: LogEvent) {
      if (event.kind === 'misfire') add(seen.misfires, event.job.name, event.ctx.time);
      else if (event.kind === 'max-instances') add(seen.skips, event.job.name, event.ctx.time);
    },
    finish: () => [],
  };
  const off = Object.fromEntries(LOG_RULES.map((r) => [r.id, 'off' as const]));
  // The engine's run-log hook is the one way in for a listener that is not a rule.
  await analyzeLogs(paths, { ...options, history: undefined, runLog: { listener: () => listener } as unknown as RunLog, ruleSeverity: off });
  return seen;
}

/** Is there a point (misfire, skip) of this job within the match window of `at`? Each is used once. */
export function takePoint(points: Map<string, Micros[]>, job: string, at: Micros): boolean {
  const list = points.get(job);
  if (!list) return false;
  let best = -1;
  for (let i = 0; i < list.length; i++) {
    if (Math.abs(list[i] - at) <= POINT_MATCH_MICROS && (best < 0 || Math.abs(list[i] - at) < Math.abs(list[best] - at))) best = i;
  }
  if (best < 0) return false;
  list.splice(best, 1);
  return true;
}

export interface HistoryMatch {
  /** Runs in both the logs and the history: counted once, from the log. */
  matched: number;
  /** Runs only the history has (added to the analysis), a few of them shown. */
  onlyInHistory: number;
  onlyInHistorySamples: { job: string; scheduledAt: string }[];
  /** Runs only the logs have. */
  onlyInLogs: number;
  /** Misfires and skips of the history the logs already showed (dropped), and those added. */
  pointsMatched: number;
  pointsOnlyInHistory: number;
}

/**
 * The history's events less what the logs already showed: a run seen in both is the log's (its
 * lines say which process ran it); what only the history has is added.
 */
export function withoutLoggedRuns(history: HistorySource, seen: LoggedRuns): { history: HistorySource; match: HistoryMatch } {
  const match: HistoryMatch = { matched: 0, onlyInHistory: 0, onlyInHistorySamples: [], onlyInLogs: 0, pointsMatched: 0, pointsOnlyInHistory: 0 };
  const inHistory = new Set<string>();
  const dropped = new Set<string>();
  const keep = (event: LogEvent): boolean | LogEvent => {
    if (event.kind === 'run-start') {
      const key = runKey(event.job.name, event.scheduledAt.at);
      inHistory.add(key);
      if (seen.runs.has(key)) {
        match.matched++;
        dropped.add(event.ctx.thread ?? '');
        // The log's copy of the run is the run; what the row adds is that it was cut off.
        return event.cutOff ? { kind: 'run-cut-off', ctx: event.ctx, job: event.job, scheduledAt: event.scheduledAt } : false;
      }
      match.onlyInHistory++;
      if (match.onlyInHistorySamples.length < 5) match.onlyInHistorySamples.push({ job: event.job.name, scheduledAt: event.scheduledAt.text });
      return true;
    }
    if (event.kind === 'run-end') return !dropped.has(event.ctx.thread ?? '');
    if ((event.kind === 'misfire' || event.kind === 'max-instances') && event.ctx.time !== undefined) {
      const logged = takePoint(event.kind === 'misfire' ? seen.misfires : seen.skips, event.job.name, event.ctx.time);
      if (logged) match.pointsMatched++;
      else match.pointsOnlyInHistory++;
      return !logged;
    }
    return true;
  };
  return {
    match,
    history: {
      stats: history.stats,
      async *events() {
        for await (const batch of history.events()) {
          const out: LogEvent[] = [];
          for (const event of batch) {
            const kept = keep(event);
            if (kept === true) out.push(event);
            else if (kept !== false) out.push(kept);
          }
          yield out;
        }
        for (const key of seen.runs) if (!inHistory.has(key)) match.onlyInLogs++;
      },
    },
  };
}
