// Event batches across threads (reader-thread.ts), compact: structured cloning of event objects
// costs the main thread as much as parsing saved it (every property of every object is walked
// and made again; 64 MiB of log cloned into 131 MB). The records that make up nearly all of a
// large log — runs starting and ending, misfires, skips — go as numbers in one transferable
// Float64Array and strings: those that repeat (the file, level, logger, pid, thread, host, job
// names and triggers) through a table both threads keep, each string sent once; those that are
// each record's own (its text, `next run at`, `scheduled at`, the exception) per batch. Anything
// of another kind, or of a shape the codec does not know exactly (the keys, in their order, are
// checked), goes as a structured clone in its place: decoding gives objects equal to the
// reader's, down to the order of their keys.

import type { JobRef, LogEvent, RecordContext } from '../model/event';

export interface EncodedBatch {
  nums: Float64Array;
  /** Strings new to the shared table, in the order they were added. */
  added: string[];
  /** This batch's own strings. */
  own: string[];
  /** Events sent as they are, in order (kind code OTHER in `nums`). */
  others: LogEvent[];
}

const STRIDE = 18;
const OTHER = 0;
const RUN_START = 1;
const RUN_END = 2;
const MISFIRE = 3;
const MAX_INSTANCES = 4;

// Flags.
const HAS_STREAM = 1;
const HAS_TIME = 2;
const TIME_INFERRED = 4;
const JOB_NEXT_RUN = 8;
const JOB_PAUSED = 16;
const HAS_EXCEPTION = 32;
const OUTCOME_ERROR = 64;

/** A string code: >= 0 the shared table, -1 undefined, <= -2 the batch's own strings. */
const UNDEFINED = -1;
/**
 * Strings kept in the shared table at most (pids, threads and job names are few; a flood of them
 * goes per batch). Below 2^16: the decoder keys canonical jobs by a pair of codes.
 */
const TABLE_MAX = 50_000;

const CTX_KEYS = 'source,line,level,logger,pid,thread,host,text';

export class EventEncoder {
  private table = new Map<string, number>();
  /** Per field, the last string coded and its code: most fields repeat from one record to the next. */
  private lastString: (string | undefined)[] = new Array(STRIDE).fill(undefined);
  private lastCode = new Float64Array(STRIDE).fill(UNDEFINED);

  /**
   * `forInterning`: the batches go to a decoder that interns jobs (InternJob), which reads a
   * job's `next run at` only for a skip: for runs and misfires it is not sent (a string per
   * record through the copy between threads), and such a job comes back without it and without
   * `paused`, as interning leaves it anyway.
   */
  constructor(private readonly forInterning = false) {}

  encode(events: LogEvent[]): { batch: EncodedBatch; transfer: ArrayBuffer[] } {
    const nums = new Float64Array(events.length * STRIDE);
    const added: string[] = [];
    const own: string[] = [];
    const others: LogEvent[] = [];
    const lastString = this.lastString;
    const lastCode = this.lastCode;
    const shared = (slot: number, s: string | undefined): number => {
      if (s === undefined) return UNDEFINED;
      if (s === lastString[slot]) return lastCode[slot];
      let id = this.table.get(s);
      if (id === undefined) {
        if (this.table.size >= TABLE_MAX) return mine(s);
        id = this.table.size;
        this.table.set(s, id);
        added.push(s);
      }
      lastString[slot] = s;
      lastCode[slot] = id;
      return id;
    };
    const mine = (s: string | undefined): number => {
      if (s === undefined) return UNDEFINED;
      own.push(s);
      return -own.length - 1;
    };
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const o = i * STRIDE;
      const code = compactKind(e);
      if (code === OTHER) {
        nums[o] = OTHER;
        others.push(e);
        continue;
      }
      const ctx = e.ctx;
      const job = (e as { job: JobRef }).job;
      let flags = ctx.stream !== undefined ? HAS_STREAM : 0;
      if (ctx.time !== undefined) flags |= HAS_TIME;
      if (ctx.timeInferred) flags |= TIME_INFERRED;
      const fullJob = !this.forInterning || code === MAX_INSTANCES;
      if (fullJob && job.nextRunAt !== undefined) flags |= JOB_NEXT_RUN;
      if (fullJob && job.paused) flags |= JOB_PAUSED;
      nums[o] = code;
      nums[o + 1] = ctx.line;
      nums[o + 2] = ctx.time ?? 0;
      nums[o + 4] = shared(4, ctx.source);
      nums[o + 5] = shared(5, ctx.stream);
      nums[o + 6] = shared(6, ctx.level);
      nums[o + 7] = shared(7, ctx.logger);
      nums[o + 8] = shared(8, ctx.pid);
      nums[o + 9] = shared(9, ctx.thread);
      nums[o + 10] = shared(10, ctx.host);
      nums[o + 11] = mine(ctx.text);
      nums[o + 12] = shared(12, job.name);
      nums[o + 13] = shared(13, job.trigger);
      nums[o + 14] = fullJob ? mine(job.nextRunAt) : UNDEFINED;
      if (e.kind === 'run-start') {
        nums[o + 15] = e.scheduledAt.at;
        nums[o + 16] = e.scheduledAt.offsetMinutes;
        nums[o + 17] = mine(e.scheduledAt.text);
      } else if (e.kind === 'run-end') {
        if (e.outcome === 'error') flags |= OUTCOME_ERROR;
        if ('exception' in e) {
          flags |= HAS_EXCEPTION;
          nums[o + 17] = mine(e.exception);
        }
      } else if (e.kind === 'misfire') {
        nums[o + 15] = e.lateMicros;
      } else if (e.kind === 'max-instances') {
        nums[o + 15] = e.maxInstances;
      }
      nums[o + 3] = flags;
    }
    return { batch: { nums, added, own, others }, transfer: [nums.buffer as ArrayBuffer] };
  }
}

