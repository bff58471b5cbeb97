import type { Command } from 'commander';
import { resolve } from 'node:path';
import { checkLive } from '../clean/live-store';
import { defaultSafetySeconds, isDueWithin, MIN_SAFETY_SECONDS, type SafetyWindow } from '../clean/safety-window';
import { DEFAULT_CLEAN_RULES, parseCleanRules, planClean, type CleanRow } from '../clean/selection';
import { checkSourceFolder } from '../clean/source-folder';
import { loadStoreJobs } from '../engine/analyze-store';
import { UserError } from '../model/errors';
import { appendBackupResult, defaultBackupName, writeBackup, type BackupEntry } from '../stores/backup';
import { parseDbUrl } from '../stores/db-url';
import { redisKeys } from '../stores/redis-store';
import type { StoreOptions } from '../stores/store';
import { CommitOutcomeUnknown } from '../stores/postgres-writer';
import { openStoreWriter } from '../stores/store-writer';
import { cleanJson, cleanText, nextRun, type CleanReport } from './clean-report';
import { emit } from './output';
import { addStoreOptions, parseNow, storeOptionsFrom, type StoreFlags } from './store-flags';

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
  safetyWindow?: string;
}

export function registerClean(program: Command): void {
  addStoreOptions(
    program
      .command('clean')
      .description('delete duplicate, undecodable, stale or orphaned rows from a job store, after a backup; a dry run unless --apply')
      .addHelpText('after', `
A row whose next run is due, or falls due within the safety window, is never deleted, not even with
--force: a scheduler may be running it, and APScheduler 3.x's scheduler thread dies silently when a
due job's row vanishes (update_job raises JobLookupError, which it does not catch). Such rows are
reported as left for a later run. For a full purge, pause or stop the schedulers first.`),
    true,
  )
    .option('--rules <ids>', `rules that select rows, comma-separated: duplicate-job, stale-job, orphan-job, undecodable-job (default: ${DEFAULT_CLEAN_RULES.join(',')})`)
    .option('--older-than <duration>', 'stale-job: only rows overdue by more than this (30m, 12h, 7d, 2w)', '7d')
    .option('--job <id>', "delete this row too (repeatable; a prefix as 'jobs' shows it is enough); alone, only the rows named", (v: string, all: string[] | undefined) => [...(all ?? []), v])
    .option('--apply', 'delete the rows (default: a dry run that changes nothing)')
    .option('--yes', 'same as --apply')
    .option('--force', 'apply even when the store looks live (rows a scheduler changes are skipped, due rows left), or when every row is selected')
    .option('--backup <file>', 'backup file to write before deleting (default: sched-doctor-backup-<db>-<timestamp>.ndjson here); never overwritten')
    .option('-f, --format <format>', 'table or json', 'table')
    .option('--live-interval <duration>', 'live-store check: time between the two reads of the table', '1.5s')
    .option('--live-window <duration>', 'live-store check: a next run this close to the clock (before or after) counts as live; 0 turns it off', '5m')
    .option('--safety-window <duration>', `rows due within this of the clock are never deleted (default: the live interval + 10s; at least ${MIN_SAFETY_SECONDS}s)`)
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
  const intervalSeconds = parseDuration(flags.liveInterval, '--live-interval');
  const windowMicros = parseDuration(flags.liveWindow, '--live-window') * 1e6;
  const safetySeconds = flags.safetyWindow === undefined ? defaultSafetySeconds(intervalSeconds) : parseDuration(flags.safetyWindow, '--safety-window');
  if (safetySeconds < MIN_SAFETY_SECONDS) {
    throw new UserError(`--safety-window ${flags.safetyWindow}: at least ${MIN_SAFETY_SECONDS}s (a scheduler updates a due row moments after reading it; deleting it in between stops APScheduler 3.x's scheduler thread)`);
  }
  const now = parseNow(flags.now) ?? Date.now() * 1000;
  const url = flags.db!;
  const display = parseDbUrl(url).display;
  const storeOptions = storeOptionsFrom(flags);

  const first = await loadStoreJobs(url, storeOptions);
  if (flags.source !== undefined) checkSourceFolder(flags.source, first);
  await new Promise((r) => setTimeout(r, intervalSeconds * 1000));
  const jobs = await loadStoreJobs(url, storeOptions);
  const live = checkLive(first.map((j) => j.row), jobs.map((j) => j.row), intervalSeconds * 1000, Date.now() * 1000, windowMicros);
  const plan = planClean(jobs, { rules, olderThanSeconds, jobIds: named, sourceDir: flags.source, now });
  const safety: SafetyWindow = { seconds: safetySeconds, includeOverdue: live.live };
  const everyRow = jobs.length > 0 && plan.rows.length === jobs.length;
  const report: CleanReport = {
    display, table: jobs[0]?.table ?? flags.table, total: jobs.length, rules, apply, live, forced: Boolean(flags.force), plan, safety,
    everyRow, dueAtPlan: dueRows(plan.rows, safety),
  };

  if (apply && plan.rows.length > 0) {
    if (everyRow && !flags.force) {
      throw new UserError(`the selection is every row of ${display} (${jobs.length} of ${jobs.length}), which is probably a mistake (a mistyped --source, a --now far ahead, too wide a --rules): nothing was changed; pass --force to delete them all`);
    }
    if (live.live && !flags.force) {
      throw new UserError(`${display} looks live (${live.reasons.join('; ')}): pause or stop the schedulers that use it, or pass --force (rows a scheduler changes are then skipped, and rows due within ${safetySeconds} s left in place: APScheduler 3.x's scheduler thread dies if a due job vanishes); nothing was changed`);
    }
    const toDelete = plan.rows.filter((r) => !report.dueAtPlan.has(r.job.row.id));
    if (toDelete.length > 0) await deleteWithBackup(url, storeOptions, flags, report, toDelete);
  }
  await emit(flags.format === 'json' ? JSON.stringify(cleanJson(report), null, 2) + '\n' : cleanText(report), undefined);
  if (!apply) return 0;
  const left = report.dueAtPlan.size + (report.result?.skipped.length ?? 0);
  return left > 0 ? 1 : 0;
}

