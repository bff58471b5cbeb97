import type { Evidence } from '../model/finding';
import type { StoreJob } from '../model/store-job';
import { isoFromMicros } from '../model/time';

export function rowEvidence(job: StoreJob): Evidence {
  const next = job.row.nextRunTime === null ? 'paused' : isoFromMicros(Math.round(job.row.nextRunTime * 1e6));
  const what = job.state ? `${job.state.name} ${job.state.func} ${job.state.trigger.text}` : `(undecodable: ${job.decodeError})`;
  return { source: job.store, line: 0, row: job.row.id, text: `id=${job.row.id} next_run_time=${next} ${what}` };
}
