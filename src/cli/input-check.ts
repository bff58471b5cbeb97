// A CI gate must not pass on nothing. After the inputs are read, each one that gave no
// APScheduler record is described — empty, no APScheduler line, lines the format or the JSON
// fields did not match, everything outside the window — so that a changed logging format never
// turns the gate green while it checks nothing. When no input gave anything, the run is a usage
// error (exit 2) unless --allow-empty; when only some did, each empty one is a warning in every
// format (the report's `warnings`).

import type { LogAnalysis, SourceReport } from '../engine/analyze';
import { UserError } from '../model/errors';
import { didYouMean } from '../model/did-you-mean';

export type InputWarningKind = 'empty' | 'no-apscheduler' | 'not-recognised' | 'apscheduler4' | 'outside-window' | 'skipped-folders' | 'empty-store' | 'unknown-job' | 'reading' | 'source-folder';

/** One line of the report's `warnings`: what is wrong with an input, in words. */
export interface InputWarning {
  kind: InputWarningKind;
  /** The input (a log, a folder, the store), or null for the run as a whole. */
  source: string | null;
  message: string;
}

export interface InputCheck {
  /** Inputs that gave nothing (and folders that were not read in full). */
  warnings: InputWarning[];
  /** True when no input gave a single record to analyze. */
  nothing: boolean;
}

export interface CheckContext {
  logFormat?: string;
  /** --field given: the JSON fields were named, not detected. */
  fieldsGiven?: boolean;
  window?: { since: string | null; until: string | null };
  /** Rows read from --db, when it was given. */
  storeRows?: number;
  storeLabel?: string;
  /** Sub-folders a folder input left unread (without --recursive). */
  skippedDirs?: string[];
  /** --allow-overlap names, and the job names the inputs hold: a name not among them is a typo or a stale flag. */
  allowOverlap?: string[];
  jobNames?: string[];
}

export function checkInputs(analysis: Pick<LogAnalysis, 'sources'>, context: CheckContext): InputCheck {
  const warnings: InputWarning[] = [];
  let analysed = 0;
  for (const s of analysis.sources) {
    // What the reader doubts about its reading (a --tz the log contradicts, an ambiguous day/month order).
    for (const w of s.warnings ?? []) warnings.push({ kind: 'reading', source: s.source, message: `${label(s.source)}: ${w}` });
    const kept = s.records - (s.outsideWindow ?? 0);
    if (kept > 0) {
      analysed += kept;
      continue;
    }
    warnings.push(whyEmpty(s, context));
  }
  if (context.storeRows !== undefined) {
    if (context.storeRows > 0) analysed += context.storeRows;
    else warnings.push({ kind: 'empty-store', source: context.storeLabel ?? 'the job store', message: `${context.storeLabel ?? 'the job store'}: the job store table has no rows` });
  }
  if (context.skippedDirs?.length) {
    const dirs = context.skippedDirs;
    warnings.push({
      kind: 'skipped-folders', source: null,
      message: `${dirs.length} sub-folder${dirs.length === 1 ? '' : 's'} not read (${dirs.slice(0, 3).join(', ')}${dirs.length > 3 ? ', …' : ''}): add --recursive to read them`,
    });
  }
  const known = new Set(context.jobNames ?? []);
  for (const name of context.allowOverlap ?? []) {
    if (known.has(name)) continue;
    const near = didYouMean(name, [...known]);
    warnings.push({ kind: 'unknown-job', source: null, message: `--allow-overlap ${name}: no job of that name in the input${near}; it changes nothing` });
  }
  return { warnings, nothing: analysed === 0 };
}

function whyEmpty(s: SourceReport, context: CheckContext): InputWarning {
  const at = (kind: InputWarningKind, why: string): InputWarning => ({ kind, source: s.source, message: `${label(s.source)}: ${why}` });
  if (s.records > 0) {
    const w = context.window;
    const span = s.firstTime ? ` (the log runs ${s.firstTime} → ${s.lastTime})` : '';
    return at('outside-window', `all ${s.records} APScheduler record${s.records === 1 ? ' is' : 's are'} outside ${windowText(w)}${span}`);
  }
  if (s.lines === 0) return at('empty', 'empty (no lines)');
  if (s.unrecognised > 0) {
    const n = `${s.unrecognised} APScheduler-looking line${s.unrecognised === 1 ? '' : 's'}`;
    const first = s.unrecognisedSamples[0] ? ` (first at line ${s.unrecognisedSamples[0].line})` : '';
    if (s.apscheduler4 === s.unrecognised) return at('apscheduler4', `${n} from APScheduler 4, whose logs sched-doctor does not read yet (it reads 3.x)`);
    if (s.jsonKeys) {
      const fields = context.fieldsGiven ? 'these --field paths' : 'the detected JSON fields';
      return at('not-recognised', `${n}${first} that ${fields} did not read (keys seen: ${s.jsonKeys.join(', ')}); ${s.jsonTextAt ? `APScheduler's text is in '${s.jsonTextAt}': try --field message=${s.jsonTextAt}` : 'name the message field with --field message=KEY'}`);
    }
    if (context.logFormat) return at('not-recognised', `${n}${first} that --log-format '${context.logFormat}' did not match; check the format against a line of the log, or leave it out to detect it`);
    return at('not-recognised', `${n}${first} not recognised`);
  }
  return at('no-apscheduler', `no APScheduler line in ${s.lines} line${s.lines === 1 ? '' : 's'} (no record from the apscheduler loggers)`);
}

function windowText(w: CheckContext['window']): string {
  if (!w) return 'the window';
  if (w.since && w.until) return `--since ${w.since} --until ${w.until}`;
  return w.since ? `--since ${w.since}` : `--until ${w.until}`;
}

function label(source: string): string {
  return source === '-' ? 'standard input' : source;
}

/** Nothing to analyze: exit 2 with one line per input, unless --allow-empty. */
export function refuseEmpty(check: InputCheck): never {
  const lines = ['nothing to analyze: no input gave an APScheduler record (pass --allow-empty if that is expected)', ...check.warnings.map((w) => w.message)];
  throw new UserError(lines.join('\n'));
}
