// `--source DIR` is where orphan-job looks for the jobs' modules; a mistyped folder makes every
// job look orphaned (once it deleted all five rows of a store). So the folder must exist and hold
// at least one of the modules the store's jobs refer to.

import { statSync } from 'node:fs';
import { moduleFile, STDLIB } from '../analyzers/orphan-job';
import type { StoreJob } from '../model/store-job';
import { UserError } from '../model/errors';
import { describeFsError } from '../model/errors';

/** `after`: what the refusal means for the command (clean: `nothing was changed`). */
export function checkSourceFolder(dir: string, jobs: StoreJob[], after = 'nothing was changed'): void {
  const doubt = sourceFolderDoubt(dir, jobs, after);
  if (doubt) throw new UserError(`${doubt} ${after}`);
}

/**
 * A folder that is not there is refused (a usage error); one that holds none of the jobs' modules
 * is a doubt, returned as words: every module deleted is possible, a mistyped folder is likelier.
 */
export function sourceFolderDoubt(dir: string, jobs: StoreJob[], after: string): string | undefined {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (err) {
    throw new UserError(`--source ${dir}: ${describeFsError(err) === 'no such file' ? 'no such folder' : describeFsError(err)}; ${after}`);
  }
  if (!isDir) throw new UserError(`--source ${dir}: not a folder (give the project folder the job functions live in); ${after}`);
  const modules = new Set<string>();
  for (const job of jobs) {
    const module = job.state?.func.split(':')[0];
    if (module && !STDLIB.has(module.split('.')[0])) modules.add(module);
  }
  if (modules.size === 0) return undefined;
  for (const module of modules) if (moduleFile(dir, module)) return undefined;
  const listed = [...modules].slice(0, 3).join(', ');
  return `--source ${dir}: none of the ${modules.size} module${modules.size === 1 ? '' : 's'} the store's jobs refer to (${listed}${modules.size > 3 ? ', …' : ''}) is under it — is it the project folder?`;
}
