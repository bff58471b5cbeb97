import type { Command } from 'commander';
import { UserError } from '../model/errors';
import { absentEntries, pruneBaseline, writeBaseline } from '../baseline/baseline-file';
import type { Finding } from '../model/finding';
import { FORMATS, render, renderPieces } from '../report/render';
import { buildReport } from '../report/report';
import { exitCodeFor, parseFailOn, parseMaxFindings } from './exit';
import { applyControls, prepareControls, type ControlFlags, type Controls } from './analyze-controls';
import { pairTargets, type FlagUse, type Target } from './output-targets';
import { appendStepSummary, emit, useColor } from './output';
import { outputWidth } from '../report/text-layout';
import { didYouMean } from '../model/did-you-mean';
import { addStoreOptions } from './store-flags';
import { addInputOptions, collect, type Collected, type CollectFlags } from './collect';
import { checkInputs, refuseEmpty, type CheckContext, type InputWarning } from './input-check';
import { timelineViews } from './timeline-flags';

export interface AnalyzeFlags extends CollectFlags, Omit<ControlFlags, 'now' | 'logFormat' | 'tz'> {
  format: string;
  output?: string;
  /** Every --format/--output pair, in command-line order (several reports from one run). */
  targets?: Target[];
  maxFindings?: string;
  writeBaseline?: string;
  failOn: string;
  /** A run in which no input gave a record is fine (else exit 2). */
  allowEmpty?: boolean;
  quiet?: boolean;
  allJobs?: boolean;
  /** --color / --no-color; undefined: FORCE_COLOR, NO_COLOR, then whether stdout is a terminal. */
  color?: boolean;
  stdinFilename?: string;
  pruneBaseline?: boolean;
  /** --job GLOB: analyze only the matching jobs. */
  job?: string;
}

export { FORMATS };

