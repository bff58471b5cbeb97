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
/** Strings kept in the shared table at most (pids, threads and job names are few; a flood of them goes per batch). */
const TABLE_MAX = 50_000;

const CTX_KEYS = 'source,line,level,logger,pid,thread,host,text';
const JOB_KEYS = ['name,trigger', 'name,trigger,nextRunAt', 'name,trigger,paused'];

export class EventEncoder {
  private table = new Map<string, number>();
  /** Per field, the last string coded and its code: most fields repeat from one record to the next. */
  private lastString: (string | undefined)[] = new Array(STRIDE).fill(undefined);
  private lastCode = new Float64Array(STRIDE).fill(UNDEFINED);

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
      if (job.nextRunAt !== undefined) flags |= JOB_NEXT_RUN;
      if (job.paused) flags |= JOB_PAUSED;
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
      nums[o + 14] = mine(job.nextRunAt);
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

/** The compact code of an event whose shape is exactly one the decoder rebuilds, else OTHER. */
function compactKind(e: LogEvent): number {
  let code: number;
  let keys: string;
  switch (e.kind) {
    case 'run-start':
      code = RUN_START;
      keys = 'kind,job,scheduledAt,ctx';
      if (typeof e.scheduledAt.text !== 'string' || Object.keys(e.scheduledAt).join() !== 'at,offsetMinutes,text') return OTHER;
      break;
    case 'run-end':
      code = RUN_END;
      keys = 'exception' in e ? (typeof e.exception === 'string' ? 'kind,job,outcome,ctx,exception' : '-') : 'kind,job,outcome,ctx';
      if (e.outcome !== 'success' && e.outcome !== 'error') return OTHER;
      break;
    case 'misfire':
      code = MISFIRE;
      keys = 'kind,job,lateMicros,ctx';
      break;
    case 'max-instances':
      code = MAX_INSTANCES;
      keys = 'kind,job,maxInstances,ctx';
      break;
    default:
      return OTHER;
  }
  if (!keysAre(e, keys)) return OTHER;
  const job = e.job;
  if (typeof job.name !== 'string' || typeof job.trigger !== 'string') return OTHER;
  if ('nextRunAt' in job) {
    if (typeof job.nextRunAt !== 'string' || !keysAre(job, JOB_KEYS[1])) return OTHER;
  } else if ('paused' in job) {
    if (job.paused !== true || !keysAre(job, JOB_KEYS[2])) return OTHER;
  } else if (!keysAre(job, JOB_KEYS[0])) return OTHER;
  return compactCtx(e.ctx) ? code : OTHER;
}

/** The context's keys as the reader makes them: eight, then stream, time and timeInferred when set (by bits 1, 2, 4). */
const CTX_SHAPES = [0, 1, 2, 3, 4, 5, 6, 7].map((bits) =>
  CTX_KEYS + (bits & 1 ? ',stream' : '') + (bits & 2 ? ',time' : '') + (bits & 4 ? ',timeInferred' : ''));

function optionalString(v: unknown): boolean {
  return v === undefined || typeof v === 'string';
}

function compactCtx(ctx: RecordContext): boolean {
  let bits = 0;
  if ('stream' in ctx) {
    if (typeof ctx.stream !== 'string') return false;
    bits |= 1;
  }
  if ('time' in ctx) {
    if (typeof ctx.time !== 'number') return false;
    bits |= 2;
  }
  if ('timeInferred' in ctx) {
    if (ctx.timeInferred !== true) return false;
    bits |= 4;
  }
  if (!keysAre(ctx, CTX_SHAPES[bits])) return false;
  if (!optionalString(ctx.level) || !optionalString(ctx.logger) || !optionalString(ctx.pid) || !optionalString(ctx.thread) || !optionalString(ctx.host)) return false;
  return typeof ctx.source === 'string' && typeof ctx.text === 'string' && typeof ctx.line === 'number';
}

/** Whether an object's own keys are exactly `keys` (comma-joined), in that order; no array is made. */
function keysAre(o: object, keys: string): boolean {
  let at = 0;
  for (const k in o) {
    if (!keys.startsWith(k, at)) return false;
    at += k.length;
    if (at < keys.length) {
      if (keys.charCodeAt(at) !== 44 /* , */) return false;
      at++;
    }
  }
  return at === keys.length;
}

export class EventDecoder {
  private table: string[] = [];

  decode(batch: EncodedBatch): LogEvent[] {
    for (const s of batch.added) this.table.push(s);
    const { nums, own, others } = batch;
    const table = this.table;
    const str = (code: number): string | undefined => (code >= 0 ? table[code] : code === UNDEFINED ? undefined : own[-code - 2]);
    const n = nums.length / STRIDE;
    const events: LogEvent[] = new Array(n);
    let other = 0;
    for (let i = 0; i < n; i++) {
      const o = i * STRIDE;
      const code = nums[o];
      if (code === OTHER) {
        events[i] = others[other++];
        continue;
      }
      const flags = nums[o + 3];
      const ctx: RecordContext = {
        source: str(nums[o + 4])!,
        line: nums[o + 1],
        level: str(nums[o + 6]),
        logger: str(nums[o + 7]),
        pid: str(nums[o + 8]),
        thread: str(nums[o + 9]),
        host: str(nums[o + 10]),
        text: str(nums[o + 11])!,
      };
      if (flags & HAS_STREAM) ctx.stream = str(nums[o + 5]);
      if (flags & HAS_TIME) ctx.time = nums[o + 2];
      if (flags & TIME_INFERRED) ctx.timeInferred = true;
      const name = str(nums[o + 12])!;
      const trigger = str(nums[o + 13])!;
      let job: JobRef;
      if (flags & JOB_NEXT_RUN) {
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
      events[i] = e;
    }
    return events;
  }
}
