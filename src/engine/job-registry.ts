// One record per job (name and trigger), shared by every event and run of that job: its key is
// computed once and its strings are copies, so nothing kept per job pins a chunk of the log.

import { detach } from '../model/detach';
import { jobKey, type JobRef } from '../model/event';

export class JobRegistry {
  private jobs = new Map<string, JobRef>();

  intern(job: JobRef): JobRef {
    const key = jobKey(job);
    let canonical = this.jobs.get(key);
    if (!canonical) {
      canonical = { name: detach(job.name), trigger: detach(job.trigger), key: detach(key) };
      this.jobs.set(canonical.key!, canonical);
    }
    return canonical;
  }
}
