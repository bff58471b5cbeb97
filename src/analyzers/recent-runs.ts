// Per job, what is known about each recent scheduled time. Copies of one run arrive within
// moments of each other on a merged timeline, so entries expire once their scheduled time is
// HORIZON behind the newest one: memory per job stays small however long the log.

const HORIZON = 10 * 60e6;
const MAX_ENTRIES = 4096;

export class RecentRuns<T> {
  private byJob = new Map<string, Map<number, T>>();

  constructor(private readonly create: () => T) {}

  /** The entry for (job, scheduled time) and whether it already existed. */
  get(key: string, scheduledAt: number): { entry: T; seen: boolean } {
    let times = this.byJob.get(key);
    if (!times) this.byJob.set(key, (times = new Map()));
    const existing = times.get(scheduledAt);
    if (existing !== undefined) return { entry: existing, seen: true };
    const entry = this.create();
    times.set(scheduledAt, entry);
    // Insertion order is (nearly) scheduled order: expire from the front.
    for (const t of times.keys()) {
      if (t >= scheduledAt - HORIZON && times.size <= MAX_ENTRIES) break;
      times.delete(t);
    }
    return { entry, seen: false };
  }
}
