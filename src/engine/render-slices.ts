// A batch of store rows rendered as text a slice of rows at a time: each slice is decoded, then
// rendered, before the next is decoded. A batch of 2,000 decoded rows (about 10 MB of objects)
// and its text (4 MB of `jobs --format json`) outlived the young generation's collections and
// were promoted, to die in the old generation (its large-object space held 49 MB of text at the
// peak); a slice's objects and its piece of text die young.

import type { DecodedState } from './decode-row';

/** Of a row, what a renderer reads besides its pickle. */
export interface RowHead {
  id: string;
  nextRunTime: number | null;
  invalid?: string;
}

/** A batch's text from its rows and their states (null: the row was not decoded: `invalid`). */
export type BatchRenderer = (rows: RowHead[], states: (DecodedState | null)[]) => string;

/**
 * Rows a slice: a slice's text (about 2 KB a typical job) stays below V8's large-object size
 * (128 KB), above which a string is made in the old generation whatever its life.
 */
export const RENDER_SLICE = 32;

/**
 * The batch's text in pieces, one a slice: joined by ',\n' they are what `render` makes of the
 * whole batch (a renderer writes a batch's items joined by ',\n', as JSON's array items are).
 */
export function* renderedSlices(heads: RowHead[], decode: (i: number) => DecodedState | null, render: BatchRenderer): Generator<string> {
  for (let at = 0; at < heads.length; at += RENDER_SLICE) {
    const end = Math.min(heads.length, at + RENDER_SLICE);
    const states: (DecodedState | null)[] = [];
    for (let i = at; i < end; i++) states.push(decode(i));
    yield render(heads.slice(at, end), states);
  }
}
