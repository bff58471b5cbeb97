// Counting per job, with the first few places as evidence: the shape most rules share.

import type { JobRef, RecordContext } from '../model/event';
import { jobKey } from '../model/event';
import { MAX_EVIDENCE, type Evidence, type Finding, type Severity } from '../model/finding';
import { isoFromMicros } from '../model/time';
import { detach } from '../model/detach';

export interface Tally<D> {
  job: JobRef;
  count: number;
  first?: number;
  last?: number;
  evidence: Evidence[];
  data: D;
}

export function evidenceOf(ctx: Pick<RecordContext, 'source' | 'line' | 'text'>): Evidence {
  return { source: ctx.source, line: ctx.line, text: ctx.text };
}

export class JobTally<D> {
  private entries = new Map<string, Tally<D>>();

  constructor(private readonly initial: () => D) {}

  hit(job: JobRef, time: number | undefined, evidence?: Evidence | Evidence[]): Tally<D> {
    const key = jobKey(job);
    let t = this.entries.get(key);
    if (!t) {
      t = { job: { name: detach(job.name), trigger: detach(job.trigger) }, count: 0, evidence: [], data: this.initial() };
      this.entries.set(detach(key), t);
    }
    t.count++;
    if (time !== undefined) {
      if (t.first === undefined || time < t.first) t.first = time;
      if (t.last === undefined || time > t.last) t.last = time;
    }
    for (const e of evidence === undefined ? [] : Array.isArray(evidence) ? evidence : [evidence]) addEvidence(t.evidence, e);
    return t;
  }

  /** A copy to add to without changing this one (a repeatable finish); `copyData` copies a tally's data. */
  clone(copyData: (d: D) => D = (d) => ({ ...d })): JobTally<D> {
    const copy = new JobTally(this.initial);
    for (const [key, t] of this.entries) copy.entries.set(key, { ...t, evidence: [...t.evidence], data: copyData(t.data) });
    return copy;
  }

  get(job: JobRef): Tally<D> | undefined {
    return this.entries.get(jobKey(job));
  }

  findings(rule: string, severity: Severity, describe: (t: Tally<D>) => { message: string; data?: Record<string, unknown> } | undefined): Finding[] {
    const out: Finding[] = [];
    for (const t of this.entries.values()) {
      if (t.count === 0) continue;
      const d = describe(t);
      if (!d) continue;
      out.push({
        rule, severity, job: t.job.name, trigger: t.job.trigger, count: t.count, message: d.message,
        firstTime: t.first === undefined ? undefined : isoFromMicros(t.first),
        lastTime: t.last === undefined ? undefined : isoFromMicros(t.last),
        evidence: [...t.evidence].sort((a, b) => a.source.localeCompare(b.source) || a.line - b.line), data: d.data,
      });
    }
    return out;
  }
}

export function addEvidence(list: Evidence[], e: Evidence): void {
  if (list.length >= MAX_EVIDENCE) return;
  if (list.some((x) => x.source === e.source && x.line === e.line)) return;
  // Kept evidence must not pin the chunk of log its text was sliced from.
  const text = e.text === undefined ? undefined : detach(e.text.length > 400 ? e.text.slice(0, 400) + '…' : e.text);
  list.push({ ...e, text });
}

export function seconds(micros: number): string {
  const s = micros / 1e6;
  if (s >= 86400) return `${(s / 86400).toFixed(1)} d`;
  if (s >= 3600) return `${(s / 3600).toFixed(1)} h`;
  if (s >= 60) return `${(s / 60).toFixed(1)} min`;
  if (s >= 10) return `${s.toFixed(0)} s`;
  return `${s.toFixed(s >= 1 ? 1 : 3)} s`;
}

export function plural(n: number, word: string, many = word + 's'): string {
  return `${n} ${n === 1 ? word : many}`;
}
