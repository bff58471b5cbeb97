import type { Run } from '../model/run';
import { intervalMicros } from '../model/trigger';
import { JobTally, plural } from './job-tally';
import type { LogRule } from './rule';

export const unfinishedRun: LogRule = {
  id: 'unfinished-run',
  scope: 'log',
  severity: 'warning',
  summary: 'A run started and never ended: its process crashed or was killed.',
  docs: {
    what: 'A `Running job` line with no end line, where the log shows the run cannot still be going: its scheduler started again afterwards, or its process fell silent while the rest of the log went on for longer than `graceSeconds` (or three times the job\'s longest run).',
    why: 'The run\'s work was cut off half-way (a crash, kill -9, an OOM kill, a container stop). Whatever it was writing may be half-written, and nothing retries it.',
    detection: 'Open runs at the end of the log. A run still open when the log simply ends, with its process still logging, is in progress, not unfinished, and is not reported. A process counts as fallen silent only after three of its shortest job interval have passed without a line (and at least `graceSeconds`, and three times the job\'s longest run): a process whose only job runs hourly may legitimately say nothing for an hour.',
    example: '2026-11-26 14:01:02,001 [4100] INFO … Running job "export (trigger: interval[0:00:01], …)" (scheduled at …)\n2026-11-26 14:01:10,400 [4200] INFO apscheduler.scheduler: Scheduler started',
    fix: 'Find why the process died (OOM killer, deploy without graceful shutdown); call `scheduler.shutdown(wait=True)` on SIGTERM; make the job idempotent so a cut-off run can be redone.',
  },
  options: { graceSeconds: { default: 10, description: 'how long the log must go on after a silent process\'s run started' } },
  create(context) {
    const grace = (context.options.graceSeconds ?? 10) * 1e6;
    const longest = new Map<string, number>();
    // Per process, the shortest interval among the jobs it ran: how long it can stay quiet while
    // alive. A process that only ever ran one hourly job may be silent for an hour; one that ran a
    // job every 10 s and then fell silent for minutes is gone.
    const beat = new Map<string, number>();
    // Runs a run history (not a log) marks as cut off, by job and scheduled time: the history's
    // own run (LogEvent's cutOff) or a mark on a run the log showed (run-cut-off).
    const cutOff = new Set<string>();
    const runKey = (job: { name: string }, at: number) => `${job.name}\0${at}`;
    return {
      eventKinds: ['run-start', 'run-cut-off'],
      event(event) {
        if ((event.kind === 'run-start' && event.cutOff) || event.kind === 'run-cut-off') cutOff.add(runKey(event.job, event.scheduledAt.at));
      },
      runStart(run) {
        const period = intervalMicros(run.job.trigger);
        if (period === undefined) return;
        const known = beat.get(run.instance);
        if (known === undefined || period < known) beat.set(run.instance, period);
      },
      runEnd(run, endInferred) {
        if (run.end === undefined || run.startInferred || endInferred) return;
        longest.set(run.key, Math.max(longest.get(run.key) ?? 0, run.end - run.start));
      },
      finish(end) {
        const tally = new JobTally(() => ({ restarted: 0, silent: 0, superseded: 0 }));
        for (const run of end.openRuns) {
          if (cutOff.size && cutOff.has(runKey(run.job, run.scheduledAt.at))) {
            tally.hit(run.job, run.start, run.evidence).data.superseded++;
            continue;
          }
          const state = end.instances.get(run.instance);
          if (!state) continue;
          const restarted = state.epoch > run.epoch;
          const wait = Math.max(grace, 3 * (longest.get(run.key) ?? 0), 3 * (beat.get(run.instance) ?? Infinity));
          // Silent is judged by what others logged later, never by the log ending; live, the wall clock must agree.
          const last = end.lastTime !== undefined && end.live ? Math.min(end.lastTime, end.live.now) : end.lastTime;
          const silent = !run.startInferred && last !== undefined && (state.lastTime ?? run.start) <= run.start + 1e6 && last - run.start > wait;
          if (!restarted && !silent) continue;
          const t = tally.hit(run.job, run.start, run.evidence);
          if (restarted) t.data.restarted++;
          else t.data.silent++;
        }
        return tally.findings('unfinished-run', 'warning', (t) => ({
          message: `${plural(t.count, 'run')} of ${t.job.name} never finished (${[t.data.restarted && `${t.data.restarted} before its scheduler started again`, t.data.silent && `${t.data.silent} whose process logged nothing more`, t.data.superseded && `${t.data.superseded} left as 'Started execution' while later runs finished`].filter(Boolean).join(', ')})`,
          data: { unfinished: t.count, restarted: t.data.restarted, silent: t.data.silent, ...(t.data.superseded ? { superseded: t.data.superseded } : {}) },
        }));
      },
    };
  },
};

export type { Run };
