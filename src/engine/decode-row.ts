// One job-store row → a StoreJob: its pickle decoded (whole, or only what analysis reads), or the
// reason it cannot be. Imports only the decoder, so a decoding thread (decode-worker.ts) starts
// without the database drivers.

import type { CallArguments, DecodedStoreJob, StoreInstant, StoreJob, StoreJobSummary, StoreTriggerSummary } from '../model/store-job';
import type { RawStoreRow } from '../model/store-record';
import { decodeJobState, JobStateError, type JobState } from '../stores/job-state';

/** What a pickle decodes to: the part of a StoreJob that does not come from the row. */
export interface DecodedState {
  state?: StoreJobSummary;
  callArguments?: CallArguments;
  decodeError?: string;
  decodeLimited?: boolean;
}

/** The pickle of a row that does not keep its own. */
export const NO_PICKLE = Buffer.alloc(0);

/**
 * A pickle → its state, or why it cannot be decoded (never an exception). `share`: a summary's
 * texts are shared with other rows' (`shared`). A decoding thread does not share them: its
 * summaries are sent on (summary-wire.ts), and the thread that keeps them shares.
 */
export function decodeState(pickle: Buffer, summary: boolean, share = true): DecodedState {
  try {
    const s = decodeJobState(pickle);
    return summary ? summaryOf(s, share ? shared : same, share ? argumentsText : JSON.stringify) : { state: s };
  } catch (err) {
    const message = err instanceof RangeError ? 'the pickle nests too deeply to decode' : (err as Error).message;
    const limited = err instanceof RangeError || (err instanceof JobStateError && err.limit);
    return { decodeError: message, ...(limited ? { decodeLimited: true } : {}) };
  }
}

/**
 * Arguments as JSON text, a short one shared: most jobs are called with `[]`, `{}` or a few
 * constants, and each row held its own copy (100,000 rows: 66,000 copies of two texts). A long
 * text, often a row's own, is not looked up.
 */
function argumentsText(value: unknown): string {
  return sharedArguments(JSON.stringify(value));
}

/** An arguments text, shared when short (see argumentsText). */
export function sharedArguments(text: string): string {
  return text.length <= SHARED_ARGUMENTS ? shared(text) : flat(text);
}

const SHARED_ARGUMENTS = 64;

/**
 * The text as one flat string. JSON.stringify builds a long text in parts joined as a tree (V8's
 * cons strings: a node of 32 bytes per part, and the parts' own headers); reading it once makes
 * V8 join the parts, and the next collection drops the tree (100,000 rows kept for analysis:
 * 166,000 such nodes, 5 MB, before this).
 */
function flat(text: string): string {
  if (text.length > 0) text.charCodeAt(0);
  return text;
}

/** The row and its decoded state as one StoreJob (a row the store marked invalid is not decoded). */
export function storeJobOf(display: string, table: string, row: RawStoreRow, keepPickle: boolean, decoded: DecodedState | undefined): StoreJob {
  // A row whose pickle was let go as it was decoded (DecodeTask.dropPickles) needs no copy.
  const kept = keepPickle || row.jobState === NO_PICKLE ? row : { ...row, jobState: NO_PICKLE };
  if (row.invalid || !decoded) return { store: display, table, row: kept, decodeError: row.invalid };
  // The state's id is the row's, decoded again from the pickle: one string for the two, not two
  // (100,000 rows kept for analysis: 4 MB of live heap).
  if (decoded.state?.id === row.id) decoded.state.id = row.id;
  // A row decoded for analysis, spelled out: spread, its fifth member was stored apart from the
  // object (100,000 rows: 3 MB).
  const { state, callArguments } = decoded;
  if (state && callArguments && decoded.decodeError === undefined && decoded.decodeLimited === undefined) return { store: display, table, row: kept, state, callArguments };
  return { store: display, table, row: kept, ...decoded };
}

