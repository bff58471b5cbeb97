// Turns line stamps into instants. A stamp with an offset is an instant already. A stamp without
// one is read in the zone from --tz; failing that, in the zone the log itself reveals: a
// `Running job` line is written moments after its `scheduled at` instant, which carries its own
// offset, so the smallest gap between the two is the log's UTC offset. Late runs only widen the
// gap, but a catch-up burst after downtime can be all of the first runs: the zone is decided
// early only once the last few runs agree with the smallest gap and sit just after a quarter hour
// of it (zone offsets are whole quarter hours); otherwise when the buffer fills or the source
// ends. Failing all that (no runs to learn from), the machine's zone. Every choice is reported.

import type { LogEvent } from '../model/event';
import { fixedZone, formatOffset, machineZoneName, zoneFromName, type Zone } from './zone';

export const SAMPLE_RUNS = 20;
export const MAX_BUFFER = 5000;
/** Consecutive on-time runs (agreeing with the smallest gap) that let the zone be decided early. */
const STABLE_RUNS = 3;
const QUARTER_HOUR = 900e6;
/** How late a run may start and still count as on time: picked up by the scheduler's loop. */
const ON_TIME = 10e6;

export interface PendingEvent {
  event: LogEvent;
  /** Wall-clock microseconds of a stamp without an offset. */
  naiveWall?: number;
}

export class Clock {
  private zone: Zone | undefined;
  private buffer: PendingEvent[] = [];
  private minGap = Infinity;
  private samples = 0;
  /** Consecutive recent runs that look on time. */
  private stable = 0;
  /**
   * The last instant resolved, NaN before any. A number from the start: a field that held
   * undefined takes each double stored into it as a new heap number (one per record).
   */
  private last = NaN;
  /** How the zone was chosen, for the report. */
  description = 'not needed (every stamp carries its offset)';
  sawNaive = false;
  /** The zone from --tz, checked against what the runs imply. */
  private readonly userZone: Zone | undefined;
  private check = { gap: Infinity, wall: 0, runs: 0 };

  constructor(userZone: Zone | undefined) {
    this.zone = userZone;
    this.userZone = userZone;
    if (userZone) this.description = `${userZone.name} (from --tz)`;
  }

  /**
   * A --tz the log contradicts: the smallest gap between a run's stamp and its `scheduled at` is
   * the stamps' offset (runs are on time to the second), and it is not the offset of --tz. Late
   * runs never cause it: the gap must sit on a whole quarter hour, and at least three runs count.
   */
  get warning(): string | undefined {
    const z = this.userZone;
    const c = this.check;
    if (!z || c.runs < 3) return undefined;
    const implied = Math.round(c.gap / QUARTER_HOUR) * 15;
    const late = c.gap - implied * 60e6;
    const given = z.offsetAtWall(c.wall);
    if (implied === given || late < -2e6 || late > ON_TIME || Math.abs(implied) > 14 * 60) return undefined;
    return `--tz ${z.name} (${formatOffset(given)}) disagrees with the log: its stamps are ${formatOffset(implied)} by the \`scheduled at\` of ${c.runs} runs; the stamps were read in ${z.name} as asked`;
  }

  /** Add an event; returns the events whose instant is now known, in order. */
  push(p: PendingEvent, out: LogEvent[]): void {
    if (p.naiveWall !== undefined) this.sawNaive = true;
    if (p.naiveWall !== undefined && this.userZone && p.event.kind === 'run-start') {
      const gap = p.naiveWall - p.event.scheduledAt.at;
      this.check.runs++;
      if (gap < this.check.gap) this.check = { gap, wall: p.naiveWall, runs: this.check.runs };
    }
    if (p.naiveWall !== undefined && this.zone === undefined) {
      if (p.event.kind === 'run-start') this.sample(p.naiveWall - p.event.scheduledAt.at);
    }
    if (this.buffer.length > 0 || (this.zone === undefined && p.naiveWall !== undefined) || this.needsFirstTime(p)) {
      this.buffer.push(p);
      if ((this.samples >= SAMPLE_RUNS && this.stable >= STABLE_RUNS) || this.buffer.length >= MAX_BUFFER) this.decide();
      if (this.ready()) this.drain(out);
      return;
    }
    this.resolve(p, out);
  }

