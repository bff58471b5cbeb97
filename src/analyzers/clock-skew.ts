import { detach } from '../model/detach';
import type { Evidence, Finding } from '../model/finding';
import type { Run } from '../model/run';
import { addEvidence, plural } from './job-tally';
import { RecentRuns } from '../stats/recent-runs';
import type { LogRule } from './rule';

/** Lags kept per host for the median: a sample, so memory does not grow with the log. */
const SAMPLE = 1001;
/** Copies of one run remembered per scheduled time (hosts that ran it). */
const MAX_COPIES = 8;
/** Where a host's on-time runs are: late runs only add to line time − scheduled at. */
const ON_TIME_QUANTILE = 0.1;

/** Runs remembered while only one host has logged, so the second host's first copies find them. */
const FIRST_HOST_RING = 256;

interface HostLags {
  lags: Sample;
  copies: Sample;
  /** Copies stamped within the threshold of the other host's: direct evidence that the stamps agree. */
  agreeing: number;
  runEvidence: Evidence[];
  copyEvidence: Evidence[];
}

export const clockSkew: LogRule = {
  id: 'clock-skew',
  scope: 'log',
  severity: 'info',
  summary: 'A host\'s log timestamps lead or lag the other hosts\' by more than a second.',
  docs: {
    what: 'The timestamps on one host\'s (or one file\'s) lines are off from the others\': its runs are logged seconds before or after their `scheduled at` instant while the other hosts\' runs are logged on time, and copies of one run on several hosts carry stamps that far apart. `count` is the number of such hosts.',
    why: 'Lines from several hosts are put on one timeline by their stamps. A host whose stamps are off shifts its runs against the others\': overlaps, orders and gaps across hosts are then wrong by that much. A whole number of hours usually means its stamps are read in the wrong zone (`--tz`, or a host logging in another zone); a few seconds, that the clock that stamps its lines is not the one its scheduler runs by (a log shipper, a container runtime, a forwarder on another machine).',
    detection: 'Per host (the record\'s host, else the file), line time − `scheduled at` over its runs with real stamps (at least `minRuns`), taken at its 10th percentile: a scheduler waits by its own clock, so on a host whose lines are stamped by that clock its on-time runs are logged milliseconds after their scheduled time; late runs (a busy executor, a replayed backlog) only add, so the low percentile ignores them where a median would not. A host is reported when that value is more than `thresholdSeconds` from zero and from the median of the other hosts\' values, unless at least `minRuns` copies of the same runs on other hosts are stamped within `thresholdSeconds` of its own (then its stamps agree and its runs were late: a replayed backlog). Runs of one job with one `scheduled at` on two hosts (copies) give the difference of their stamps directly; its median is reported beside. What it cannot see: a host whose own clock is wrong, when that same clock stamps its log — its scheduler starts runs by that clock, so they look on time (with a shared job store the symptom is rather that the host ahead takes every run of a shared job, and copies disappear); and anything on a single host, or in logs without timestamps.',
    example: 'web-1: 2026-11-26T13:53:31.600Z … Running job "sync_orders (…)" (scheduled at 2026-11-26 13:53:31.596743+00:00)\nweb-2: 2026-11-26T13:53:36.601Z … Running job "sync_orders (…)" (scheduled at 2026-11-26 13:53:31.596743+00:00)',
    fix: 'Keep every host on NTP (chrony, systemd-timesyncd) and stamp lines where they are written, with an offset (`%(asctime)s` with `%z`, or UTC). If the difference is whole hours, give the right `--tz` or log with the zone.',
  },
  options: {
    thresholdSeconds: { default: 1, description: 'report a host whose stamps are further off than this' },
    minRuns: { default: 5, description: 'runs with real stamps a host needs before its stamps are judged' },
  },
  create(context) {
    const threshold = (context.options.thresholdSeconds ?? 1) * 1e6;
    const minRuns = context.options.minRuns ?? 5;
    const hosts = new Map<string, HostLags>();
    const copies = new RecentRuns<{ host: string; start: number; evidence: Evidence }[]>(() => []);
    // While one host has logged, its recent runs wait in a ring, not in the copy bookkeeping (a
    // one-host log, the common case, pays nothing more); a second host brings them in.
    const ring = new FirstHostRing(FIRST_HOST_RING);

    const hostOf = (run: Run): string => {
      const state = context.instance(run.instance);
      return state?.host ?? state?.source ?? run.instance.split('|')[0];
    };
    const lagsOf = (host: string): HostLags => {
      let h = hosts.get(host);
      if (!h) hosts.set(detach(host), (h = { lags: new Sample(SAMPLE), copies: new Sample(SAMPLE), agreeing: 0, runEvidence: [], copyEvidence: [] }));
      return h;
    };

    return {
      runStart(run) {
        if (run.startInferred) return;
        const host = hostOf(run);
        const mine = lagsOf(host);
        mine.lags.add(run.start - run.scheduledAt.at);
        if (mine.runEvidence.length < 2) addEvidence(mine.runEvidence, run.evidence);
        if (hosts.size < 2) {
          ring.push(run, host);
          return;
        }
        // Oldest first, as they came: the copies of one run keep the order of their hosts.
        ring.drain((key, at, start, h, evidence) => {
          const seen = copies.get(key, at);
          if (seen.length < MAX_COPIES) seen.push({ host: h, start, evidence });
        });
        const seen = copies.get(run.key, run.scheduledAt.at);
        for (const other of seen) {
          if (other.host === host) continue;
          const d = run.start - other.start;
          mine.copies.add(d);
          const theirs = lagsOf(other.host);
          theirs.copies.add(-d);
          if (Math.abs(d) <= threshold) {
            mine.agreeing++;
            theirs.agreeing++;
          }
          if (mine.copyEvidence.length < 2) {
            addEvidence(mine.copyEvidence, other.evidence);
            addEvidence(mine.copyEvidence, run.evidence);
          }
          if (theirs.copyEvidence.length < 2) {
            addEvidence(theirs.copyEvidence, other.evidence);
            addEvidence(theirs.copyEvidence, run.evidence);
          }
        }
        // (The host string is the instance's own copy already; the run's line is its own string.)
        if (seen.length < MAX_COPIES) seen.push({ host, start: run.start, evidence: run.evidence });
      },
      finish() {
        const judged = [...hosts.entries()].filter(([, h]) => h.lags.count >= minRuns).map(([host, h]) => ({ host, h, lag: h.lags.quantile(ON_TIME_QUANTILE)! }));
        if (judged.length < 2) return [];
        const skewed: { host: string; h: HostLags; lag: number; reference: number; copy?: number }[] = [];
        for (const j of judged) {
          const reference = median(judged.filter((o) => o !== j).map((o) => o.lag))!;
          if (Math.abs(j.lag) <= threshold || Math.abs(j.lag - reference) <= threshold) continue;
          // Copies of the same runs stamped alike on both hosts measure the stamps directly: with
          // skewed stamps hardly any copy could agree, so `minRuns` agreeing copies acquit the host
          // (one replaying a backlog is late by its own scheduler, not by its clock).
          if (j.h.agreeing >= minRuns) continue;
          skewed.push({ ...j, reference, copy: j.h.copies.count > 0 ? j.h.copies.quantile(0.5) : undefined });
        }
        if (skewed.length === 0) return [];
        skewed.sort((a, b) => a.host.localeCompare(b.host));
        const evidence: Evidence[] = [];
        for (const s of skewed) for (const e of s.h.copyEvidence.length ? s.h.copyEvidence : s.h.runEvidence) addEvidence(evidence, e);
        const finding: Finding = {
          rule: 'clock-skew', severity: 'info', job: null, count: skewed.length,
          message: skewed.map(describe).join('; '),
          evidence,
          data: {
            hosts: skewed.map((s) => ({
              host: s.host,
              skewSeconds: round((s.lag - s.reference) / 1e6),
              lagSeconds: round(s.lag / 1e6),
              othersLagSeconds: round(s.reference / 1e6),
              runs: s.h.lags.count,
              copies: s.h.copies.count,
              copyMedianSeconds: s.copy === undefined ? null : round(s.copy / 1e6),
            })),
          },
        };
        return [finding];
      },
    };
  },
};

