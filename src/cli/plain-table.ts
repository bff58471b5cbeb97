// Tables for `jobs`, `clean` and `restore`, in time linear in their text: each cell is measured
// once and cut to its column's cap (with …), columns are aligned with spaces. A layout library
// that re-measures rows against each other took 28.8 s for 8,080 rows; the full text is in JSON.
// Cells come from job stores, so control characters (a newline or an escape sequence in a job's
// name) are shown escaped, never sent to the terminal.

export interface Column {
  head: string;
  /** The widest this column may get, in terminal cells; undefined: as wide as its widest cell. */
  max?: number;
  align?: 'left' | 'right';
}

/** A cell is one line, or several lines (an array) stacked in its row. */
export type Cell = string | string[];

const GAP = '  ';

export function renderTable(columns: Column[], rows: Cell[][]): string {
  const cells: string[][][] = rows.map((row) => columns.map((col, i) => toLines(row[i] ?? '').map((line) => elide(line, col.max))));
  const heads = columns.map((c) => elide(c.head, c.max));
  const widths = columns.map((_, i) => {
    let w = displayWidth(heads[i]);
    for (const row of cells) for (const line of row[i]) w = Math.max(w, displayWidth(line));
    return w;
  });
  const out: string[] = [];
  const line = (parts: string[]) => out.push(parts.map((p, i) => pad(p, widths[i], columns[i].align)).join(GAP).trimEnd());
  line(heads);
  line(widths.map((w) => '─'.repeat(w)));
  for (const row of cells) {
    const height = Math.max(1, ...row.map((c) => c.length));
    for (let k = 0; k < height; k++) line(row.map((c) => c[k] ?? ''));
  }
  return out.join('\n') + '\n';
}

function toLines(cell: Cell): string[] {
  return (Array.isArray(cell) ? cell : [cell]).map(visible);
}

/** Control characters as escapes: `\n`, `\t`, `\x1b`. */
export function visible(text: string): string {
  if (!CONTROL.test(text)) return text;
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** Terminal cells a character takes: 0 for combining marks, 2 for East Asian wide and emoji, else 1. */
function charWidth(cp: number): number {
  if (cp >= 0x300 && cp <= 0x36f) return 0;
  if (cp === 0x200b || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd)
  ) return 2;
  return 1;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let w = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    w += charWidth(cp);
  }
  return w;
}

/** The text cut to `max` cells, ending in … when cut. Reads at most `max` characters of a long text. */
export function elide(text: string, max: number | undefined): string {
  if (max === undefined || text.length <= max / 2) return text;
  if (PRINTABLE_ASCII.test(text.length > max + 1 ? text.slice(0, max + 1) : text)) return text.length <= max ? text : text.slice(0, max - 1) + '…';
  let w = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    const step = cp > 0xffff ? 2 : 1;
    const cw = charWidth(cp);
    if (w + cw > max) {
      // Cut here, leaving room for the ellipsis.
      let end = i;
      let width = w;
      while (end > 0 && width + 1 > max) {
        const prev = text.codePointAt(end - 1)!;
        const back = end >= 2 && prev >= 0xdc00 && prev <= 0xdfff ? 2 : 1;
        end -= back;
        width -= charWidth(text.codePointAt(end)!);
      }
      return text.slice(0, end) + '…';
    }
    w += cw;
    i += step - 1;
  }
  return text;
}
