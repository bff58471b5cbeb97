// `sched-doctor watch`: the rules of analyze on logs as they are written. Wiring only: the run
// itself is watch-session.ts.

import type { Command } from 'commander';
import { UserError } from '../model/errors';
import { didYouMean } from '../model/did-you-mean';
import { compileLogFormat } from '../readers/python-logging-format';
import { compileDateFormat } from '../readers/date-format';
import { userZone } from '../readers/clock';
import { checkFieldMap, parseFieldOption } from '../readers/json-fields';
import { loadConfig } from '../config/load-config';
import { jobFilter } from '../config/job-filter';
import { WATCH_FORMATS, type WatchFormat } from '../report/watch-lines';
import { addRecordOptions } from './collect';
import { parseFailOn } from './exit';
import { storeOptionsFrom } from './store-flags';
import { checkStore, loadStore } from '../engine/analyze-store';
import { parseMetricsAddress } from './metrics-server';
import { watchLogs } from './watch-session';

interface WatchFlags {
  format: string;
  metrics?: string;
  metricsPublic?: boolean;
  fromStart?: boolean;
  failOn: string;
  logFormat?: string;
  dateFormat?: string;
  tz?: string;
  sameProcess?: boolean;
  field?: string[];
  config?: string | false;
  poll: string;
  db?: string;
  table: string;
  schema?: string;
}

export function registerWatch(program: Command): void {
  const command = program
    .command('watch')
    .description('follow APScheduler logs as they are written (like tail -F) and print each finding the moment it is certain; optional Prometheus metrics')
    .argument('<logs...>', "log files (they may not exist yet), quoted globs ('logs/*.log': files that appear later are followed too), or - for standard input")
    .option('-f, --format <format>', `output: ${WATCH_FORMATS.join(', ')} (one line per finding or update, flushed per line; a summary at the end)`, 'table')
    .option('--from-start', 'read what the files already hold first (default: only what is written from now on)')
    .option('--metrics <host:port>', 'serve Prometheus metrics at http://HOST:PORT/metrics (loopback addresses only, e.g. 127.0.0.1:9464)')
    .option('--metrics-public', 'let --metrics listen on a non-loopback address (the endpoint has no authentication)')
    .option('--fail-on <severity>', 'stop and exit 1 at the first finding at or above: error, warning, info, never', 'never')
    .option('--poll <ms>', 'how often the files are looked at, in milliseconds', '200');
  addRecordOptions(command)
    .option('--db <url>', 'a job store (as analyze --db: sqlite:///jobs.db, postgresql://…, mysql+pymysql://…, redis://…): its rules run once, at the start')
    .option('--table <name>', 'job store table (SQLAlchemyJobStore tablename)', 'apscheduler_jobs')
    .option('--schema <name>', 'PostgreSQL schema, or MySQL database (SQLAlchemyJobStore tableschema)')
    .option('--config <file>', 'config file (default: sched-doctor.config.json or .sched-doctorrc.json here or above): rule options, severities, jobs')
    .option('--no-config', 'use no config file')
    .addHelpText('after', `
Stops on SIGINT or SIGTERM (exit 0, after a summary), at the end of standard input, or with
--fail-on at the first finding at that severity (exit 1). Bad input or a metrics port in use: exit 2.
Findings are printed once, when certain; a finding whose count grows is printed again as an update
(ndjson: "update": true, same "fingerprint"). Live, a rule reports only what the log already proves:
a fire time is missed once its grace has passed by the clock, a run is unfinished once its process
restarted or others logged long after it fell silent; silent-runs (which needs the end of a log)
is not reported. --metrics 127.0.0.1:0 picks a free port (printed on standard error).`)
    .action(async (logs: string[], flags: WatchFlags) => {
      process.exitCode = await runWatch(logs, flags);
    });
}

async function runWatch(logs: string[], flags: WatchFlags): Promise<number> {
  if (!(WATCH_FORMATS as readonly string[]).includes(flags.format)) {
    throw new UserError(`--format must be one of ${WATCH_FORMATS.join(', ')} for watch (got '${flags.format}')${didYouMean(flags.format, WATCH_FORMATS)}`);
  }
  const failOn = parseFailOn(flags.failOn);
  const poll = Number(flags.poll);
  if (!Number.isInteger(poll) || poll < 10 || poll > 60_000) throw new UserError(`--poll must be a whole number of milliseconds from 10 to 60000 (got '${flags.poll}')`);
  const metrics = flags.metrics === undefined ? undefined : parseMetricsAddress(flags.metrics, flags.metricsPublic === true);
  if (flags.metricsPublic && !flags.metrics) throw new UserError('--metrics-public needs --metrics HOST:PORT');
  const config = loadConfig(flags.config);
  const fieldMap = flags.field?.length ? checkFieldMap(Object.assign({}, ...flags.field.map(parseFieldOption))) : undefined;
  const logFormat = flags.logFormat ?? config.logFormat;
  const tz = flags.tz ?? config.tz;

  // The store is read once: its rows change as the scheduler runs, and its rules (stale, orphan,
  // undecodable jobs) are about how it was set up, not about each run.
  const storeFindings = flags.db
    ? checkStore((await loadStore(flags.db, storeOptionsFrom(flags), { summaries: true })).jobs, { ruleOptions: config.ruleOptions, ruleSeverity: config.ruleSeverity })
    : undefined;
  const controller = new AbortController();
  let reason = 'stopped';
  const onSignal = (name: NodeJS.Signals) => {
    reason = name;
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const useStdin = logs.includes('-');
  try {
    return await watchLogs(logs, {
      format: flags.format as WatchFormat,
      failOn,
      fromStart: flags.fromStart,
      metrics,
      pollMs: poll,
      engine: { sameProcess: flags.sameProcess, ruleOptions: config.ruleOptions, ruleSeverity: config.ruleSeverity },
      reader: {
        logFormat: logFormat ? compileLogFormat(logFormat) : undefined,
        dateFormat: flags.dateFormat ? compileDateFormat(flags.dateFormat) : undefined,
        zone: userZone(tz),
        fields: fieldMap,
      },
      keepJob: jobFilter(config.jobs),
      storeFindings,
      signal: controller.signal,
      stopReason: () => reason,
      write: (text) => process.stdout.write(text),
      notice: (text) => process.stderr.write(`sched-doctor: ${text}\n`),
      stdin: useStdin ? process.stdin : undefined,
      listening: (port) => process.stderr.write(`sched-doctor: metrics at http://${metrics!.host.includes(':') ? `[${metrics!.host}]` : metrics!.host}:${port}/metrics\n`),
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (useStdin) process.stdin.destroy();
  }
}
