// The worker side of a threaded source (reader-thread.ts): one LogReader, run in its own thread,
// its event batches posted to the main thread, which analyses while this thread parses. The
// reader is the same code as in the main thread; only the options come as their sources (compiled
// formats and zones hold regexes and functions, which do not cross threads) and are compiled here.

import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../model/errors';
import { userZone } from './clock';
import { compileDateFormat } from './date-format';
import { LogReader } from './log-reader';
import { compileLogFormat } from './python-logging-format';
import { EventEncoder } from './event-codec';
import type { FromWorker, ThreadSpec, ToWorker } from './reader-thread';

const port = parentPort!;
const spec = workerData as ThreadSpec;

/** Batches posted and not yet taken by the main thread: the parse runs at most this far ahead. */
const AHEAD = 6;
let inFlight = 0;
let wake: (() => void) | undefined;
port.on('message', (m: ToWorker) => {
  if (m.type !== 'taken') return;
  inFlight--;
  const w = wake;
  wake = undefined;
  w?.();
});

const post = (m: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);

async function run(): Promise<void> {
  const reader = new LogReader(spec.source, {
    logFormat: spec.logFormat === undefined ? undefined : compileLogFormat(spec.logFormat),
    dateFormat: spec.dateFormat === undefined ? undefined : compileDateFormat(spec.dateFormat),
    zone: userZone(spec.tz),
    fields: spec.fields,
    host: spec.host,
    files: spec.files,
    skippedDirs: spec.skippedDirs,
    everyLine: spec.everyLine,
    segmentBytes: spec.segmentBytes,
  });
  const encoder = new EventEncoder(spec.jobsInterned === true);
  try {
    for await (const events of reader.events()) {
      inFlight++;
      const { batch, transfer } = encoder.encode(events);
      post({ type: 'events', batch }, transfer);
      while (inFlight >= AHEAD) await new Promise<void>((resolve) => (wake = resolve));
    }
    post({ type: 'done', stats: reader.stats });
  } catch (err) {
    post({ type: 'error', message: (err as Error)?.message ?? String(err), user: err instanceof UserError, stack: (err as Error)?.stack });
  }
}

void run();