  private sample(gap: number): void {
    this.samples++;
    if (gap < this.minGap - ON_TIME) this.stable = 0;
    this.minGap = Math.min(this.minGap, gap);
    const late = gap - Math.round(gap / QUARTER_HOUR) * QUARTER_HOUR;
    const onTime = gap - this.minGap <= ON_TIME && late >= -2e6 && late <= ON_TIME;
    this.stable = onTime ? this.stable + 1 : 0;
  }

  /** End of the source: decide with what was seen and release everything. */
  flush(out: LogEvent[]): void {
    this.decide();
    this.drain(out, true);
  }

  /**
   * A followed log paused (watch): release the buffer if the zone is known, or can be read off the
   * runs seen so far. With no run to learn from yet, keep waiting rather than fix the machine's zone.
   */
  flushIfDecidable(out: LogEvent[]): void {
    if (this.zone === undefined && this.sawNaive && this.samples === 0) return;
    this.flush(out);
  }

  private needsFirstTime(p: PendingEvent): boolean {
    return Number.isNaN(this.last) && p.event.ctx.time === undefined && p.naiveWall === undefined && p.event.kind !== 'run-start';
  }

  private ready(): boolean {
    if (this.zone === undefined && this.sawNaive) return false;
    return this.buffer.some((b) => b.event.ctx.time !== undefined || b.naiveWall !== undefined || b.event.kind === 'run-start');
  }

  private decide(): void {
    if (this.zone !== undefined || !this.sawNaive) return;
    if (this.samples > 0) {
      const offset = Math.round(this.minGap / 60e6 / 15) * 15;
      if (Math.abs(offset) <= 14 * 60) {
        this.zone = fixedZone(offset);
        this.description = `${formatOffset(offset)} (inferred from ${this.samples} run${this.samples === 1 ? '' : 's'}: stamps vs. scheduled at)`;
        return;
      }
    }
    const name = machineZoneName();
    this.zone = zoneFromName(name);
    this.description = `${name} (the machine's zone: no runs to infer the log's zone from)`;
  }

  private drain(out: LogEvent[], final = false): void {
    // Events before the first known time take the first known time.
    let firstKnown: number | undefined;
    for (const b of this.buffer) {
      const t = this.instantOf(b);
      if (t !== undefined) { firstKnown = t; break; }
    }
    if (firstKnown === undefined && !final) return;
    if (Number.isNaN(this.last) && firstKnown !== undefined) this.last = firstKnown;
    const items = this.buffer;
    this.buffer = [];
    for (const b of items) this.resolve(b, out);
  }

  private instantOf(p: PendingEvent): number | undefined {
    if (p.event.ctx.time !== undefined) return p.event.ctx.time;
    if (p.naiveWall !== undefined && this.zone) return p.naiveWall - this.zone.offsetAtWall(p.naiveWall) * 60e6;
    if (p.event.kind === 'run-start') return p.event.scheduledAt.at;
    return undefined;
  }

  private resolve(p: PendingEvent, out: LogEvent[]): void {
    const ctx = p.event.ctx;
    if (ctx.time === undefined) {
      if (p.naiveWall !== undefined && this.zone) {
        ctx.time = p.naiveWall - this.zone.offsetAtWall(p.naiveWall) * 60e6;
      } else if (p.event.kind === 'run-start' && p.naiveWall === undefined) {
        ctx.time = p.event.scheduledAt.at;
        ctx.timeInferred = true;
      } else {
        ctx.time = Number.isNaN(this.last) ? undefined : this.last;
        ctx.timeInferred = true;
      }
    }
    if (ctx.time !== undefined && !ctx.timeInferred) this.last = ctx.time;
    else if (ctx.time !== undefined && (Number.isNaN(this.last) || ctx.time > this.last)) this.last = ctx.time;
    out.push(p.event);
  }
}

export function userZone(name: string | undefined): Zone | undefined {
  return name === undefined ? undefined : zoneFromName(name);
}
