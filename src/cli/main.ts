// Command-line wiring only: every command's work lives in the stages it calls.

import { Command, CommanderError } from 'commander';
import { UserError } from '../model/errors';
import { registerAnalyze } from './analyze-command';
import { registerRules } from './rules-command';
import { registerJobs } from './jobs-command';
import { registerClean } from './clean-command';
import { registerRestore } from './restore-command';
import { registerRecommend } from './recommend-command';
import { registerRuns } from './runs-command';
import { registerWatch } from './watch-command';

const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('sched-doctor')
    .description('Audit APScheduler: why did my job run three times, and what do I change?')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(commanderLine(s)) });
  registerAnalyze(program);
  registerRecommend(program);
  registerJobs(program);
  registerClean(program);
  registerRestore(program);
  registerRuns(program);
  registerWatch(program);
  registerRules(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const program = buildProgram();
  if (argv.length <= 2) {
    // No command is a usage error: say what there is, on stderr, and fail.
    process.stderr.write(program.helpInformation());
    process.exitCode = 2;
    return;
  }
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = handleError(err);
  }
}

/** Commander's `error: …` (and its `(Did you mean …?)` line) as one `sched-doctor: …` line. */
export function commanderLine(text: string): string {
  const one = text.trim().replace(/^error: /, '').replace(/\s*\n\(Did you mean (.+)\?\)/, ' (did you mean $1?)').replace(/\s*\n\s*/g, ' ');
  return `sched-doctor: ${one}; see sched-doctor --help\n`;
}

export function handleError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander already printed its message; help and version are not errors.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2;
  }
  if (err instanceof UserError) {
    // Several problems (one per input) are several lines, each one on its own.
    for (const line of err.message.split('\n')) process.stderr.write(`sched-doctor: ${line}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`sched-doctor: internal error: ${message.split('\n')[0]} (please report it; SCHED_DOCTOR_DEBUG=1 shows the trace)\n`);
  if (process.env.SCHED_DOCTOR_DEBUG) process.stderr.write(String((err as Error)?.stack) + '\n');
  return 2;
}
