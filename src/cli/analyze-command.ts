import type { Command } from 'commander';
import { UserError } from '../readers/errors';
import { renderJson } from '../report/json';
import { buildReport } from '../report/report';
import { renderTable } from '../report/table';
import { exitCodeFor, parseFailOn } from './exit';
import { emit, useColor } from './output';
import { addStoreOptions, type StoreFlags } from './store-flags';
import { collect } from './collect';

export interface AnalyzeFlags extends Partial<StoreFlags> {
  format: string;
  output?: string;
  failOn: string;
  logFormat?: string;
  tz?: string;
  sameProcess?: boolean;
  allowOverlap?: string[];
}

export const FORMATS = ['table', 'json'];

export function registerAnalyze(program: Command): void {
  const command = program
    .command('analyze')
    .description('analyze APScheduler logs (and/or a job store): duplicate, overlapping, missed, failed and unfinished runs')
    .argument('[logs...]', 'log files (.gz too), or - for standard input')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('-o, --output <file>', 'write the report to a file (atomically) instead of standard output')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above: error, warning, info, never', 'error')
    .option('--log-format <format>', "the Python logging format of the log, e.g. '%(asctime)s - %(name)s - %(levelname)s - %(message)s'")
    .option('--tz <zone>', 'time zone of log timestamps that carry no offset (IANA name, UTC, +08:00); default: inferred from the log')
    .option('--same-process', 'the files are one process\'s log (rotated parts), not separate processes')
    .option('--allow-overlap <job...>', 'jobs that are safe to overlap: size max_instances for them instead of recommending 1');
  addStoreOptions(command, false).action(async (logs: string[], flags: AnalyzeFlags) => {
      process.exitCode = await runAnalyze(logs, flags);
    });
}

export async function runAnalyze(logs: string[], flags: AnalyzeFlags): Promise<number> {
  const failOn = parseFailOn(flags.failOn);
  if (!FORMATS.includes(flags.format)) throw new UserError(`--format must be one of ${FORMATS.join(', ')} (got '${flags.format}')`);
  const { analysis, extra } = await collect(logs, flags);
  const report = buildReport(analysis, extra);
  const text = flags.format === 'json' ? renderJson(report) : renderTable(report, { color: useColor(flags.output) });
  await emit(text, flags.output);
  return exitCodeFor(report.findings, failOn);
}
