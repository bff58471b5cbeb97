// A job name as one shell word, for the hints that say which flag to pass: a name with spaces,
// quotes or `$` pasted unquoted would split or expand.

export function shellWord(name: string): string {
  return /^[\w.,:@%+=/-]+$/.test(name) ? name : `'${name.replace(/'/g, `'\\''`)}'`;
}