// The shape checks below run per event, so they compare keys by identity (property names are
// internalised strings: `===` is one pointer compare) in one walk of each object, and make no
// array or string; an earlier version built `Object.keys(...).join()` and matched key strings
// by `startsWith`, and cost more than the rest of the encoding.
const EVENT_KEYS: Record<string, readonly string[]> = {
  'run-start': ['kind', 'job', 'scheduledAt', 'ctx'],
  'run-end': ['kind', 'job', 'outcome', 'ctx'],
  misfire: ['kind', 'job', 'lateMicros', 'ctx'],
  'max-instances': ['kind', 'job', 'maxInstances', 'ctx'],
};
const RUN_END_EXCEPTION_KEYS = ['kind', 'job', 'outcome', 'ctx', 'exception'];
const SCHEDULED_KEYS = ['at', 'offsetMinutes', 'text'];
const JOB_BASE_KEYS = ['name', 'trigger'];
const CTX_BASE_KEYS = CTX_KEYS.split(',');
/** The optional keys a context may have after its eight, in this order. */
const CTX_OPTIONAL: readonly string[] = ['stream', 'time', 'timeInferred'];

/** The compact code of an event whose shape is exactly one the decoder rebuilds, else OTHER. */
function compactKind(e: LogEvent): number {
  let code: number;
  let keys: readonly string[];
  switch (e.kind) {
    case 'run-start':
      code = RUN_START;
      keys = EVENT_KEYS['run-start'];
      if (typeof e.scheduledAt.text !== 'string' || !keysAre(e.scheduledAt, SCHEDULED_KEYS)) return OTHER;
      break;
    case 'run-end':
      code = RUN_END;
      if (e.outcome !== 'success' && e.outcome !== 'error') return OTHER;
      if ('exception' in e) {
        if (typeof e.exception !== 'string') return OTHER;
        keys = RUN_END_EXCEPTION_KEYS;
      } else keys = EVENT_KEYS['run-end'];
      break;
    case 'misfire':
      code = MISFIRE;
      keys = EVENT_KEYS.misfire;
      break;
    case 'max-instances':
      code = MAX_INSTANCES;
      keys = EVENT_KEYS['max-instances'];
      break;
    default:
      return OTHER;
  }
  if (!keysAre(e, keys)) return OTHER;
  const job = e.job;
  if (typeof job.name !== 'string' || typeof job.trigger !== 'string') return OTHER;
  // name, trigger, then at most one of nextRunAt (a string) and paused (true).
  let i = 0;
  for (const k in job) {
    if (i < 2) {
      if (k !== JOB_BASE_KEYS[i]) return OTHER;
    } else if (i > 2) return OTHER;
    else if (k === 'nextRunAt') {
      if (typeof job.nextRunAt !== 'string') return OTHER;
    } else if (k !== 'paused' || job.paused !== true) return OTHER;
    i++;
  }
  return compactCtx(e.ctx) ? code : OTHER;
}

function optionalString(v: unknown): boolean {
  return v === undefined || typeof v === 'string';
}

/** The context's keys as the reader makes them: eight, then stream, time and timeInferred when set, in that order. */
function compactCtx(ctx: RecordContext): boolean {
  let i = 0;
  let next = 0;
  for (const k in ctx) {
    if (i < 8) {
      if (k !== CTX_BASE_KEYS[i]) return false;
    } else {
      while (next < CTX_OPTIONAL.length && CTX_OPTIONAL[next] !== k) next++;
      if (next === CTX_OPTIONAL.length) return false;
      next++;
    }
    i++;
  }
  if (i < 8) return false;
  if ('stream' in ctx && typeof ctx.stream !== 'string') return false;
  if ('time' in ctx && typeof ctx.time !== 'number') return false;
  if ('timeInferred' in ctx && ctx.timeInferred !== true) return false;
  if (!optionalString(ctx.level) || !optionalString(ctx.logger) || !optionalString(ctx.pid) || !optionalString(ctx.thread) || !optionalString(ctx.host)) return false;
  return typeof ctx.source === 'string' && typeof ctx.text === 'string' && typeof ctx.line === 'number';
}

