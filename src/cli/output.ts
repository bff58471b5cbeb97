// Where a rendered report goes: stdout, or a file written atomically.

import { promises as fs } from 'node:fs';
import { describeFsError, UserError } from '../model/errors';
import { writeAtomically } from '../report/atomic-write';

/** GitHub's step summary file is shared by every command of the step: append, never replace. */
export async function appendStepSummary(path: string, markdown: string): Promise<void> {
  try {
    await fs.appendFile(path, markdown.endsWith('\n') ? markdown : markdown + '\n');
  } catch (err) {
    throw new UserError(`cannot write the step summary $GITHUB_STEP_SUMMARY (${path}): ${describeFsError(err)}`);
  }
}

/** `text`: the report, or its pieces in order (a large JSON report is written without being one string). */
export async function emit(text: string | Iterable<string>, output: string | undefined): Promise<void> {
  if (output) {
    await writeAtomically(output, text);
    return;
  }
  for (const piece of typeof text === 'string' ? [text] : text) {
    await new Promise<void>((resolve, reject) => process.stdout.write(piece, (err) => (err ? reject(err) : resolve())));
  }
}

/**
 * --color/--no-color first, then FORCE_COLOR (CI logs render colour; `0` or `false` turn it off),
 * then NO_COLOR (no-color.org: any non-empty value), then: colour only on a terminal. A report
 * written to a file is never coloured unless asked for.
 */
export function useColor(output: string | undefined, flag?: boolean, env: NodeJS.ProcessEnv = process.env, tty = process.stdout.isTTY === true): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  return !output && tty;
}
