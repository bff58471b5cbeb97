// Which lines of a chunk are worth a string. Most lines of a log are the application's: when the
// reader is between records (nothing held, no traceback or split record open), a line in which no
// marker below appears cannot be, start or end an APScheduler record, so it is skipped on bytes:
// never decoded, never matched. The markers are substrings of every APScheduler message start
// (derived from the message table, so a new message is covered), of every APScheduler logger
// name, of a traceback header, of a colour code (which could hide any of them) and of journald's
// byte-array MESSAGE. A reader feature that looks at other lines must add its marker here.

import { MESSAGE_STARTS } from './apscheduler-messages';
import { SERVER_LINES } from './server-lines';

/**
 * One of them is in every APScheduler logger name (`apscheduler.scheduler`, `apscheduler.executors.default`…)
 * and in the scheduler's own messages that name it (`Scheduler started`). Two words of nine bytes,
 * not their common `heduler`: the shortest long marker sets how far the scan below may step.
 */
const LOGGER_WORDS = ['scheduler', 'Scheduler'];

/**
 * Each message start up to its first quote, with that quote as it may be written: raw, or escaped
 * in a JSON line (`\"`, `\\\"`, `\u0022` all begin with a backslash). Whole starts, not the word
 * `job`, which an application's own lines use freely (a logger `app.jobs`, "job step finished"):
 * with the word, a log whose every third line said "job" was read line by line at a third of the
 * speed. The quote makes `Job ` five bytes, which lets the scan below step further.
 */
const START_MARKERS = [
  ...new Set(
    MESSAGE_STARTS.flatMap((s) => {
      const quote = s.indexOf('"');
      return quote < 0 ? [s] : [s.slice(0, quote) + '"', s.slice(0, quote) + '\\'];
    }),
  ),
].filter((s) => !LOGGER_WORDS.some((w) => s.includes(w)));

/**
 * Web servers' own start-up lines (gunicorn, uWSGI, uvicorn, Werkzeug, Django runserver, mod_wsgi),
 * which say how many schedulers a deployment started: the server-line table names the literal
 * each of its shapes contains, so they are never skipped.
 */
const SERVER_MARKERS = [...new Set(SERVER_LINES.map((d) => d.marker))];

export const CANDIDATE_MARKERS: readonly string[] = [
  ...LOGGER_WORDS,
  ...SERVER_MARKERS,
  ...START_MARKERS,
  'Traceback',
  '\x1b[',
  '"MESSAGE"',
];

/**
 * Markers at least this long are found by the skipping scan below; shorter ones (a colour code's
 * `ESC [`, uWSGI's `*** `, `Job ` with its quote) by Buffer.indexOf, native and fast for a few
 * needles: one pass for each distinct first four bytes (`Job "` and `Job \` are one pass). The
 * scan steps at most WINDOW - 1 bytes: at 9 it read 512 MiB of the bench's application lines in
 * 455-468 ms, at 7 (when `heduler` and `* Debug` were markers) in 566-581 ms.
 */
const WINDOW = 9;

const MARKER_BYTES = CANDIDATE_MARKERS.map((m) => Buffer.from(m, 'utf8'));
const LONG = MARKER_BYTES.filter((b) => b.length >= WINDOW);

/** The short markers by the needle searched for (their first four bytes at most). */
const SHORT: { needle: Buffer; markers: Buffer[] }[] = [];
for (const bytes of MARKER_BYTES.filter((b) => b.length < WINDOW)) {
  const needle = bytes.subarray(0, Math.min(4, bytes.length));
  const family = SHORT.find((f) => f.needle.equals(needle));
  if (family) family.markers.push(bytes);
  else SHORT.push({ needle, markers: [bytes] });
}

/**
 * The skipping scan's tables (Wu and Manber's multi-pattern search, on pairs of bytes): a window
 * of WINDOW bytes slides along the buffer, and the pair at its end says how far it may jump.
 * SHIFT[pair] is the smallest distance from that pair to the end of a marker's first WINDOW
 * bytes, over every marker and every place the pair has in them (WINDOW - 1 for a pair in none):
 * ordinary text moves the window 7.1 bytes a step (the bench log's application lines; 6.3 at a
 * window of 7). At 0 the window may be a marker's start, and the markers whose first WINDOW bytes
 * end in that pair are compared.
 */
