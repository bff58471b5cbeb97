// A log source to events: lines → records (with their tracebacks) → events with instants.
// Streams in chunk-sized batches; what it keeps between lines is one pending record and the
// clock's bounded buffer, never the log.

import type { LogEvent, RecordContext } from '../model/event';
import { MESSAGE_START, parseMessage, withContext, type EventBody, type MessageDef } from './apscheduler-messages';
import { Clock } from './clock';
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
const TB_HEADER = /^(Traceback \(most recent call last\)|During handling of the above exception|The above exception was the direct cause)/;

interface HeldRecord {
  event: LogEvent;
  def: MessageDef;
  naiveWall?: number;
  exception?: string;
}

export class LogReader {
  readonly stats: SourceStats;
  private clock: Clock;
  private held: HeldRecord | undefined;
  /** A line whose message did not parse, kept one line in case the record continues there. */
  private split: { line: number; text: string; start: string; message: string; prefix: PrefixFields; host?: string; peeled: number } | undefined;
  private echo = { wall: NaN, seen: new Map<string, string>() };
  private formatNoted = false;

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
    this.clock.flush(out);
    this.stats.zone = this.clock.sawNaive ? this.clock.description : 'not needed (every stamp carries its offset)';
    if (out.length) yield this.noteTimes(out);
  }

  private line(text: string, lineNo: number, out: LogEvent[]): void {
    if (this.split) {
      if (this.trySplit(text, out)) return;
      this.endSplit(out);
    }
    const found = this.findMessage(text);
    if (found === undefined) {
      if (this.held && this.continuesTraceback(text)) return;
      this.release(out);
      if (text.includes('apscheduler') && !/^\s/.test(text.slice(peelEnvelopes(text).offset))) this.unrecognised(lineNo, text);
      return;
    }
    this.release(out);
    const { start, index, recordStart, fields } = found;
    const message = text.slice(index);
    const parsed = parseMessage(start, message);
    const peeled = peelEnvelopes(text);
    const prefix = fields ?? parsePrefix(text.slice(0, index));
    if (!parsed) {
      this.split = { line: lineNo, text, start, message, prefix, host: peeled.fields.host, peeled: recordStart ?? peeled.offset };
      return;
    }
    this.emit(parsed.body, parsed.def, prefix, peeled, lineNo, text, message, out);
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
        this.emit(parsed.body, parsed.def, s.prefix, { fields: { host: s.host }, names: [] }, s.line, s.text + '\n' + text, joined, out);
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

  private emit(body: EventBody, def: MessageDef, prefix: PrefixFields, peeled: { fields: { host?: string; pid?: string; thread?: string }; names: string[] }, line: number, text: string, message: string, out: LogEvent[]): void {
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
      if (stamp.offsetMinutes !== undefined) ctx.time = stamp.wall - stamp.offsetMinutes * 60e6;
      else naiveWall = stamp.wall;
    }
    if (!this.formatNoted && !this.options.logFormat) {
      this.formatNoted = true;
      this.stats.format = 'auto: ' + describeFields({ ...prefix, host: ctx.host, pid: ctx.pid, thread: ctx.thread }, peeled.names);
    }
    if (this.isEcho(stamp?.wall, message, ctx)) {
      this.stats.echoes++;
      return;
    }
    this.stats.records++;
    const event = withContext(body, ctx);
    if (def.traceback) {
      this.held = { event, def, naiveWall };
      return;
    }
    this.clock.push({ event, naiveWall }, out);
  }

  /**
   * The same message at the same stamp from the same process and thread is one record written
   * by two handlers, not two runs. Without stamps nothing can be told apart: no echo then.
   */
  private isEcho(wall: number | undefined, message: string, ctx: RecordContext): boolean {
    if (wall === undefined) return false;
    if (wall !== this.echo.wall) {
      this.echo.wall = wall;
      this.echo.seen.clear();
    }
    const who = `${ctx.pid ?? ''}|${ctx.thread ?? ''}|${ctx.host ?? ''}`;
    const prior = this.echo.seen.get(message);
    if (prior !== undefined && compatible(prior, who)) return true;
    this.echo.seen.set(message, who);
    return false;
  }

  private continuesTraceback(text: string): boolean {
    const record = text.slice(peelEnvelopes(text).offset);
    if (record.length === 0 || /^\s/.test(record)) return true;
    if (TB_HEADER.test(record)) return true;
    if (LEVEL_START.test(record) || findStamps(record.slice(0, 40)).length > 0) return false;
    // The exception line itself: `ValueError: kaboom`, `module.CustomError`.
    if (/^[A-Za-z_][\w.]*(?::|$)/.test(record)) {
      this.held!.exception = record.trimEnd();
      return true;
    }
    return false;
  }

  private release(out: LogEvent[]): void {
    const h = this.held;
    if (!h) return;
    this.held = undefined;
    if (h.event.kind === 'run-end' && h.exception) h.event.exception = h.exception.slice(0, 300);
    this.clock.push({ event: h.event, naiveWall: h.naiveWall }, out);
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

function compatible(a: string, b: string): boolean {
  const x = a.split('|');
  const y = b.split('|');
  return x.every((v, i) => v === '' || y[i] === '' || v === y[i]);
}
