// One record per job (name and trigger), shared by every event and run of that job: its key is
// computed once and its strings are copies, so nothing kept per job pins a chunk of the log.
// Looked up by name, then trigger: no key string is built per event. A name nearly always has
// one trigger: it is compared with that one, and a map of triggers is made only for a second.

import { detach } from '../model/detach';
import { jobKey, type JobRef } from '../model/event';

export class JobRegistry {
  private jobs = new Map<string, { first: JobRef; others?: Map<string, JobRef> }>();

  intern(job: JobRef): JobRef {
    if (job.key !== undefined) return job;
    const byName = this.jobs.get(job.name);
    if (!byName) {
      const canonical = make(job);
      this.jobs.set(canonical.name, { first: canonical });
      return canonical;
    }
    if (byName.first.trigger === job.trigger) return byName.first;
    let canonical = byName.others?.get(job.trigger);
    if (!canonical) {
      canonical = make(job);
      (byName.others ??= new Map()).set(canonical.trigger, canonical);
    }
    return canonical;
  }
}

function make(job: JobRef): JobRef {
  const canonical: JobRef = { name: detach(job.name), trigger: detach(job.trigger) };
  canonical.key = jobKey(canonical);
  return canonical;
}