const SHIFT = new Uint8Array(1 << 16).fill(WINDOW - 1);
/** Per pair, its group of markers (0: none) in ENDING: a table of small numbers, not 65,536 lists (9 MB a thread). */
const ENDING_GROUP = new Uint16Array(1 << 16);
const ENDING: Buffer[][] = [[]];
for (const bytes of LONG) {
  for (let q = 0; q + 1 < WINDOW; q++) {
    const pair = (bytes[q] << 8) | bytes[q + 1];
    SHIFT[pair] = Math.min(SHIFT[pair], WINDOW - 2 - q);
  }
  const last = (bytes[WINDOW - 2] << 8) | bytes[WINDOW - 1];
  if (ENDING_GROUP[last] === 0) {
    ENDING_GROUP[last] = ENDING.length;
    ENDING.push([]);
  }
  ENDING[ENDING_GROUP[last]].push(bytes);
}

/**
 * The next marker in a buffer. (One indexOf per marker scanned the buffer once per marker: 27
 * times, 85 MB/s over application lines; a loop that looked the pair ending at every byte up in a
 * table, one step a byte, 500 MB/s over the bench log's application lines; this, 900 MB/s there.)
 */
export class CandidateFinder {
  /** The short markers' next places in the buffer last asked about, found once and reused while `from` moves forward. */
  private shortBuf: Buffer | undefined;
  private shortFrom = 0;
  private shortAt: number[] = SHORT.map(() => -1);

  /**
   * Offset of the first marker starting at or after `from` in `buf`, or -1; `from` is a line's
   * start. It lies on the first line that holds any, which is all the reader needs.
   */
  find(buf: Buffer, from: number): number {
    const short = this.nextShort(buf, from);
    // A long marker counts only if it starts before the short one found.
    const limit = short < 0 ? buf.length : Math.min(buf.length, short + WINDOW - 1);
    const long = nextLong(buf, from, limit);
    return long >= 0 && (short < 0 || long < short) ? long : short;
  }

  /** The first short marker at or after `from`, or -1. */
  private nextShort(buf: Buffer, from: number): number {
    if (buf !== this.shortBuf || from < this.shortFrom) {
      this.shortBuf = buf;
      for (let k = 0; k < SHORT.length; k++) this.shortAt[k] = nextOf(SHORT[k], buf, from);
    } else {
      for (let k = 0; k < SHORT.length; k++) {
        const at = this.shortAt[k];
        if (at >= 0 && at < from) this.shortAt[k] = nextOf(SHORT[k], buf, from);
      }
    }
    this.shortFrom = from;
    let first = -1;
    for (const at of this.shortAt) if (at >= 0 && (first < 0 || at < first)) first = at;
    return first;
  }
}

/** The first place at or after `from` where one of a family's markers starts, or -1. */
function nextOf(family: { needle: Buffer; markers: Buffer[] }, buf: Buffer, from: number): number {
  for (let at = buf.indexOf(family.needle, from); at >= 0; at = buf.indexOf(family.needle, at + 1)) {
    for (const bytes of family.markers) if (at + bytes.length <= buf.length && matchesAt(buf, at, bytes)) return at;
  }
  return -1;
}

/** The start of the first long marker at or after `from` whose window ends before `limit`, or -1. */
function nextLong(buf: Buffer, from: number, limit: number): number {
  const n = buf.length;
  for (let end = from + WINDOW - 1; end < limit; ) {
    const pair = (buf[end - 1] << 8) | buf[end];
    const shift = SHIFT[pair];
    if (shift !== 0) {
      end += shift;
      continue;
    }
    const start = end - WINDOW + 1;
    for (const bytes of ENDING[ENDING_GROUP[pair]]) if (start + bytes.length <= n && matchesAt(buf, start, bytes)) return start;
    end++;
  }
  return -1;
}

function matchesAt(buf: Buffer, start: number, bytes: Buffer): boolean {
  for (let j = 0; j < bytes.length; j++) if (buf[start + j] !== bytes[j]) return false;
  return true;
}

/** Newlines in buf[from, to). */
export function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(10, from); i >= 0 && i < to; i = buf.indexOf(10, i + 1)) n++;
  return n;
}
