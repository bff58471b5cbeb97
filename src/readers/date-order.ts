// Day or month first? A numeric `datefmt` (`03/04/2026 14:18:47`) reads either way until the data
// says: a first number above 12 is a day (`26/11/2026`), a second one above 12 means month first
// (`11/26/2026`), and a `Running job` line is written moments after its `scheduled at`, whose date
// is ISO: only one reading puts the line within two days of it (the two readings of one date are
// at least 27 days apart). Until one of those is seen the reader holds the records back; if
// nothing ever decides, the source is read day first and the report says it was ambiguous.

import type { Stamp } from './timestamp';

export type Order = 'day-month' | 'month-day';

/** A line's stamp is within this of its run's `scheduled at` (any zone offset plus lateness). */
const NEAR = 2 * 86400e6;

export class DateOrder {
  order: Order | undefined;
  /** How the order was decided, for the report. */
  reason: string | undefined;

  /** Learn from a stamp, and from the run it dates when it is a run's start. */
  see(stamp: Stamp, scheduledWall?: number): void {
    if (this.order !== undefined) return;
    if (stamp.form === 'month-day') return this.decide('month-day', 'a date whose second number is above 12');
    if (stamp.altWall === undefined) {
      if (stamp.form === 'day-month') this.decide('day-month', 'a date whose first number is above 12');
      return;
    }
    if (scheduledWall === undefined) return;
    const dayFirst = Math.abs(stamp.wall - scheduledWall) <= NEAR;
    const monthFirst = Math.abs(stamp.altWall - scheduledWall) <= NEAR;
    if (dayFirst !== monthFirst) this.decide(dayFirst ? 'day-month' : 'month-day', 'the dates of `scheduled at`');
  }

  /** Nothing decided by the end (or the hold is full): day first, reported as a guess. */
  settle(): void {
    if (this.order === undefined) this.decide('day-month', undefined);
  }

  /** The wall time of a stamp under the order (day first until decided). */
  wallOf(stamp: Stamp): number {
    return this.order === 'month-day' && stamp.altWall !== undefined ? stamp.altWall : stamp.wall;
  }

  private decide(order: Order, reason: string | undefined): void {
    this.order = order;
    this.reason = reason;
  }
}