/** One row → a StoreJob, decoded whole. */
export function decodeRow(display: string, table: string, row: RawStoreRow, keepPickle = true): DecodedStoreJob {
  return storeJobOf(display, table, row, keepPickle, row.invalid ? undefined : decodeState(row.jobState, false)) as DecodedStoreJob;
}

function summaryOf(s: JobState, share: (text: string) => string, argumentsOf: (value: unknown) => string): DecodedState {
  const t = s.trigger;
  return summaryJob(
    s.id, share(s.name), share(s.func), share(s.executor), s.misfireGraceTime, s.coalesce, s.maxInstances, instant(s.nextRunTime),
    t.type, share(t.text), t.timezone === null ? null : share(t.timezone), instant(t.startDate), t.intervalSeconds,
    argumentsOf(s.args), argumentsOf(s.kwargs),
  );
}

const same = (text: string): string => text;

/**
 * A summary and its arguments' texts as one DecodedState, made the same way whether it was
 * decoded in this thread (summaryOf) or sent from another (summary-wire.ts): the same members in
 * the same order, so that the reports do not depend on where a row was decoded.
 */
export function summaryJob(
  id: string, name: string, func: string, executor: string, misfireGraceTime: number | null, coalesce: boolean, maxInstances: number,
  nextRunTime: StoreInstant | null, type: StoreTriggerSummary['type'], text: string, timezone: string | null, startDate: StoreInstant | null,
  intervalSeconds: number | undefined, args: string, kwargs: string,
): DecodedState {
  // Made whole: a member added to an object once made is stored apart from it (100,000 rows: 1.5 MB).
  const trigger: StoreTriggerSummary = intervalSeconds === undefined
    ? { type, text, timezone, startDate }
    : { type, text, timezone, startDate, intervalSeconds };
  const state: StoreJobSummary = { id, name, func, executor, misfireGraceTime, coalesce, maxInstances, nextRunTime, trigger };
  return { state, callArguments: { args, kwargs } };
}

function instant(d: { epochMicros: number | null } | null): StoreInstant | null {
  return d === null ? null : { epochMicros: d.epochMicros };
}

/**
 * One copy of each text many rows repeat (functions, executors, zones, trigger texts, names): a
 * decoded row's strings are its own, and 100,000 rows held 100,000 copies of 'default'.
 *
 * A table of one text a slot, the slot chosen by the text's length and a few of its characters,
 * a text taking the slot of the one there before it: a text rows repeat stays, one no other row
 * holds soon gives way. It was a Map of every text, cleared at 50,000: on a store of mostly
 * distinct texts (100,000 rows, 71,000 trigger texts) it was filled and cleared over and over,
 * each growth a new table in the large-object space, dead until a full collection. Measured on
 * that store: decoding alone 1.39-1.44 -> 1.25-1.27 s; `analyze --db` in one thread (3 pairs,
 * whole process) 2.61-2.69 -> 2.51-2.58 s and 192-203 -> 188-191 MiB; with a worker beside, the
 * large-object space at the rules 11 -> 3 MB. Where texts collide a few more copies are kept:
 * 2 MB more strings there.
 */
const SHARED_SLOTS = 65_536;
const sharedTexts: (string | undefined)[] = new Array(SHARED_SLOTS).fill(undefined);

export function shared(text: string): string {
  const n = text.length;
  if (n === 0) return text;
  // Both ends and four points between: the digits that tell ids, names and intervals apart are
  // most often near the end.
  const slot =
    (n * 31 + text.charCodeAt(0) * 7 + text.charCodeAt(n - 1) * 131 + text.charCodeAt(n > 1 ? n - 2 : 0) * 1031 +
      text.charCodeAt(n > 2 ? n - 3 : 0) * 65_537 + text.charCodeAt(n >> 1) * 17 + text.charCodeAt(n >> 2) * 3 +
      text.charCodeAt((3 * n) >> 2) * 8191) &
    (SHARED_SLOTS - 1);
  const known = sharedTexts[slot];
  if (known === text) return known;
  sharedTexts[slot] = text;
  return text;
}
