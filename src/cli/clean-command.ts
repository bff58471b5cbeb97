import type { Command } from 'commander';
import Table from 'cli-table3';
import { resolve } from 'node:path';
import { loadStoreJobs } from '../engine/analyze-store';
import type { StoreJob } from '../model/store-job';
import { UserError } from '../model/errors';
import { isoFromMicros } from '../model/time';
import { appendBackupResult, defaultBackupName, writeBackup, type BackupEntry } from '../stores/backup';
import { DEFAULT_CLEAN_RULES, parseCleanRules, planClean, type CleanPlan, type CleanRow } from '../clean/selection';
import { parseDbUrl } from '../stores/db-url';
import { checkLive, type LiveCheck } from '../clean/live-store';
import { CommitOutcomeUnknown } from '../stores/postgres-writer';
import { openStoreWriter, type DeleteResult, type SkippedRow } from '../stores/store-writer';
import { emit, useColor } from './output';
import { addStoreOptions, parseNow, type StoreFlags } from './store-flags';

interface CleanFlags extends StoreFlags {
  rules?: string;
  olderThan: string;
  job?: string[];
  apply?: boolean;
  yes?: boolean;
  force?: boolean;
  backup?: string;
  format: string;
  liveInterval: string;
  liveWindow: string;
}

export function registerClean(program: Command): void {
  addStoreOptions(
    program
      .command('clean')
      .description('delete duplicate, undecodable, stale or orphaned rows from a job store, after a backup; a dry run unless --apply'),
    true,
  )
    .option('--rules <ids>', `rules that select rows, comma-separated: duplicate-job, stale-job, orphan-job, undecodable-job (default: ${DEFAULT_CLEAN_RULES.join(',')})`)
    .option('--older-than <duration>', 'stale-job: only rows overdue by more than this (30m, 12h, 7d, 2w)', '7d')
    .option('--job <id>', 'delete this row too (repeatable); alone, only the rows named', (v: string, all: string[] | undefined) => [...(all ?? []), v])
    .option('--apply', 'delete the rows (default: a dry run that changes nothing)')
    .option('--yes', 'same as --apply')
    .option('--force', 'apply even when the store looks live (rows a scheduler changes are skipped, never lost)')
    .option('--backup <file>', 'backup file to write before deleting (default: sched-doctor-backup-<db>-<timestamp>.ndjson here); never overwritten')
    .option('-f, --format <format>', 'table or json', 'table')
    .option('--live-interval <duration>', 'live-store check: time between the two reads of the table', '1.5s')
    .option('--live-window <duration>', 'live-store check: a next run this close to the clock (before or after) counts as live; 0 turns it off', '5m')
    .action(async (flags: CleanFlags) => {
      process.exitCode = await runClean(flags);
    });
}

async function runClean(flags: CleanFlags): Promise<number> {
  if (flags.format !== 'table' && flags.format !== 'json') throw new UserError(`--format must be table or json (got '${flags.format}')`);
  const apply = Boolean(flags.apply || flags.yes);
  const named = flags.job ?? [];
  const rules = flags.rules !== undefined ? parseCleanRules(flags.rules) : named.length ? [] : DEFAULT_CLEAN_RULES;
  const olderThanSeconds = parseDuration(flags.olderThan, '--older-than');
  const intervalMs = parseDuration(flags.liveInterval, '--live-interval') * 1000;
  const windowMicros = parseDuration(flags.liveWindow, '--live-window') * 1e6;
  const now = parseNow(flags.now) ?? Date.now() * 1000;
  const url = flags.db!;
  const display = parseDbUrl(url).display;
  const storeOptions = { table: flags.table, schema: flags.schema };

  const first = await loadStoreJobs(url, storeOptions);
  await new Promise((r) => setTimeout(r, intervalMs));
  const jobs = await loadStoreJobs(url, storeOptions);
  const live = checkLive(first.map((j) => j.row), jobs.map((j) => j.row), intervalMs, Date.now() * 1000, windowMicros);
  const plan = planClean(jobs, { rules, olderThanSeconds, jobIds: named, sourceDir: flags.source, now });
  const report: CleanReport = { display, table: jobs[0]?.table ?? flags.table, total: jobs.length, rules, apply, live, forced: Boolean(flags.force), plan };

  if (apply && plan.rows.length > 0) {
    if (live.live && !flags.force) {
      throw new UserError(`${display} looks live (${live.reasons.join('; ')}): stop the schedulers that use it, or pass --force (rows a scheduler changes are then skipped, never lost); nothing was changed`);
    }
    await deleteWithBackup(url, storeOptions, flags, report);
  }
  const color = useColor(undefined);
  await emit(flags.format === 'json' ? JSON.stringify(cleanJson(report), null, 2) + '\n' : cleanText(report, color), undefined);
  return report.result && report.result.skipped.length > 0 ? 1 : 0;
}