/** Rows due within the window now: they are not even written to the backup. */
function dueRows(rows: CleanRow[], safety: SafetyWindow): Set<string> {
  const nowSeconds = Date.now() / 1000;
  return new Set(rows.filter((r) => isDueWithin(r.job.row.nextRunTime, nowSeconds, safety)).map((r) => r.job.row.id));
}

async function deleteWithBackup(url: string, storeOptions: StoreOptions, flags: CleanFlags, report: CleanReport, rows: CleanRow[]): Promise<void> {
  // Connect before writing the backup: a wrong URL or password leaves no file behind.
  const writer = await openStoreWriter(url, storeOptions);
  try {
    const header = {
      type: 'sched-doctor-backup' as const, version: 1 as const, store: report.display, table: flags.table, schema: flags.schema ?? null,
      ...(parseDbUrl(url).kind === 'redis' ? { table: redisKeys(storeOptions).jobs, runTimesKey: redisKeys(storeOptions).runTimes } : {}),
      created: new Date().toISOString(), rules: report.rules, rows: rows.length,
    };
    const path = await writeBackup(flags.backup ?? resolve(defaultBackupName(report.display, new Date())), header, rows.map(backupEntry), flags.backup === undefined);
    report.backup = path;
    // Failure injection for the tests: die the hard way between the backup and the commit.
    if (process.env.SCHED_DOCTOR_TEST_KILL_AFTER_BACKUP === '1') process.kill(process.pid, 'SIGKILL');
    const hooks = process.env.SCHED_DOCTOR_TEST_KILL_BEFORE_COMMIT === '1' ? { beforeCommit: () => process.kill(process.pid, 'SIGKILL') } : undefined;
    // The window is checked again inside the transaction, on its own clock: time has passed since the reads.
    const leave = (row: { nextRunTime: number | null }, nowSeconds: number) => isDueWithin(row.nextRunTime, nowSeconds, report.safety);
    try {
      report.result = await writer.deleteUnchanged(rows.map((r) => r.job.row), leave, hooks);
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

/** `90s`, `30m`, `12h`, `7d`, `2w`, `500ms`; a bare number is seconds. Returns seconds. */
export function parseDuration(value: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/.exec(value);
  if (!m) throw new UserError(`${flag} '${value}' is not a duration (e.g. 90s, 30m, 12h, 7d, 2w)`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}
