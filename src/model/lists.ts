// Array helpers for the per-run paths, where a temporary array per call is garbage per run.

/**
 * Removes one item in place: splice would also make an array of what it removed. The last slot
 * goes by pop(): setting `length` lets V8 drop the backing store of a list that becomes empty,
 * and the next push makes a new one (a run's open list and in-flight list go empty and fill
 * again on every run: 2 × 150 bytes of garbage per run, measured).
 */
export function removeAt<T>(list: T[], index: number): void {
  for (let i = index + 1; i < list.length; i++) list[i - 1] = list[i];
  list.pop();
}