function describe(s: { host: string; h: HostLags; lag: number; reference: number; copy?: number }): string {
  const skew = s.lag - s.reference;
  const copies = s.copy === undefined ? '' : `; ${plural(s.h.copies.count, 'copy', 'copies')} of the same runs on other hosts are stamped ${signed(s.copy)} apart (median)`;
  return `${s.host}'s log timestamps are ${secondsText(Math.abs(skew))} ${skew > 0 ? 'ahead of' : 'behind'} the other hosts': its on-time runs are logged ${signed(s.lag)} from their scheduled time (10th percentile of ${plural(s.h.lags.count, 'run')}), the others' ${signed(s.reference)}${copies}`;
}

function signed(micros: number): string {
  return `${micros < 0 ? '−' : '+'}${secondsText(Math.abs(micros))}`;
}

function secondsText(micros: number): string {
  const s = micros / 1e6;
  if (s >= 3600) return `${(s / 3600).toFixed(2)} h`;
  if (s >= 60) return `${(s / 60).toFixed(1)} min`;
  return `${s.toFixed(s >= 10 ? 1 : 3)} s`;
}

function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

function median(values: number[]): number | undefined {
  return quantile(values, 0.5);
}

/** Linear interpolation between the closest ranks. */
function quantile(values: number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const v = [...values].sort((a, b) => a - b);
  const at = (v.length - 1) * q;
  const lo = Math.floor(at);
  return lo + 1 < v.length ? v[lo] + (v[lo + 1] - v[lo]) * (at - lo) : v[lo];
}

