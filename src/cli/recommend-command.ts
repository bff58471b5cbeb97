import type { Command } from 'commander';
import { UserError } from '../readers/errors';
import { pythonSnippet } from '../recommend/python-snippet';
import { collect, type CollectFlags } from './collect';
import { emit } from './output';
import { addStoreOptions } from './store-flags';
import { applyControls, prepareControls, type ControlFlags } from './analyze-controls';
import type { Recommendation } from '../recommend/recommendation';

export function registerRecommend(program: Command): void {
  const command = program
    .command('recommend')
    .description('recommend max_instances, coalesce, misfire_grace_time (or the deployment fix), as paste-ready Python')
    .argument('[logs...]', 'log files (.gz too), or - for standard input')
    .option('-f, --format <format>', 'python (default) or json', 'python')
    .option('-o, --output <file>', 'write to a file (atomically)')
    .option('--log-format <format>', 'the Python logging format of the log')
    .option('--tz <zone>', 'time zone of log timestamps that carry no offset')
    .option('--same-process', "the files are one process's log, not separate processes")
    .option('--field <map>', 'JSON logs: which fields hold what, e.g. message=msg,time=ts,host=host,pid=pid (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--host-from <where>', "where a record's host comes from: record (default; else the file stands for the host) or filename")
    .option('--allow-overlap <job...>', 'jobs that are safe to overlap: size max_instances for them instead of recommending 1')
    .option('--config <file>', 'config file (default: sched-doctor.config.json or .sched-doctorrc.json here or in a folder above)')
    .option('--no-config', 'use no config file');
  addStoreOptions(command, false).action(async (logs: string[], flags: CollectFlags & ControlFlags & { format: string; output?: string }) => {
    if (flags.format !== 'python' && flags.format !== 'json') throw new UserError(`--format must be python or json (got '${flags.format}')`);
    // The same config as analyze: rules turned off, thresholds, log format, zone, job filter.
    const controls = prepareControls(flags);
    const collected = await collect(logs, { ...flags, ...controls.collectFlags }, controls.engine);
    applyControls(collected.analysis, collected.extra, controls);
    const recommendations = collected.extra.recommendations as Recommendation[];
    const analysis = collected.analysis;
    const text = flags.format === 'json'
      ? JSON.stringify({ version: 1, recommendations }, null, 2) + '\n'
      : pythonSnippet(recommendations, analysis.sources.map((s) => s.source).concat(flags.db ? [String(flags.db).replace(/\/\/[^@/]*@/, '//')] : []));
    await emit(text, flags.output);
  });
}
