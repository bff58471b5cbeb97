import type { Evidence, Finding } from '../model/finding';
import { intervalMicros } from '../model/trigger';
import { isoFromMicros } from '../model/time';
import { displayInstance } from './duplicate-run';
import { addEvidence, plural } from './job-tally';
import type { LogRule } from './rule';
import { RecentRuns } from './recent-runs';


interface Activity { first: number; last: number }

export const multipleSchedulers: LogRule = {
  id: 'multiple-schedulers',
  scope: 'log',
  severity: 'error',
  summary: 'More than one scheduler instance was active over the same jobs at once.',
  docs: {
    what: 'Several scheduler instances ran the same jobs during the same period: several processes or hosts ran one job, or one log stream shows `Scheduler started` again with no shutdown between while the jobs ran twice as often.',
    why: 'Each scheduler runs every job it holds. Several schedulers on one job store run each due job once per scheduler; several schedulers with their own memory stores each run their own copy. `max_instances` is per process and cannot prevent it.',
    detection: 'Across processes on one host: two process ids running the same job (name and trigger) in overlapping periods. Across hosts or files: only when they ran the same scheduled time (jobs meant to run on every host are left alone). In one stream without process ids: a second `Scheduler started` with no shutdown between, confirmed by the jobs running twice (the same scheduled time, or two interleaved series closer than the interval). Two schedulers in one process with different jobs, and a restart after a crash, are not reported.',
    example: '2026-11-26 14:00:40,880 [3901] INFO apscheduler.scheduler: Scheduler started\n2026-11-26 14:00:41,237 [3903] INFO apscheduler.scheduler: Scheduler started\n2026-11-26 14:00:41,625 [3905] INFO apscheduler.scheduler: Scheduler started',
    fix: 'Start exactly one scheduler per job store: a dedicated scheduler process, gunicorn --preload with the scheduler started in the master, `use_reloader=False` or the WERKZEUG_RUN_MAIN guard for the Flask/Django reloader, or a lock around start-up. APScheduler 4 supports several schedulers on one shared data store.',
  },
  create(context) {
    // job key → instance → active period
    const activity = new Map<string, Map<string, Activity>>();
    // job key → scheduled time → instances that ran it
    // Per recent scheduled time, the instances that ran it: an array (one to three of them), not a Set.
    const recent = new RecentRuns<string[]>(() => []);
    // instance → the instances it ran one scheduled time with. Nested sets, not pair strings: with
    // N hosts logging the same runs there are N² pairs, and building a key string per pair per run
    // made the rule quadratic in time per run.
    const linked = new Map<string, Set<string>>();
    const link = (a: string, b: string) => {
      let s = linked.get(a);
      if (!s) linked.set(a, (s = new Set()));
      s.add(b);
    };
    // one stream, several schedulers: instance → evidence that its schedulers ran the same jobs
    const sameStream = new Map<string, { jobs: Set<string>; evidence: Evidence[] }>();
    const lastScheduled = new Map<string, number>();
    const startEvidence = new Map<string, Evidence[]>();
    const jobName = new Map<string, string>();

    return {
      event(event, instance) {
        if (event.kind !== 'scheduler-start') return;
        const list = startEvidence.get(instance) ?? [];
        addEvidence(list, { source: event.ctx.source, line: event.ctx.line, text: event.ctx.text });
        startEvidence.set(instance, list);
      },
      runStart(run) {
        jobName.set(run.key, run.job.name);
        let byInstance = activity.get(run.key);
        if (!byInstance) activity.set(run.key, (byInstance = new Map()));
        const a = byInstance.get(run.instance);
        if (a) a.last = Math.max(a.last, run.start);
        else byInstance.set(run.instance, { first: run.start, last: run.start });

        const { entry: who, seen: isCopy } = recent.get(run.key, run.scheduledAt.at);
        for (const other of who) {
          if (other === run.instance) continue;
          link(other, run.instance);
          link(run.instance, other);
        }
        if (!who.includes(run.instance)) who.push(run.instance);

        // One stream with several live schedulers: do its jobs run twice?
        const state = context.instance(run.instance);
        if (!state || state.maxActiveSchedulers < 2 || state.activeSchedulers < 2) return;
        const streamKey = `${run.instance}\u0002${run.key}`;
        const previous = lastScheduled.get(streamKey);
        lastScheduled.set(streamKey, run.scheduledAt.at);
        const period = intervalMicros(run.job.trigger);
        const parallel = previous !== undefined && period !== undefined && previous !== run.scheduledAt.at && Math.abs(run.scheduledAt.at - previous) < 0.9 * period;
        if (isCopy && who.length === 1 || parallel) {
          const s = sameStream.get(run.instance) ?? { jobs: new Set<string>(), evidence: [] };
          s.jobs.add(run.job.name);
          addEvidence(s.evidence, run.evidence);
          sameStream.set(run.instance, s);
        }
      },
      finish(end) {
        const findings: Finding[] = [];
        // Processes and hosts.
        const involved = new Set<string>();
        const jobs = new Set<string>();
        let hosts = false;
        for (const [key, byInstance] of activity) {
          const list = [...byInstance.entries()];
          for (let i = 0; i < list.length; i++) {
            for (let j = i + 1; j < list.length; j++) {
              const [ia, a] = list[i];
              const [ib, b] = list[j];
              if (a.first > b.last || b.first > a.last) continue;
              const sa = end.instances.get(ia);
              const sb = end.instances.get(ib);
              const sameHost = sa && sb && (sa.host ?? sa.source) === (sb.host ?? sb.source) && sa.pid !== undefined && sb.pid !== undefined;
              if (!sameHost && !linked.get(ia)?.has(ib)) continue;
              if (!sameHost) hosts = true;
              involved.add(ia);
              involved.add(ib);
              jobs.add(jobName.get(key)!);
            }
          }
        }
        if (involved.size > 0) {
          const evidence: Evidence[] = [];
          for (const i of [...involved].sort()) for (const e of startEvidence.get(i) ?? []) addEvidence(evidence, e);
          const instances = [...involved].sort();
          const pids = instances.map((i) => end.instances.get(i)?.pid).filter((p): p is string => p !== undefined);
          const hostNames = [...new Set(instances.map((i) => end.instances.get(i)?.host ?? end.instances.get(i)?.source ?? ''))];
          findings.push({
            rule: 'multiple-schedulers', severity: 'error', job: null, count: involved.size,
            message: `${involved.size} schedulers ran the same jobs at the same time (${instances.map(displayInstance).join(', ')}): ${[...jobs].sort().join(', ')}`,
            firstTime: firstStart(end, instances), evidence,
            data: { kind: hosts ? 'hosts' : 'processes', instances: instances.map(displayInstance), hosts: hostNames, pids, jobs: [...jobs].sort() },
          });
        }
        // One stream, no process ids: schedulers started again without a shutdown, same jobs twice.
        for (const [instance, s] of sameStream) {
          if (involved.has(instance)) continue;
          const state = end.instances.get(instance)!;
          const evidence: Evidence[] = [];
          for (const e of startEvidence.get(instance) ?? []) addEvidence(evidence, e);
          for (const e of s.evidence) addEvidence(evidence, e);
          findings.push({
            rule: 'multiple-schedulers', severity: 'error', job: null, count: state.maxActiveSchedulers,
            message: `${displayInstance(instance)}: \`Scheduler started\` ${plural(state.maxActiveSchedulers, 'time')} with no shutdown between, and the same jobs ran twice (${[...s.jobs].sort().join(', ')}): ${state.maxActiveSchedulers} schedulers were active at once`,
            firstTime: state.starts.length ? isoFromMicros(state.starts[0]) : undefined, evidence,
            data: { kind: state.pid ? 'one-process' : 'one-stream', instances: [displayInstance(instance)], schedulers: state.maxActiveSchedulers, jobs: [...s.jobs].sort(), pids: state.pid ? [state.pid] : [] },
          });
        }
        return findings;
      },
    };
  },
};

function firstStart(end: Parameters<NonNullable<ReturnType<LogRule['create']>['finish']>>[0], instances: string[]): string | undefined {
  const starts = instances.flatMap((i) => end.instances.get(i)?.starts ?? []);
  return starts.length ? isoFromMicros(Math.min(...starts)) : undefined;
}
