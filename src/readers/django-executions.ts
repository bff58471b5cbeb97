// django-apscheduler's run history as events: a row per run, written from APScheduler's own
// listener events, is what a log would have said. `run_time` is the run's scheduled time (its
// identity, like `scheduled at`); `finished` is when the status was recorded; django-apscheduler's
// `duration` is finished − run_time, so it includes any lateness: a run is taken to start at its
// scheduled time, and its duration is an upper bound of how long it ran.

import type { JobRef, LogEvent, RecordContext } from '../model/event';
import type { ExecutionRow } from '../stores/django-executions-store';
import { djangoDatetimeSeconds, DJANGO_EXECUTION_TABLE } from '../stores/django-apscheduler';
import type { SourceStats } from './log-reader';

export interface ExecutionJob {
  name: string;
  trigger: string;
  maxInstances: number;
}

const STATUS = { started: 'Started execution', executed: 'Executed', error: 'Error!', missed: 'Missed!', maxInstances: 'Max instances!' } as const;

export interface HistorySource {
  stats: SourceStats;
  events(): AsyncIterable<LogEvent[]>;
}

/** A source of events made from the execution rows; jobs unknown to the job table keep their id as name. */
export function executionHistory(store: string, rows: ExecutionRow[], jobs: Map<string, ExecutionJob>): HistorySource {
  const source = `${store}#${DJANGO_EXECUTION_TABLE}`;
  const events: LogEvent[] = [];
  let unrecognised = 0;
  const samples: SourceStats['unrecognisedSamples'] = [];
  // A `Started execution` row is cut off when a later run of its job finished: django-apscheduler
  // writes the end on that same row, so one that stayed `Started` belongs to a process that died
  // mid-run. The latest run of a job may still be going: never marked.
  const lastFinished = new Map<string, number>();
  for (const row of rows) {
    const t = djangoDatetimeSeconds(row.runTime);
    if (t !== undefined && (row.status === STATUS.executed || row.status === STATUS.error)) lastFinished.set(row.jobId, Math.max(lastFinished.get(row.jobId) ?? -Infinity, t));
  }
  for (const row of rows) {
    const scheduled = djangoDatetimeSeconds(row.runTime);
    const info = jobs.get(row.jobId);
    const job: JobRef = { name: info?.name ?? row.jobId, trigger: info?.trigger ?? 'unknown' };
    const text = `id=${row.id} job_id=${row.jobId} status=${row.status} run_time=${row.runTime} duration=${row.duration ?? 'NULL'}${row.exception ? ` exception=${row.exception.split('\n')[0]}` : ''}`;
    // The row is the run: its id as the "thread" pairs the end with its own start, exactly.
    const ctx = (at: number): RecordContext => ({ source, line: row.id, time: Math.round(at * 1e6), thread: `execution-${row.id}`, text });
    const finished = row.finished ?? (scheduled !== undefined && row.duration !== null ? scheduled + row.duration : undefined);
    if (scheduled === undefined || !Object.values(STATUS).includes(row.status as never)) {
      unrecognised++;
      if (samples.length < 3) samples.push({ line: row.id, text });
      continue;
    }
    const scheduledAt = { at: Math.round(scheduled * 1e6), offsetMinutes: 0, text: row.runTime };
    switch (row.status) {
      case STATUS.started:
        events.push((lastFinished.get(row.jobId) ?? -Infinity) > scheduled
          ? { kind: 'run-start', ctx: ctx(scheduled), job, scheduledAt, cutOff: true }
          : { kind: 'run-start', ctx: ctx(scheduled), job, scheduledAt });
        break;
      case STATUS.executed:
      case STATUS.error:
        events.push({ kind: 'run-start', ctx: ctx(scheduled), job, scheduledAt });
        if (finished !== undefined) {
          events.push(row.status === STATUS.executed
            ? { kind: 'run-end', ctx: ctx(finished), job, outcome: 'success' }
            : { kind: 'run-end', ctx: ctx(finished), job, outcome: 'error', exception: row.exception ?? undefined });
        }
        break;
      case STATUS.missed:
        events.push({ kind: 'misfire', ctx: ctx(finished ?? scheduled), job, lateMicros: Math.round((row.duration ?? 0) * 1e6) });
        break;
      case STATUS.maxInstances:
        events.push({ kind: 'max-instances', ctx: ctx(finished ?? scheduled), job, maxInstances: info?.maxInstances ?? 1 });
        break;
    }
  }
  events.sort((a, b) => (a.ctx.time ?? 0) - (b.ctx.time ?? 0));
  const stats: SourceStats = {
    source, lines: rows.length, records: rows.length - unrecognised, unrecognised, echoes: 0, joined: 0,
    format: `django-apscheduler run history (${DJANGO_EXECUTION_TABLE}): durations are from the scheduled time`,
    zone: 'UTC (Django stores UTC)', apscheduler4: 0, unrecognisedSamples: samples,
    firstTime: events[0]?.ctx.time, lastTime: events[events.length - 1]?.ctx.time,
  };
  return {
    stats,
    async *events() {
      for (let i = 0; i < events.length; i += 4096) yield events.slice(i, i + 4096);
    },
  };
}
