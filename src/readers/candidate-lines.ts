// Which lines of a chunk are worth a string. Most lines of a log are the application's: when the
// reader is between records (nothing held, no traceback or split record open), a line in which no
// marker below appears cannot be, start or end an APScheduler record, so it is skipped on bytes:
// never decoded, never matched. The markers are substrings of every APScheduler message start
// (derived from the message table, so a new message is covered), of every APScheduler logger
// name, of a traceback header, of a colour code (which could hide any of them) and of journald's
// byte-array MESSAGE. A reader feature that looks at other lines must add its marker here.

import { MESSAGE_STARTS } from './apscheduler-messages';
import { SERVER_LINES } from './server-lines';

/** Short words most message starts contain; a start without one is a marker itself. */
const WORDS = ['job', 'Job', 'heduler'];

/**
 * Web servers' own start-up lines (gunicorn, uWSGI, uvicorn, Werkzeug, Django runserver, mod_wsgi),
 * which say how many schedulers a deployment started: the server-line table names the literal
 * each of its shapes contains, so they are never skipped.
 */
const SERVER_MARKERS = [...new Set(SERVER_LINES.map((d) => d.marker))];

export const CANDIDATE_MARKERS: readonly string[] = [
  ...WORDS,
  ...SERVER_MARKERS,
  ...MESSAGE_STARTS.filter((s) => !WORDS.some((w) => s.includes(w))),
  'Traceback',
  '\x1b[',
  '"MESSAGE"',
];

const MARKER_BYTES = CANDIDATE_MARKERS.map((m) => Buffer.from(m, 'utf8'));

/** The next marker in one buffer, each marker's next position remembered so the buffer is scanned once per marker. */
export class CandidateFinder {
  private buf: Buffer | undefined;
  private next = new Float64Array(MARKER_BYTES.length);

  /** Offset of the first marker at or after `from` in `buf`, or -1. */
  find(buf: Buffer, from: number): number {
    if (buf !== this.buf) {
      this.buf = buf;
      this.next.fill(-1);
    }
    let best = Infinity;
    for (let k = 0; k < MARKER_BYTES.length; k++) {
      let at = this.next[k];
      if (at !== Infinity && at < from) {
        const found = buf.indexOf(MARKER_BYTES[k], from);
        at = found < 0 ? Infinity : found;
        this.next[k] = at;
      }
      if (at < best) best = at;
    }
    return best === Infinity ? -1 : best;
  }
}

/** Newlines in buf[from, to). */
export function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(10, from); i >= 0 && i < to; i = buf.indexOf(10, i + 1)) n++;
  return n;
}
