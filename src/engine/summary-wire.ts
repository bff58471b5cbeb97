// A batch of decoded summaries (what `analyze --db` keeps of each row) on its way from a decoding
// thread back to the main thread, as one list of the batch's distinct texts and two typed arrays,
// not as objects. Structured cloning walks every object and property of a reply, and rebuilding
// summaries from it cost the main thread about what decoding them did (100,000 rows: a cloned
// reply of objects made a worker no faster than this thread alone). A typed array is moved, not
// copied, and each text a batch repeats (functions, executors, trigger texts, `[]`) is sent once.

import { shared, sharedArguments, summaryJob, type DecodedState } from './decode-row';
import type { StoreInstant, StoreTriggerSummary } from '../model/store-job';

/** What a worker sends back for a batch decoded as summaries. */
export interface PackedStates {
  /** The batch's distinct texts. */
  texts: string[];
  /** Per row, TEXTS_PER_ROW indexes into `texts` (NO_TEXT: null). */
  refs: Int32Array;
  /** Per row, NUMBERS_PER_ROW numbers (see the N_ offsets). */
  numbers: Float64Array;
  /** Rows that could not be decoded: their index in the batch and why. */
  failures: { at: number; decodeError: string; decodeLimited?: true }[];
}

const NO_TEXT = -1;
/** T_ID: the state's id is its row's (as it always is in a store APScheduler wrote). */
const ROW_ID = -2;

// Texts of a row, by offset.
const T_ID = 0;
const T_NAME = 1;
const T_FUNC = 2;
const T_EXECUTOR = 3;
const T_TYPE = 4;
const T_TRIGGER = 5;
const T_TIMEZONE = 6;
const T_ARGS = 7;
const T_KWARGS = 8;
const TEXTS_PER_ROW = 9;

// Numbers of a row, by offset.
const N_FLAGS = 0;
const N_GRACE = 1;
const N_MAX_INSTANCES = 2;
const N_NEXT = 3;
const N_START = 4;
const N_INTERVAL = 5;
const NUMBERS_PER_ROW = 6;

// N_FLAGS bits.
const DECODED = 1;
const COALESCE = 2;
const HAS_GRACE = 4;
const HAS_NEXT = 8;
const NEXT_KNOWN = 16;
const HAS_START = 32;
const START_KNOWN = 64;
const HAS_INTERVAL = 128;

/**
 * A batch's rows decoded (`decode`: a row's state, null for a row not decoded) and packed, each
 * row as soon as it is decoded, so that what decoding it made dies young. `ids`: the rows' ids;
 * a state whose id is its row's is sent without it, and gets the row's own string back
 * (unpackStates).
 */
export function packStates(decode: (row: number) => DecodedState | null, ids: readonly string[]): PackedStates {
  const rows = ids.length;
  const texts: string[] = [];
  const index = new Map<string, number>();
  const refs = new Int32Array(rows * TEXTS_PER_ROW).fill(NO_TEXT);
  const numbers = new Float64Array(rows * NUMBERS_PER_ROW);
  const failures: PackedStates['failures'] = [];
  const text = (row: number, field: number, t: string | null): void => {
    if (t === null) return;
    let at = index.get(t);
    if (at === undefined) {
      at = texts.length;
      texts.push(t);
      index.set(t, at);
    }
    refs[row * TEXTS_PER_ROW + field] = at;
  };
  const instant = (d: StoreInstant | null, at: number, has: number, known: number): number => {
    if (d === null) return 0;
    if (d.epochMicros === null) return has;
    numbers[at] = d.epochMicros;
    return has | known;
  };
  for (let row = 0; row < rows; row++) {
    const d = decode(row);
    if (d === null) continue;
    if (!d.state || !d.callArguments || d.decodeError !== undefined) {
      failures.push(d.decodeLimited ? { at: row, decodeError: d.decodeError ?? '', decodeLimited: true } : { at: row, decodeError: d.decodeError ?? '' });
      continue;
    }
    const s = d.state;
    const t = s.trigger;
    const n = row * NUMBERS_PER_ROW;
    if (s.id === ids[row]) refs[row * TEXTS_PER_ROW + T_ID] = ROW_ID;
    else text(row, T_ID, s.id);
    text(row, T_NAME, s.name);
    text(row, T_FUNC, s.func);
    text(row, T_EXECUTOR, s.executor);
    text(row, T_TYPE, t.type);
    text(row, T_TRIGGER, t.text);
    text(row, T_TIMEZONE, t.timezone);
    text(row, T_ARGS, d.callArguments.args);
    text(row, T_KWARGS, d.callArguments.kwargs);
    let flags = DECODED | (s.coalesce ? COALESCE : 0);
    if (s.misfireGraceTime !== null) {
      flags |= HAS_GRACE;
      numbers[n + N_GRACE] = s.misfireGraceTime;
    }
    numbers[n + N_MAX_INSTANCES] = s.maxInstances;
    flags |= instant(s.nextRunTime, n + N_NEXT, HAS_NEXT, NEXT_KNOWN);
    flags |= instant(t.startDate, n + N_START, HAS_START, START_KNOWN);
    if (t.intervalSeconds !== undefined) {
      flags |= HAS_INTERVAL;
      numbers[n + N_INTERVAL] = t.intervalSeconds;
    }
    numbers[n + N_FLAGS] = flags;
  }
  return { texts, refs, numbers, failures };
}

