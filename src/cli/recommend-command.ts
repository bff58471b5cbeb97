import type { Command } from 'commander';
import { UserError } from '../model/errors';
import { pythonSnippet } from '../recommend/python-snippet';
import { addInputOptions, collect, type CollectFlags } from './collect';
import { emit } from './output';
import { addStoreOptions } from './store-flags';
import { withoutCredentials } from '../stores/db-url';
import { applyControls, prepareControls, type ControlFlags } from './analyze-controls';
import type { Recommendation } from '../recommend/recommendation';
import type { Finding } from '../model/finding';
import { checkInputs, refuseEmpty, type CheckContext } from './input-check';

/** Rows orphan-job found (with --source): their functions would not import. */
function orphanRows(findings: Finding[]): Map<string, string> {
  return new Map(findings.filter((f) => f.rule === 'orphan-job').map((f) => [String(f.data?.id), String(f.data?.reason)]));
}

export function registerRecommend(program: Command): void {
  const command = program
    .command('recommend')
    .description('recommend max_instances, coalesce, misfire_grace_time (or the deployment fix), as paste-ready Python')
    .argument('[logs...]', 'log files (.gz too), or - for standard input')
    .option('-f, --format <format>', 'python (default) or json', 'python')
    .option('-o, --output <file>', 'write to a file (atomically)')
    .option('--allow-empty', 'print "no change recommended" even when no input gives an APScheduler record (default: exit 2: nothing read is no evidence of health)');
  addStoreOptions(addInputOptions(command), false).action(async (logs: string[], flags: CollectFlags & ControlFlags & { format: string; output?: string; allowEmpty?: boolean }) => {
    if (flags.format !== 'python' && flags.format !== 'json') throw new UserError(`--format must be python or json (got '${flags.format}')`);
    // The same config as analyze: rules turned off, thresholds, log format, zone, job filter.
    const controls = prepareControls(flags);
    const collected = await collect(logs, { ...flags, ...controls.collectFlags }, controls.engine);
    applyControls(collected.analysis, collected.extra, controls);
    const recommendations = collected.extra.recommendations as Recommendation[];
    const analysis = collected.analysis;
    // "No change recommended" from inputs that held nothing would be a confident answer without evidence.
    const store = collected.extra.store as { url: string; rows: number } | undefined;
    const check = checkInputs(analysis, {
      logFormat: controls.collectFlags.logFormat, fieldsGiven: (flags.field?.length ?? 0) > 0,
      window: collected.extra.window as CheckContext['window'], storeRows: store?.rows, storeLabel: store?.url,
    });
    if (check.nothing && !flags.allowEmpty) refuseEmpty(check);
    for (const w of check.warnings) process.stderr.write(`sched-doctor: warning: ${w.message}\n`);
    const text = flags.format === 'json'
      ? JSON.stringify({ version: 1, recommendations }, null, 2) + '\n'
      : pythonSnippet({
          recommendations,
          sources: analysis.sources.map((s) => s.source).concat(flags.db ? [collected.storeJobs?.[0]?.store ?? withoutCredentials(flags.db)] : []),
          logJobs: analysis.jobs,
          storeJobs: collected.storeJobs,
          orphans: orphanRows(analysis.findings),
        });
    await emit(text, flags.output);
  });
}
