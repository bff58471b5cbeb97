// Per job, what is known about each recent scheduled time. Copies of one run arrive within
// moments of each other on a merged timeline, so entries expire once their scheduled time is
// HORIZON behind the newest one: memory per job stays small however long the log.
// Scheduled times mostly arrive in order: a time past the newest is new without a look-up, and a
// copy is found by scanning back from the newest.
// A rule that needs what an entry became (who ran that scheduled time) is handed it as it
// expires, and reads the entries not yet expired with live(): nothing is lost, nothing is copied.
//
// Nothing is allocated per run once the windows have grown to the log's rate: each job's window
// is a ring of scheduled times and slot numbers, and an entry lives in a slot, recycled when it
// expires. Entries live for minutes of log, long enough to be promoted; arrays grown by push and
// cut by slice, and an object per entry, died in the old generation (duplicate-run and
// multiple-schedulers off: 30 MB less peak RSS on 256 MiB). A rule can keep an entry's fields in
// columns of its own, indexed by slot (RecentSlots), instead of an object per scheduled time.

const HORIZON = 5 * 60e6;
const FIRST_CAPACITY = 16;

class Window {
  times = new Float64Array(FIRST_CAPACITY);
  slots = new Int32Array(FIRST_CAPACITY);
  /** Ring position of the oldest entry, and the number of entries. */
  head = 0;
  size = 0;
  newest = -Infinity;

  /** Room for one more: the ring doubles, oldest first again. */
  grow(): void {
    const cap = this.times.length;
    const times = new Float64Array(cap * 2);
    const slots = new Int32Array(cap * 2);
    for (let i = 0; i < this.size; i++) {
      const at = (this.head + i) & (cap - 1);
      times[i] = this.times[at];
      slots[i] = this.slots[at];
    }
    this.times = times;
    this.slots = slots;
    this.head = 0;
  }
}

/** Recent scheduled times per job, each given a slot number while it is in its window. */
export class RecentSlots {
  private byJob = new Map<string, Window>();
  /** Whether the slot the last slot() returned was already there (no result object per run). */
  seen = false;
  /** Slots in use or free, ever: a rule's columns are at most this long. */
  private slotCount = 0;
  private free: number[] = [];

  /** `expired`: called once per slot when it leaves its window, with its job key. */
  constructor(private readonly expiredSlot?: (slot: number, key: string) => void) {}

  /** The slot of (job, scheduled time); `seen` then says whether it was already there. */
  slot(key: string, scheduledAt: number): number {
    let w = this.byJob.get(key);
    if (!w) this.byJob.set(key, (w = new Window()));
    const mask = w.times.length - 1;
    if (scheduledAt <= w.newest) {
      for (let i = w.size - 1; i >= 0; i--) {
        const at = (w.head + i) & mask;
        if (w.times[at] === scheduledAt) {
          this.seen = true;
          return w.slots[at];
        }
      }
    }
    const slot = this.free.length > 0 ? this.free.pop()! : this.slotCount++;
    if (w.size === w.times.length) w.grow();
    const at = (w.head + w.size) & (w.times.length - 1);
    w.times[at] = scheduledAt;
    w.slots[at] = slot;
    w.size++;
    if (scheduledAt > w.newest) w.newest = scheduledAt;
    this.fresh(slot);
    // Expired from the oldest in arrival order (a late arrival waits behind it). The newest time's
    // own entry never expires, and a new one arrives after it: the slot returned is still live.
    while (w.size > 0 && w.times[w.head] < w.newest - HORIZON) {
      const old = w.slots[w.head];
      w.head = (w.head + 1) & (w.times.length - 1);
      w.size--;
      this.expiredSlot?.(old, key);
      this.release(old);
      this.free.push(old);
    }
    this.seen = false;
    return slot;
  }

  /** The slots still in their windows, oldest first per job, with their job keys. */
  *liveSlots(): IterableIterator<[number, string]> {
    for (const [key, w] of this.byJob) {
      const mask = w.times.length - 1;
      for (let i = 0; i < w.size; i++) yield [w.slots[(w.head + i) & mask], key];
    }
  }

  /** A slot taken for a new scheduled time. */
  protected fresh(_slot: number): void {}
  /** A slot whose scheduled time expired, before it is reused. */
  protected release(_slot: number): void {}
}

/** RecentSlots with an entry per slot, made by `create` for each new scheduled time. */
export class RecentRuns<T> extends RecentSlots {
  private entries: T[] = [];
  private last = 0;

  /** `expired`: called once per entry when it leaves the window, with its job key. */
  constructor(private readonly create: () => T, expired?: (entry: T, key: string) => void) {
    super(expired && ((slot, key) => expired(this.entries[slot], key)));
  }

  /** The entry for (job, scheduled time); `seen` then says whether it already existed. */
  get(key: string, scheduledAt: number): T {
    this.last = this.slot(key, scheduledAt);
    return this.entries[this.last];
  }

  /**
   * Replaces the entry the last get() returned: for entries that are values, not objects (one
   * number for the one instance nearly every scheduled time has, instead of a Set made per run).
   */
  set(entry: T): void {
    this.entries[this.last] = entry;
  }

  /** The entries still in their window, with their job keys (read only: finish() may run many times). */
  *live(): IterableIterator<[T, string]> {
    for (const [slot, key] of this.liveSlots()) yield [this.entries[slot], key];
  }

  protected override fresh(slot: number): void {
    this.entries[slot] = this.create();
  }

  protected override release(slot: number): void {
    this.entries[slot] = undefined as T;
  }
}
