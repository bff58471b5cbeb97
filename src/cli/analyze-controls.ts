// What a CI run adds around the analysis: the config file, the time window, the job filter, the
// baseline. `prepareControls` reads and checks all of them before any log is read (a bad flag
// fails fast, exit 2); `applyControls` shapes the analysis afterwards.

import type { AnalyzeOptions, LogAnalysis } from '../engine/analyze';
import { absentEntries, applyBaseline, readBaseline, type Baseline } from '../baseline/baseline-file';
import { resolve } from 'node:path';
import { withFingerprints } from '../baseline/fingerprint';
import type { Config } from '../config/config';
import { jobFilter } from '../config/job-filter';
import { loadConfig } from '../config/load-config';
import { isoFromMicros } from '../model/time';
import type { Recommendation } from '../recommend/recommendation';
import { RULES } from '../analyzers';
import { parseNow } from './store-flags';
import { parseWindow, type Window } from './window';

export interface ControlFlags {
  config?: string | false;
  baseline?: string;
  writeBaseline?: string;
  since?: string;
  until?: string;
  now?: string;
  logFormat?: string;
  tz?: string;
}

export interface Controls {
  config: Config;
  window: Window;
  baseline?: Baseline;
  /** Flags for `collect`: the command line wins over the config file. */
  collectFlags: { logFormat?: string; tz?: string };
  engine: Partial<AnalyzeOptions>;
  /** Rules that run: every rule the config does not turn off. */
  rules: string[];
}

export function prepareControls(flags: ControlFlags, cwd: string = process.cwd()): Controls {
  const config = loadConfig(flags.config, cwd);
  const window = parseWindow(flags.since, flags.until, parseNow(flags.now));
  const firstRun = flags.writeBaseline !== undefined && flags.baseline !== undefined && resolve(cwd, flags.writeBaseline) === resolve(cwd, flags.baseline);
  const baseline = flags.baseline === undefined ? undefined : readBaseline(flags.baseline, firstRun);
  return {
    config,
    window,
    baseline,
    collectFlags: { logFormat: flags.logFormat ?? config.logFormat, tz: flags.tz ?? config.tz },
    engine: { ruleOptions: config.ruleOptions, ruleSeverity: config.ruleSeverity, since: window.since, until: window.until },
    rules: RULES.map((r) => r.id).filter((id) => config.ruleSeverity[id] !== 'off'),
  };
}

/** Job filter, fingerprints and baseline state; report sections that say what was applied. */
export function applyControls(analysis: LogAnalysis, extra: Record<string, unknown>, controls: Controls): void {
  const keep = jobFilter(controls.config.jobs);
  if (keep) {
    analysis.jobs = analysis.jobs.filter((j) => keep(j.name));
    analysis.findings = analysis.findings.filter((f) => f.job === null || keep(f.job));
    const recs = extra.recommendations as Recommendation[] | undefined;
    if (recs) extra.recommendations = recs.filter((r) => r.job === null || keep(r.job));
  }
  analysis.findings = withFingerprints(analysis.findings);
  if (controls.baseline) {
    const { findings, absent } = applyBaseline(analysis.findings, controls.baseline);
    analysis.findings = findings;
    extra.baseline = {
      file: controls.baseline.path,
      new: findings.filter((f) => f.baseline === 'new').length,
      unchanged: findings.filter((f) => f.baseline === 'unchanged').length,
      absent,
      // Which accepted findings are gone, so the file can be reviewed (or pruned with --prune-baseline).
      absentEntries: absentEntries(findings, controls.baseline).map(({ fingerprint, rule, job, trigger }) => ({ fingerprint, rule, job, trigger })),
    };
  }
  if (controls.config.path) extra.config = { file: controls.config.path };
  const { since, until } = controls.window;
  if (since !== undefined || until !== undefined) {
    const outside = analysis.sources.reduce((n, s) => n + (s.outsideWindow ?? 0), 0);
    extra.window = { since: since === undefined ? null : isoFromMicros(since), until: until === undefined ? null : isoFromMicros(until), outside };
  }
}
