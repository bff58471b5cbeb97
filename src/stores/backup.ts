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
  /** Absent when the process ended before the transaction did (killed, or the machine went down). */
  result?: BackupResult;
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

export async function readBackup(path: string): Promise<Backup> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${path}: ${describeFsError(err)}`);
  }
  const bad = (line: number, what: string) => new UserError(`${path}: line ${line}: ${what}`);
  const records = text.split('\n').map((line, i) => ({ line, n: i + 1 })).filter((r) => r.line.trim() !== '').map(({ line, n }) => {
    try {
      const value = JSON.parse(line) as Record<string, unknown>;
      if (value === null || typeof value !== 'object') throw new Error('not an object');
      return { value, n };
    } catch {
      throw bad(n, 'not a JSON record (is this a sched-doctor backup?)');
    }
  });
  const header = records[0]?.value as unknown as BackupHeader | undefined;
  if (!header || header.type !== BACKUP_TYPE) throw new UserError(`${path}: not a sched-doctor backup (no header line)`);
  if (header.version !== 1) throw new UserError(`${path}: backup version ${String(header.version)} is not supported by this sched-doctor`);
  const entries: BackupEntry[] = [];
  let end: number | undefined;
  let result: BackupResult | undefined;
  for (const { value, n } of records.slice(1)) {
    if (value.type === 'row') {
      if (end !== undefined) throw bad(n, 'a row after the end record');
      entries.push(parseRow(value, (what) => bad(n, what)));
    } else if (value.type === 'end') {
      end = Number(value.rows);
    } else if (value.type === 'result') {
      result = value as unknown as BackupResult;
    } else {
      throw bad(n, `unknown record type '${String(value.type)}'`);
    }
  }
  if (end === undefined || end !== entries.length) {
    throw new UserError(`${path}: the backup is incomplete (${entries.length} rows and no end record): it was cut short while being written, before anything was deleted`);
  }
  return { path, header, entries, result };
}

function parseRow(value: Record<string, unknown>, bad: (what: string) => UserError): BackupEntry {
  const { id, next_run_time: next, next_run_time_text: nextText, job_state: state, job_state_sha256: sha } = value;
  if (typeof id !== 'string' || id === '') throw bad('row without an id');
  if (next !== null && typeof next !== 'number') throw bad(`row ${id}: next_run_time must be a number or null`);
  if (nextText !== undefined && nextText !== null && typeof nextText !== 'string') throw bad(`row ${id}: next_run_time_text must be text or null`);
  if (typeof state !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(state)) throw bad(`row ${id}: job_state is not base64`);
  const jobState = Buffer.from(state, 'base64');
  if (typeof sha === 'string' && createHash('sha256').update(jobState).digest('hex') !== sha) throw bad(`row ${id}: job_state does not match its checksum (the backup was altered)`);
  return {
    row: { id, nextRunTime: next, jobState, ...(nextText !== undefined ? { nextRunTimeText: nextText as string | null } : {}) },
    rules: Array.isArray(value.rules) ? (value.rules as string[]) : [],
    reason: typeof value.reason === 'string' ? value.reason : '',
    summary: (value.summary as BackupSummary) ?? { name: null, func: null, trigger: null, next_run: null },
  };
}
