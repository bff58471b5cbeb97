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

export interface Who {
  pid?: string;
  thread?: string;
  host?: string;
}

export interface EchoCandidate {
  kind: LogEventKind;
  message: string;
  /** The record's own stamp (not a container runtime's), wall-clock microseconds. */
  wall: number | undefined;
  /** Who wrote it, as far as the line says. */
  who: Who;
  /** The record's prefix as written, envelopes peeled off: two formats mean two handlers. */
  prefix: string;
}

export class EchoFilter {
  /** Whether same-format twins are echoes; undefined until learnt. */
  doubled: boolean | undefined;
  // Records sharing one stamp. Most stamps have one record: the map is made only for a second.
  private group: { wall: number; first?: { message: string; who: Who; prefix: string }; seen?: Map<string, { who: Who; prefix: string }> } = { wall: NaN };
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
    const g = this.group;
    if (r.wall !== g.wall) {
      g.wall = r.wall;
      g.first = { message: r.message, who: r.who, prefix: r.prefix };
      g.seen = undefined;
      return 'record';
    }
    if (!g.seen) {
      g.seen = new Map();
      if (g.first) g.seen.set(g.first.message, { who: g.first.who, prefix: g.first.prefix });
    }
    const prior = g.seen.get(r.message);
    if (prior === undefined || !compatible(prior.who, r.who)) {
      g.seen.set(r.message, { who: r.who, prefix: r.prefix });
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

/** Fields a line does not show match anything. */
function compatible(a: Who, b: Who): boolean {
  const same = (x: string | undefined, y: string | undefined) => !x || !y || x === y;
  return same(a.pid, b.pid) && same(a.thread, b.thread) && same(a.host, b.host);
}
