import type { Command } from 'commander';
import { analyzeLogs } from '../engine/analyze';
import { UserError } from '../readers/errors';
import { renderJson } from '../report/json';
import { buildReport } from '../report/report';
import { renderTable } from '../report/table';
import { exitCodeFor, parseFailOn } from './exit';
import { emit, useColor } from './output';
import { addStoreOptions, parseNow, type StoreFlags } from './store-flags';
import { checkStore, linkStoreAndLog, loadStoreJobs } from '../engine/analyze-store';
import { sortFindings, type LogAnalysis } from '../engine/analyze';

export interface AnalyzeFlags extends Partial<StoreFlags> {
  format: string;
  output?: string;
  failOn: string;
  logFormat?: string;
  tz?: string;
  sameProcess?: boolean;
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
    .option('--same-process', 'the files are one process\'s log (rotated parts), not separate processes');
  addStoreOptions(command, false).action(async (logs: string[], flags: AnalyzeFlags) => {
      process.exitCode = await runAnalyze(logs, flags);
    });
}

export async function runAnalyze(logs: string[], flags: AnalyzeFlags): Promise<number> {
  const failOn = parseFailOn(flags.failOn);
  if (!FORMATS.includes(flags.format)) throw new UserError(`--format must be one of ${FORMATS.join(', ')} (got '${flags.format}')`);
  if (logs.filter((l) => l === '-').length > 1) throw new UserError('standard input (-) can be read only once');
  if (logs.length === 0 && !flags.db) throw new UserError('nothing to analyze: give log files, - for standard input, or --db URL');
  const now = parseNow(flags.now);
  const analysis: LogAnalysis = logs.length
    ? await analyzeLogs(logs, { logFormat: flags.logFormat, tz: flags.tz, sameProcess: flags.sameProcess })
    : { sources: [], jobs: [], findings: [], pairing: { exact: 0, ambiguous: 0, unmatched: 0 } };
  const extra: Record<string, unknown> = {};
  if (flags.db) {
    const storeJobs = await loadStoreJobs(flags.db, { table: flags.table ?? 'apscheduler_jobs', schema: flags.schema });
    analysis.findings.push(...checkStore(storeJobs, { now, sourceDir: flags.source }));
    if (logs.length) analysis.findings.push(...linkStoreAndLog(storeJobs, analysis.jobs));
    analysis.findings = sortFindings(analysis.findings);
    extra.store = { url: storeJobs[0]?.store ?? flags.db.replace(/\/\/[^@/]*@/, '//'), rows: storeJobs.length, jobs: storeJobs.map((j) => ({ id: j.row.id, name: j.state?.name ?? null, func: j.state?.func ?? null, trigger: j.state?.trigger.text ?? null, nextRunTime: j.row.nextRunTime, decodeError: j.decodeError ?? null })) };
  }
  const report = buildReport(analysis, extra);
  const text = flags.format === 'json' ? renderJson(report) : renderTable(report, { color: useColor(flags.output) });
  await emit(text, flags.output);
  return exitCodeFor(report.findings, failOn);
}
