// Text that fits a terminal: prose wrapped at word boundaries, a log line cut with an ellipsis,
// and a table that caps its cells before measuring them, so its cost follows the rows and the
// width, never the length of a name (a 50 MB job name is cut first, then laid out). Boxes are
// drawn only when the table fits with them; narrower, the columns are spaced; narrower still,
// each row is a block of `header: value` lines.

const ELLIPSIS = '…';
/** No cell is wider than this before layout; the full text stays in the JSON report. */
export const MAX_CELL = 48;
/** Below this a column is not narrowed further: the layout changes instead. */
const MIN_COLUMN = 6;

/** At most `width` characters, cut in the middle when long (names differ at their ends too). */
export function elide(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return ELLIPSIS.slice(0, width);
  const head = Math.ceil((width - 1) / 2);
  const tail = width - 1 - head;
  return text.slice(0, head) + ELLIPSIS + (tail > 0 ? text.slice(text.length - tail) : '');
}

/** At most `width` characters, cut at the end (a log line: its start says the most). */
export function cut(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? ELLIPSIS.slice(0, width) : text.slice(0, width - 1) + ELLIPSIS;
}

/** Prose in lines of at most `width`, each after `indent`; a word longer than a line is cut. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const room = Math.max(10, width - indent.length);
  const out: string[] = [];
  // One line of input at a time, and never more of it than a few screens: a report is read, not archived.
  for (const paragraph of text.slice(0, room * 40).split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const w = word.length > room ? cut(word, room) : word;
      if (line && line.length + 1 + w.length > room) {
        out.push(indent + line);
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    out.push(indent + line);
  }
  return out;
}

export interface TableLayout {
  width: number;
  /** Box drawing, when it fits (and the caller wants it). */
  boxes: boolean;
  indent?: string;
}

export function textTable(head: string[], rows: string[][], layout: TableLayout): string[] {
  const indent = layout.indent ?? '';
  const room = layout.width - indent.length;
  const cells = rows.map((r) => r.map((c) => elide(c.replace(/[\r\n\t]+/g, ' '), MAX_CELL)));
  const widths = head.map((h, i) => cells.reduce((w, r) => Math.max(w, r[i].length), h.length));
  const total = (gap: number, edges: number) => widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1) + edges;

  if (layout.boxes && total(3, 4) <= room) return boxed(head, cells, widths).map((l) => indent + l);
  // Narrow the widest columns until the spaced table fits, or no column can give more.
  while (total(2, 0) > room) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= MIN_COLUMN) break;
    widths[widest]--;
  }
  if (total(2, 0) <= room) {
    const line = (r: string[]) => indent + r.map((c, i) => (i === r.length - 1 ? elide(c, widths[i]) : elide(c, widths[i]).padEnd(widths[i]))).join('  ').trimEnd();
    return [line(head), ...cells.map(line)];
  }
  // Too narrow for columns: one block per row.
  const label = Math.max(...head.map((h) => h.length));
  const out: string[] = [];
  for (const r of cells) {
    if (out.length) out.push('');
    r.forEach((c, i) => out.push(indent + `${head[i].padEnd(label)}  ${elide(c, Math.max(1, room - label - 2))}`));
  }
  return out;
}

function boxed(head: string[], cells: string[][], widths: number[]): string[] {
  const rule = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const row = (r: string[]) => '│' + r.map((c, i) => ` ${c.padEnd(widths[i])} `).join('│') + '│';
  return [rule('┌', '┬', '┐'), row(head), rule('├', '┼', '┤'), ...cells.map(row), rule('└', '┴', '┘')];
}

/** The width to lay text out in: the terminal's, else COLUMNS, else 80. */
export function outputWidth(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const columns = Number(env.COLUMNS);
  return Number.isInteger(columns) && columns >= 20 ? columns : 80;
}
