// One record per job (name and trigger), shared by every event and run of that job: its key is
// computed once and its strings are copies, so nothing kept per job pins a chunk of the log.
// Looked up by name, then trigger: no key string is built per event.

import { detach } from '../model/detach';
import { jobKey, type JobRef } from '../model/event';

export class JobRegistry {
  private jobs = new Map<string, Map<string, JobRef>>();

  intern(job: JobRef): JobRef {
    if (job.key !== undefined) return job;
    let byTrigger = this.jobs.get(job.name);
    if (!byTrigger) this.jobs.set(detach(job.name), (byTrigger = new Map()));
    let canonical = byTrigger.get(job.trigger);
    if (!canonical) {
      canonical = { name: detach(job.name), trigger: detach(job.trigger) };
      canonical.key = jobKey(canonical);
      byTrigger.set(canonical.trigger, canonical);
    }
    return canonical;
  }
}
