// A log source to events: lines → records (with their tracebacks) → events with instants.
// Streams in chunk-sized batches; what it keeps between lines is one pending record and the
// clock's bounded buffer, never the log.

import type { LogEvent, RecordContext } from '../model/event';
import { MESSAGE_START, parseMessage, withContext, type EventBody, type MessageDef } from './apscheduler-messages';
import { Clock, type PendingEvent } from './clock';
import { EchoFilter } from './echo-filter';
import { peelEnvelopes } from './envelopes';
import { readLines } from './line-source';
import { matchLogFormat, type CompiledFormat } from './python-logging-format';
import { describeFields, parsePrefix, type PrefixFields } from './record-prefix';
import { findStamps, pickStamp } from './timestamp';
import type { Zone } from './zone';

export interface ReaderOptions {
  logFormat?: CompiledFormat;
  zone?: Zone;
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
  /** Up to three unrecognised lines, so the gap can be looked at. */
  unrecognisedSamples: { line: number; text: string }[];
}

const LEVEL_START = /^\s*\[?(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)\b/;
const ANSI_ESCAPE = /\x1b\[[0-9;]*[A-Za-z]/g;
/** A line from one of APScheduler's loggers (not one that merely mentions the package). */
const APSCHEDULER_LOGGER = /\bapscheduler\.(?:scheduler|executors|jobstores)\b/;
const TB_HEADER = /^(Traceback \(most recent call last\)|During handling of the above exception|The above exception was the direct cause)/;

/** Records held back at most while the echo filter learns whether a source doubles its records. */
const MAX_WAITING = 2000;

interface HeldRecord {
  event: LogEvent;
  def: MessageDef;
  naiveWall?: number;
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
  private split: { line: number; text: string; start: string; message: string; prefix: PrefixFields; host?: string; peeled: number } | undefined;
  private echoes = new EchoFilter();
  /** Records held back while a same-format twin waits for the echo filter to learn (bounded). */
  private waiting: { pending: PendingEvent; maybeEcho: boolean }[] = [];
  private formatNoted = false;
  private sawStamp = false;

  constructor(private readonly source: string, private readonly options: ReaderOptions) {
    this.clock = new Clock(options.zone);
    this.stats = {
      source, lines: 0, records: 0, unrecognised: 0, echoes: 0, joined: 0,
      format: options.logFormat ? `--log-format '${options.logFormat.source}'` : 'auto: no APScheduler records found',
      zone: '', unrecognisedSamples: [],
    };
  }

  async *events(): AsyncGenerator<LogEvent[]> {
    for await (const batch of readLines(this.source)) {
      const out: LogEvent[] = [];
      for (let i = 0; i < batch.lines.length; i++) this.line(batch.lines[i], batch.firstLine + i, out);
      this.stats.lines = batch.firstLine + batch.lines.length - 1;
      if (out.length) yield this.noteTimes(out);
    }
    const out: LogEvent[] = [];
    this.endSplit(out);
    this.release(out);
    if (this.waiting.length) {
      this.echoes.settle();
      this.releaseWaiting(out);
    }
    this.clock.flush(out);
    this.stats.zone = this.clock.sawNaive
      ? this.clock.description
      : this.sawStamp ? 'not needed (every stamp carries its offset)' : 'not needed (no timestamps on the lines)';
    if (out.length) yield this.noteTimes(out);
  }

  private line(text: string, lineNo: number, out: LogEvent[]): void {
    // Colour codes (colorlog, `docker compose logs` on a terminal) would hide levels and prefixes.
    if (text.includes('\x1b[')) text = text.replace(ANSI_ESCAPE, '');
    if (this.split) {
      if (this.trySplit(text, out)) return;
      this.endSplit(out);
    }
    const found = this.findMessage(text);
    if (found === undefined) {
      if (this.continuesTraceback(text)) return;
      this.release(out);
      if (APSCHEDULER_LOGGER.test(text) && !/^\s/.test(text.slice(peelEnvelopes(text).offset))) this.unrecognised(lineNo, text);
      return;
    }
    this.release(out);
    this.inTraceback = false;
    const { start, index, recordStart, fields } = found;
    const message = text.slice(index);
    const parsed = parseMessage(start, message);
    const peeled = peelEnvelopes(text);
    const prefix = fields ?? parsePrefix(text.slice(0, index));
    if (!parsed) {
      this.split = { line: lineNo, text, start, message, prefix, host: peeled.fields.host, peeled: recordStart ?? peeled.offset };
      return;
    }
    this.emit(parsed.body, parsed.def, prefix, peeled, lineNo, text, text.slice(peeled.offset, index), message, out);
  }

  /** Where the APScheduler message starts, and the prefix fields when --log-format is exact. */
  private findMessage(text: string): { start: string; index: number; recordStart?: number; fields?: PrefixFields } | undefined {
    const m = MESSAGE_START.exec(text);
    if (!m) return undefined;
    if (!this.options.logFormat) return { start: m[0], index: m.index };
    const peeled = peelEnvelopes(text);
    const record = text.slice(peeled.offset);
    const fm = matchLogFormat(this.options.logFormat, record);
    if (!fm || !fm.message.startsWith(m[0])) return undefined;
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
    return { start: m[0], index: peeled.offset + fm.messageStart, recordStart: peeled.offset, fields };
  }

  /** A record split over two lines: the message continues on the next line. */
  private trySplit(text: string, out: LogEvent[]): boolean {
    const s = this.split!;
    const next = text.slice(peelEnvelopes(text).offset);
    for (const joined of [s.message + next, s.message + ' ' + next.trimStart()]) {
      const parsed = parseMessage(s.start, joined);
      if (parsed) {
        this.split = undefined;
        this.stats.joined++;
        const recordPrefix = s.text.slice(s.peeled, s.text.length - s.message.length);
        this.emit(parsed.body, parsed.def, s.prefix, { fields: { host: s.host }, names: [] }, s.line, s.text + '\n' + text, recordPrefix, joined, out);
        return true;
      }
    }
    return false;
  }

  private endSplit(out: LogEvent[]): void {
    if (!this.split) return;
    this.release(out);
    this.unrecognised(this.split.line, this.split.text);
    this.split = undefined;
  }

  private unrecognised(line: number, text: string): void {
    this.stats.unrecognised++;
    if (this.stats.unrecognisedSamples.length < 3) this.stats.unrecognisedSamples.push({ line, text: text.slice(0, 300) });
  }

  /** `recordPrefix`: the Python record's own prefix, envelopes peeled off, up to the message. */
  private emit(body: EventBody, def: MessageDef, prefix: PrefixFields, peeled: { fields: { host?: string; pid?: string; thread?: string }; names: string[] }, line: number, text: string, recordPrefix: string, message: string, out: LogEvent[]): void {
    const stamp = prefix.stamp;
    const ctx: RecordContext = {
      source: this.source,
      line,
      level: prefix.level,
      logger: prefix.logger,
      pid: prefix.pid ?? peeled.fields.pid,
      thread: prefix.thread ?? peeled.fields.thread,
      host: prefix.host ?? peeled.fields.host,
      text,
    };
    let naiveWall: number | undefined;
    if (stamp) {
      this.sawStamp = true;
      if (stamp.offsetMinutes !== undefined) ctx.time = stamp.wall - stamp.offsetMinutes * 60e6;
      else naiveWall = stamp.wall;
    }
    if (!this.formatNoted && !this.options.logFormat) {
      this.formatNoted = true;
      this.stats.format = 'auto: ' + describeFields({ ...prefix, host: ctx.host, pid: ctx.pid, thread: ctx.thread }, peeled.names);
    }
    // Echoes are told by the record's own stamp: a container runtime stamps each copy apart.
    const ownStamp = peeled.names.length ? pickStamp(findStamps(recordPrefix)) ?? stamp : stamp;
    const who = `${ctx.pid ?? ''}|${ctx.thread ?? ''}|${ctx.host ?? ''}`;
    const verdict = this.echoes.judge({ kind: body.kind, message, wall: ownStamp?.wall, who, prefix: recordPrefix });
    if (this.waiting.length && this.echoes.doubled !== undefined) this.releaseWaiting(out);
    if (verdict === 'echo') {
      this.stats.echoes++;
      if (def.traceback) this.inTraceback = true;
      return;
    }
    const maybeEcho = verdict === 'undecided';
    if (!maybeEcho) this.stats.records++;
    const event = withContext(body, ctx);
    if (def.traceback) {
      this.held = { event, def, naiveWall, maybeEcho };
      return;
    }
    this.forward({ event, naiveWall }, maybeEcho, out);
  }

  /** To the clock, unless records are held back for the echo filter. */
  private forward(pending: PendingEvent, maybeEcho: boolean, out: LogEvent[]): void {
    if (!maybeEcho && this.waiting.length === 0) {
      this.clock.push(pending, out);
      return;
    }
    this.waiting.push({ pending, maybeEcho });
    if (this.waiting.length >= MAX_WAITING) {
      this.echoes.settle();
      this.releaseWaiting(out);
    }
  }

  private releaseWaiting(out: LogEvent[]): void {
    const doubled = this.echoes.doubled === true;
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) {
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
    if (h.event.kind === 'run-end' && h.exception) h.event.exception = h.exception.slice(0, 300);
    this.forward({ event: h.event, naiveWall: h.naiveWall }, h.maybeEcho, out);
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
