// The backup `clean` writes before it deletes anything, and `restore` reads: NDJSON, one record a
// line. A header; one `row` per row to delete (raw id, next_run_time and job_state as base64, so
// restore puts back the exact bytes, plus a decoded summary for people); an `end` record, so a
// backup cut short is recognised; and, appended after the transaction, a `result` record saying
// which rows were really deleted. The file is fsynced (and its folder) before the first DELETE.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { RawStoreRow } from '../model/store-record';
import { UserError } from '../model/errors';
import { describeFsError } from '../model/errors';

export const BACKUP_TYPE = 'sched-doctor-backup';

export interface BackupHeader {
  type: typeof BACKUP_TYPE;
  version: 1;
  /** The store as shown to people (never a password). */
  store: string;
  /** The table; for Redis, the jobs hash key. */
  table: string;
  schema: string | null;
  /** Redis only: the sorted set of run times the rows' scores came from. */
  runTimesKey?: string;
  created: string;
  rules: string[];
  rows: number;
}

export interface BackupSummary {
  name: string | null;
  func: string | null;
  trigger: string | null;
  next_run: string | null;
  decode_error?: string;
}

export interface BackupEntry {
  row: RawStoreRow;
  rules: string[];
  reason: string;
  summary: BackupSummary;
}

export interface BackupResult {
  committed: boolean;
  deleted: string[];
  skipped: { id: string; why: string }[];
  error?: string;
  finished: string;
}

export interface Backup {
  path: string;
  header: BackupHeader;
  entries: BackupEntry[];
  /** Absent when the process ended before the transaction did (killed, or the machine went down), or when its record was cut. */
  result?: BackupResult;
  /** Lines restore did not use (a torn result record, an altered row). */
  ignored: IgnoredLine[];
}

/** `sched-doctor-backup-<db>-<UTC timestamp>.ndjson`: <db> is the database file's or database's name. */
export function defaultBackupName(display: string, at: Date): string {
  const db = display.startsWith('sqlite:') ? basename(display).replace(/\.[^.]*$/, '') : display.replace(/^.*\//, '');
  const slug = (db || 'store').replace(/[^\w.-]+/g, '_');
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `sched-doctor-backup-${slug}-${stamp}.ndjson`;
}

function rowLine(e: BackupEntry): string {
  return JSON.stringify({
    type: 'row',
    id: e.row.id,
    next_run_time: e.row.nextRunTime,
    // A datetime column (django-apscheduler) is put back as the text it held.
    ...(e.row.nextRunTimeText !== undefined ? { next_run_time_text: e.row.nextRunTimeText } : {}),
    job_state: e.row.jobState.toString('base64'),
    job_state_sha256: createHash('sha256').update(e.row.jobState).digest('hex'),
    rules: e.rules,
    reason: e.reason,
    summary: e.summary,
  });
}

/**
 * Writes the whole backup and makes it durable. Never replaces an existing file: with
 * `numbered`, `name.ndjson` becomes `name-2.ndjson`, … Returns the path written.
 */
export async function writeBackup(path: string, header: BackupHeader, entries: BackupEntry[], numbered: boolean): Promise<string> {
  const lines = [JSON.stringify(header), ...entries.map(rowLine), JSON.stringify({ type: 'end', rows: entries.length })];
  const content = lines.join('\n') + '\n';
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? path : path.replace(/(\.ndjson)?$/, `-${n}$1`);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(candidate, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        if (numbered && n < 100) continue;
        throw new UserError(`backup ${candidate} already exists (a backup is never overwritten; choose another --backup); nothing was deleted`);
      }
      throw new UserError(`cannot write backup ${candidate}: ${describeFsError(err)}; nothing was deleted`);
    }
    try {
      await handle.writeFile(content);
      await handle.sync();
      await handle.close();
      await syncFolder(candidate);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fs.rm(candidate, { force: true }).catch(() => undefined);
      throw new UserError(`cannot write backup ${candidate}: ${describeFsError(err)}; nothing was deleted`);
    }
    return candidate;
  }
}

