// A document's JSON text, exactly as JSON.stringify(value, null, 2) writes it, in pieces: one per
// member, and the items of a long array (at any depth under plain objects) a hundred at a time. The whole text of a
// large report (100,000 store rows: 105 MB, in memory twice over while it is written) is never
// one string; each piece is stringified by JSON.stringify itself, at the depth it has in the
// whole, so escapes, omitted `undefined`s and `toJSON` are exactly the same.

/**
 * Items of an array stringified at a time. 500 findings were 300 KB of text, twice over (the text
 * and its indented copy): strings that large are made in the old generation and freed only by a
 * full collection; a hundred items stay in the young one (analyze --db, 100,000 rows: peak RSS
 * 253 → 238 MB).
 */
const ITEMS = 100;

/**
 * A long list that makes its items when they are asked for (the store section's rows,
 * store-rows.ts): written in pieces like an array, and as the array of all its items wherever
 * JSON.stringify meets it whole.
 */
export abstract class ItemList<T> implements Iterable<T> {
  abstract readonly length: number;
  abstract slice(start?: number, end?: number): T[];

  toJSON(): T[] {
    return this.slice();
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i += ITEMS) yield* this.slice(i, i + ITEMS);
  }
}

/**
 * The document's text in pieces. A long array anywhere under plain objects (the report's
 * `findings`, the store section's `jobs`: 100,000 rows are 24 MB of text) is written ITEMS at a
 * time; everything else one member at a time.
 */
export function* jsonPieces(value: Record<string, unknown>): Generator<string> {
  yield* objectPieces(value, 0);
}

/** A plain object's text at `depth` (its members at depth + 1): `{`, each member, `}`. */
function* objectPieces(value: Record<string, unknown>, depth: number): Generator<string> {
  let first = true;
  for (const key of Object.keys(value)) {
    const v = value[key];
    const head = `${pad(depth + 1)}${JSON.stringify(key)}: `;
    if (splits(v)) {
      yield (first ? '{\n' : ',\n') + head;
      first = false;
      yield* Array.isArray(v) || v instanceof ItemList ? arrayPieces(v, depth + 1) : objectPieces(v as Record<string, unknown>, depth + 1);
      continue;
    }
    const text = memberText(key, v, depth + 1);
    // undefined: a value JSON leaves out (undefined, a function, a symbol).
    if (text === undefined) continue;
    yield (first ? '{\n' : ',\n') + text;
    first = false;
  }
  yield first ? '{}' : `\n${pad(depth)}}`;
}

/** A long array's text at `depth` (its items at depth + 1, as itemsText writes them at 2): ITEMS at a time. */
function* arrayPieces(v: unknown[] | ItemList<unknown>, depth: number): Generator<string> {
  yield '[\n';
  for (let i = 0; i < v.length; i += ITEMS) yield (i === 0 ? '' : ',\n') + indented(itemsText('items', v.slice(i, i + ITEMS)), depth - 1);
  yield `\n${pad(depth)}]`;
}

/** Whether a value is written in pieces: a long array or ItemList, or a plain object that holds one. */
function splits(v: unknown): boolean {
  if (Array.isArray(v) || v instanceof ItemList) return v.length > ITEMS;
  if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  for (const k of Object.keys(v)) if (splits((v as Record<string, unknown>)[k])) return true;
  return false;
}

/**
 * One member, `"key": value`, as it is written at `depth` inside the whole: stringified by
 * JSON.stringify itself inside an object of its own (so toJSON gets its key and an omitted value
 * is seen), cut out of it and indented to its depth. JSON text holds no raw line feed but between
 * tokens, so indenting every line is exact.
 */
function memberText(key: string, v: unknown, depth: number): string | undefined {
  const whole = JSON.stringify({ [key]: v }, null, 2);
  if (whole.length === 2) return undefined;
  return indented(whole.slice(2, -2), depth - 1);
}

function indented(text: string, extra: number): string {
  if (extra === 0) return text;
  const p = pad(extra);
  return p + text.replace(/\n/g, `\n${p}`);
}

function pad(depth: number): string {
  return '  '.repeat(depth);
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
