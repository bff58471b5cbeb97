// The store section's rows (`store.jobs` of the JSON report), kept as columns until they are
// written. As one object a row, each with its next run as ISO text, 100,000 rows were 17 MB that
// lived from the store rules to the end of the report; as columns of the texts the rows already
// share and the next run as a number, 4 MB, and a row's object and its ISO text are made when
// it is written (a hundred at a time, see json-pieces.ts), where they die young.

import type { StoreJob } from '../model/store-job';
import { isoFromMicros } from '../model/time';
import { ItemList } from './json-pieces';

/** One row as the report shows it, members in this order. */
export interface StoreRow {
  id: string;
  name: string | null;
  func: string | null;
  trigger: string | null;
  nextRunTime: string | null;
  decodeError: string | null;
}

export class StoreRows extends ItemList<StoreRow> {
  private constructor(
    private readonly ids: string[],
    private readonly names: (string | null)[],
    private readonly funcs: (string | null)[],
    private readonly triggers: (string | null)[],
    /** Epoch microseconds; NaN: none (paused, or not a finite time). */
    private readonly nextRuns: Float64Array,
    /** Few rows have one. */
    private readonly errors: Map<number, string>,
  ) {
    super();
  }

  /** Each column made at its length (map), not grown a row at a time: growing copies them over and over. */
  static of(jobs: readonly StoreJob[]): StoreRows {
    const nextRuns = new Float64Array(jobs.length);
    const errors = new Map<number, string>();
    jobs.forEach((j, i) => {
      const next = j.row.nextRunTime;
      nextRuns[i] = next === null || !Number.isFinite(next) ? NaN : Math.round(next * 1e6);
      if (j.decodeError !== undefined) errors.set(i, j.decodeError);
    });
    return new StoreRows(
      jobs.map((j) => j.row.id), jobs.map((j) => j.state?.name ?? null), jobs.map((j) => j.state?.func ?? null),
      jobs.map((j) => j.state?.trigger.text ?? null), nextRuns, errors,
    );
  }

  get length(): number {
    return this.ids.length;
  }

  slice(start = 0, end = this.length): StoreRow[] {
    const out: StoreRow[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) out.push(this.at(i));
    return out;
  }

  private at(i: number): StoreRow {
    const next = this.nextRuns[i];
    return {
      id: this.ids[i], name: this.names[i], func: this.funcs[i], trigger: this.triggers[i],
      nextRunTime: Number.isNaN(next) ? null : isoFromMicros(next), decodeError: this.errors.get(i) ?? null,
    };
  }
}
