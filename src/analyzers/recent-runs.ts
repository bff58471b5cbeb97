// Per job, what is known about each recent scheduled time. Copies of one run arrive within
// moments of each other on a merged timeline, so entries expire once their scheduled time is
// HORIZON behind the newest one: memory per job stays small however long the log.
// Scheduled times mostly arrive in order: a time past the newest is new without a look-up, and a
// copy is found by scanning back from the newest.
// A rule that needs what an entry became (who ran that scheduled time) is handed it as it
// expires, and reads the entries not yet expired with live(): nothing is lost, nothing is copied.

const HORIZON = 5 * 60e6;

interface Window<T> {
  times: number[];
  entries: T[];
  head: number;
  newest: number;
}

export class RecentRuns<T> {
  private byJob = new Map<string, Window<T>>();
  /** Whether the entry the last get() returned already existed (no result object per run). */
  seen = false;
  /** Where the last get() found or put its entry, for set(). */
  private lastWindow: Window<T> | undefined;
  private lastIndex = 0;

  /** `expired`: called once per entry when it leaves the window, with its job key. */
  constructor(private readonly create: () => T, private readonly expired?: (entry: T, key: string) => void) {}

  /** The entry for (job, scheduled time); `seen` then says whether it already existed. */
  get(key: string, scheduledAt: number): T {
    let w = this.byJob.get(key);
    if (!w) this.byJob.set(key, (w = { times: [], entries: [], head: 0, newest: -Infinity }));
    if (scheduledAt <= w.newest) {
      for (let i = w.times.length - 1; i >= w.head; i--) {
        if (w.times[i] === scheduledAt) {
          this.seen = true;
          this.lastWindow = w;
          this.lastIndex = i;
          return w.entries[i];
        }
      }
    }
    const entry = this.create();
    w.times.push(scheduledAt);
    w.entries.push(entry);
    if (scheduledAt > w.newest) w.newest = scheduledAt;
    while (w.head < w.times.length && w.times[w.head] < w.newest - HORIZON) {
      this.expired?.(w.entries[w.head], key);
      w.entries[w.head++] = undefined as T;
    }
    if (w.head > 256 && w.head * 2 > w.times.length) {
      w.times = w.times.slice(w.head);
      w.entries = w.entries.slice(w.head);
      w.head = 0;
    }
    this.seen = false;
    this.lastWindow = w;
    this.lastIndex = w.entries.length - 1;
    return entry;
  }

  /**
   * Replaces the entry the last get() returned: for entries that are values, not objects (one
   * number for the one instance nearly every scheduled time has, instead of a Set made per run).
   */
  set(entry: T): void {
    if (this.lastWindow) this.lastWindow.entries[this.lastIndex] = entry;
  }

  /** The entries still in their window, with their job keys (read only: finish() may run many times). */
  *live(): IterableIterator<[T, string]> {
    for (const [key, w] of this.byJob) {
      for (let i = w.head; i < w.entries.length; i++) yield [w.entries[i], key];
    }
  }
}