interface CleanReport {
  display: string;
  table: string;
  total: number;
  rules: string[];
  apply: boolean;
  live: LiveCheck;
  forced: boolean;
  plan: CleanPlan;
  backup?: string;
  result?: DeleteResult;
}

async function deleteWithBackup(url: string, storeOptions: { table: string; schema?: string }, flags: CleanFlags, report: CleanReport): Promise<void> {
  // Connect before writing the backup: a wrong URL or password leaves no file behind.
  const writer = await openStoreWriter(url, storeOptions);
  try {
    const header = {
      type: 'sched-doctor-backup' as const, version: 1 as const, store: report.display, table: flags.table, schema: flags.schema ?? null,
      created: new Date().toISOString(), rules: report.rules, rows: report.plan.rows.length,
    };
    const path = await writeBackup(flags.backup ?? resolve(defaultBackupName(report.display, new Date())), header, report.plan.rows.map(backupEntry), flags.backup === undefined);
    report.backup = path;
    // Failure injection for the tests: die the hard way between the backup and the commit.
    if (process.env.SCHED_DOCTOR_TEST_KILL_AFTER_BACKUP === '1') process.kill(process.pid, 'SIGKILL');
    const hooks = process.env.SCHED_DOCTOR_TEST_KILL_BEFORE_COMMIT === '1' ? { beforeCommit: () => process.kill(process.pid, 'SIGKILL') } : undefined;
    try {
      report.result = await writer.deleteUnchanged(report.plan.rows.map((r) => r.job.row), hooks);
    } catch (err) {
      if (err instanceof CommitOutcomeUnknown) {
        throw new UserError(`${err.message}; compare the table with the backup ${path} (complete): restore puts back any row that is gone`);
      }
      await appendBackupResult(path, { committed: false, deleted: [], skipped: [], error: (err as Error).message, finished: new Date().toISOString() });
      throw new UserError(`${(err as Error).message}; nothing was deleted (the backup ${path} is complete)`);
    }
    await appendBackupResult(path, {
      committed: true, deleted: report.result.deleted, skipped: report.result.skipped.map((s) => ({ id: s.id, why: s.why })), finished: new Date().toISOString(),
    });
  } finally {
    await writer.close();
  }
}

function backupEntry(row: CleanRow): BackupEntry {
  const s = row.job.state;
  return {
    row: row.job.row,
    rules: row.rules,
    reason: row.reasons.join('; '),
    summary: {
      name: s?.name ?? null, func: s?.func ?? null, trigger: s?.trigger.text ?? null, next_run: nextRun(row.job),
      ...(row.job.decodeError ? { decode_error: row.job.decodeError } : {}),
    },
  };
}

function nextRun(job: StoreJob): string | null {
  return job.row.nextRunTime === null ? null : isoFromMicros(Math.round(job.row.nextRunTime * 1e6));
}

function shortTime(job: StoreJob): string {
  return nextRun(job)?.replace(/\.\d+Z$/, 'Z') ?? 'paused';
}

function action(report: CleanReport, id: string): { action: 'would-delete' | 'deleted' | 'skipped'; skipped?: SkippedRow } {
  if (!report.result) return { action: 'would-delete' };
  const skipped = report.result.skipped.find((s) => s.id === id);
  return skipped ? { action: 'skipped', skipped } : { action: 'deleted' };
}

function skipText(s: SkippedRow): string {
  if (s.why === 'gone') return 'skipped: already deleted by someone else';
  const now = s.current!;
  return `skipped: changed by a scheduler since it was read (next run now ${now.nextRunTime === null ? 'paused' : isoFromMicros(Math.round(now.nextRunTime * 1e6))}); its update is kept`;
}

