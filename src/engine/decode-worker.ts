// The worker side of decode-pool.ts: pickles in; decoded states, summaries packed
// (summary-wire.ts), or the text a renderer makes of them a slice of rows at a time
// (render-slices.ts) out, batch by batch. It imports only the
// decoder (decode-row.ts), so it starts without the database drivers; a renderer is loaded by its
// path on the first batch that names it.

import { parentPort } from 'node:worker_threads';
import { decodeState } from './decode-row';
import type { DecodeReply, DecodeRequest } from './decode-pool';
import { renderedSlices, type BatchRenderer } from './render-slices';
import { packStates } from './summary-wire';

const port = parentPort!;
const renderers = new Map<string, BatchRenderer>();

port.on('message', (m: DecodeRequest) => {
  try {
    reply(m);
  } catch (err) {
    // Answered as this batch's failure: thrown out of the thread, it failed every batch still in
    // flight, those before it in the store's order too (the other worker's).
    port.postMessage({ seq: m.seq, error: (err as Error)?.message ?? String(err), stack: (err as Error)?.stack } satisfies DecodeReply);
  }
});

function reply(m: DecodeRequest): void {
  // Where each row's pickle starts in m.pickles.
  const starts = new Int32Array(m.lengths.length);
  for (let i = 0, at = 0; i < starts.length; i++) {
    starts[i] = at;
    if (m.lengths[i] > 0) at += m.lengths[i];
  }
  // A missing pickle (a row the store marked invalid) stays a hole: it is not decoded.
  const decode = (i: number) => {
    const n = m.lengths[i];
    return n < 0 ? null : decodeState(Buffer.from(m.pickles.buffer, m.pickles.byteOffset + starts[i], n), m.summary, false);
  };
  if (m.render === undefined && m.summary) {
    const packed = packStates(decode, m.ids!);
    port.postMessage({ seq: m.seq, packed } satisfies DecodeReply, [packed.refs.buffer as ArrayBuffer, packed.numbers.buffer as ArrayBuffer]);
    return;
  }
  if (m.render === undefined) {
    port.postMessage({ seq: m.seq, states: Array.from(m.lengths, (_, i) => decode(i)) } satisfies DecodeReply);
    return;
  }
  let render = renderers.get(m.render);
  if (!render) renderers.set(m.render, (render = (require(m.render) as { renderBatch: BatchRenderer }).renderBatch));
  port.postMessage({ seq: m.seq, texts: [...renderedSlices(m.heads!, decode, render)] } satisfies DecodeReply);
}