/** The new file's name must survive a crash too, not only its content. */
async function syncFolder(path: string): Promise<void> {
  const dir = await fs.open(dirname(path), 'r');
  try {
    await dir.sync();
  } catch (err) {
    // Some file systems cannot fsync a folder; the data itself is synced.
    if (!['EINVAL', 'EISDIR', 'EPERM', 'EBADF'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await dir.close();
  }
}

/** Records what the transaction did. Best effort: the backup is complete without it. */
export async function appendBackupResult(path: string, result: BackupResult): Promise<boolean> {
  try {
    const handle = await fs.open(path, 'a');
    try {
      await handle.writeFile(JSON.stringify({ type: 'result', ...result }) + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch {
    return false;
  }
}

/** A line of a backup that restore did not use, and why. */
export interface IgnoredLine {
  line: number;
  why: string;
  /** A row record (restore is then missing that row), not the result or a stray line. */
  row: boolean;
}

/**
 * Reads a backup. With its `end` record present, every intact row is used and anything else is
 * listed in `ignored`: a torn or garbled `result` record (it is appended after the delete
 * commits, so a crash can cut it) never hides the rows, which are complete without it. Without
 * the `end` record the file was cut while being written — and clean deletes nothing before its
 * backup is complete — so it is refused with exactly that.
 */
export async function readBackup(path: string): Promise<Backup> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${path}: ${describeFsError(err)}`);
  }
  const lines = text.split('\n');
  // The last piece has no newline after it: a write that stopped part-way (or padding of NULs a crash leaves).
  const unterminated = lines.length - 1;
  const torn = (index: number, line: string) => (index === unterminated && line !== '') || line.includes('\u0000');
  const records: { value: Record<string, unknown>; n: number }[] = [];
  const ignored: IgnoredLine[] = [];
  let cutAt: number | undefined;
  lines.forEach((line, index) => {
    if (line.replace(/\u0000/g, '').trim() === '') return;
    const n = index + 1;
    try {
      const value = JSON.parse(line) as Record<string, unknown>;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      records.push({ value, n });
    } catch {
      if (torn(index, line)) cutAt = n;
      ignored.push({ line: n, why: torn(index, line) ? 'cut off part-way (the file ends inside it)' : 'not a JSON record', row: /"type"\s*:\s*"row"/.test(line) });
    }
  });
  const header = records[0]?.value as unknown as BackupHeader | undefined;
  if (!header || header.type !== BACKUP_TYPE || records[0].n !== firstLine(lines)) {
    if (cutAt !== undefined && records.length === 0 && /^\s*\{\s*"type"\s*:\s*"sched-doctor-backup/.test(text)) {
      throw new UserError(`${path}: the backup was cut short while its header was being written; clean deletes nothing before its backup is complete, so nothing was deleted`);
    }
    throw new UserError(`${path}: not a sched-doctor backup (its first line is not a sched-doctor backup header)`);
  }
  if (header.version !== 1) throw new UserError(`${path}: backup version ${String(header.version)} is not supported by this sched-doctor`);
  const entries: BackupEntry[] = [];
  let end: { rows: number; n: number } | undefined;
  let result: BackupResult | undefined;
  for (const { value, n } of records.slice(1)) {
    if (value.type === 'row') {
      if (end !== undefined) {
        ignored.push({ line: n, why: 'a row after the end record', row: true });
        continue;
      }
      try {
        entries.push(parseRow(value));
      } catch (err) {
        ignored.push({ line: n, why: (err as Error).message, row: true });
      }
    } else if (value.type === 'end') {
      end = { rows: Number(value.rows), n };
    } else if (value.type === 'result') {
      if (isResult(value)) result = value;
      else ignored.push({ line: n, why: 'a result record without its list of deleted rows', row: false });
    } else {
      ignored.push({ line: n, why: `unknown record type '${String(value.type)}'`, row: false });
    }
  }
  if (end === undefined) {
    const where = cutAt !== undefined ? `at line ${cutAt}` : `after line ${records[records.length - 1].n}`;
    throw new UserError(`${path}: the backup is incomplete: it was cut short while being written (${where}; ${entries.length} whole row${entries.length === 1 ? '' : 's'}, no end record). clean deletes nothing before its backup is complete, so nothing was deleted with it`);
  }
  ignored.sort((a, b) => a.line - b.line);
  // Rows before the end record that are gone or unreadable: say how many the end record promised.
  const missing = end.rows - entries.length - ignored.filter((i) => i.row && i.line < end!.n).length;
  if (missing > 0) ignored.push({ line: end.n, why: `the end record counts ${end.rows} rows; ${missing} row line${missing === 1 ? ' is' : 's are'} missing from the file`, row: true });
  for (const i of ignored) {
    if (!i.row && i.line > end.n && i.why.startsWith('cut off')) i.why = 'the result record is cut off (it is written after the delete commits); every row is still restorable';
  }
  return { path, header, entries, result, ignored };
}

function firstLine(lines: string[]): number {
  return lines.findIndex((l) => l.replace(/\u0000/g, '').trim() !== '') + 1;
}

function isResult(value: Record<string, unknown>): value is BackupResult & Record<string, unknown> {
  return Array.isArray(value.deleted) && value.deleted.every((d) => typeof d === 'string') && (value.skipped === undefined || Array.isArray(value.skipped));
}

function parseRow(value: Record<string, unknown>): BackupEntry {
  const bad = (what: string) => new Error(what);
  const { id, next_run_time: next, next_run_time_text: nextText, job_state: state, job_state_sha256: sha } = value;
  if (typeof id !== 'string' || id === '') throw bad('row without an id');
  if (next !== null && typeof next !== 'number') throw bad(`row ${id}: next_run_time must be a number or null`);
  if (nextText !== undefined && nextText !== null && typeof nextText !== 'string') throw bad(`row ${id}: next_run_time_text must be text or null`);
  if (typeof state !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(state)) throw bad(`row ${id}: job_state is not base64`);
  const jobState = Buffer.from(state, 'base64');
  if (typeof sha === 'string' && createHash('sha256').update(jobState).digest('hex') !== sha) throw bad(`row ${id}: job_state does not match its checksum (the line was altered)`);
  return {
    row: { id, nextRunTime: next, jobState, ...(nextText !== undefined ? { nextRunTimeText: nextText as string | null } : {}) },
    rules: Array.isArray(value.rules) ? (value.rules as string[]) : [],
    reason: typeof value.reason === 'string' ? value.reason : '',
    summary: (value.summary as BackupSummary) ?? { name: null, func: null, trigger: null, next_run: null },
  };
}
