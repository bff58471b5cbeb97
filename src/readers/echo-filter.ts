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

const NO_ONE: Who = {};

export class EchoFilter {
  /** Whether same-format twins are echoes; undefined until learnt. */
  doubled: boolean | undefined;
  // The record judged last, field by field: an object per record was garbage per record.
  private hasLast = false;
  private lastMessage = '';
  /** Its own stamp, NaN when it had none. */
  private lastWall = NaN;
  private lastWho: Who = NO_ONE;
  // Records sharing one stamp (groupWall). Most stamps have one record: the map is made only for a second.
  private groupWall = NaN;
  /** The group's first record (message undefined before any record with a stamp). */
  private firstMessage: string | undefined;
  private firstWho: Who = NO_ONE;
  private firstPrefix = '';
  private seen: Map<string, { who: Who; prefix: string }> | undefined;
  /** Whether the first record was followed by its twin: the fallback when no job is ever added. */
  private firstPair: boolean | undefined;
  private afterFirstAdded = false;

  /**
   * A record: its kind and message; `wall`, its own stamp (not a container runtime's) in
   * wall-clock microseconds, if it has one; `who` wrote it, as far as the line says; `prefix`,
   * the record's prefix as written, envelopes peeled off (two formats mean two handlers).
   */
  judge(kind: LogEventKind, message: string, wall: number | undefined, who: Who, prefix: string): EchoVerdict {
    const hadLast = this.hasLast;
    const lastWall = this.lastWall;
    const nextToTwin = hadLast && this.lastMessage === message && compatible(this.lastWho, who);
    this.hasLast = true;
    this.lastMessage = message;
    this.lastWall = wall === undefined ? NaN : wall;
    this.lastWho = who;
    const sameStampTwin = nextToTwin && wall !== undefined && lastWall === wall;
    if (hadLast && this.firstPair === undefined) this.firstPair = sameStampTwin;
    if (this.doubled === undefined) {
      if (this.afterFirstAdded) this.doubled = sameStampTwin;
      else if (kind === 'job-added') this.afterFirstAdded = true;
    }

    if (nextToTwin && Number.isNaN(lastWall) !== (wall === undefined)) return 'echo';
    if (wall === undefined) return 'record';
    if (wall !== this.groupWall) {
      this.groupWall = wall;
      // Kept field by field: the next record nearly always has another stamp, and no map is made.
      this.firstMessage = message;
      this.firstWho = who;
      this.firstPrefix = prefix;
      this.seen = undefined;
      return 'record';
    }
    if (!this.seen) {
      this.seen = new Map();
      if (this.firstMessage !== undefined) this.seen.set(this.firstMessage, { who: this.firstWho, prefix: this.firstPrefix });
    }
    const prior = this.seen.get(message);
    if (prior === undefined || !compatible(prior.who, who)) {
      this.seen.set(message, { who, prefix });
      return 'record';
    }
    if (prior.prefix !== prefix) return 'echo';
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
  return same(a.pid, b.pid) && same(a.thread, b.thread) && same(a.host, b.host);
}

function same(x: string | undefined, y: string | undefined): boolean {
  return !x || !y || x === y;
}