export function registerAnalyze(program: Command): void {
  const uses: FlagUse[] = [];
  const record = (flag: FlagUse['flag']) => (value: string) => (uses.push({ flag, value }), value);
  const command = program
    .command('analyze')
    .description('analyze APScheduler logs (and/or a job store): duplicate, overlapping, missed, failed and unfinished runs')
    .argument('[logs...]', 'log files (.gz too), or - for standard input')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}; repeat with --output for several reports`, record('format'), 'table')
    .option('-o, --output <file>', 'write the report to a file (atomically) instead of standard output', record('output'))
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above: error, warning, info, never', 'error')
    .option('--max-findings <n>', 'exit 1 only when more than N findings (outside the baseline) are at or above --fail-on', '0')
    .option('--baseline <file>', 'findings recorded in this baseline do not fail the run; new ones still do')
    .option('--write-baseline <file>', 'record every finding of this run in a baseline file (written atomically)')
    .option('--since <time>', 'analyze from this instant: ISO 8601 with Z or an offset, or a span before --now (30m, 24h, 7d)')
    .option('--until <time>', 'analyze up to (not including) this instant, same forms as --since')
    .option('--allow-empty', 'exit 0 even when no input gives an APScheduler record (default: exit 2, a gate must not pass on nothing)')
    .option('--prune-baseline', 'rewrite the --baseline file without the findings that no longer occur')
    .option('-q, --quiet', 'only the verdict and the findings at or above --fail-on')
    .option('--all-jobs', 'table: list every job, not only those with findings')
    .option('--color', 'colour the table even when not writing to a terminal (also FORCE_COLOR=1)')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('--stdin-filename <name>', 'the file name standard input stands for in sarif, github, junit and compact output')
    .option('--job <glob>', 'analyze only the jobs whose name matches (* and ? match any characters)');
  addStoreOptions(addInputOptions(command), false).action(async (logs: string[], flags: AnalyzeFlags) => {
      flags.targets = pairTargets(uses.splice(0));
      process.exitCode = await runAnalyze(logs, flags);
    });
}

/** --prune-baseline: drop the entries that no longer occur from the --baseline file; the report says how many. */
async function prune(controls: Controls, findings: Finding[], extra: Record<string, unknown>): Promise<void> {
  if (!controls.baseline) throw new UserError('--prune-baseline needs --baseline FILE (the file to prune)');
  const absent = absentEntries(findings, controls.baseline);
  if (absent.length) await pruneBaseline(controls.baseline, absent);
  (extra.baseline as { pruned?: number }).pruned = absent.length;
}

/**
 * What collect gives, without the store's rows: the report does not need them. Awaited in
 * runAnalyze, collect's whole result stayed referenced from its suspended frame until the report
 * was written, and with it every row (100,000 rows: 75 MB of live heap while rendering).
 */
async function analysisOf(...args: Parameters<typeof collect>): Promise<Pick<Collected, 'analysis' | 'extra'>> {
  const { analysis, extra } = await collect(...args);
  return { analysis, extra };
}

export async function runAnalyze(logs: string[], flags: AnalyzeFlags): Promise<number> {
  const failOn = parseFailOn(flags.failOn);
  const targets = flags.targets ?? [{ format: flags.format, output: flags.output }];
  for (const t of targets) {
    if (!FORMATS.includes(t.format)) throw new UserError(`--format must be one of ${FORMATS.join(', ')} (got '${t.format}')${didYouMean(t.format, FORMATS)}`);
  }
  const maxFindings = parseMaxFindings(flags.maxFindings);
  const controls = prepareControls(flags);
  const views = timelineViews(targets.map((t) => t.format), flags.job);
  const { analysis, extra } = await analysisOf(logs, { ...flags, ...controls.collectFlags, keepPickles: false }, { ...controls.engine, ...views.engine });
  applyControls(analysis, extra, controls);
  if (flags.pruneBaseline) await prune(controls, analysis.findings, extra);
  const store = extra.store as { url: string; rows: number; jobs: Iterable<{ name: string | null }> } | undefined;
  // Only --allow-overlap's names are checked against them: a store's 100,000 names are not listed for nothing.
  const jobNames = flags.allowOverlap?.length ? [...analysis.jobs.map((j) => j.name), ...Array.from(store?.jobs ?? [], (j) => j.name).filter((n): n is string => n !== null)] : undefined;
  const check = checkInputs(analysis, {
    allowOverlap: flags.allowOverlap, jobNames,
    // Folders' sub-folders left unread, as the folder reader reports them per source.
    skippedDirs: analysis.sources.flatMap((s) => s.skippedDirs ?? []),
    logFormat: controls.collectFlags.logFormat, fieldsGiven: (flags.field?.length ?? 0) > 0,
    window: extra.window as CheckContext['window'], storeRows: store?.rows, storeLabel: store?.url,
  });
  if (check.nothing && !flags.allowEmpty) refuseEmpty(check);
  if (check.warnings.length) extra.warnings = [...((extra.warnings as InputWarning[] | undefined) ?? []), ...check.warnings];
  const report = buildReport(analysis, extra);
  views.attach(report);
  for (const t of targets) {
    const options = {
      failOn, cwd: process.cwd(), color: useColor(t.output, flags.color), rules: controls.rules, maxFindings, recording: flags.writeBaseline !== undefined,
      width: t.output ? 80 : outputWidth(process.stdout), quiet: flags.quiet, allJobs: flags.allJobs, stdinName: flags.stdinFilename,
    };
    await emit(renderPieces(t.format, report, options), t.output);
    // In GitHub Actions the step summary is the place people look: the Markdown report goes there too.
    if (t.format === 'github' && process.env.GITHUB_STEP_SUMMARY) await appendStepSummary(process.env.GITHUB_STEP_SUMMARY, render('markdown', report, options));
  }
  if (flags.writeBaseline) {
    const n = await writeBaseline(flags.writeBaseline, report.findings);
    process.stderr.write(`sched-doctor: wrote ${n} finding${n === 1 ? '' : 's'} to the baseline ${flags.writeBaseline}\n`);
    return 0;
  }
  return exitCodeFor(report.findings, failOn, maxFindings);
}
