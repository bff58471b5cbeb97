// What `clean` prints: the rows it selected and what became of each, the copies it keeps, the live
// check, and what to do next. `--format json` has the same content with the whole text.

import { dueReason, type SafetyWindow } from '../clean/safety-window';
import type { LiveCheck } from '../clean/live-store';
import type { CleanPlan, CleanRow } from '../clean/selection';
import type { StoreJob } from '../model/store-job';
import { isoFromMicros } from '../model/time';
import type { DeleteResult, SkippedRow } from '../stores/store-writer';
import { renderTable } from './plain-table';

export interface CleanReport {
  display: string;
  table: string;
  total: number;
  rules: string[];
  apply: boolean;
  live: LiveCheck;
  forced: boolean;
  plan: CleanPlan;
  safety: SafetyWindow;
  /** The selection is every row of the store. */
  everyRow: boolean;
  /** Rows inside the safety window when the plan was made: never written to the backup nor deleted. */
  dueAtPlan: Set<string>;
  backup?: string;
  result?: DeleteResult;
}

type Action = 'would-delete' | 'would-leave' | 'deleted' | 'skipped' | 'left';

function actionOf(report: CleanReport, row: CleanRow): { action: Action; skipped?: SkippedRow } {
  const id = row.job.row.id;
  if (!report.apply) return { action: report.dueAtPlan.has(id) ? 'would-leave' : 'would-delete' };
  if (report.dueAtPlan.has(id)) return { action: 'left' };
  const skipped = report.result?.skipped.find((s) => s.id === id);
  if (!skipped) return { action: 'deleted' };
  return { action: skipped.why === 'due' ? 'left' : 'skipped', skipped };
}

export function nextRun(job: StoreJob): string | null {
  return job.row.nextRunTime === null ? null : isoFromMicros(Math.round(job.row.nextRunTime * 1e6));
}

function leftReason(row: CleanRow, safety: SafetyWindow): string {
  return dueReason(row.job.row.nextRunTime!, Date.now() / 1000, safety);
}

function skipText(s: SkippedRow): string {
  if (s.why === 'gone') return 'skipped: already deleted by someone else';
  const now = s.current!;
  return `skipped: changed by a scheduler since it was read (next run now ${now.nextRunTime === null ? 'paused' : isoFromMicros(Math.round(now.nextRunTime * 1e6))}); its update is kept`;
}

function counts(report: CleanReport) {
  const tally = { deleted: 0, skipped: 0, left: 0, wouldDelete: 0, wouldLeave: 0 };
  for (const r of report.plan.rows) {
    const a = actionOf(report, r).action;
    if (a === 'deleted') tally.deleted++;
    else if (a === 'skipped') tally.skipped++;
    else if (a === 'left') tally.left++;
    else if (a === 'would-delete') tally.wouldDelete++;
    else tally.wouldLeave++;
  }
  return tally;
}

export function cleanJson(report: CleanReport) {
  const tally = counts(report);
  return {
    version: 1,
    tool: 'sched-doctor',
    command: 'clean',
    store: report.display,
    table: report.table,
    mode: report.apply ? 'apply' : 'dry-run',
    rules: report.rules,
    live: { ...report.live, forced: report.forced },
    safetyWindowSeconds: report.safety.seconds,
    everyRow: report.everyRow,
    rows: report.plan.rows.map((r) => {
      const a = actionOf(report, r);
      return {
        id: r.job.row.id, rules: r.rules, reasons: r.reasons, nextRunTime: r.job.row.nextRunTime, nextRun: nextRun(r.job),
        name: r.job.state?.name ?? null, func: r.job.state?.func ?? null, trigger: r.job.state?.trigger.text ?? null, decodeError: r.job.decodeError ?? null,
        action: a.action,
        ...(a.action === 'left' || a.action === 'would-leave' ? { left: leftReason(r, report.safety) } : {}),
        ...(a.skipped && a.skipped.why !== 'due' ? { skipped: { why: a.skipped.why, nextRunTime: a.skipped.current?.nextRunTime ?? null } } : {}),
      };
    }),
    kept: report.plan.groups.map((g) => ({
      id: g.keep.row.id, why: g.why, func: g.keep.state!.func, trigger: g.keep.state!.trigger.text,
      removed: g.removed.map((j) => j.row.id), alsoSelectedBy: g.alsoSelectedBy,
    })),
    backup: report.backup ?? null,
    summary: {
      rowsInStore: report.total, selected: report.plan.rows.length,
      deleted: tally.deleted, skipped: tally.skipped, left: tally.left + tally.wouldLeave,
    },
  };
}

