import type { LogRule } from './rule';
import { JobTally, plural } from './job-tally';
import { MAX_EVIDENCE, type Evidence } from '../model/finding';
import { detach } from '../model/detach';
import { RecentSlots } from '../stats/recent-runs';

// Per recent scheduled time of every job, in columns by its window slot (no object per run: the
// entries live minutes of log), its size bounded however many copies the run has (one per host
// of thousands): the count, the first copy's instance (the others are added to the job's set as
// they come), and at most MAX_EVIDENCE lines.
// The first copy is remembered by its place in the log; its text is fetched from the ring of recent
// runs only if a second copy turns up, so a log without duplicates copies no text at all.
class CopyColumns {
  count: number[] = [];
  firstInstance: string[] = [];
  time: number[] = [];
  firstSeq: number[] = [];
  firstSource: string[] = [];
  firstLine: number[] = [];
  /** Made when a second copy turns up; the job's tally may hold it as its group. */
  evidence: (Evidence[] | undefined)[] = [];
}

/** The last RING runs' evidence, by sequence number: copies of one run arrive close together. */
const RING = 512;

export const duplicateRun: LogRule = {
  id: 'duplicate-run',
  scope: 'log',
  severity: 'error',
  summary: 'One scheduled run (same job, same `scheduled at` instant) executed more than once.',
  docs: {
    what: 'The same run of a job — same name, same trigger, same `scheduled at` instant to the microsecond — started more than once. `count` is the number of scheduled times that ran more than once.',
    why: 'Every copy does the work again: emails sent twice, reports written three times, payments retried. It almost always means several schedulers read one job store (web workers, replicas, a reloader), each seeing the same `next_run_time` due.',
    detection: 'Runs are identified by (name, trigger, `scheduled at`). `next run at` is ignored: APScheduler logs it racily. A record written twice by one process at the same instant (a logger with two handlers) is an echo, not a copy. Different jobs that share a function and interval have different `scheduled at` microseconds and are not reported. The copies are attributed as far as the log allows: to processes by pid or host; in a log without pids to at least as many schedulers as the log shows (never "1"); inside one process, to copies of the job in its store. The evidence is one whole group of copies of the largest size.',
    example: '2026-11-24 15:40:34,180 [3901] INFO apscheduler.executors.default: Running job "job_1 (trigger: interval[0:00:02], next run at: …)" (scheduled at 2026-11-24 15:40:34.176079+00:00)\n2026-11-24 15:40:34,183 [3903] INFO apscheduler.executors.default: Running job "job_1 (trigger: interval[0:00:02], next run at: …)" (scheduled at 2026-11-24 15:40:34.176079+00:00)',
    fix: 'Run one scheduler for the job store: a dedicated process, or start it once (gunicorn --preload, the WERKZEUG_RUN_MAIN guard, a lock). `max_instances` cannot help: it is counted per process.',
  },
  create() {
    const recent = new RecentSlots();
    const c = new CopyColumns();
    const ring: Evidence[] = new Array(RING);
    let seq = 0;
    const tally = new JobTally(() => ({ maxCopies: 0, instances: new Set<string>(), example: '', key: '', group: [] as Evidence[] }));
    return {
      runStart(run) {
        seq++;
        ring[seq % RING] = run.evidence;
        const slot = recent.slot(run.key, run.scheduledAt.at);
        if (!recent.seen) {
          c.count[slot] = 1;
          c.firstInstance[slot] = run.instance;
          c.time[slot] = run.start;
          c.firstSeq[slot] = seq;
          c.firstSource[slot] = run.evidence.source;
          c.firstLine[slot] = run.evidence.line;
          c.evidence[slot] = undefined;
          return;
        }
        const count = ++c.count[slot];
        let evidence = c.evidence[slot];
        if (!evidence) {
          const firstSeq = c.firstSeq[slot];
          const first = seq - firstSeq < RING ? ring[firstSeq % RING] : undefined;
          c.evidence[slot] = evidence = [first ?? { source: c.firstSource[slot], line: c.firstLine[slot] }];
        }
        // The runs' own lines (RecordContext.text: each its own string), kept as they are.
        if (evidence.length < MAX_EVIDENCE) evidence.push(run.evidence);
        const t = count === 2 ? tally.hit(run.job, c.time[slot]) : tally.get(run.job)!;
        // The evidence is one whole group of the largest size: every copy of one run, so the headline's number is visible.
        if (count > t.data.maxCopies) {
          t.data.maxCopies = count;
          t.data.group = evidence;
          t.data.example = detach(run.scheduledAt.text);
        }
        t.data.key ||= detach(run.key);
        // Every instance that ran a duplicated time: the first copy's joins with the second.
        if (count === 2) t.data.instances.add(c.firstInstance[slot]);
        t.data.instances.add(run.instance);
        if (run.start > (t.last ?? -Infinity)) t.last = run.start;
      },
      finish(end) {
        // Read only: finish() may be called again for a later snapshot. The evidence is the
        // group's, sorted as the tally sorts, in a new list per call.
        const groups: Evidence[][] = [];
        const findings = tally.findings('duplicate-run', 'error', (t) => {
          groups.push(t.data.group);
          const instances = [...t.data.instances].sort();
          // Schedulers behind the copies: one per process, more where one stream shows several.
          const schedulers = instances.reduce((n, i) => n + end.census.forJob(i, t.data.key), 0);
          const unattributed = instances.filter((i) => end.instances.get(i)?.pid === undefined && end.instances.get(i)?.host === undefined);
          const attribution = schedulers >= t.data.maxCopies ? (unattributed.length > 0 ? 'inferred' : 'processes') : 'store-copies';
          const by = attribution === 'processes'
            ? `by ${plural(schedulers, 'scheduler')} (${instances.map(displayInstance).join(', ')})`
            : attribution === 'inferred'
              ? `by at least ${schedulers} schedulers writing ${instances.map(displayInstance).join(', ')} (a log without process ids: the count is what the log shows)`
              : `within ${plural(instances.length, 'scheduler process', 'scheduler processes')} (${instances.map(displayInstance).join(', ')}): copies of the job in its store, not more schedulers`;
          return {
            message: `${t.job.name} ran up to ${t.data.maxCopies} times for the same scheduled time; ${plural(t.count, 'scheduled time')} ran more than once (e.g. scheduled at ${t.data.example}), ${by}`,
            data: { duplicatedTimes: t.count, maxCopies: t.data.maxCopies, schedulers, attribution, instances: instances.map(displayInstance) },
          };
        });
        return findings.map((f, k) => ({ ...f, evidence: [...groups[k]].sort((a, b) => a.source.localeCompare(b.source) || a.line - b.line) }));
      },
    };
  },
};

/** `app.log|3901` → `app.log pid 3901` */
export function displayInstance(id: string): string {
  const [where, pid] = id.split('|');
  return pid ? `${where || 'log'} pid ${pid}` : where || 'log';
}
