// Findings: what the analyzers report. Every reporter renders these and nothing else.

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export interface Evidence {
  source: string;
  /** Line number in a log; 0 for a job-store row. */
  line: number;
  text?: string;
  /** The job-store row id, for store evidence. */
  row?: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  /** The job's name as logged; null for scheduler-wide findings. */
  job: string | null;
  trigger?: string;
  count: number;
  message: string;
  /** ISO 8601 instants (UTC) of the first and last occurrence, when known. */
  firstTime?: string;
  lastTime?: string;
  /** A few places that show it, never all of them. */
  evidence: Evidence[];
  /** Rule-specific numbers (delays, hosts, ids), stable keys, for JSON and the recommender. */
  data?: Record<string, unknown>;
  /** Stable identity (rule, job, trigger, a rule-specific key; never lines or counts): baselines, SARIF. */
  fingerprint?: string;
  /** With --baseline: 'unchanged' when the baseline holds it (it does not fail the run), else 'new'. */
  baseline?: 'new' | 'unchanged';
}

export const MAX_EVIDENCE = 5;
