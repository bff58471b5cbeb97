// A log source to events: lines → records (with their tracebacks) → events with instants.
// Streams in chunk-sized batches; what it keeps between lines is one pending record and the
// clock's bounded buffer, never the log. A source is one file, or the rotated parts of one log
// read oldest first. Lines may be text or JSON (json-record.ts), mixed line by line: a JSON
// record is read from its fields, or, for shapes that wrap a line of output (Docker, journald),
// as that text line with the record's fields around it like an envelope.

import type { LogEvent, RecordContext } from '../model/event';
import { findMessageStart, MESSAGE_START, parseMessage, withContext, type EventBody, type MessageDef } from './apscheduler-messages';
import { Clock, type PendingEvent } from './clock';
import type { CompiledDateFormat } from './date-format';
import { DateOrder } from './date-order';
import { EchoFilter } from './echo-filter';
import { peelEnvelopes } from './envelopes';
import { bodyLines, lineText, readBlocks } from './line-source';
import type { SegmentSkipping } from './segmented-file';
import type { SegmentMap } from './segment-scan';
import { CandidateFinder, countNewlines } from './candidate-lines';
import { matchLogFormat, type CompiledFormat } from './python-logging-format';
import { describeFields, parsePrefix, type PrefixFields } from './record-prefix';
import { exceptionLine, type FieldMap, type JsonObject } from './json-fields';
import { JSON_CANDIDATE, parseObject, readJsonRecord, type JsonRecord } from './json-record';
import { findStamps, pickStamp, type Stamp } from './timestamp';
import { ServerLineScanner } from './server-lines';
import type { FollowedBlock } from './follow';
import type { Zone } from './zone';

export interface ReaderOptions {
  logFormat?: CompiledFormat;
  /** Python's `datefmt` of the stamps (--date-format): read exactly, day and month order certain. */
  dateFormat?: CompiledDateFormat;
  zone?: Zone;
  /** Paths of JSON fields that replace the detected ones (--field message=msg,time=ts). */
  fields?: FieldMap;
  /** The host of every record of this source, whatever the records say (--host-from filename). */
  host?: string;
  /** The files of this source, oldest first (rotated parts of one log); default: the source itself. */
  files?: string[];
  /** Sub-folders of the folder this source came from that were not read (no --recursive). */
  skippedDirs?: string[];
  /** Decode and look at every line (the reference the byte-level skip is tested against). */
  everyLine?: boolean;
  /** Bytes per segment a second thread scans ahead (segment-scan.ts); set by tests, which use small ones. */
  segmentBytes?: number;
  /** Tests: segments scanned in this thread, each as the reader reaches it (every one mapped). */
  scanSegmentsHere?: boolean;
  /** Tests: bytes a read of a segmented file takes. */
  segmentReadBytes?: number;
}

export interface SourceStats {
  source: string;
  lines: number;
  /** APScheduler records recognised. */
  records: number;
  /** APScheduler-looking lines that no pattern matched. */
  unrecognised: number;
  /** Records written twice by the same process at the same instant (a logger with two handlers). */
  echoes: number;
  /** Records put back together from two lines. */
  joined: number;
  format: string;
  zone: string;
  firstTime?: number;
  lastTime?: number;
  /** Of the unrecognised lines, those written by APScheduler 4's loggers (not analysed yet). */
  apscheduler4: number;
  /** Up to three unrecognised lines, so the gap can be looked at (`file` when the source has several). */
  unrecognisedSamples: { line: number; text: string; file?: string }[];
  /** The rotated parts read as this source, oldest first, when there are several. */
  files?: string[];
  /** Lines longer than what is kept of a line (line-source MAX_LINE): read for their head only. */
  longLines?: number;
  /** Of the unrecognised records, those whose time is out of any plausible range (`"time": 1e30`). */
  badTimes?: number;
  /** Sub-folders of a folder input that were not read (pass --recursive to read them). */
  skippedDirs?: string[];
  /** What the reader doubts about its reading (a --tz the log contradicts, an ambiguous date order). */
  warnings?: string[];
  /** The top-level keys of the first JSON record whose APScheduler text was not read (to name the --field to give). */
  jsonKeys?: string[];
  /** In that record, the field holding APScheduler's text (`body.text`), when one does. */
  jsonTextAt?: string;
}

