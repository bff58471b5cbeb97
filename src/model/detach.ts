// A substring in V8 can keep its whole parent string alive: a job name sliced from a 1 MB
// chunk of log keeps the chunk. Anything kept past its batch (names, keys, evidence) is copied.

export function detach(text: string): string {
  return text.length === 0 ? '' : Buffer.from(text, 'utf8').toString('utf8');
}
