import type { Evidence, Finding } from '../model/finding';
import { intervalMicros } from '../model/trigger';
import { isoFromMicros } from '../model/time';
import { displayInstance } from './duplicate-run';
import { addEvidence, plural } from './job-tally';
import type { LogRule, LogRuleListener } from './rule';
import { RecentRuns } from '../stats/recent-runs';
import type { CensusBasis } from '../engine/scheduler-census';
import type { DeploymentPrint } from '../engine/deployment-prints';


interface Activity { first: number; last: number }

/** Who ran one scheduled time: no one yet, one instance's number, or the numbers of several. */
type Who = number | Set<number>;
const NOBODY = -1;

export const multipleSchedulers: LogRule = {
  id: 'multiple-schedulers',
  scope: 'log',
  severity: 'error',
  summary: 'More than one scheduler instance was active over the same jobs at once.',
  docs: {
    what: 'Several scheduler instances ran the same jobs during the same period: several processes or hosts ran one job, or one log stream shows `Scheduler started` again with no shutdown between while the jobs ran twice as often.',
    why: 'Each scheduler runs every job it holds. Several schedulers on one job store run each due job once per scheduler; several schedulers with their own memory stores each run their own copy. `max_instances` is per process and cannot prevent it.',
    detection: 'Across processes on one host: two process ids running the same job (name and trigger) while both were alive. Across hosts or files: only when they ran the same scheduled time (jobs meant to run on every host are left alone). In one stream without process ids, the count is a lower bound from what the log offers, and the message says which: `Scheduler started` n times with no run and no shutdown between, each start adding the same jobs (different jobs are two schedulers on purpose, and are not reported); one run started k times; one interval job whose `scheduled at` instants form several interleaved series (after a second start); the max-instances skip line doubled for one fire time. Copies that the job\'s own registrations explain (two jobs with one name) and copies inside one process (its store\'s duplicate jobs) are not schedulers. The server\'s own lines (gunicorn `Booting worker`, uvicorn `Started server process`, the Werkzeug and Django reloaders, uWSGI, mod_wsgi) name who started them.',
    example: '2026-11-26 14:00:40,880 [3901] INFO apscheduler.scheduler: Scheduler started\n2026-11-26 14:00:41,237 [3903] INFO apscheduler.scheduler: Scheduler started\n2026-11-26 14:00:41,625 [3905] INFO apscheduler.scheduler: Scheduler started',
    fix: 'Start exactly one scheduler per job store: a dedicated scheduler process, gunicorn --preload with the scheduler started in the master, `use_reloader=False` or the WERKZEUG_RUN_MAIN guard for the Flask/Django reloader, or a lock around start-up. APScheduler 4 supports several schedulers on one shared data store.',
  },
  create() {
    // job key → instance → active period
    const activity = new Map<string, Map<string, Activity>>();
    // Who ran each recent scheduled time together: instances as small numbers in a Set (a run may
    // have thousands of copies, one per host). A scheduled time that leaves the window is kept as
    // its sorted set, once per distinct set: hosts that run the same jobs run them all together,
    // so a long log of many hosts keeps a few sets, not a link per pair of hosts.
    const ids = new Map<string, number>();
    const names: string[] = [];
    const together = new Map<string, number[]>();
    // A scheduled time one instance ran (nearly all of them) is that instance's number; a Set from a second on.
    const keepTogether = (who: Who, into: Map<string, number[]>) => {
      if (typeof who === 'number' || who.size < 2) return;
      if (who.size === 2) {
        // Two schedulers (the usual duplicate): the key without a sorted copy of the set, which
        // is made only when the pair is new.
        const [a, b] = who;
        const key = a < b ? `${a},${b}` : `${b},${a}`;
        if (!into.has(key)) into.set(key, a < b ? [a, b] : [b, a]);
        return;
      }
      const sorted = [...who].sort((a, b) => a - b);
      const key = sorted.join(',');
      if (!into.has(key)) into.set(key, sorted);
    };
    const recent = new RecentRuns<Who>(() => NOBODY, (who) => keepTogether(who, together));
    const startEvidence = new Map<string, Evidence[]>();
    const jobName = new Map<string, string>();
    const perJob = new Map<string, { byInstance: Map<string, Activity>; instance: string | undefined; activity: Activity | undefined; id: number }>();

    return {
      eventKinds: ['scheduler-start'],
      event(event, instance) {
        if (event.kind !== 'scheduler-start') return;
        const list = startEvidence.get(instance) ?? [];
        addEvidence(list, { source: event.ctx.source, line: event.ctx.line, text: event.ctx.text });
        startEvidence.set(instance, list);
      },
      runStart(run) {
        let job = perJob.get(run.key);
        if (!job) {
          const byInstance = new Map<string, Activity>();
          activity.set(run.key, byInstance);
          // The interned job's name: the same for every run of the key.
          jobName.set(run.key, run.job.name);
          perJob.set(run.key, (job = { byInstance, instance: undefined, activity: undefined, id: -1 }));
        }
        // A job's runs mostly come from the instance of its last run: its activity and number are kept.
        if (run.instance !== job.instance) {
          job.instance = run.instance;
          job.activity = job.byInstance.get(run.instance);
          let id = ids.get(run.instance);
          if (id === undefined) {
            id = names.length;
            names.push(run.instance);
            ids.set(run.instance, id);
          }
          job.id = id;
        }
        const a = job.activity;
        if (a) a.last = Math.max(a.last, run.start);
        else job.byInstance.set(run.instance, (job.activity = { first: run.start, last: run.start }));
        const who = recent.get(run.key, run.scheduledAt.at);
        if (who === NOBODY) recent.set(job.id);
        else if (typeof who === 'number') {
          if (who !== job.id) recent.set(new Set([who, job.id]));
        } else who.add(job.id);
      },
      finish(end) {
        const findings: Finding[] = [];
        // Processes and hosts. Read only: finish() may be called again for a later snapshot.
        const sets = new Map<string, number[]>();
        for (const [who] of recent.live()) keepTogether(who, sets);
        for (const [key, set] of together) sets.set(key, set);
        const { involved, jobKeys, hosts } = runningTogether(activity, [...sets.values()].map((set) => set.map((i) => names[i])), end);
        if (involved.size > 0) {
          const instances = [...involved].sort();
          const jobList = [...new Set([...jobKeys].map((k) => jobName.get(k)!))].sort();
          const print = [...new Set(instances.map(whereOf))].map((w) => end.census.prints.of(w)).find((p) => p !== undefined);
          const evidence: Evidence[] = [];
          for (const e of print?.evidence ?? []) pushEvidence(evidence, e);
          // Each instance once: its first start.
          for (const i of instances) { const e = startEvidence.get(i)?.[0]; if (e) pushEvidence(evidence, e); }
          const schedulers = instances.reduce((n, i) => n + end.census.count(i).schedulers, 0);
          const pids = instances.map((i) => end.instances.get(i)?.pid).filter((p): p is string => p !== undefined);
          const hostNames = [...new Set(instances.map((i) => end.instances.get(i)?.host ?? end.instances.get(i)?.source ?? ''))];
          const who = print && !hosts ? `${deploymentPhrase(print, schedulers)}; ` : '';
          findings.push({
            rule: 'multiple-schedulers', severity: 'error', job: null, count: schedulers,
            message: `${who}${schedulers} schedulers ran the same jobs at the same time (${instances.map(displayInstance).join(', ')}): ${jobList.join(', ')}`,
            firstTime: firstStart(end, instances), evidence,
            data: { kind: hosts ? 'hosts' : 'processes', instances: instances.map(displayInstance), schedulers, hosts: hostNames, pids, jobs: jobList, deployment: print ? deploymentData(print) : null },
          });
        }
        // One stream (or one process) that several schedulers wrote: what the census inferred.
        for (const instance of [...end.instances.keys()].sort()) {
          if (involved.has(instance)) continue;
          const c = end.census.count(instance);
          if (c.schedulers < 2 || c.jobs.length === 0) continue;
          const state = end.instances.get(instance)!;
          const print = end.census.prints.of(whereOf(instance));
          const evidence: Evidence[] = [];
          for (const e of print?.evidence ?? []) pushEvidence(evidence, e);
          for (const e of c.evidence) pushEvidence(evidence, e);
          const who = print ? deploymentPhrase(print, c.schedulers) : undefined;
          findings.push({
            rule: 'multiple-schedulers', severity: 'error', job: null, count: c.schedulers,
            message: `${displayInstance(instance)}: ${who ?? `at least ${c.schedulers} schedulers ran`}, with the same jobs (${c.jobs.join(', ')}): ${c.basis.map((b) => BASIS[b](c.schedulers)).join('; ')}${state.pid || print ? '' : '. With no process ids and no server lines in the log, web workers and a debug reloader cannot be told apart: add %(process)d to the log format'}`,
            firstTime: state.starts.length ? isoFromMicros(state.starts[0]) : undefined, evidence,
            data: { kind: state.pid ? 'one-process' : 'one-stream', instances: [displayInstance(instance)], schedulers: c.schedulers, basis: c.basis, jobs: c.jobs, pids: state.pid ? [state.pid] : [], deployment: print ? deploymentData(print) : null },
          });
        }
        return findings;
      },
    };
  },
};

