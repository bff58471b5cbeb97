import type { Command } from 'commander';
import { UserError } from '../model/errors';
import { isoFromMicros } from '../model/time';
import { readBackup, type Backup, type BackupEntry } from '../stores/backup';
import { parseDbUrl } from '../stores/db-url';
import { openStoreWriter, type RestoreOutcome, type RestoreResult } from '../stores/store-writer';
import { emit } from './output';
import { renderTable } from './plain-table';

interface RestoreFlags {
  db: string;
  table?: string;
  schema?: string;
  jobsKey?: string;
  runTimesKey?: string;
  overwrite?: boolean;
  all?: boolean;
  format: string;
}

export function registerRestore(program: Command): void {
  program
    .command('restore')
    .description('put rows that `clean` deleted back into the job store, from its backup (one transaction)')
    .argument('<backup>', 'the NDJSON backup written by clean')
    .requiredOption('--db <url>', 'job store URL: sqlite:///path.db, sqlite:////abs/path.db, postgresql://user:pass@host:5432/db, mysql+pymysql://user:pass@host/db, redis://host:6379/0')
    .option('--table <name>', 'job store table (default: the one recorded in the backup)')
    .option('--schema <name>', 'PostgreSQL schema or MySQL database (default: the one recorded in the backup)')
    .option('--jobs-key <key>', 'RedisJobStore jobs_key (default: the one recorded in the backup)')
    .option('--run-times-key <key>', 'RedisJobStore run_times_key (default: the one recorded in the backup)')
    .option('--overwrite', 'replace a row whose id exists with different content (default: report it as a conflict)')
    .option('--all', 'restore every row of the backup, also those clean recorded as not deleted')
    .option('-f, --format <format>', 'table or json', 'table')
    .action(async (path: string, flags: RestoreFlags) => {
      process.exitCode = await runRestore(path, flags);
    });
}

type Outcome = RestoreOutcome | 'not-deleted';

interface RestoreReport {
  backup: Backup;
  display: string;
  table: string;
  rows: { entry: BackupEntry; outcome: Outcome; current?: { nextRunTime: number | null } }[];
}

async function runRestore(path: string, flags: RestoreFlags): Promise<number> {
  if (flags.format !== 'table' && flags.format !== 'json') throw new UserError(`--format must be table or json (got '${flags.format}')`);
  const display = parseDbUrl(flags.db).display;
  const backup = await readBackup(path);
  // Rows clean left in place (a scheduler changed them, or the transaction failed) may hold older
  // data than the store now does: leave them.
  const deleted = backup.result && !flags.all ? new Set(backup.result.deleted) : undefined;
  const wanted = backup.entries.filter((e) => !deleted || deleted.has(e.row.id));
  const table = flags.table ?? backup.header.table;
  const schema = flags.schema ?? backup.header.schema ?? undefined;

  let result: RestoreResult = { rows: [] };
  let shownTable = schema ? `${schema}.${table}` : table;
  if (wanted.length) {
    const writer = await openStoreWriter(flags.db, { table, schema, jobsKey: flags.jobsKey ?? backup.header.table, runTimesKey: flags.runTimesKey ?? backup.header.runTimesKey });
    try {
      shownTable = writer.table;
      result = await writer.restore(wanted.map((e) => e.row), Boolean(flags.overwrite));
    } finally {
      await writer.close();
    }
  }
  const outcomes = new Map(result.rows.map((r) => [r.id, r]));
  const report: RestoreReport = {
    backup, display, table: shownTable,
    rows: backup.entries.map((entry) => {
      const r = outcomes.get(entry.row.id);
      return r ? { entry, outcome: r.outcome, current: r.current } : { entry, outcome: 'not-deleted' as const };
    }),
  };
  await emit(flags.format === 'json' ? JSON.stringify(restoreJson(report), null, 2) + '\n' : restoreText(report), undefined);
  // Exit 1 when something of the backup did not go back: a conflict, or a row line it could not use.
  return report.rows.some((r) => r.outcome === 'conflict') || backup.ignored.some((i) => i.row) ? 1 : 0;
}

const OUTCOME_TEXT: Record<Outcome, string> = {
  inserted: 'restored',
  identical: 'already present, identical',
  overwritten: 'replaced (--overwrite)',
  conflict: 'conflict: the id exists with other content; left as is (--overwrite replaces it)',
  'not-deleted': 'not restored: the backup records that clean did not delete it (a scheduler had changed it, or the delete failed); --all restores it anyway',
};

function count(report: RestoreReport, outcome: Outcome): number {
  return report.rows.filter((r) => r.outcome === outcome).length;
}

function restoreJson(report: RestoreReport) {
  return {
    version: 1,
    tool: 'sched-doctor',
    command: 'restore',
    backup: report.backup.path,
    backedUpFrom: report.backup.header.store,
    store: report.display,
    table: report.table,
    ignored: report.backup.ignored.map((i) => ({ line: i.line, why: i.why, row: i.row })),
    rows: report.rows.map((r) => ({
      id: r.entry.row.id, outcome: r.outcome, nextRunTime: r.entry.row.nextRunTime,
      ...(r.current ? { currentNextRunTime: r.current.nextRunTime } : {}),
    })),
    summary: Object.fromEntries((Object.keys(OUTCOME_TEXT) as Outcome[]).map((o) => [o, count(report, o)])),
  };
}

function restoreText(report: RestoreReport): string {
  const out: string[] = [];
  const from = report.backup.header.store;
  if (from !== report.display) out.push(`note: the backup was taken from ${from}; restoring into ${report.display}`);
  for (const i of report.backup.ignored) out.push(`note: ${report.backup.path}: line ${i.line} ignored: ${i.why}${i.row ? ' — that row is not restored' : ''}`);
  if (report.rows.length) {
    const rows = report.rows.map((r) => {
      const s = r.entry.summary;
      const next = r.entry.row.nextRunTime === null ? 'paused' : isoFromMicros(Math.round(r.entry.row.nextRunTime * 1e6)).replace(/\.\d+Z$/, 'Z');
      return [r.entry.row.id, next, s.func ? [s.name ?? '', s.func, s.trigger ?? ''] : ['undecodable'], OUTCOME_TEXT[r.outcome]];
    });
    out.push(renderTable([{ head: 'id', max: 64 }, { head: 'next run', max: 20 }, { head: 'job', max: 40 }, { head: 'result', max: 120 }], rows).trimEnd());
  }
  const parts = [`${count(report, 'inserted')} restored`];
  for (const o of ['overwritten', 'identical', 'conflict', 'not-deleted'] as Outcome[]) if (count(report, o)) parts.push(`${count(report, o)} ${o === 'not-deleted' ? 'not deleted by clean' : o === 'identical' ? 'already present' : o === 'conflict' ? 'conflicts' : 'replaced'}`);
  const lost = report.backup.ignored.filter((i) => i.row).length;
  if (lost) parts.push(`${lost} row line${lost === 1 ? '' : 's'} of the backup unusable`);
  out.push(`${report.backup.path} → ${report.display} (${report.table}): ${parts.join(', ')}`);
  return out.join('\n') + '\n';
}
