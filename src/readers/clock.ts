// Turns line stamps into instants. A stamp with an offset is an instant already. A stamp without
// one is read in the zone from --tz; failing that, in the zone the log itself reveals: a
// `Running job` line is written moments after its `scheduled at` instant, which carries its own
// offset, so the smallest gap between the two over the first runs is the log's UTC offset.
// Failing that too (no runs to learn from), the machine's zone. Every choice is reported.

import type { LogEvent } from '../model/event';
import { fixedZone, formatOffset, machineZoneName, zoneFromName, type Zone } from './zone';

export const SAMPLE_RUNS = 20;
export const MAX_BUFFER = 5000;

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
  private lastTime: number | undefined;
  /** How the zone was chosen, for the report. */
  description = 'not needed (every stamp carries its offset)';
  sawNaive = false;

  constructor(userZone: Zone | undefined) {
    this.zone = userZone;
    if (userZone) this.description = `${userZone.name} (from --tz)`;
  }

  /** Add an event; returns the events whose instant is now known, in order. */
  push(p: PendingEvent, out: LogEvent[]): void {
    if (p.naiveWall !== undefined) this.sawNaive = true;
    if (p.naiveWall !== undefined && this.zone === undefined) {
      if (p.event.kind === 'run-start') {
        this.minGap = Math.min(this.minGap, p.naiveWall - p.event.scheduledAt.at);
        this.samples++;
      }
    }
    if (this.buffer.length > 0 || (this.zone === undefined && p.naiveWall !== undefined) || this.needsFirstTime(p)) {
      this.buffer.push(p);
      if (this.samples >= SAMPLE_RUNS || this.buffer.length >= MAX_BUFFER) this.decide();
      if (this.ready()) this.drain(out);
      return;
    }
    this.resolve(p, out);
  }

  /** End of the source: decide with what was seen and release everything. */
  flush(out: LogEvent[]): void {
    this.decide();
    this.drain(out, true);
  }

  private needsFirstTime(p: PendingEvent): boolean {
    return this.lastTime === undefined && p.event.ctx.time === undefined && p.naiveWall === undefined && p.event.kind !== 'run-start';
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
    if (this.lastTime === undefined && firstKnown !== undefined) this.lastTime = firstKnown;
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
        ctx.time = this.lastTime;
        ctx.timeInferred = true;
      }
    }
    if (ctx.time !== undefined && !ctx.timeInferred) this.lastTime = ctx.time;
    else if (ctx.time !== undefined && (this.lastTime === undefined || ctx.time > this.lastTime)) this.lastTime = ctx.time;
    out.push(p.event);
  }
}

export function userZone(name: string | undefined): Zone | undefined {
  return name === undefined ? undefined : zoneFromName(name);
}
