import type { Command } from 'commander';
import { UserError } from '../model/errors';
import { writeBaseline } from '../baseline/baseline-file';
import { FORMATS, render } from '../report/render';
import { buildReport } from '../report/report';
import { exitCodeFor, parseFailOn, parseMaxFindings } from './exit';
import { applyControls, prepareControls, type ControlFlags } from './analyze-controls';
import { pairTargets, type FlagUse, type Target } from './output-targets';
import { emit, useColor } from './output';
import { addStoreOptions } from './store-flags';
import { addInputOptions, collect, type CollectFlags } from './collect';
import { timelineViews } from './timeline-flags';

export interface AnalyzeFlags extends CollectFlags, Omit<ControlFlags, 'now' | 'logFormat' | 'tz'> {
  format: string;
  output?: string;
  /** Every --format/--output pair, in command-line order (several reports from one run). */
  targets?: Target[];
  maxFindings?: string;
  writeBaseline?: string;
  failOn: string;
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
    .option('--job <glob>', 'analyze only the jobs whose name matches (* and ? match any characters)');
  addStoreOptions(addInputOptions(command), false).action(async (logs: string[], flags: AnalyzeFlags) => {
      flags.targets = pairTargets(uses.splice(0));
      process.exitCode = await runAnalyze(logs, flags);
    });
}

export async function runAnalyze(logs: string[], flags: AnalyzeFlags): Promise<number> {
  const failOn = parseFailOn(flags.failOn);
  const targets = flags.targets ?? [{ format: flags.format, output: flags.output }];
  for (const t of targets) if (!FORMATS.includes(t.format)) throw new UserError(`--format must be one of ${FORMATS.join(', ')} (got '${t.format}')`);
  const maxFindings = parseMaxFindings(flags.maxFindings);
  const controls = prepareControls(flags);
  const views = timelineViews(targets.map((t) => t.format), flags.job);
  const { analysis, extra } = await collect(logs, { ...flags, ...controls.collectFlags }, { ...controls.engine, ...views.engine });
  applyControls(analysis, extra, controls);
  const report = buildReport(analysis, extra);
  views.attach(report);
  for (const t of targets) {
    await emit(render(t.format, report, { failOn, cwd: process.cwd(), color: useColor(t.output), rules: controls.rules }), t.output);
  }
  if (flags.writeBaseline) {
    const n = await writeBaseline(flags.writeBaseline, report.findings);
    process.stderr.write(`sched-doctor: wrote ${n} finding${n === 1 ? '' : 's'} to the baseline ${flags.writeBaseline}\n`);
    return 0;
  }
  return exitCodeFor(report.findings, failOn, maxFindings);
}
