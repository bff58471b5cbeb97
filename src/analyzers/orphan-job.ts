import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../model/finding';
import { rowEvidence } from './store-evidence';
import type { StoreRule } from './rule';

// Modules that are never under a project folder: a reference to them is not an orphan.
export const STDLIB = new Set(['builtins', 'os', 'sys', 'time', 'logging', 'subprocess', 'shutil', 'json', 'math', 'random', 'datetime', 'functools', 'operator', 'socket', 'threading', 'asyncio', 'gc', 'pathlib', 'tempfile', 'urllib', 'http', 'email', 'smtplib', 'sqlite3', 'zoneinfo', 'collections', 'itertools', 'io', 'signal']);

/** Where a module's source would be: `a/b.py` or `a/b/__init__.py`, or undefined. */
export function moduleFile(root: string, module: string): string | undefined {
  const base = join(root, ...module.split('.'));
  for (const candidate of [`${base}.py`, join(base, '__init__.py')]) if (existsSync(candidate)) return candidate;
  return undefined;
}

/** Why the reference would not import, or undefined when it looks fine. */
export function orphanReason(root: string, func: string): string | undefined {
  const [module, qualname] = func.split(':');
  if (!module || !qualname) return `'${func}' is not a module:function reference`;
  const top = module.split('.')[0];
  if (STDLIB.has(top)) return undefined;
  const file = moduleFile(root, module);
  // `__main__` is whichever script ran the scheduler: DIR/__main__.py when DIR itself is run
  // (`python DIR`, `python -m`), otherwise a script no folder can name, so not judged.
  if (!file && module === '__main__') return undefined;
  if (!file) {
    if (!existsSync(join(root, top)) && !existsSync(join(root, `${top}.py`))) return `module '${module}' is not under ${root} (ignore this if it is an installed package)`;
    return `module '${module}' is not under ${root}`;
  }
  const source = readFileSync(file, 'utf8');
  // A star import or a module __getattr__ can bind any name: nothing can be said without running it.
  if (/^\s*from\s+\S+\s+import\s+\*/m.test(source) || /^def\s+__getattr__\b/m.test(source)) return undefined;
  const parts = qualname.split('.');
  const [first, ...rest] = parts;
  const imported = importedNames(source);
  const defines = (name: string) => imported.has(name) || new RegExp(`^\\s*(?:async\\s+)?(?:def|class)\\s+${name.replace(/[^\w]/g, '')}\\b|^${name.replace(/[^\w]/g, '')}\\s*[:=]`, 'm').test(source);
  if (!defines(first)) return `${file} defines no '${first}'`;
  const last = rest.pop();
  // A method of an imported class is in another file: only the class's own name is checked here.
  if (last && !imported.has(first) && !defines(last)) return `${file} defines no '${last}' (for ${qualname})`;
  return undefined;
}

/**
 * Names an import binds in a module (`from .impl import sync, report as nightly`, `import a.b as c`,
 * parenthesised over several lines): a package that re-exports its jobs defines them this way.
 */
function importedNames(source: string): Set<string> {
  const names = new Set<string>();
  const add = (list: string) => {
    for (const item of list.replace(/#[^\n]*/g, '').split(',')) {
      const m = /^\s*([\w.]+)(?:\s+as\s+(\w+))?\s*$/.exec(item.replace(/[()\\]/g, ' '));
      if (m) names.add(m[2] ?? m[1].split('.')[0]);
    }
  };
  for (const m of source.matchAll(/^[ \t]*from\s+\S+\s+import\s+(\([^)]*\)|[^\n]*(?:\\\n[^\n]*)*)/gm)) add(m[1]);
  for (const m of source.matchAll(/^[ \t]*import\s+([^\n]*)/gm)) add(m[1]);
  return names;
}

export const orphanJob: StoreRule = {
  id: 'orphan-job',
  scope: 'store',
  severity: 'warning',
  summary: 'A job\'s function is no longer in the source tree (--source DIR): APScheduler would fail to restore it.',
  docs: {
    what: 'With `--source DIR`, the row\'s `func` reference (`module:qualname`) does not resolve under DIR: no `module.py` or `module/__init__.py`, or no `def`/`class` of that name in it.',
    why: 'When the job falls due, APScheduler fails to import it, logs `Unable to restore job … -- removing it` and deletes the row: the job silently disappears.',
    detection: 'A static look-up under DIR; nothing is imported or executed. A name counts as there when the module defines it (`def`, `class`, an assignment) or binds it by an import (a package re-exporting its jobs). Not judged: standard-library references, `__main__` unless DIR holds a `__main__.py` (otherwise it is whichever script runs the scheduler), and modules with a star import or a module `__getattr__` (any name could be bound).',
    example: 'id=cleanup func=app.tasks:cleanup — src/app/tasks.py defines no \'cleanup\'',
    fix: 'Add the job again with its new reference (`replace_existing=True`), then remove the old row (`sched-doctor clean --rules orphan-job --source DIR`).',
  },
  check(jobs, context) {
    if (!context.sourceDir) return [];
    const findings: Finding[] = [];
    for (const job of jobs) {
      if (!job.state) continue;
      const reason = orphanReason(context.sourceDir, job.state.func);
      if (!reason) continue;
      findings.push({
        rule: 'orphan-job', severity: 'warning', job: job.state.name, trigger: job.state.trigger.text, count: 1,
        message: `${job.row.id}: ${job.state.func} would not import: ${reason}`, evidence: [rowEvidence(job)],
        data: { id: job.row.id, func: job.state.func, reason },
      });
    }
    return findings;
  },
};
