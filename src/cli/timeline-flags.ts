// What `analyze` adds for the views that draw runs: `--job GLOB` restricts the whole analysis to
// the matching jobs, and the run log is collected only when a format draws it (html, markdown):
// the other formats pay nothing for it.

import type { AnalyzeOptions } from '../engine/analyze';
import { RunLog } from '../engine/run-log';
import { globToRegExp } from '../config/job-filter';
import type { Report } from '../report/report';
import { attachTimeline } from '../report/timeline-attachment';

const DRAWN = new Set(['html', 'markdown']);
/** Exact runs kept for the views: about 4 MB of the HTML file (26 bytes a run), whatever the log's size. */
const BUDGET = 150_000;

export function timelineViews(formats: string[], job: string | undefined): { engine: Partial<AnalyzeOptions>; attach(report: Report): void } {
  const pattern = job === undefined ? undefined : globToRegExp(job);
  // `github` writes the Markdown report to the step summary when GitHub gives one: it draws runs too.
  const summary = formats.includes('github') && Boolean(process.env.GITHUB_STEP_SUMMARY);
  const runLog = summary || formats.some((f) => DRAWN.has(f)) ? new RunLog({ budget: BUDGET }) : undefined;
  return {
    engine: { ...(pattern ? { jobs: (name: string) => pattern.test(name) } : {}), ...(runLog ? { runLog } : {}) },
    attach: (report) => {
      if (runLog) attachTimeline(report, runLog.snapshot());
    },
  };
}
