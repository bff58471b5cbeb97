// Several sources on one timeline: a k-way merge of per-source event batches by instant, so
// runs from different hosts meet in time order. Memory: one batch per source.

import type { LogEvent } from '../model/event';

export async function* mergeByTime(streams: AsyncIterable<LogEvent[]>[]): AsyncGenerator<LogEvent[]> {
  if (streams.length === 1) {
    yield* streams[0];
    return;
  }
  const iterators = streams.map((s) => s[Symbol.asyncIterator]());
  const heads: { batch: LogEvent[]; i: number; last: number }[] = [];
  const live: number[] = [];
  for (let s = 0; s < iterators.length; s++) {
    heads.push({ batch: [], i: 0, last: -Infinity });
    if (await refill(s)) live.push(s);
  }

  async function refill(s: number): Promise<boolean> {
    const next = await iterators[s].next();
    if (next.done) return false;
    heads[s].batch = next.value;
    heads[s].i = 0;
    return true;
  }

  const timeOf = (s: number): number => {
    const h = heads[s];
    const t = h.batch[h.i].ctx.time;
    return t === undefined ? h.last : t;
  };

  let out: LogEvent[] = [];
  while (live.length > 0) {
    let best = 0;
    for (let k = 1; k < live.length; k++) if (timeOf(live[k]) < timeOf(live[best])) best = k;
    const s = live[best];
    const h = heads[s];
    const event = h.batch[h.i++];
    if (event.ctx.time !== undefined) h.last = event.ctx.time;
    out.push(event);
    if (out.length >= 4096) {
      yield out;
      out = [];
    }
    if (h.i >= h.batch.length && !(await refill(s))) live.splice(best, 1);
  }
  if (out.length) yield out;
}
