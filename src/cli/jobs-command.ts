import type { Command } from 'commander';
import { join } from 'node:path';
import { loadStoreJobs, storeJobTexts, type StoreRead } from '../engine/analyze-store';
import type { StoreOptions } from '../stores/store';
import { openOutput } from './stream-output';
import { jobsJsonHead } from '../report/jobs-json';
import type { DecodedStoreJob } from '../model/store-job';
import { UserError } from '../model/errors';
import { addStoreOptions, parseNow, storeOptionsFrom, type StoreFlags } from './store-flags';
import { emit } from './output';
import { renderTable, type Column } from './plain-table';

/** The renderer of the jobs' JSON items, by path: the decoding threads load it (engine/decode-pool.ts). */
const JOBS_JSON = require.resolve(join(__dirname, '..', 'report', 'jobs-json'));

export function registerJobs(program: Command): void {
  addStoreOptions(
    program.command('jobs').description("list the jobs of an APScheduler job store, decoded: print_jobs() without the app"),
    true,
  )
    .option('-f, --format <format>', 'table or json', 'table')
    .option('-o, --output <file>', 'write to a file (atomically)')
    .option('--wide', 'the table shows whole ids (as it does when piped or written to a file) and whole cells')
    .action(async (flags: StoreFlags & { format: string; output?: string; wide?: boolean }) => {
      if (flags.format !== 'table' && flags.format !== 'json') throw new UserError(`--format must be table or json (got '${flags.format}')`);
      if (flags.format === 'json') return writeJobsJson(flags.db!, storeOptionsFrom(flags), flags.output);
      const jobs = await loadStoreJobs(flags.db!, storeOptionsFrom(flags));
      const now = parseNow(flags.now) ?? Date.now() * 1000;
      const text = jobsTable(jobs, now, {
        wholeIds: Boolean(flags.wide) || flags.output !== undefined || process.stdout.isTTY !== true,
        wholeCells: Boolean(flags.wide),
      });
      await emit(text, flags.output);
    });
}

/**
 * `jobs --format json`, streamed: each batch of rows is decoded and written before the next is
 * read, so memory stays flat however large the store. The text is what
 * JSON.stringify({version, store, read, jobs}, null, 2) would give for the whole document.
 */
async function writeJobsJson(url: string, options: StoreOptions, output: string | undefined): Promise<void> {
  let info: StoreRead = { display: '', table: '', readMode: null };
  const out = await openOutput(output);
  let pieces = 0;
  try {
    const header = () => jobsJsonHead(info.display, info.readMode);
    // Each batch's items are made where it is decoded (report/jobs-json.ts), at the depth the jobs
    // have in the document, so they come out indented as they would be in the whole; and they are
    // written a piece at a time (a batch's whole text was 4 MB of string to keep until written).
    for await (const batch of storeJobTexts(url, options, (i) => (info = i), JOBS_JSON)) {
      if (batch.count === 0) continue;
      for (const piece of batch.texts) {
        await out.write((pieces === 0 ? `${header()}\n` : ',\n') + piece);
        pieces++;
      }
    }
    await out.write(pieces === 0 ? `${header()}]\n}\n` : '\n  ]\n}\n');
    await out.finish();
  } catch (err) {
    await out.abandon();
    throw err;
  }
}

const JOB_COLUMNS: Column[] = [
  { head: 'id' }, { head: 'name', max: 24 }, { head: 'func', max: 36 }, { head: 'trigger', max: 40 }, { head: 'next run', max: 46 },
  { head: 'executor', max: 12 }, { head: 'max inst.', align: 'right' }, { head: 'coalesce' }, { head: 'grace', align: 'right' }, { head: 'args / kwargs', max: 40 },
];

/**
 * The jobs as a table: one row a job, long text cut with … (the whole text is in `--format json`,
 * and with `wholeCells`). Without `wholeIds` (a terminal) ids are shortened to the prefix that
 * tells them apart (at least 8 characters), which `clean --job` accepts.
 */
export function jobsTable(jobs: DecodedStoreJob[], now: number, show: { wholeIds: boolean; wholeCells: boolean }): string {
  if (jobs.length === 0) return 'no jobs in the store\n';
  const columns = show.wholeCells ? JOB_COLUMNS.map((c) => ({ ...c, max: undefined })) : JOB_COLUMNS;
  const ids = show.wholeIds ? jobs.map((j) => j.row.id) : shortIds(jobs.map((j) => j.row.id));
  const rows = jobs.map((job, i) => [ids[i], ...jobCells(job, now)]);
  return renderTable(columns, rows) + `\n${jobs.length} job${jobs.length === 1 ? '' : 's'} in ${jobs[0].store} (${jobs[0].table})\n`;
}

function jobCells(job: DecodedStoreJob, now: number): string[] {
  const s = job.state;
  if (!s) return [`undecodable: ${job.decodeError}`, '', '', '', '', '', '', '', ''];
  const next = s.nextRunTime === null ? 'paused' : `${s.nextRunTime.text} (${relative(s.nextRunTime.epochMicros, now)})`;
  return [
    s.name, s.func, s.trigger.text, next, s.executor, String(s.maxInstances), String(s.coalesce),
    s.misfireGraceTime === null ? 'None' : `${s.misfireGraceTime}s`, argsText(s.args, s.kwargs),
  ];
}

/** `args` and `kwargs` as JSON, but never more than a screenful of them. */
function argsText(args: unknown[], kwargs: Record<string, unknown>): string {
  const text = `${JSON.stringify(args, bigints)} ${JSON.stringify(kwargs, bigints)}`;
  return text.length > 200 ? text.slice(0, 200) : text;
}

function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

const MIN_PREFIX = 8;

/**
 * Each id as the shortest prefix (at least 8 characters) no other id starts with, ending in …
 * when cut: what a person copies into `clean --job`. Sorting puts the ids that share a prefix side
 * by side, so only neighbours need comparing: linear after the sort.
 */
export function shortIds(ids: string[]): string[] {
  const order = ids.map((id, i) => i).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  const need = new Array<number>(ids.length).fill(MIN_PREFIX);
  for (let k = 1; k < order.length; k++) {
    const a = ids[order[k - 1]];
    const b = ids[order[k]];
    let common = 0;
    while (common < a.length && common < b.length && a[common] === b[common]) common++;
    need[order[k - 1]] = Math.max(need[order[k - 1]], common + 1);
    need[order[k]] = Math.max(need[order[k]], common + 1);
  }
  // An id shown with … must be a strict prefix of itself alone; a cut that saves little is not worth the …
  return ids.map((id, i) => (id.length > need[i] + 2 ? id.slice(0, need[i]) + '…' : id));
}

function relative(epochMicros: number | null, now: number): string {
  if (epochMicros === null) return '';
  // date-fns loads in 0.08 s: only the jobs table needs it, so it is loaded on first use.
  const { formatDistanceStrict } = require('date-fns') as typeof import('date-fns');
  const d = formatDistanceStrict(epochMicros / 1000, now / 1000);
  return epochMicros >= now ? `in ${d}` : `${d} ago`;
}
