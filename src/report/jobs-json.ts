// `jobs --format json`: the items of its `jobs` array, a batch of rows at a time. Loaded by path
// in the decoding threads (engine/decode-pool.ts), so that a batch leaves them as text.

import type { DecodedState } from '../engine/decode-row';
import type { RowHead } from '../engine/render-slices';
import { itemsText } from './json-pieces';

/** The document's head, up to the opening of its `jobs` array. */
export function jobsJsonHead(store: string, readMode: string | null): string {
  return `{\n  "version": 1,\n  "store": ${JSON.stringify(store)},\n  "read": ${JSON.stringify(readMode)},\n  "jobs": [`;
}

/** A batch's items as they sit in the whole document (JSON.stringify(document, null, 2)). */
export function renderBatch(rows: RowHead[], states: (DecodedState | null)[]): string {
  return itemsText('jobs', rows.map((row, i) => ({
    id: row.id,
    nextRunTime: row.nextRunTime,
    state: states[i]?.state ?? null,
    decodeError: (states[i] === null ? row.invalid : states[i]!.decodeError) ?? null,
  })));
}