type End = Parameters<LogRuleListener['finish']>[0];

/**
 * Which instances ran a job alongside another scheduler, over which jobs, and whether across
 * hosts. Two instances that both ran a job count when they ran one scheduled time together (of
 * any job), or when they are processes of one host alive at the same time. Found per set of
 * instances that ran one time and per host, never per pair: thousands of hosts are thousands of
 * names, not millions of pairs.
 */
export function runningTogether(activity: Map<string, Map<string, Activity>>, sets: string[][], end: End): { involved: Set<string>; jobKeys: Set<string>; hosts: boolean } {
  const involved = new Set<string>();
  const jobKeys = new Set<string>();
  let hosts = false;
  // A process's host: only records with a pid tell processes of one host apart.
  const hostOf = (i: string) => {
    const s = end.instances.get(i);
    return s && s.pid !== undefined ? (s.host ?? s.source) : undefined;
  };
  const jobsOf = new Map<string, string[]>();
  for (const [key, byInstance] of activity) {
    for (const i of byInstance.keys()) {
      const list = jobsOf.get(i);
      if (list) list.push(key);
      else jobsOf.set(i, [key]);
    }
  }
  // Ran one scheduled time together: each job both ran makes them schedulers of that job.
  for (const set of sets) {
    const byJob = new Map<string, string[]>();
    for (const i of set) {
      for (const key of jobsOf.get(i) ?? []) {
        const list = byJob.get(key);
        if (list) list.push(i);
        else byJob.set(key, [i]);
      }
    }
    for (const [key, members] of byJob) {
      if (members.length < 2) continue;
      jobKeys.add(key);
      for (const i of members) involved.add(i);
      const first = hostOf(members[0]);
      if (first === undefined || members.some((i) => hostOf(i) !== first)) hosts = true;
    }
  }
  // Processes of one host that ran a job while both were alive (their periods overlap).
  for (const [key, byInstance] of activity) {
    const byHost = new Map<string, { id: string; first: number; last: number }[]>();
    for (const [id, a] of byInstance) {
      const host = hostOf(id);
      if (host === undefined) continue;
      const st = end.instances.get(id)!;
      // A process is alive from its first start (or run) to its last line, not only while it runs this job.
      const span = { id, first: Math.min(a.first, st.starts[0] ?? Infinity), last: Math.max(a.last, st.lastTime ?? -Infinity) };
      const list = byHost.get(host);
      if (list) list.push(span);
      else byHost.set(host, [span]);
    }
    for (const spans of byHost.values()) {
      if (spans.length < 2) continue;
      spans.sort((a, b) => a.first - b.first);
      // Sorted by start, a period overlaps another when an earlier one reaches it or the next one starts within it.
      let reach = -Infinity;
      for (let k = 0; k < spans.length; k++) {
        const s = spans[k];
        if (reach >= s.first || (k + 1 < spans.length && spans[k + 1].first <= s.last)) {
          involved.add(s.id);
          jobKeys.add(key);
        }
        reach = Math.max(reach, s.last);
      }
    }
  }
  return { involved, jobKeys, hosts };
}

