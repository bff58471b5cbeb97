// The worker side of decode-pool.ts: pickles in, decoded states (or the text a renderer makes of
// them) out, batch by batch. It imports only the decoder (decode-row.ts), so it starts without
// the database drivers; a renderer is loaded by its path on the first batch that names it.

import { parentPort } from 'node:worker_threads';
import { decodeState } from './decode-row';
import type { BatchRenderer, DecodeReply, DecodeRequest } from './decode-pool';

const port = parentPort!;
const renderers = new Map<string, BatchRenderer>();

port.on('message', (m: DecodeRequest) => {
  // A missing pickle (a row the store marked invalid) stays a hole: it is not decoded.
  const states = m.pickles.map((p) => (p === null ? null : decodeState(Buffer.from(p.buffer, p.byteOffset, p.byteLength), m.summary)));
  if (m.render === undefined) {
    port.postMessage({ seq: m.seq, states } satisfies DecodeReply);
    return;
  }
  let render = renderers.get(m.render);
  if (!render) renderers.set(m.render, (render = (require(m.render) as { renderBatch: BatchRenderer }).renderBatch));
  port.postMessage({ seq: m.seq, text: render(m.heads!, states) } satisfies DecodeReply);
});
