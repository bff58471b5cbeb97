// What the recommender says: one setting for one job (or the deployment), with the numbers
// behind it.

export type Setting = 'deployment' | 'max_instances' | 'coalesce' | 'misfire_grace_time' | 'replace_existing' | 'interval';

export interface Recommendation {
  /** The job's name as logged; null for the deployment. */
  job: string | null;
  trigger?: string;
  /** The job-store id, when a store was read and the job matched. */
  id?: string;
  setting: Setting;
  current: string;
  /** Where the current value comes from. */
  currentSource: 'store' | 'log' | 'default' | 'unknown';
  recommended: string;
  confidence: 'high' | 'medium' | 'low';
  reason: string;
  /** A choice only the user can make. */
  question?: string;
  evidence: Record<string, unknown>;
}