/**
 * The packed form → the states packStates was given, each made as decodeState makes it
 * (summaryJob), with its texts shared with other batches' rows as decodeState shares them: a
 * text once a batch, not once a row.
 */
export function unpackStates(p: PackedStates, ids: readonly string[]): (DecodedState | null)[] {
  const rows = ids.length;
  const out: (DecodedState | null)[] = new Array(rows).fill(null);
  for (const f of p.failures) out[f.at] = f.decodeLimited ? { decodeError: f.decodeError, decodeLimited: true } : { decodeError: f.decodeError };
  const { texts, refs, numbers } = p;
  const names: (string | undefined)[] = new Array(texts.length);
  const calls: (string | undefined)[] = new Array(texts.length);
  /** An id is the row's own: never shared. */
  const id = (row: number): string => {
    const at = refs[row * TEXTS_PER_ROW + T_ID];
    return at === ROW_ID ? ids[row] : texts[at];
  };
  /**
   * A count read back from a Float64Array is a double, which V8 keeps in a heap number of its own
   * (100,000 rows: 1.6 MB); one that is a small integer is made one again, as the decoder made it.
   */
  const count = (v: number): number => ((v | 0) === v ? v | 0 : v);
  const name = (row: number, field: number): string | null => {
    const at = refs[row * TEXTS_PER_ROW + field];
    return at === NO_TEXT ? null : (names[at] ??= shared(texts[at]));
  };
  const call = (row: number, field: number): string => {
    const at = refs[row * TEXTS_PER_ROW + field];
    return (calls[at] ??= sharedArguments(texts[at]));
  };
  const instant = (flags: number, at: number, has: number, known: number): StoreInstant | null =>
    flags & has ? { epochMicros: flags & known ? numbers[at] : null } : null;
  for (let row = 0; row < rows; row++) {
    const n = row * NUMBERS_PER_ROW;
    const flags = numbers[n + N_FLAGS];
    if (!(flags & DECODED)) continue;
    out[row] = summaryJob(
      id(row), name(row, T_NAME)!, name(row, T_FUNC)!, name(row, T_EXECUTOR)!,
      flags & HAS_GRACE ? count(numbers[n + N_GRACE]) : null, (flags & COALESCE) !== 0, count(numbers[n + N_MAX_INSTANCES]),
      instant(flags, n + N_NEXT, HAS_NEXT, NEXT_KNOWN),
      name(row, T_TYPE) as StoreTriggerSummary['type'], name(row, T_TRIGGER)!, name(row, T_TIMEZONE), instant(flags, n + N_START, HAS_START, START_KNOWN),
      flags & HAS_INTERVAL ? count(numbers[n + N_INTERVAL]) : undefined,
      call(row, T_ARGS), call(row, T_KWARGS),
    );
  }
  return out;
}
