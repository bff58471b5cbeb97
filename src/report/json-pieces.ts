// A document's JSON text, exactly as JSON.stringify(value, null, 2) writes it, in pieces: one per
// top-level property, and the items of a long array a few hundred at a time. The whole text of a
// large report (100,000 store rows: 105 MB, in memory twice over while it is written) is never
// one string; each piece is stringified by JSON.stringify itself, at the depth it has in the
// whole, so escapes, omitted `undefined`s and `toJSON` are exactly the same.

/** Items of an array stringified at a time. */
const ITEMS = 500;

export function* jsonPieces(value: Record<string, unknown>): Generator<string> {
  let first = true;
  for (const key of Object.keys(value)) {
    const v = value[key];
    const whole = JSON.stringify({ [key]: v }, null, 2);
    // `{}`: the value is one JSON leaves out (undefined, a function, a symbol).
    if (whole.length === 2) continue;
    const sep = first ? '{\n' : ',\n';
    first = false;
    if (!Array.isArray(v) || v.length <= ITEMS) {
      yield sep + whole.slice(2, -2);
      continue;
    }
    yield sep + `  ${JSON.stringify(key)}: [\n`;
    for (let i = 0; i < v.length; i += ITEMS) yield (i === 0 ? '' : ',\n') + itemsText(key, v.slice(i, i + ITEMS));
    yield '\n  ]';
  }
  yield first ? '{}' : '\n}';
}

/**
 * The items of a non-empty array that is the top-level `key` of a document, as
 * JSON.stringify(document, null, 2) writes them there (`    item,\n    item`): written by
 * JSON.stringify itself, at that depth, and cut out of `{\n  "key": [\n` … `\n  ]\n}`.
 */
export function itemsText(key: string, items: unknown[]): string {
  const part = JSON.stringify({ [key]: items }, null, 2);
  return part.slice(`{\n  ${JSON.stringify(key)}: [\n`.length, -'\n  ]\n}'.length);
}
