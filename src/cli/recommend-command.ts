import type { Command } from 'commander';
import { UserError } from '../readers/errors';
import { pythonSnippet } from '../recommend/python-snippet';
import { collect, type CollectFlags } from './collect';
import { emit } from './output';
import { addStoreOptions } from './store-flags';

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
    .option('--allow-overlap <job...>', 'jobs that are safe to overlap: size max_instances for them instead of recommending 1');
  addStoreOptions(command, false).action(async (logs: string[], flags: CollectFlags & { format: string; output?: string }) => {
    if (flags.format !== 'python' && flags.format !== 'json') throw new UserError(`--format must be python or json (got '${flags.format}')`);
    const { recommendations, analysis } = await collect(logs, flags);
    const text = flags.format === 'json'
      ? JSON.stringify({ version: 1, recommendations }, null, 2) + '\n'
      : pythonSnippet(recommendations, analysis.sources.map((s) => s.source).concat(flags.db ? [String(flags.db).replace(/\/\/[^@/]*@/, '//')] : []));
    await emit(text, flags.output);
  });
}
