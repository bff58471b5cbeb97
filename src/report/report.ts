// The document every reporter renders: stable, versioned, documented in the README.

import type { LogAnalysis } from '../engine/analyze';
import type { Finding } from '../model/finding';

export const REPORT_VERSION = 1;

export interface Report extends LogAnalysis {
  version: number;
  tool: string;
  /** Extra sections other stages add (store jobs, recommendations). */
  [section: string]: unknown;
}

export function buildReport(analysis: LogAnalysis, extra: Record<string, unknown> = {}): Report {
  return { version: REPORT_VERSION, tool: 'sched-doctor', ...analysis, ...extra };
}

export type { Finding };