const CLEAN_COLUMNS = [
  { head: 'id', max: 64 }, { head: 'rule', max: 17 }, { head: 'reason', max: 72 }, { head: 'next run', max: 20 }, { head: 'job', max: 40 },
];

export function cleanText(report: CleanReport): string {
  const { plan } = report;
  const out: string[] = [];
  const where = `${report.display} (${report.table})`;
  if (plan.rows.length === 0) {
    out.push(`nothing to delete in ${where}: ${report.total} row${report.total === 1 ? '' : 's'}, none selected by ${report.rules.join(', ') || '--job'}`);
  } else {
    const rows = plan.rows.map((r) => {
      const s = r.job.state;
      const a = actionOf(report, r);
      const done = a.action === 'deleted' ? 'deleted' : a.action === 'would-delete' ? 'would delete'
        : a.action === 'skipped' ? skipText(a.skipped!) : 'left for a later run (due within the safety window)';
      return [r.job.row.id, r.rules, r.reasons.flatMap((reason) => reason.split('; ')), nextRun(r.job)?.replace(/\.\d+Z$/, 'Z') ?? 'paused', s ? [s.name, s.func, s.trigger.text] : ['undecodable'], done];
    });
    out.push(renderTable([...CLEAN_COLUMNS, { head: report.apply ? 'done' : 'dry run', max: 60 }], rows).trimEnd());
  }
  for (const g of plan.groups) {
    const also = g.alsoSelectedBy.length ? ` — but ${g.alsoSelectedBy.join(', ')} deletes it too` : '';
    out.push(`keeps ${g.keep.row.id} of ${g.removed.length + 1} copies of ${g.keep.state!.func} ${g.keep.state!.trigger.text}: ${g.why}${also}`);
  }
  if (report.live.live) {
    out.push(`warning: the store looks live: ${report.live.reasons.join('; ')}${report.forced ? ' (--force given)' : report.apply ? '' : ' — --apply will need --force'}`);
  }
  const tally = counts(report);
  const leftCount = tally.left + tally.wouldLeave;
  if (leftCount > 0) {
    out.push(`${leftCount} row${leftCount === 1 ? ' is' : 's are'} due within the ${report.safety.seconds} s safety window and ${report.apply ? 'were' : 'will be'} left for a later run: a scheduler may be running ${leftCount === 1 ? 'it' : 'them'}, and APScheduler 3.x's scheduler thread dies silently when a due job vanishes. Pause or stop the schedulers for a full purge.`);
  }
  if (report.everyRow && !report.apply) {
    out.push(`warning: every row of the store is selected (${report.total} of ${report.total}); --apply will need --force`);
  }
  if (!report.apply) {
    if (tally.wouldDelete) out.push(`dry run: ${tally.wouldDelete} of ${report.total} rows would be deleted from ${where}; nothing was changed. Run again with --apply to delete them (a backup is written first).`);
  } else {
    out.push(`deleted ${tally.deleted} of ${plan.rows.length} rows from ${where}${tally.skipped ? `; ${tally.skipped} skipped (changed since read)` : ''}${tally.left ? `; ${tally.left} left (due)` : ''}`);
    if (report.backup) out.push(`backup: ${report.backup} — undo with: sched-doctor restore --db ${report.display} ${report.backup}`);
  }
  return out.join('\n') + '\n';
}