/** Whether an object's own enumerable keys are exactly `keys`, in that order. */
function keysAre(o: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in o) {
    if (k !== keys[i]) return false;
    i++;
  }
  return i === keys.length;
}

/**
 * The consumer's canonical job for a name and trigger (the engine's registry): given to a
 * decoder, a compact event's job is that one object, looked up once per pair of table strings,
 * instead of a fresh object per event that the engine then looks up by name. What the canonical
 * job drops (`next run at`, `paused`), the engine drops anyway; a skip's `next run at` is the
 * fire time it skipped, so a max-instances event keeps its own job.
 */
export type InternJob = (job: JobRef) => JobRef;

export class EventDecoder {
  private table: string[] = [];
  /** Canonical jobs by their name's and trigger's table codes (name code × 2^16 + trigger code). */
  private jobs = new Map<number, JobRef>();

  constructor(private readonly internJob?: InternJob) {}

  decode(batch: EncodedBatch): LogEvent[] {
    const events: LogEvent[] = [];
    for (const part of this.parts(batch, Infinity)) for (const e of part) events.push(e);
    return events;
  }

  /**
   * A batch's events, `size` at a time, each part made only when asked for: a whole batch made
   * at once lives through the collections its analysis triggers, and is moved to the old
   * generation to die there (the main thread's heap grew to 120 MB for 16 MB live).
   */
  *parts(batch: EncodedBatch, size: number): Generator<LogEvent[]> {
    for (const s of batch.added) this.table.push(s);
    const { nums, own, others } = batch;
    const table = this.table;
    const str = (code: number): string | undefined => (code >= 0 ? table[code] : code === UNDEFINED ? undefined : own[-code - 2]);
    const n = nums.length / STRIDE;
    let other = 0;
    for (let from = 0; from < n; from += size) {
      const to = Math.min(n, from + size);
      const events: LogEvent[] = new Array(to - from);
      for (let i = from; i < to; i++) events[i - from] = nums[i * STRIDE] === OTHER ? others[other++] : this.one(nums, i, str);
      yield events;
    }
  }

  /** The compact event at `i` (not OTHER). */
  private one(nums: Float64Array, i: number, str: (code: number) => string | undefined): LogEvent {
    const o = i * STRIDE;
    const code = nums[o];
    const flags = nums[o + 3];
    const source = str(nums[o + 4])!;
    const line = nums[o + 1];
    const level = str(nums[o + 6]);
    const logger = str(nums[o + 7]);
    const pid = str(nums[o + 8]);
    const thread = str(nums[o + 9]);
    const host = str(nums[o + 10]);
    const text = str(nums[o + 11])!;
    let ctx: RecordContext;
    // Nearly every record has a time and nothing else optional: one literal with it, since a
    // property added to an object literal takes a second allocation, a backing store of its own.
    if ((flags & (HAS_STREAM | HAS_TIME | TIME_INFERRED)) === HAS_TIME) ctx = { source, line, level, logger, pid, thread, host, text, time: nums[o + 2] };
    else {
      ctx = { source, line, level, logger, pid, thread, host, text };
      if (flags & HAS_STREAM) ctx.stream = str(nums[o + 5]);
      if (flags & HAS_TIME) ctx.time = nums[o + 2];
      if (flags & TIME_INFERRED) ctx.timeInferred = true;
    }
    const nameCode = nums[o + 12];
    const triggerCode = nums[o + 13];
    const name = str(nameCode)!;
    const trigger = str(triggerCode)!;
    let job: JobRef;
    if (this.internJob && code !== MAX_INSTANCES && nameCode >= 0 && triggerCode >= 0) {
      const pair = nameCode * 65536 + triggerCode;
      let canonical = this.jobs.get(pair);
      if (!canonical) this.jobs.set(pair, (canonical = this.internJob({ name, trigger })));
      job = canonical;
    } else if (flags & JOB_NEXT_RUN) {
      job = { name, trigger, nextRunAt: str(nums[o + 14]) };
    } else if (flags & JOB_PAUSED) job = { name, trigger, paused: true };
    else job = { name, trigger };
    let e: LogEvent;
    if (code === RUN_START) {
      e = { kind: 'run-start', job, scheduledAt: { at: nums[o + 15], offsetMinutes: nums[o + 16], text: str(nums[o + 17])! }, ctx } as LogEvent;
    } else if (code === RUN_END) {
      e = { kind: 'run-end', job, outcome: flags & OUTCOME_ERROR ? 'error' : 'success', ctx } as LogEvent;
      if (flags & HAS_EXCEPTION) (e as { exception?: string }).exception = str(nums[o + 17]);
    } else if (code === MISFIRE) {
      e = { kind: 'misfire', job, lateMicros: nums[o + 15], ctx } as LogEvent;
    } else {
      e = { kind: 'max-instances', job, maxInstances: nums[o + 15], ctx } as LogEvent;
    }
    return e;
  }
}
