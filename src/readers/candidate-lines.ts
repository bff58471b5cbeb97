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

/**
 * How likely a byte is in ordinary log text, roughly: a marker is looked for by its least likely
 * pair of bytes (its anchor), so that the scan below stops rarely on anything but a marker.
 */
function commonness(byte: number): number {
  const c = String.fromCharCode(byte);
  if (c === ' ') return 5;
  if ('etaoinshrdl'.includes(c)) return 4;
  if (/[a-z0-9]/.test(c)) return 3;
  if (/[A-Z]/.test(c)) return 1;
  return 2;
}

interface Anchored {
  bytes: Buffer;
  /** Where the anchor pair sits in the marker. */
  offset: number;
}

/** Markers by anchor pair (first byte << 8 | second), and per byte whether an anchor can start (1) or end (2) with it. */
const ANCHOR_GROUP = new Uint8Array(1 << 16);
const FIRST = 1;
const SECOND = 2;
const ANCHOR_BYTE = new Uint8Array(256);
const GROUPS: Anchored[][] = [[]];
for (const bytes of MARKER_BYTES) {
  if (bytes.length < 2) throw new Error(`candidate marker '${bytes}' is shorter than an anchor pair`);
  let offset = 0;
  let best = Infinity;
  for (let k = 0; k + 1 < bytes.length; k++) {
    const score = commonness(bytes[k]) + commonness(bytes[k + 1]);
    if (score < best) {
      best = score;
      offset = k;
    }
  }
  const pair = (bytes[offset] << 8) | bytes[offset + 1];
  if (ANCHOR_GROUP[pair] === 0) {
    ANCHOR_GROUP[pair] = GROUPS.length;
    GROUPS.push([]);
  }
  GROUPS[ANCHOR_GROUP[pair]].push({ bytes, offset });
  ANCHOR_BYTE[bytes[offset]] |= FIRST;
  ANCHOR_BYTE[bytes[offset + 1]] |= SECOND;
}

/**
 * The next marker in a buffer, in one pass over its bytes: at each byte that can start or end an
 * anchor, the pair is looked up, and the markers anchored there are compared in place. (One indexOf per
 * marker scanned the buffer once per marker: 27 times, 85 MB/s over application lines.)
 */
export class CandidateFinder {
  /**
   * Offset of a marker starting at or after `from` in `buf`, or -1; `from` is a line's start.
   * The marker found lies on the first line that holds any (an earlier line's marker would have
   * its anchor earlier), which is all the reader needs.
   */
  find(buf: Buffer, from: number): number {
    // Every second byte is looked at: a pair starts at it or ends at it, so every pair is seen,
    // in the order of its start.
    const n = buf.length;
    for (let i = from + 1; i < n; i += 2) {
      const role = ANCHOR_BYTE[buf[i]];
      if (role === 0) continue;
      if (role & SECOND) {
        const at = this.markerAt(buf, from, i - 1);
        if (at >= 0) return at;
      }
      if (role & FIRST && i + 1 < n) {
        const at = this.markerAt(buf, from, i);
        if (at >= 0) return at;
      }
    }
    return -1;
  }

  /** The start of a marker whose anchor pair starts at `i`, or -1. */
  private markerAt(buf: Buffer, from: number, i: number): number {
    const group = ANCHOR_GROUP[(buf[i] << 8) | buf[i + 1]];
    if (group === 0) return -1;
    for (const { bytes, offset } of GROUPS[group]) {
      const start = i - offset;
      if (start >= from && start + bytes.length <= buf.length && matchesAt(buf, start, bytes)) return start;
    }
    return -1;
  }
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
