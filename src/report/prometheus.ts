// `watch --metrics`: Prometheus's text exposition format, version 0.0.4 (what every Prometheus,
// Grafana Agent, VictoriaMetrics and OpenTelemetry collector scrapes). The names and help texts
// are listed once here: the README's table is these.

import type { MetricsView } from '../engine/live-metrics';

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricDoc {
  name: string;
  type: 'counter' | 'gauge';
  labels: string[];
  help: string;
}

export const METRICS: MetricDoc[] = [
  { name: 'sched_doctor_findings_total', type: 'counter', labels: ['rule', 'job'], help: 'Occurrences sched-doctor counted per rule and job (job is empty for scheduler-wide findings), as the finding\'s count: scheduled times run more than once for duplicate-run, fire times for missed-run.' },
  { name: 'sched_doctor_runs_total', type: 'counter', labels: ['job', 'outcome'], help: 'Runs per job by outcome: success and error (end lines), skipped (max_instances lines), misfired (misfire lines).' },
  { name: 'sched_doctor_last_run_timestamp_seconds', type: 'gauge', labels: ['job'], help: 'When the job\'s last run started, by the log\'s stamp (Unix time).' },
  { name: 'sched_doctor_next_run_timestamp_seconds', type: 'gauge', labels: ['job'], help: 'When the job should run next by its trigger, after its last run\'s scheduled time (Unix time).' },
  { name: 'sched_doctor_schedulers', type: 'gauge', labels: [], help: 'Scheduler processes seen in the followed logs (by host or file, and process id).' },
];

/** A label value as the format wants it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed only. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function sample(name: string, labels: Record<string, string>, value: number): string {
  const entries = Object.entries(labels);
  const text = entries.length ? `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}` : '';
  return `${name}${text} ${formatValue(value)}`;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return String(v);
}

export function renderPrometheus(view: MetricsView): string {
  const rows: Record<string, string[]> = {
    sched_doctor_findings_total: sortBy(view.findings, (r) => `${r.rule}\u0000${r.job}`).map((r) => sample('sched_doctor_findings_total', { rule: r.rule, job: r.job }, r.value)),
    sched_doctor_runs_total: sortBy(view.runs, (r) => `${r.job}\u0000${r.outcome}`).map((r) => sample('sched_doctor_runs_total', { job: r.job, outcome: r.outcome }, r.value)),
    sched_doctor_last_run_timestamp_seconds: sortBy(view.lastRun, (r) => r.job).map((r) => sample('sched_doctor_last_run_timestamp_seconds', { job: r.job }, r.value)),
    sched_doctor_next_run_timestamp_seconds: sortBy(view.nextRun, (r) => r.job).map((r) => sample('sched_doctor_next_run_timestamp_seconds', { job: r.job }, r.value)),
    sched_doctor_schedulers: [sample('sched_doctor_schedulers', {}, view.schedulers)],
  };
  const out: string[] = [];
  for (const m of METRICS) out.push(`# HELP ${m.name} ${escapeHelp(m.help)}`, `# TYPE ${m.name} ${m.type}`, ...rows[m.name]);
  return out.join('\n') + '\n';
}

function sortBy<T>(rows: T[], key: (r: T) => string): T[] {
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
