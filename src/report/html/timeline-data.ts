// The data the HTML timeline draws, packed small: a 1 GB log's two million runs must fit a file of
// at most 10 MB. Times are milliseconds from `origin`, run starts delta-encoded per lane, and
// each run is seven integers. Density counts cover every run; exact runs only the kept chunks.

import { RUN_FLAG, type RunLogSnapshot } from '../../engine/run-log';
import type { Finding } from '../../model/finding';
import type { Report } from '../report';
import { placeOf, placeText } from '../evidence-location';

export const RUN_FIELDS = 7;

/** Density numbers in the file at most: lanes × buckets. */
const MAX_DENSITY_CELLS = 400_000;

export interface TimelineData {
  v: 1;
  /** Epoch milliseconds of time 0. */
  origin: number;
  t1: number;
  /** Offset (minutes east of UTC) times are shown in: the first job's `scheduled at`. */
  offset: number;
  bucket: number;
  /** Where density bucket 0 starts, in milliseconds from the origin. */
  b0: number;
  /** Spans whose runs are counted in the density but not kept exactly: [from, to) ms. */
  dropped: [number, number][];
  sources: string[];
  flags: typeof RUN_FLAG;
  jobs: { n: string; t: string; lanes: number[] }[];
  lanes: {
    j: number; l: string; h: string | null; p: string | null; n: number;
    /** Density from bucket d0 on. */
    d0: number; d: number[];
    /** Problem runs per bucket, sparse: bucket delta, count, … */
    q: number[];
    /** Runs: start delta, duration (-1 none), start − scheduled (µs), flags, source, line delta, copy-of lane + 1. */
    r: number[];
    /** Marks: kind (0 misfire, 1 skip), time delta, lateness ms (-1), source, line. */
    m: number[];
  }[];
  down: [number, number][];
  findings: { rule: string; sev: string; job: string | null; trig: string | null; count: number; msg: string; first: number | null; last: number | null; ev: string[] }[];
  totals: { runs: number; kept: number; dropped: number };
}

export function timelineData(report: Report, snap: RunLogSnapshot, cwd: string): TimelineData {
  const origin = Math.floor((snap.first ?? snap.origin) / 1000);
  const ms = (us: number) => Math.round(us / 1000) - origin;
  const jobOrder = [...new Set(snap.lanes.map((l) => `${l.job}\u0000${l.trigger}`))].sort();
  const jobIndex = new Map(jobOrder.map((k, i) => [k, i]));
  const jobs = jobOrder.map((k) => ({ n: k.split('\u0000')[0], t: k.split('\u0000')[1], lanes: [] as number[] }));
  snap.lanes.forEach((l, i) => jobs[jobIndex.get(`${l.job}\u0000${l.trigger}`)!].lanes.push(i));

  // Coarser density buckets when many lanes would make the file big.
  let factor = 1;
  while (snap.lanes.length * Math.ceil(Math.max(1, ...snap.lanes.map((l) => l.density.length)) / factor) > MAX_DENSITY_CELLS) factor *= 2;
  const bucketUs = snap.bucketMicros * factor;
  const shift = snap.origin - origin * 1000;

  const lanes: TimelineData['lanes'] = snap.lanes.map((l, i) => {
    const d = regroup(l.density, factor);
    let d0 = 0;
    while (d0 < d.length && d[d0] === 0) d0++;
    const q: number[] = [];
    let prevQ = 0;
    regroup(l.problems, factor).forEach((c, b) => {
      if (c > 0) {
        q.push(b - prevQ, c);
        prevQ = b;
      }
    });
    return { j: jobIndex.get(`${l.job}\u0000${l.trigger}`)!, l: l.label, h: l.host ?? null, p: l.pid ?? null, n: l.runs, d0, d: d.slice(d0), q, r: [], m: [] };
  });

  const prevStart = new Map<number, number>();
  const prevLine = new Map<number, number>();
  for (const r of snap.runs) {
    const out = lanes[r.lane].r;
    const start = ms(r.start);
    const line = r.line;
    out.push(
      start - (prevStart.get(r.lane) ?? 0),
      r.end === undefined ? -1 : Math.max(0, ms(r.end) - start),
      (start + origin) * 1000 - r.scheduledAt,
      r.flags, r.source, line - (prevLine.get(r.lane) ?? 0), r.copyOf === undefined ? 0 : r.copyOf + 1,
    );
    prevStart.set(r.lane, start);
    prevLine.set(r.lane, line);
  }
  const prevPoint = new Map<number, number>();
  for (const p of snap.points) {
    const t = ms(p.time);
    lanes[p.lane].m.push(p.kind === 'misfire' ? 0 : 1, t - (prevPoint.get(p.lane) ?? 0), p.lateMicros === undefined ? -1 : Math.round(p.lateMicros / 1000), p.source, p.line);
    prevPoint.set(p.lane, t);
  }

  return {
    v: 1, origin, t1: snap.last === undefined ? 0 : ms(snap.last),
    offset: snap.lanes[0]?.offsetMinutes ?? 0,
    bucket: bucketUs / 1000,
    b0: shift / 1000,
    dropped: droppedRanges(snap, shift),
    sources: snap.sources.map((s) => placeText(placeOf({ source: s, line: 1 }, cwd)).replace(/:1$/, '')),
    flags: RUN_FLAG,
    jobs, lanes,
    down: snap.downtime.map((g) => [ms(g.from), ms(g.to)]),
    findings: report.findings.map((f) => findingData(f, origin, cwd)),
    totals: { runs: snap.totalRuns, kept: snap.runs.length, dropped: snap.droppedRuns },
  };
}

function findingData(f: Finding, origin: number, cwd: string): TimelineData['findings'][number] {
  const t = (iso: string | undefined) => (iso === undefined ? null : Date.parse(iso) - origin);
  return {
    rule: f.rule, sev: f.severity, job: f.job, trig: f.trigger ?? null, count: f.count, msg: f.message,
    first: t(f.firstTime), last: t(f.lastTime),
    ev: f.evidence.map((e) => `${placeText(placeOf(e, cwd))}  ${(e.text ?? '').split('\n')[0].slice(0, 300)}`),
  };
}

/** Dropped chunks as merged [from, to) ranges in milliseconds from the origin. */
function droppedRanges(snap: RunLogSnapshot, shiftUs: number): [number, number][] {
  const out: [number, number][] = [];
  const w = snap.bucketMicros;
  for (const id of snap.droppedChunks) {
    const from = Math.floor((id * w + shiftUs) / 1000);
    const to = Math.ceil(((id + 1) * w + shiftUs) / 1000);
    const last = out[out.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  // Runs before the first bucket's start are clamped into it; cover them too.
  if (out.length && snap.droppedChunks[0] === 0) out[0][0] = Math.min(out[0][0], -1e12);
  return out;
}

function regroup(counts: number[], factor: number): number[] {
  if (factor === 1) return counts.slice();
  const out = new Array(Math.ceil(counts.length / factor)).fill(0);
  for (let i = 0; i < counts.length; i++) out[Math.floor(i / factor)] += counts[i];
  return out;
}
