// "Did you mean …?" for the names a user types: rule ids, formats, severities. A close spelling
// (edit distance at most a third of the word) or a known alias (`warn` → `warning`) is suggested;
// anything else gets the list of what is allowed.

/** Words people type for a severity that the tools they know use. */
const ALIASES: Record<string, string> = { warn: 'warning', warnings: 'warning', err: 'error', errors: 'error', fatal: 'error', critical: 'error', note: 'info', notice: 'info', information: 'info', none: 'never', off: 'never' };

export function closest(value: string, allowed: readonly string[]): string | undefined {
  const v = value.toLowerCase();
  if (allowed.includes(v)) return v;
  const alias = ALIASES[v];
  if (alias && allowed.includes(alias)) return alias;
  let best: { word: string; d: number } | undefined;
  for (const word of allowed) {
    const d = distance(v, word);
    if (d <= Math.max(1, Math.floor(word.length / 3)) && (!best || d < best.d)) best = { word, d };
  }
  if (best) return best.word;
  // A prefix of exactly one name (`dup` → `duplicate-run` is not one: two rules start so).
  const prefixed = allowed.filter((w) => w.startsWith(v) && v.length >= 3);
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** ` (did you mean 'warning'?)`, or '' when nothing is close. */
export function didYouMean(value: string, allowed: readonly string[]): string {
  const near = closest(value, allowed);
  return near ? ` (did you mean '${near}'?)` : '';
}

// Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 4) return 99;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
