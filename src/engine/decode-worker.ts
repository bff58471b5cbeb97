// The worker side of decode-pool.ts: pickles in, decoded states out, batch by batch.

import { parentPort } from 'node:worker_threads';
import { decodeState } from './decode-row';
import type { DecodeReply, DecodeTask } from './decode-pool';

const port = parentPort!;
port.on('message', (task: DecodeTask) => {
  try {
    const states = task.pickles.map((p) => (p === null ? null : decodeState(Buffer.from(p.buffer, p.byteOffset, p.byteLength), task.summary)));
    port.postMessage({ id: task.id, states } satisfies DecodeReply);
  } catch (err) {
    // decodeState never throws for a bad pickle; this is a bug, said as one.
    port.postMessage({ id: task.id, error: (err as Error).stack ?? String(err) } satisfies DecodeReply);
  }
});