/** A uniform sample of a stream of numbers (reservoir sampling with a fixed seed: reproducible). */
class Sample {
  count = 0;
  private values: number[] = [];
  private seed = 0x9e3779b9;

  constructor(private readonly size: number) {}

  add(v: number): void {
    this.count++;
    if (this.values.length < this.size) {
      this.values.push(v);
      return;
    }
    const k = Math.floor(this.random() * this.count);
    if (k < this.size) this.values[k] = v;
  }

  quantile(q: number): number | undefined {
    return quantile(this.values, q);
  }

  private random(): number {
    // mulberry32
    let t = (this.seed = (this.seed + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/**
 * The last runs of the only host so far, in a fixed ring of columns: nothing allocated per run.
 * A run's line is kept as the run's own evidence: a line's text is its own string
 * (RecordContext.text), so it pins no chunk of the log.
 */
class FirstHostRing {
  private readonly keys: string[] = [];
  private readonly hosts: string[] = [];
  private readonly evidence: Evidence[] = [];
  private readonly at: Float64Array;
  private readonly start: Float64Array;
  /** Runs pushed since the last drain; the newest is at (count - 1) % size. */
  private count = 0;

  constructor(private readonly size: number) {
    this.at = new Float64Array(size);
    this.start = new Float64Array(size);
  }

  push(run: Run, host: string): void {
    const i = this.count++ % this.size;
    this.keys[i] = run.key;
    this.hosts[i] = host;
    this.evidence[i] = run.evidence;
    this.at[i] = run.scheduledAt.at;
    this.start[i] = run.start;
  }

  /** The runs held, oldest first; then the ring is empty. */
  drain(each: (key: string, at: number, start: number, host: string, evidence: Evidence) => void): void {
    if (this.count === 0) return;
    for (let k = Math.max(0, this.count - this.size); k < this.count; k++) {
      const i = k % this.size;
      each(this.keys[i], this.at[i], this.start[i], this.hosts[i], this.evidence[i]);
    }
    this.count = 0;
    this.keys.length = this.hosts.length = this.evidence.length = 0;
  }
}
