// Records written twice by one process: a logger with two handlers, or one that also propagates
// to root. The copies (twins) carry the same message and stamp, and nothing (pid, thread, host)
// that tells them apart.
//
// Twins in two prefix formats, or one copy without any stamp (a handler without a formatter), are
// echoes for certain. Twins in one format are ambiguous: schedulers in two processes that log no
// pid write the same run in the same millisecond (or second, with a coarse datefmt) too. What
// settles it is the first `Added job "NAME"` record: a doubling logger writes it twice in a row,
// while each process writes its start-up records as a block, one of each. Until that record and
// the one after it are seen, a same-format twin is 'undecided' and the reader holds it back. Logs
// without stamps have no twins: identical lines there are two processes (a debug reloader).

import type { LogEventKind } from '../model/event';

export type EchoVerdict = 'record' | 'echo' | 'undecided';

export interface EchoCandidate {
  kind: LogEventKind;
  message: string;
  /** The record's own stamp (not a container runtime's), wall-clock microseconds. */
  wall: number | undefined;
  /** pid|thread|host, empty where the line does not say. */
  who: string;
  /** The record's prefix as written, envelopes peeled off: two formats mean two handlers. */
  prefix: string;
}

export class EchoFilter {
  /** Whether same-format twins are echoes; undefined until learnt. */
  doubled: boolean | undefined;
  private group = { wall: NaN, seen: new Map<string, { who: string; prefix: string }>() };
  private last: EchoCandidate | undefined;
  /** Whether the first record was followed by its twin: the fallback when no job is ever added. */
  private firstPair: boolean | undefined;
  private afterFirstAdded = false;

  judge(r: EchoCandidate): EchoVerdict {
    const last = this.last;
    this.last = r;
    const nextToTwin = last !== undefined && last.message === r.message && compatible(last.who, r.who);
    const sameStampTwin = nextToTwin && last!.wall === r.wall && r.wall !== undefined;
    if (last !== undefined && this.firstPair === undefined) this.firstPair = sameStampTwin;
    if (this.doubled === undefined) {
      if (this.afterFirstAdded) this.doubled = sameStampTwin;
      else if (r.kind === 'job-added') this.afterFirstAdded = true;
    }

    if (nextToTwin && (last!.wall === undefined) !== (r.wall === undefined)) return 'echo';
    if (r.wall === undefined) return 'record';
    if (r.wall !== this.group.wall) {
      this.group.wall = r.wall;
      this.group.seen.clear();
    }
    const prior = this.group.seen.get(r.message);
    if (prior === undefined || !compatible(prior.who, r.who)) {
      this.group.seen.set(r.message, { who: r.who, prefix: r.prefix });
      return 'record';
    }
    if (prior.prefix !== r.prefix) return 'echo';
    return this.doubled === undefined ? 'undecided' : this.doubled ? 'echo' : 'record';
  }

  /** Decide without an `Added job` record: by the first record, else not doubled. */
  settle(): boolean {
    this.doubled ??= this.firstPair ?? false;
    return this.doubled;
  }
}

/** Fields a line does not show ('') match anything. */
function compatible(a: string, b: string): boolean {
  const x = a.split('|');
  const y = b.split('|');
  return x.every((v, i) => v === '' || y[i] === '' || v === y[i]);
}