const LEVEL_START = /^\s*\[?(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)\b/;
const ANSI_ESCAPE = /\x1b\[[0-9;]*[A-Za-z]/g;
/** A line from one of APScheduler's loggers (not one that merely mentions the package). */
// 3.x loggers, and 4.x's (`apscheduler._schedulers.async_`, a1–a2's workers and data stores): 4.x
// records are counted as not recognised, so a 4.x log is never reported as healthy silence.
const APSCHEDULER_LOGGER = /\bapscheduler\.(?:scheduler|executors|jobstores|_schedulers|schedulers|workers|datastores|eventbrokers)\b/;
/** A line that ends with an APScheduler logger name (and punctuation): a record's head without its message. */
const HEAD_ONLY = /\bapscheduler(?:\.\w+)+[\s:|\]>-]*$/;
const APSCHEDULER_4 = /\bapscheduler\.(?:_schedulers|schedulers\.(?:async_|sync)|workers|datastores|eventbrokers)\b/;
const TB_HEADER = /^(Traceback \(most recent call last\)|During handling of the above exception|The above exception was the direct cause)/;

/** What of a record's raw text is kept as its evidence: the fields are read from all of it. */
const MAX_EVIDENCE = 16 * 1024;
/** Stamps outside these years are not a time a scheduler logged (`"time": 1e30`): the record is not understood. */
const MIN_WALL = -2208988800e6; // 1900-01-01
const MAX_WALL = 7258118400e6; // 2200-01-01

/** A dense source is re-measured on one chunk in this many. */
const DENSITY_SAMPLE = 16;

/** Records held back at most while the echo filter learns whether a source doubles its records. */
const MAX_WAITING = 2000;
/** Lines looked at for JSON behind an envelope (`kubectl logs --timestamps` around JSON records). */
const PROBE_LINES = 50;

/** A JSON record around a text line (Docker's `log`) or around its message (python-json-logger). */
interface AroundJson {
  /** The line as written, for evidence. */
  raw: string;
  record: JsonRecord;
  /** The record wraps a line of output: its stamp is a runtime's, the line's own stamp is the record's. */
  envelope: boolean;
}

const NO_PREFIX: PrefixFields = Object.freeze({});
const NO_PEEL = Object.freeze({ fields: Object.freeze({}), names: Object.freeze([]) as unknown as string[] });

interface HeldRecord {
  event: LogEvent;
  def: MessageDef;
  naiveWall?: number;
  /** The wall time under the other day/month order, while that order is undecided. */
  altWall?: number;
  exception?: string;
  maybeEcho: boolean;
}

export class LogReader {
  readonly stats: SourceStats;
  private clock: Clock;
  private held: HeldRecord | undefined;
  /** Inside a traceback (after its header), whether or not it belongs to a held record. */
  private inTraceback = false;
  /** A line whose message did not parse, kept one line in case the record continues there. */
  private split: { line: number; text: string; start: string; message: string; prefix: PrefixFields; host?: string; peeled: number; around?: AroundJson } | undefined;
  /** A prefix alone on its line (`… INFO apscheduler.scheduler:`), its message expected on the next line. */
  private head: { line: number; text: string; around?: AroundJson } | undefined;
  private echoes = new EchoFilter();
  /** Records held back while a same-format twin waits for the echo filter to learn (bounded). */
  private waiting: { pending: PendingEvent; maybeEcho: boolean; altWall?: number }[] = [];
  /** Of the waiting records, those the echo filter has to judge, and those whose day/month order is open. */
  private waitingEchoes = 0;
  private waitingOrder = 0;
  private dateOrder = new DateOrder();
  private finder = new CandidateFinder();
  /** Lines decoded by the candidate search, and whether the last measured chunk was mostly candidates. */
  private decoded = 0;
  private dense = false;
  private chunks = 0;
  private sawOpenOrder = false;
  private formatNoted = false;
  private sawStamp = false;
  /** The file being read: the source, or one of its rotated parts. */
  private file: string;
  private readonly files: string[];
  /** Non-empty lines still to look at for JSON behind an envelope. */
  private probe = PROBE_LINES;
  private jsonAfterEnvelope = false;
  private servers = new ServerLineScanner();
  /** How a large file's lines that cannot matter go unread (segmented-file.ts); never when every line is read. */
  private readonly skipping: SegmentSkipping | undefined;

  constructor(private readonly source: string, private readonly options: ReaderOptions) {
    this.clock = new Clock(options.zone);
    this.files = options.files && options.files.length > 0 ? options.files : [source];
    this.file = this.files[0];
    this.stats = {
      source, lines: 0, records: 0, unrecognised: 0, echoes: 0, joined: 0,
      format: options.logFormat ? `--log-format '${options.logFormat.source}'` : 'auto: no APScheduler records found',
      zone: '', apscheduler4: 0, unrecognisedSamples: [],
    };
    if (this.files.length > 1) this.stats.files = [...this.files];
    if (options.skippedDirs?.length) this.stats.skippedDirs = [...options.skippedDirs];
    // SCHED_DOCTOR_SEGMENT_SCAN=never reads every segment itself (to compare, or where the second thread misbehaves).
    const segments = !options.everyLine && (options.segmentBytes !== undefined || process.env.SCHED_DOCTOR_SEGMENT_SCAN !== 'never');
    this.skipping = segments ? { quiet: () => !this.everyLineMatters(), sparse: () => !this.dense, segment: options.segmentBytes, scanHere: options.scanSegmentsHere, chunk: options.segmentReadBytes } : undefined;
  }

  async *events(): AsyncGenerator<LogEvent[]> {
    let before = 0;
    for (const file of this.files) {
      this.file = file;
      let lineNo = 1;
      for await (const block of readBlocks(file, this.skipping)) {
        if ('skipped' in block) {
          lineNo += block.skipped;
          this.stats.lines = before + lineNo - 1;
          continue;
        }
        if (block.truncated) this.stats.longLines = (this.stats.longLines ?? 0) + block.truncated;
        const out: LogEvent[] = [];
        this.line(block.head, lineNo++, out);
        if (block.body) lineNo = this.body(block.body, lineNo, out, block.map, block.bodyAt);
        this.stats.lines = before + lineNo - 1;
        if (out.length) yield this.noteTimes(out);
      }
      before = this.stats.lines;
      if (this.files.length > 1) {
        // A record never runs on into the next part of a rotated log: rotation happens between records.
        const out: LogEvent[] = [];
        this.endSplit(out);
        this.release(out);
        this.inTraceback = false;
        if (out.length) yield this.noteTimes(out);
      }
    }
    const out: LogEvent[] = [];
    this.endSplit(out);
    this.release(out);
    if (this.waiting.length) {
      this.echoes.settle();
      this.dateOrder.settle();
      this.releaseWaiting(out);
    }
    this.clock.flush(out);
    this.noteDoubts();
    this.stats.zone = this.clock.sawNaive
      ? this.clock.description
      : this.sawStamp ? 'not needed (every stamp carries its offset)' : 'not needed (no timestamps on the lines)';
    if (out.length) yield this.noteTimes(out);
  }

  /**
   * The events of a log being followed (`watch`): blocks as a follower delivers them, each with
   * its file and first line number. At `idle` (the source paused) the reader releases what it
   * holds for the next line (a traceback's record, an echo or date-order check, the zone's
   * inference): nothing more is coming for now. The source's end is read as events() reads it.
   */
  async *followed(feed: AsyncIterable<FollowedBlock>): AsyncGenerator<LogEvent[]> {
    for await (const item of feed) {
      const out: LogEvent[] = [];
      if ('idle' in item) this.releaseForNow(out);
      else {
        this.file = item.file;
        const { block } = item;
        if (block.truncated) this.stats.longLines = (this.stats.longLines ?? 0) + block.truncated;
        let lineNo = item.firstLine;
        this.line(block.head, lineNo++, out);
        if (block.body) lineNo = this.body(block.body, lineNo, out);
        this.stats.lines += lineNo - item.firstLine;
      }
      if (out.length) yield this.noteTimes(out);
    }
    const out: LogEvent[] = [];
    this.releaseForNow(out);
    this.clock.flush(out);
    this.noteDoubts();
    if (out.length) yield this.noteTimes(out);
  }

  private releaseForNow(out: LogEvent[]): void {
    this.endSplit(out);
    this.release(out);
    this.inTraceback = false;
    if (this.waiting.length) {
      this.echoes.settle();
      this.dateOrder.settle();
      this.releaseWaiting(out);
    }
    this.clock.flushIfDecidable(out);
  }

  /**
   * A chunk's lines. Skipping pays where candidates are sparse; where most lines are records,
   * one decode and split of the whole chunk is cheaper than a search and a decode per line, so
   * the reader measures the density on one chunk in DENSITY_SAMPLE and reads the next ones by it.
   */
  private body(body: Buffer, lineNo: number, out: LogEvent[], map?: SegmentMap, bodyAt = 0): number {
    if (this.options.everyLine) return this.everyLine(body, lineNo, out);
    if (this.dense && this.chunks++ % DENSITY_SAMPLE !== 0) {
      const before = out.length;
      const next = this.everyLine(body, lineNo, out);
      // A burst of records has ended (a job that logs every minute amid the application's lines):
      // the next chunk is measured now, not after fifteen more read line by line.
      if ((out.length - before) * 4 <= next - lineNo) this.chunks = 0;
      return next;
    }
    const decodedBefore = this.decoded;
    const next = this.candidateLines(body, lineNo, out, map, bodyAt);
    this.dense = (this.decoded - decodedBefore) * 4 > next - lineNo;
    return next;
  }

  private everyLine(body: Buffer, lineNo: number, out: LogEvent[]): number {
    for (const l of bodyLines(body)) this.line(l, lineNo++, out);
    return lineNo;
  }

  /**
   * The lines of a chunk, on bytes: while every line matters (a record's lines are being gathered,
   * the first lines are probed for an envelope around JSON) each is decoded; otherwise the reader
   * jumps to the next line holding a candidate marker, counting the lines it skips.
   * Returns the number of the line after the body.
   */
  private candidateLines(body: Buffer, lineNo: number, out: LogEvent[], map: SegmentMap | undefined, bodyAt: number): number {
    const n = body.length;
    let pos = 0;
    while (pos <= n) {
      if (!this.everyLineMatters()) {
        // The scanning thread's map, where it made one, says what the search would find.
        const c = map ? map.next(pos, bodyAt, n) : this.finder.find(body, pos);
        if (c < 0) return lineNo + countNewlines(body, pos, n) + 1;
        const start = Math.max(pos, body.lastIndexOf(10, c) + 1);
        lineNo += countNewlines(body, pos, start);
        pos = start;
      }
      let end = body.indexOf(10, pos);
      if (end < 0) end = n;
      this.line(lineText(body, pos, end), lineNo++, out);
      this.decoded++;
      pos = end + 1;
    }
    return lineNo;
  }

  /** Whether the next line must be looked at whatever it holds. */
  private everyLineMatters(): boolean {
    return this.pending() || this.head !== undefined || this.probe > 0 || this.jsonAfterEnvelope;
  }

  private line(text: string, lineNo: number, out: LogEvent[]): void {
    const c = text.charCodeAt(0);
    if (c === 123 /* { */ || (c === 32 && text.trimStart().charCodeAt(0) === 123) || this.jsonAfterEnvelope) {
      if (this.jsonLine(text, lineNo, out)) return;
    } else if (this.probe > 0 && text.length > 0) {
      this.probe--;
      const p = peelEnvelopes(text);
      if (p.offset > 0 && text.charCodeAt(p.offset) === 123 && parseObject(text.slice(p.offset))) {
        this.jsonAfterEnvelope = true;
        if (this.jsonLine(text, lineNo, out)) return;
      }
    }
    this.textLine(text, lineNo, out);
  }

  /** A records's lines are still being gathered: every line must be looked at. */
  private pending(): boolean {
    return this.held !== undefined || this.inTraceback || this.split !== undefined;
  }

  /**
   * A line holding a JSON object (after an envelope, for `kubectl logs --timestamps`): true when
   * it was read as JSON, false to read it as text (not an object, or not valid JSON).
   */
  private jsonLine(text: string, lineNo: number, out: LogEvent[]): boolean {
    let start = 0;
    let envelope: { stamp?: Stamp; host?: string; pid?: string } | undefined;
    if (text.charCodeAt(0) !== 123) {
      start = text.length - text.trimStart().length;
      if (text.charCodeAt(start) !== 123) {
        const p = peelEnvelopes(text);
        if (p.offset === 0 || text.charCodeAt(p.offset) !== 123) return false;
        start = p.offset;
        envelope = { stamp: pickStamp(findStamps(text.slice(0, start))), host: p.fields.host, pid: p.fields.pid };
      }
    }
    if (text.charCodeAt(text.length - 1) !== 125 /* } */ && !text.trimEnd().endsWith('}')) return false;
    // Most lines of a JSON log are the application's: nothing to parse.
    if (!this.pending() && !text.includes('apscheduler') && !JSON_CANDIDATE.test(text)) return true;
    const o = parseObject(start === 0 ? text : text.slice(start));
    if (!o) return false;
    const record = readJsonRecord(o, this.options.fields, !this.formatNoted);
    if (!record) {
      if (APSCHEDULER_LOGGER.test(text) || apschedulerTextIn(o) !== undefined) {
        this.endSplit(out);
        this.release(out);
        this.unrecognised(lineNo, text, o);
      }
      return true;
    }
    if (envelope) {
      record.host ??= envelope.host;
      record.pid ??= envelope.pid;
      if (envelope.stamp) record.stamp = pickStamp(record.stamp ? [envelope.stamp, record.stamp] : [envelope.stamp]);
    }
    if (record.stream) this.jsonStream(record, text, lineNo, out);
    else this.jsonRecord(record, text, lineNo, out, o);
    return true;
  }

  /** A record whose message is the APScheduler message itself (python-json-logger, structlog, ECS). */
  private jsonRecord(record: JsonRecord, raw: string, lineNo: number, out: LogEvent[], o: JsonObject): void {
    // A JSON record ends whatever came before it.
    this.endSplit(out);
    this.release(out);
    this.inTraceback = false;
    let message = record.message;
    if (message.includes('\x1b[')) message = message.replace(ANSI_ESCAPE, '');
    // Text after the first line of a message is a traceback some handler appended to it.
    const nl = message.indexOf('\n');
    const after = nl < 0 ? '' : message.slice(nl + 1);
    if (nl >= 0) message = message.slice(0, message.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
    const m = MESSAGE_START.exec(message);
    const parsed = m ? parseMessage(m[0], message.slice(m.index)) : undefined;
    if (!m || !parsed) {
      // An APScheduler logger with an unknown message is a gap; another logger's look-alike is not.
      // APScheduler's own text in a field that was not read as the message is a gap too (fields not detected).
      if (record.logger !== undefined ? APSCHEDULER_LOGGER.test(record.logger) : m || APSCHEDULER_LOGGER.test(message)) this.unrecognised(lineNo, raw, o);
      else if (!m && apschedulerTextIn(o) !== undefined) this.unrecognised(lineNo, raw, o);
      return;
    }
    const prefix = m.index > 0 ? parsePrefix(message, this.options.dateFormat, m.index) : NO_PREFIX;
    const around: AroundJson = { raw, record, envelope: false };
    this.emit(parsed.body, parsed.def, prefix, NO_PEEL, lineNo, message, `json ${record.shape}|${message.slice(0, m.index)}`, message.slice(m.index), out, around);
    if (!this.held) return;
    const exception = record.exception ?? (after ? exceptionLine(after) : undefined);
    // Without one, the traceback may follow as plain lines (printed raw to the same stream).
    if (exception) {
      this.held.exception = exception;
      this.release(out);
    }
  }

  /** A record wrapping lines of the program's output (Docker's `log`, journald's MESSAGE): read as text. */
  private jsonStream(record: JsonRecord, raw: string, lineNo: number, out: LogEvent[]): void {
    let text = record.message;
    if (text.charCodeAt(text.length - 1) === 10) text = text.slice(0, -1);
    const around: AroundJson = { raw, record, envelope: true };
    if (!text.includes('\n')) {
      this.textLine(text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text, lineNo, out, around);
      return;
    }
    for (const part of text.split('\n')) this.textLine(part.charCodeAt(part.length - 1) === 13 ? part.slice(0, -1) : part, lineNo, out, around);
  }

  private textLine(text: string, lineNo: number, out: LogEvent[], around?: AroundJson): void {
    // Colour codes (colorlog, `docker compose logs` on a terminal) would hide levels and prefixes.
    if (text.includes('\x1b[')) text = text.replace(ANSI_ESCAPE, '');
    if (this.split) {
      if (this.trySplit(text, out, around)) return;
      this.endSplit(out);
    }
    if (this.head) {
      const head = this.head;
      this.head = undefined;
      const record = text.slice(peelEnvelopes(text).offset);
      const starts = MESSAGE_START.exec(record);
      if (starts && starts.index === 0) return this.textLine(`${head.text} ${record}`, head.line, out, head.around);
      this.unrecognised(head.line, head.around?.raw ?? head.text);
    }
    const found = this.findMessage(text);
    if (found === undefined) {
      if (this.continuesTraceback(text)) return;
      this.release(out);
      // A web server's own line (gunicorn, uvicorn, Werkzeug…): evidence of how the app was started.
      const server = this.servers.scan(text, lineNo);
      if (server) {
        const { kind: role, ...rest } = server;
        const ctx: RecordContext = { source: this.file, line: lineNo, text: around?.raw ?? text, host: this.options.host ?? peelEnvelopes(text).fields.host, ...(this.files.length > 1 ? { stream: this.source } : {}) };
        return this.forward({ event: { kind: 'server-line', ctx, role, ...rest } }, false, out);
      }
      // With --log-format, an APScheduler message on a line the format does not match is a gap too.
      const looksLike = APSCHEDULER_LOGGER.test(text) || (this.options.logFormat !== undefined && MESSAGE_START.test(text));
      if (looksLike && !/^\s/.test(text.slice(peelEnvelopes(text).offset))) {
        // A format with a newline before %(message)s: the record's head now, its message next.
        if (HEAD_ONLY.test(text)) this.head = { line: lineNo, text, around };
        else this.unrecognised(lineNo, around?.raw ?? text);
      }
      return;
    }
    this.release(out);
    this.inTraceback = false;
    const { start, index, recordStart, fields } = found;
    const message = text.slice(index);
    const parsed = parseMessage(start, message);
    const peeled = peelEnvelopes(text);
    const prefix = fields ?? parsePrefix(text, this.options.dateFormat, index);
    if (!parsed) {
      this.split = { line: lineNo, text, start, message, prefix, host: peeled.fields.host, peeled: recordStart ?? peeled.offset, around };
      return;
    }
    this.emit(parsed.body, parsed.def, prefix, peeled, lineNo, text, text.slice(peeled.offset, index), message, out, around);
  }

  /** Where the APScheduler message starts, and the prefix fields when --log-format is exact. */
  private findMessage(text: string): { start: string; index: number; recordStart?: number; fields?: PrefixFields } | undefined {
    const m = findMessageStart(text);
    if (!m) return undefined;
    if (!this.options.logFormat) return m;
    const peeled = peelEnvelopes(text);
    const record = text.slice(peeled.offset);
    const fm = matchLogFormat(this.options.logFormat, record);
    if (!fm || !fm.message.startsWith(m.start)) return undefined;
    const f = fm.fields;
    const stampText = f.get('asctime');
    const fields: PrefixFields = {
      stamp: stampText ? pickStamp(findStamps(text.slice(0, peeled.offset) + ' ' + stampText)) : pickStamp(findStamps(text.slice(0, peeled.offset))),
      level: f.get('levelname')?.trim(),
      logger: f.get('name'),
      pid: f.get('process') ?? peeled.fields.pid,
      thread: f.get('threadName')?.trim() ?? f.get('thread'),
      host: f.get('hostname') ?? f.get('host'),
    };
    return { start: m.start, index: peeled.offset + fm.messageStart, recordStart: peeled.offset, fields };
  }

  /** A record split over two lines: the message continues on the next line. */
  private trySplit(text: string, out: LogEvent[], around: AroundJson | undefined): boolean {
    const s = this.split!;
    const next = text.slice(peelEnvelopes(text).offset);
    for (const joined of [s.message + next, s.message + ' ' + next.trimStart()]) {
      const parsed = parseMessage(s.start, joined);
      if (parsed) {
        this.split = undefined;
        this.stats.joined++;
        const recordPrefix = s.text.slice(s.peeled, s.text.length - s.message.length);
        const both = s.around && around ? { ...s.around, raw: s.around.raw + '\n' + around.raw } : s.around;
        this.emit(parsed.body, parsed.def, s.prefix, { fields: { host: s.host }, names: [] }, s.line, s.text + '\n' + text, recordPrefix, joined, out, both);
        return true;
      }
    }
    return false;
  }

  private endSplit(out: LogEvent[]): void {
    if (this.head) {
      this.unrecognised(this.head.line, this.head.around?.raw ?? this.head.text);
      this.head = undefined;
    }
    if (!this.split) return;
    this.release(out);
    this.unrecognised(this.split.line, this.split.around?.raw ?? this.split.text);
    this.split = undefined;
  }

  private unrecognised(line: number, text: string, json?: JsonObject): void {
    this.stats.unrecognised++;
    if (json && this.stats.jsonKeys === undefined) {
      this.stats.jsonKeys = Object.keys(json).slice(0, 20);
      const at = apschedulerTextIn(json);
      if (at) this.stats.jsonTextAt = at;
    }
    if (APSCHEDULER_4.test(text)) this.stats.apscheduler4++;
    if (this.stats.unrecognisedSamples.length < 3) {
      this.stats.unrecognisedSamples.push(this.files.length > 1 ? { line, text: text.slice(0, 300), file: this.file } : { line, text: text.slice(0, 300) });
    }
  }

  /**
   * `recordPrefix`: the Python record's own prefix, envelopes peeled off, up to the message.
   * What the record's text says wins over a text envelope, which wins over a JSON record around it.
   */
  private emit(body: EventBody, def: MessageDef, prefix: PrefixFields, peeled: { fields: { host?: string; pid?: string; thread?: string }; names: string[] }, line: number, text: string, recordPrefix: string, message: string, out: LogEvent[], around?: AroundJson): void {
    const json = around?.record;
    const stamp = json?.stamp === undefined ? prefix.stamp : prefix.stamp === undefined ? json.stamp : pickStamp([json.stamp, prefix.stamp]);
    if (stamp && !(stamp.wall >= MIN_WALL && stamp.wall <= MAX_WALL)) {
      this.stats.badTimes = (this.stats.badTimes ?? 0) + 1;
      this.unrecognised(line, around?.raw ?? text);
      return;
    }
    const raw = around?.raw ?? text;
    const ctx: RecordContext = {
      source: this.file,
      line,
      level: prefix.level ?? json?.level,
      logger: prefix.logger ?? json?.logger,
      pid: prefix.pid ?? peeled.fields.pid ?? json?.pid,
      thread: prefix.thread ?? peeled.fields.thread ?? json?.thread,
      host: this.options.host ?? prefix.host ?? peeled.fields.host ?? json?.host,
      text: raw.length > MAX_EVIDENCE ? raw.slice(0, MAX_EVIDENCE) + '…' : raw,
    };
    if (this.files.length > 1) ctx.stream = this.source;
    this.servers.record(line);
    let naiveWall: number | undefined;
    let altWall: number | undefined;
    if (stamp) {
      this.sawStamp = true;
      let wall = stamp.wall;
      if (stamp.form === 'day-month' || stamp.form === 'month-day') {
        const scheduled = 'scheduledAt' in body ? body.scheduledAt.at + body.scheduledAt.offsetMinutes * 60e6 : undefined;
        this.dateOrder.see(stamp, scheduled);
        if (stamp.altWall !== undefined) this.sawOpenOrder = true;
        if (this.dateOrder.order === undefined) altWall = stamp.altWall;
        wall = this.dateOrder.wallOf(stamp);
      }
      if (stamp.offsetMinutes !== undefined) ctx.time = wall - stamp.offsetMinutes * 60e6;
      else naiveWall = wall;
    }
    if (!this.formatNoted && (around || !this.options.logFormat)) {
      this.formatNoted = true;
      const own = { ...prefix, host: prefix.host ?? peeled.fields.host, pid: prefix.pid ?? peeled.fields.pid, thread: prefix.thread ?? peeled.fields.thread };
      const text = this.options.logFormat ? `--log-format '${this.options.logFormat.source}'` : describeFields(own, peeled.names);
      this.stats.format = around ? describeJson(around, text) : 'auto: ' + text;
    }
    // Echoes are told by the record's own stamp: a container runtime stamps each copy apart.
    const ownStamp = peeled.names.length || around?.envelope ? pickStamp(findStamps(recordPrefix)) ?? stamp : stamp;
    const verdict = this.echoes.judge(body.kind, message, ownStamp?.wall, ctx, recordPrefix);
    if (this.waiting.length && this.mayRelease()) this.releaseWaiting(out);
    if (verdict === 'echo') {
      this.stats.echoes++;
      if (def.traceback) this.inTraceback = true;
      return;
    }
    const maybeEcho = verdict === 'undecided';
    if (!maybeEcho) this.stats.records++;
    const event = withContext(body, ctx);
    if (def.traceback) {
      this.held = { event, def, naiveWall, altWall, maybeEcho };
      return;
    }
    this.forward({ event, naiveWall }, maybeEcho, out, altWall);
  }

  /** Whether what held the waiting records back is settled: the echo filter, and the day/month order. */
  private mayRelease(): boolean {
    return (this.waitingEchoes === 0 || this.echoes.doubled !== undefined) && (this.waitingOrder === 0 || this.dateOrder.order !== undefined);
  }

  /** What the source leaves in doubt, for the report. */
  private noteDoubts(): void {
    const warnings: string[] = [];
    if (this.sawOpenOrder && this.dateOrder.reason === undefined) {
      warnings.push('day and month order of the stamps is ambiguous (every date reads both ways): read day first; pass --date-format (e.g. \'%m/%d/%Y %H:%M:%S\') to be sure');
    }
    if (this.clock.warning) warnings.push(this.clock.warning);
    // The format was described at the first record, maybe before the order was known.
    if (this.dateOrder.order === 'month-day') this.stats.format = this.stats.format.replace('timestamp (day-month)', 'timestamp (month-day)');
    if (warnings.length) this.stats.warnings = [...(this.stats.warnings ?? []), ...warnings];
  }

  /** To the clock, unless records are held back for the echo filter. */
  private forward(pending: PendingEvent, maybeEcho: boolean, out: LogEvent[], altWall?: number): void {
    if (!maybeEcho && altWall === undefined && this.waiting.length === 0) {
      this.clock.push(pending, out);
      return;
    }
    this.waiting.push(altWall === undefined ? { pending, maybeEcho } : { pending, maybeEcho, altWall });
    if (maybeEcho) this.waitingEchoes++;
    if (altWall !== undefined) this.waitingOrder++;
    if (this.waiting.length >= MAX_WAITING) {
      this.echoes.settle();
      this.dateOrder.settle();
      this.releaseWaiting(out);
    }
  }

  private releaseWaiting(out: LogEvent[]): void {
    const doubled = this.echoes.doubled === true;
    const waiting = this.waiting;
    this.waiting = [];
    this.waitingEchoes = 0;
    this.waitingOrder = 0;
    const monthFirst = this.dateOrder.order === 'month-day';
    for (const w of waiting) {
      if (w.altWall !== undefined && monthFirst) w.pending.naiveWall = w.altWall;
      if (w.maybeEcho && doubled) {
        this.stats.echoes++;
        continue;
      }
      if (w.maybeEcho) this.stats.records++;
      this.clock.push(w.pending, out);
    }
  }

  /**
   * Whether a line belongs to the traceback after a held record (logger.exception), or to any
   * traceback once its header was seen: an application's traceback or an echoed record's, whose
   * frames and final `apscheduler.…Error: …` line are not APScheduler messages.
   */
  private continuesTraceback(text: string): boolean {
    if (!this.held && !this.inTraceback && !text.includes('Traceback')) return false;
    const record = text.slice(peelEnvelopes(text).offset);
    if (TB_HEADER.test(record)) {
      this.inTraceback = true;
      return true;
    }
    if (!this.held && !this.inTraceback) return false;
    if (record.length === 0 || /^\s/.test(record)) return true;
    if (LEVEL_START.test(record) || findStamps(record.slice(0, 40)).length > 0) return this.endTraceback();
    // The exception line itself: `ValueError: kaboom`, `module.CustomError`.
    if (/^[A-Za-z_][\w.]*(?::|$)/.test(record)) {
      if (this.held) this.held.exception = record.trimEnd();
      return true;
    }
    return this.endTraceback();
  }

  private endTraceback(): false {
    this.inTraceback = false;
    return false;
  }

  private release(out: LogEvent[]): void {
    const h = this.held;
    if (!h) return;
    this.held = undefined;
    // The traceback's last exception line says why: a job's failure, a lost submit, an unimportable function.
    if ((h.event.kind === 'run-end' || h.event.kind === 'submit-error' || h.event.kind === 'restore-failed') && h.exception) h.event.exception = h.exception.slice(0, 300);
    this.forward({ event: h.event, naiveWall: h.naiveWall }, h.maybeEcho, out, h.altWall);
  }

  private noteTimes(events: LogEvent[]): LogEvent[] {
    for (const { ctx } of events) {
      if (ctx.time === undefined || ctx.timeInferred) continue;
      if (this.stats.firstTime === undefined || ctx.time < this.stats.firstTime) this.stats.firstTime = ctx.time;
      if (this.stats.lastTime === undefined || ctx.time > this.stats.lastTime) this.stats.lastTime = ctx.time;
    }
    return events;
  }
}

/** `auto: JSON lines, python-json-logger (time=asctime, level=levelname, …)`, and the text inside a wrapping shape. */
function describeJson(around: AroundJson, text: string): string {
  const { record } = around;
  const paths = Object.entries(record.paths).filter(([name]) => !around.envelope || name !== 'message').map(([name, path]) => `${name}=${path}`);
  const stamp = record.stamp ? (record.stamp.offsetMinutes === undefined ? ', time without offset' : '') : '';
  const fields = `${record.shape} (${paths.join(', ')}${stamp})`;
  return around.envelope ? `auto: JSON lines, ${fields}; the line inside: ${text}` : `auto: JSON lines, ${fields}`;
}

/** Where an APScheduler message sits in a JSON record's values (a dotted path, nested a few levels deep), if anywhere. */
function apschedulerTextIn(v: unknown, path = '', depth = 0): string | undefined {
  if (typeof v === 'string') return MESSAGE_START.test(v) ? path : undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v) || depth > 3) return undefined;
  for (const [k, x] of Object.entries(v)) {
    const hit = apschedulerTextIn(x, path ? `${path}.${k}` : k, depth + 1);
    if (hit !== undefined) return hit;
  }
  return undefined;
}