function cleanJson(report: CleanReport) {
  return {
    version: 1,
    tool: 'sched-doctor',
    command: 'clean',
    store: report.display,
    table: report.table,
    mode: report.apply ? 'apply' : 'dry-run',
    rules: report.rules,
    live: { ...report.live, forced: report.forced },
    rows: report.plan.rows.map((r) => {
      const a = action(report, r.job.row.id);
      return {
        id: r.job.row.id, rules: r.rules, reasons: r.reasons, nextRunTime: r.job.row.nextRunTime, nextRun: nextRun(r.job),
        name: r.job.state?.name ?? null, func: r.job.state?.func ?? null, trigger: r.job.state?.trigger.text ?? null, decodeError: r.job.decodeError ?? null,
        action: a.action,
        ...(a.skipped ? { skipped: { why: a.skipped.why, nextRunTime: a.skipped.current?.nextRunTime ?? null } } : {}),
      };
    }),
    kept: report.plan.groups.map((g) => ({
      id: g.keep.row.id, why: g.why, func: g.keep.state!.func, trigger: g.keep.state!.trigger.text,
      removed: g.removed.map((j) => j.row.id), alsoSelectedBy: g.alsoSelectedBy,
    })),
    backup: report.backup ?? null,
    summary: {
      rowsInStore: report.total, selected: report.plan.rows.length,
      deleted: report.result?.deleted.length ?? 0, skipped: report.result?.skipped.length ?? 0,
    },
  };
}

function cleanText(report: CleanReport, color: boolean): string {
  const { plan } = report;
  const out: string[] = [];
  const where = `${report.display} (${report.table})`;
  if (plan.rows.length === 0) {
    out.push(`nothing to delete in ${where}: ${report.total} row${report.total === 1 ? '' : 's'}, none selected by ${report.rules.join(', ') || '--job'}`);
  } else {
    const table = new Table({
      head: ['id', 'rule', 'reason', 'next run', 'job', ...(report.result ? ['done'] : [])],
      style: color ? {} : { head: [], border: [] },
      wordWrap: true,
      colWidths: [34, 17, 44, 22, 30, ...(report.result ? [30] : [])] as unknown as number[],
    });
    for (const r of plan.rows) {
      const s = r.job.state;
      const job = s ? `${s.name}\n${s.func}\n${s.trigger.text}` : `undecodable`;
      const a = action(report, r.job.row.id);
      table.push([r.job.row.id, r.rules.join('\n'), r.reasons.join('\n'), shortTime(r.job), job,
        ...(report.result ? [a.skipped ? skipText(a.skipped) : 'deleted'] : [])]);
    }
    out.push(table.toString());
  }
  for (const g of plan.groups) {
    const also = g.alsoSelectedBy.length ? ` — but ${g.alsoSelectedBy.join(', ')} deletes it too` : '';
    out.push(`keeps ${g.keep.row.id} of ${g.removed.length + 1} copies of ${g.keep.state!.func} ${g.keep.state!.trigger.text}: ${g.why}${also}`);
  }
  if (report.live.live) {
    out.push(`warning: the store looks live: ${report.live.reasons.join('; ')}${report.forced ? ' (--force given)' : report.apply ? '' : ' — --apply will need --force'}`);
  }
  if (!report.apply) {
    if (plan.rows.length) out.push(`dry run: ${plan.rows.length} of ${report.total} rows would be deleted from ${where}; nothing was changed. Run again with --apply to delete them (a backup is written first).`);
  } else if (report.result) {
    const r = report.result;
    out.push(`deleted ${r.deleted.length} of ${plan.rows.length} rows from ${where}${r.skipped.length ? `; ${r.skipped.length} skipped (changed since read)` : ''}`);
    out.push(`backup: ${report.backup} — undo with: sched-doctor restore --db ${report.display} ${report.backup}`);
  }
  return out.join('\n') + '\n';
}

/** `90s`, `30m`, `12h`, `7d`, `2w`, `500ms`; a bare number is seconds. Returns seconds. */
export function parseDuration(value: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/.exec(value);
  if (!m) throw new UserError(`${flag} '${value}' is not a duration (e.g. 90s, 30m, 12h, 7d, 2w)`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}
