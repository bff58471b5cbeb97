// Array helpers for the per-run paths, where a temporary array per call is garbage per run.

/** Removes one item in place: splice would also make an array of what it removed. */
export function removeAt<T>(list: T[], index: number): void {
  for (let i = index + 1; i < list.length; i++) list[i - 1] = list[i];
  list.length--;
}
