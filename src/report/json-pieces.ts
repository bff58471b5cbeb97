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
    // `  "key": [\n` … `\n  ]`: the items between, stringified where they sit in the document.
    const open = `  ${JSON.stringify(key)}: [\n`;
    yield sep + open;
    for (let i = 0; i < v.length; i += ITEMS) {
      const part = JSON.stringify({ [key]: v.slice(i, i + ITEMS) }, null, 2);
      yield (i === 0 ? '' : ',\n') + part.slice(2 + open.length, -'\n  ]\n}'.length);
    }
    yield '\n  ]';
  }
  yield first ? '{}' : '\n}';
}