/** The multiple-schedulers finding quotes the server's lines and one start per scheduler: a few more lines than most. */
const MAX_LINES = 8;

function pushEvidence(list: Evidence[], e: Evidence): void {
  if (list.length >= MAX_LINES || list.some((x) => x.source === e.source && x.line === e.line)) return;
  const before = list.length;
  addEvidence(list, e);
  if (list.length === before) list.push({ ...e, text: e.text === undefined ? undefined : e.text.slice(0, 400) });
}

/** `web-1|4107` → `web-1`: the stream a record belongs to, before its pid. */
export function whereOf(instance: string): string {
  const bar = instance.lastIndexOf('|');
  return bar < 0 ? instance : instance.slice(0, bar);
}

const BASIS: Record<CensusBasis, (n: number) => string> = {
  starts: (n) => `\`Scheduler started\` ${n} times with no run and no shutdown between, each adding the same jobs`,
  copies: (n) => `one run (same job, same \`scheduled at\`) started ${n} times`,
  phases: (n) => `${n} interleaved series of \`scheduled at\` instants, each stepping by the interval`,
  skips: (n) => `the max-instances skip line written ${n} times for one fire time`,
};

/** Who started the schedulers, in the server's words (`3 gunicorn workers each started a scheduler`). */
export function deploymentPhrase(p: DeploymentPrint, schedulers: number): string {
  const each = (n: number, what: string) => (n === schedulers ? `${n} ${what} each started a scheduler` : `${what}: ${n} of them, at least ${schedulers} schedulers`);
  switch (p.server) {
    case 'gunicorn':
      return p.startedBeforeWorkers ? `gunicorn's master started the scheduler before forking ${p.workers} workers` : each(p.workers, 'gunicorn workers');
    case 'uwsgi':
      return p.startedBeforeWorkers ? `the uWSGI master loaded the app before spawning ${p.workers} workers` : each(p.workers, 'uWSGI workers');
    case 'uvicorn':
      return p.parent ? each(p.workers, 'uvicorn worker processes (--workers)') : p.reloader ? `uvicorn --reload started ${p.workers} server processes one after another` : each(p.workers, 'uvicorn server processes');
    case 'werkzeug':
      return p.reloader ? 'the Werkzeug debug reloader ran the app twice (the watching parent and the serving child each started a scheduler)' : `the Flask development server ran ${schedulers} schedulers`;
    case 'django':
      return p.reloader ? "Django runserver's autoreloader ran the app twice (the watching parent and the serving child each started a scheduler)" : `Django runserver ran ${schedulers} schedulers`;
    case 'mod_wsgi':
      return each(p.workers, 'mod_wsgi daemon processes');
    default:
      return `${schedulers} schedulers`;
  }
}

function deploymentData(p: DeploymentPrint): Record<string, unknown> {
  return { server: p.server, version: p.version ?? null, workers: p.workers, workerPids: p.workerPids, reloader: p.reloader, parent: p.parent, startedBeforeWorkers: p.startedBeforeWorkers,
    lines: p.processLines };
}

function firstStart(end: End, instances: string[]): string | undefined {
  // A loop, not Math.min(...): thousands of hosts' starts overflow an argument list.
  let first = Infinity;
  for (const i of instances) for (const t of end.instances.get(i)?.starts ?? []) if (t < first) first = t;
  return first === Infinity ? undefined : isoFromMicros(first);
}
