import type { Command } from 'commander';
import Table from 'cli-table3';
import { formatDistanceStrict } from 'date-fns';
import { loadStoreJobs, storeJobBatches, type StoreRead } from '../engine/analyze-store';
import type { StoreOptions } from '../stores/store';
import { openOutput } from './stream-output';
import type { StoreJob } from '../model/store-job';
import { UserError } from '../model/errors';
import { addStoreOptions, parseNow, type StoreFlags } from './store-flags';
import { emit, useColor } from './output';

export function registerJobs(program: Command): void {
  addStoreOptions(
    program.command('jobs').description("list the jobs of an APScheduler job store, decoded: print_jobs() without the app"),
    true,
  )
    .option('-f, --format <format>', 'table or json', 'table')
    .option('-o, --output <file>', 'write to a file (atomically)')
    .action(async (flags: StoreFlags & { format: string; output?: string }) => {
      if (flags.format !== 'table' && flags.format !== 'json') throw new UserError(`--format must be table or json (got '${flags.format}')`);
      if (flags.format === 'json') return writeJobsJson(flags.db!, { table: flags.table, schema: flags.schema }, flags.output);
      const jobs = await loadStoreJobs(flags.db!, { table: flags.table, schema: flags.schema });
      const now = parseNow(flags.now) ?? Date.now() * 1000;
      await emit(jobsTable(jobs, now, useColor(flags.output)), flags.output);
    });
}

const ITEMS_START = '{\n  "jobs": [\n';
const ITEMS_END = '\n  ]\n}';

/**
 * `jobs --format json`, streamed: each batch of rows is decoded and written before the next is
 * read, so memory stays flat however large the store. The text is what
 * JSON.stringify({version, store, read, jobs}, null, 2) would give for the whole document.
 */
async function writeJobsJson(url: string, options: StoreOptions, output: string | undefined): Promise<void> {
  let info: StoreRead = { display: '', table: '', readMode: null };
  const out = await openOutput(output);
  let count = 0;
  try {
    const header = () => `{\n  "version": 1,\n  "store": ${JSON.stringify(info.display)},\n  "read": ${JSON.stringify(info.readMode)},\n  "jobs": [`;
    for await (const batch of storeJobBatches(url, options, (i) => (info = i))) {
      if (batch.length === 0) continue;
      // One stringify per batch, at the depth the jobs have in the document: the items come out
      // indented as they would be in the whole, without re-indenting each job's text.
      const doc = JSON.stringify({ jobs: batch.map(jobJson) }, null, 2);
      const items = doc.slice(ITEMS_START.length, doc.length - ITEMS_END.length);
      await out.write((count === 0 ? `${header()}\n` : ',\n') + items);
      count += batch.length;
    }
    await out.write(count === 0 ? `${header()}]\n}\n` : '\n  ]\n}\n');
    await out.finish();
  } catch (err) {
    await out.abandon();
    throw err;
  }
}

function jobJson(job: StoreJob) {
  return {
    id: job.row.id,
    nextRunTime: job.row.nextRunTime,
    state: job.state ?? null,
    decodeError: job.decodeError ?? null,
  };
}

export function jobsTable(jobs: StoreJob[], now: number, color: boolean): string {
  if (jobs.length === 0) return 'no jobs in the store\n';
  const table = new Table({
    head: ['id', 'name', 'func', 'trigger', 'next run', 'executor', 'max inst.', 'coalesce', 'grace', 'args / kwargs'],
    style: color ? {} : { head: [], border: [] },
    wordWrap: true,
    colWidths: [20, 16, 22, 26, 28, null, null, null, null, 24] as unknown as number[],
  });
  for (const job of jobs) {
    const s = job.state;
    if (!s) {
      table.push([job.row.id, { colSpan: 9, content: `undecodable: ${job.decodeError}` }]);
      continue;
    }
    const next = s.nextRunTime === null ? 'paused' : `${s.nextRunTime.text}\n${relative(s.nextRunTime.epochMicros, now)}`;
    table.push([
      s.id, s.name, s.func, s.trigger.text, next, s.executor, String(s.maxInstances), String(s.coalesce),
      s.misfireGraceTime === null ? 'None' : `${s.misfireGraceTime}s`, shorten(`${JSON.stringify(s.args)} ${JSON.stringify(s.kwargs)}`, 60),
    ]);
  }
  return table.toString() + `\n${jobs.length} job${jobs.length === 1 ? '' : 's'} in ${jobs[0].store} (${jobs[0].table})\n`;
}

function relative(epochMicros: number | null, now: number): string {
  if (epochMicros === null) return '';
  const d = formatDistanceStrict(epochMicros / 1000, now / 1000);
  return epochMicros >= now ? `in ${d}` : `${d} ago`;
}

function shorten(text: string, n: number): string {
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}
