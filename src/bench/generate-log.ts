// A large synthetic APScheduler 3.x log for the benchmark: two scheduler processes writing
// through `%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s`, a few hundred jobs
// on interval and cron triggers, the real 3.x message texts (see the field guide), and about
// 30% of lines from the rest of the application, because that is what a real log is made of
// and the reader must skip those cheaply.
//
// The log is simulated, not sampled: every line comes from a timeline of events (fires, starts,
// ends), so timestamps increase, `scheduled at` matches the trigger exactly, skips happen when
// a run really is still going, and the analyzer's pairing and rules see coherent runs.
// Deterministic (seeded PRNG): the same parameters give the same bytes, so a file on disk can
// be reused when its marker says it was made with the same parameters.

import { closeSync, openSync, writeSync } from 'node:fs';
import { civilFromDays } from '../model/time';

/** Bump when the generated text changes, so stale files in bench-data/ are regenerated. */
export const GENERATOR_VERSION = 1;

export interface GenerateOptions {
  path: string;
  /** Stop once this many bytes are written (runs in flight are still ended). */
  targetBytes: number;
  seed: number;
}

export interface GenerateResult {
  bytes: number;
  lines: number;
  runs: number;
  jobs: number;
}

const JOBS = 400;
/** Jobs whose runs both processes execute (one job store, two schedulers): duplicate runs. */
const SHARED_JOBS = 12;
const PIDS = ['48211', '48217'];
/** The scheduler's and the log's zone: a fixed +01:00 (CET, no DST in the simulated days). */
const OFFSET_MIN = 60;
const ZONE_ABBR = 'CET';
const OFFSET_TEXT = '+01:00';
/** 2026-11-23 08:00:00 CET as UTC epoch microseconds. */
const START_US = Date.UTC(2026, 10, 23, 7, 0, 0) * 1000;
/** Share of application (non-APScheduler) lines among all lines. */
const APP_LINE_SHARE = 0.3;
const MONTH_ABBR = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const EXECUTOR = 'apscheduler.executors.default';
const SCHEDULER = 'apscheduler.scheduler';

/** mulberry32: tiny, fast and good enough for shaping a log; Math.random cannot be seeded. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- time formatting, without Date: it runs for every line -------------------------------

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function pad3(n: number): string {
  return n < 10 ? '00' + n : n < 100 ? '0' + n : String(n);
}

function pad6(n: number): string {
  const s = String(n);
  return '000000'.slice(s.length) + s;
}

interface Civil { y: number; mo: number; d: number; h: number; mi: number; s: number }

/** Wall-clock fields of a second since the epoch (already shifted into the zone). */
function civil(sec: number): Civil {
  const days = Math.floor(sec / 86400);
  let rem = sec - days * 86400;
  const h = Math.floor(rem / 3600);
  rem -= h * 3600;
  const mi = Math.floor(rem / 60);
  const s = rem - mi * 60;
  const { year: y, month: mo, day: d } = civilFromDays(days);
  return { y, mo, d, h, mi, s };
}

/**
 * `YYYY-MM-DD HH:MM:SS` of a UTC instant in the log's zone, remembering the last second: the
 * callers ask for nearly monotonic times, so almost every call is a cache hit.
 */
class SecondText {
  private sec = NaN;
  text = '';
  fields: Civil = civil(0);

  of(us: number): string {
    const sec = Math.floor(us / 1e6) + OFFSET_MIN * 60;
    if (sec !== this.sec) {
      this.sec = sec;
      const c = civil(sec);
      this.fields = c;
      this.text = `${c.y}-${pad2(c.mo)}-${pad2(c.d)} ${pad2(c.h)}:${pad2(c.mi)}:${pad2(c.s)}`;
    }
    return this.text;
  }
}

/** Python's `str(timedelta)` for a positive duration: `0:00:02.500000`, `1 day, 0:00:05`. */
function timedeltaText(us: number): string {
  const total = Math.floor(us / 1e6);
  const micros = us - total * 1e6;
  const days = Math.floor(total / 86400);
  let rem = total - days * 86400;
  const h = Math.floor(rem / 3600);
  rem -= h * 3600;
  const text = `${h}:${pad2(Math.floor(rem / 60))}:${pad2(rem % 60)}${micros ? '.' + pad6(micros) : ''}`;
  return days ? `${days} day${days === 1 ? '' : 's'}, ${text}` : text;
}

// ---- jobs ----------------------------------------------------------------------------------

const VERBS = ['sync', 'refresh', 'export', 'import', 'purge', 'rebuild', 'send', 'check', 'compact', 'reindex',
  'aggregate', 'poll', 'rotate', 'backup', 'notify', 'reconcile', 'warm', 'expire', 'publish', 'score'];
const NOUNS = ['orders', 'invoices', 'customers', 'sessions', 'search_index', 'reports', 'emails', 'webhooks', 'payments',
  'inventory', 'prices', 'feeds', 'thumbnails', 'audit_log', 'metrics', 'tokens', 'carts', 'shipments', 'ledger', 'caches'];

interface Trigger {
  text: string;
  /** Interval triggers fire every period from their phase; cron ones at fixed wall offsets. */
  periodUs: number;
  /** For cron: offset of the fire time inside its period, in the zone's wall clock. */
  cronOffsetUs?: number;
}

const INTERVALS_S = [10, 15, 20, 30, 30, 45, 60, 60, 60, 120, 300, 300, 600, 900, 1800, 3600, 86400];
const CRONS: { text: string; period: number; offset: number }[] = [
  { text: "cron[minute='*/5']", period: 300, offset: 0 },
  { text: "cron[minute='*/15']", period: 900, offset: 0 },
  { text: "cron[hour='*', minute='7']", period: 3600, offset: 420 },
  { text: "cron[hour='*', minute='30', second='15']", period: 3600, offset: 1815 },
  { text: "cron[month='*', day='*', day_of_week='*', hour='*/2', minute='15']", period: 7200, offset: 900 },
  { text: "cron[hour='3', minute='0']", period: 86400, offset: 10800 },
  { text: "cron[second='*/30']", period: 30, offset: 0 },
  { text: "cron[minute='*']", period: 60, offset: 0 },
];

function intervalText(s: number): string {
  const days = Math.floor(s / 86400);
  const rest = s - days * 86400;
  const hms = `${Math.floor(rest / 3600)}:${pad2(Math.floor((rest % 3600) / 60))}:${pad2(rest % 60)}`;
  return `interval[${days ? `${days} day${days === 1 ? '' : 's'}, ` : ''}${hms}]`;
}

/** One job in one scheduler process. Shared jobs exist once per process, with the same schedule. */
interface JobInstance {
  name: string;
  trigger: Trigger;
  pid: string;
  /** Typical run time and whether runs sometimes outlast the period (then skips happen). */
  durationUs: number;
  slow: boolean;
  errorRate: number;
  busyUntil: number;
  /** `NAME (trigger: …, next run at: …)` of the current run, for its end line. */
  jobText: string;
}

function makeJobs(rand: () => number): { instances: JobInstance[]; firsts: number[] } {
  const instances: JobInstance[] = [];
  const firsts: number[] = [];
  for (let j = 0; j < JOBS; j++) {
    const name = `${VERBS[j % VERBS.length]}_${NOUNS[Math.floor(j / VERBS.length) % NOUNS.length]}`;
    let trigger: Trigger;
    let first: number;
    if (rand() < 0.25) {
      const c = CRONS[Math.floor(rand() * CRONS.length)];
      trigger = { text: c.text, periodUs: c.period * 1e6, cronOffsetUs: c.offset * 1e6 };
      first = nextCron(trigger, START_US);
    } else {
      const s = INTERVALS_S[Math.floor(rand() * INTERVALS_S.length)];
      trigger = { text: intervalText(s), periodUs: s * 1e6 };
      // Interval jobs keep the microseconds of the moment they were added: `…43.619893+01:00`.
      first = START_US + Math.floor(rand() * Math.min(s, 600) * 1e6) + 1;
    }
    const slow = rand() < 0.02;
    const period = trigger.periodUs;
    const durationUs = slow ? period * (0.7 + rand() * 0.6) : Math.min(period * 0.3, 20e3 + Math.floor(rand() * rand() * 8e6));
    const errorRate = rand() < 0.1 ? 0.05 : 0.002;
    const owners = j < SHARED_JOBS ? PIDS : [PIDS[j % PIDS.length]];
    for (const pid of owners) {
      instances.push({ name, trigger, pid, durationUs, slow, errorRate, busyUntil: 0, jobText: '' });
      firsts.push(first);
    }
  }
  return { instances, firsts };
}

/** The first fire time of a cron trigger strictly after `after`, on the zone's wall clock. */
function nextCron(t: Trigger, after: number): number {
  const shift = OFFSET_MIN * 60e6;
  const wall = after + shift;
  let fire = Math.floor((wall - t.cronOffsetUs!) / t.periodUs) * t.periodUs + t.cronOffsetUs!;
  while (fire <= wall) fire += t.periodUs;
  return fire - shift;
}

// ---- the timeline ----------------------------------------------------------------------------

const FIRE = 0;
const START = 1;
const END = 2;
const MISFIRE = 3;
const SKIP = 4;

interface Ev { at: number; kind: number; job: JobInstance; scheduled: number; late: number }

/** A binary min-heap on `at`: the few hundred pending events, always the earliest next. */
class Timeline {
  private items: Ev[] = [];

  get size(): number {
    return this.items.length;
  }

  push(e: Ev): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].at <= e.at) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = e;
  }

  pop(): Ev {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      const n = a.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && a[r].at < a[l].at ? r : l;
        if (a[c].at >= last.at) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

// ---- application lines (the ~30% that are not APScheduler's) ---------------------------------

const PATHS = ['/api/v1/orders', '/api/v1/orders/{id}', '/api/v1/customers/{id}', '/api/v1/cart', '/healthz', '/static/app.{id}.js',
  '/api/v1/search?q=shoes&page={n}', '/webhooks/stripe', '/login', '/api/v1/invoices/{id}/pdf'];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const STATUSES = [200, 200, 200, 200, 200, 201, 204, 301, 304, 400, 404, 500];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'python-requests/2.31.0',
  'kube-probe/1.29', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148'];

function appLine(rand: () => number, stamp: SecondText): { level: string; logger: string; message: string } {
  const n = Math.floor(rand() * 100000);
  const c = stamp.fields;
  const r = rand();
  if (r < 0.45) {
    const path = PATHS[n % PATHS.length].replace('{id}', String(n)).replace('{n}', String(n % 9 + 1));
    const clf = `${pad2(c.d)}/${MONTH_ABBR[c.mo - 1]}/${c.y}:${pad2(c.h)}:${pad2(c.mi)}:${pad2(c.s)} +0100`;
    return {
      level: 'INFO', logger: 'gunicorn.access',
      message: `10.${n % 7}.${n % 251}.${(n >> 3) % 253} - - [${clf}] "${METHODS[n % METHODS.length]} ${path} HTTP/1.1" ${STATUSES[n % STATUSES.length]} ${n % 40000} "-" "${AGENTS[n % AGENTS.length]}"`,
    };
  }
  if (r < 0.6) {
    const when = `${pad2(c.d)}/${MONTH_ABBR[c.mo - 1]}/${c.y} ${pad2(c.h)}:${pad2(c.mi)}:${pad2(c.s)}`;
    return { level: 'INFO', logger: 'werkzeug', message: `127.0.0.1 - - [${when}] "GET /healthz HTTP/1.1" 200 -` };
  }
  if (r < 0.8) {
    const kind = n % 5;
    if (kind === 0) return { level: 'INFO', logger: 'app.orders', message: `order ${n} synced to warehouse in ${n % 900} ms` };
    if (kind === 1) return { level: 'INFO', logger: 'app.cache', message: `cache hit ratio 0.${pad2(n % 100)} over the last 1000 lookups` };
    if (kind === 2) return { level: 'INFO', logger: 'app.mail', message: `sent ${n % 40} notification emails (batch ${n})` };
    if (kind === 3) return { level: 'DEBUG', logger: 'urllib3.connectionpool', message: `https://api.stripe.com:443 "POST /v1/charges HTTP/1.1" 200 ${n % 3000}` };
    return { level: 'INFO', logger: 'sqlalchemy.engine.Engine', message: `[cached since ${n % 3600}.${n % 10}s ago] SELECT orders.id, orders.status FROM orders WHERE orders.updated_at > %(updated_at_1)s` };
  }
  if (r < 0.93) return { level: 'INFO', logger: 'app.jobs', message: `job step finished: ${n % 300} rows processed, ${n % 7} skipped` };
  if (r < 0.98) return { level: 'WARNING', logger: 'app.payments', message: `retrying charge ch_${n} (attempt ${n % 4 + 2} of 5): upstream returned 502` };
  return { level: 'ERROR', logger: 'app.api', message: `request ${n} failed validation: field 'email' is not a valid address` };
}

const EXCEPTIONS = [
  'ConnectionError: HTTPSConnectionPool(host=\'api.partner.example\', port=443): Read timed out. (read timeout=30)',
  'psycopg2.OperationalError: server closed the connection unexpectedly',
  'KeyError: \'customer_id\'',
  'TimeoutError: upstream did not answer within 30 s',
];

// ---- the writer --------------------------------------------------------------------------------

/**
 * Lines encoded straight into one preallocated 8 MB buffer, flushed with a synchronous write when
 * full: the line strings die young (appending them to one long string instead builds a rope that
 * survives into the old generation and doubles the time in GC), and a synchronous write needs no
 * backpressure handling (nothing else runs while generating).
 */
class LogFile {
  private readonly fd: number;
  private readonly out = Buffer.allocUnsafe(8 << 20);
  private used = 0;
  private written = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Bytes so far, written or not yet. */
  get bytes(): number {
    return this.written + this.used;
  }

  /** Every character generated is ASCII, so latin1 is one byte per character. */
  put(text: string): void {
    if (this.used + text.length > this.out.length) this.flush();
    this.used += this.out.write(text, this.used, 'latin1');
  }

  /** Flushes and closes; the file's size. */
  close(): number {
    this.flush();
    closeSync(this.fd);
    return this.written;
  }

  private flush(): void {
    // writeSync may write less than asked (rarely, on regular files): loop until all is out.
    for (let done = 0; done < this.used; ) done += writeSync(this.fd, this.out, done, this.used - done);
    this.written += this.used;
    this.used = 0;
  }
}

/** Write the log (through LogFile). */
export function generateLog(options: GenerateOptions): GenerateResult {
  const rand = prng(options.seed);
  const file = new LogFile(options.path);
  const put = (text: string) => file.put(text);
  let lines = 0;
  let runs = 0;
  let lastAt = START_US;
  const stamp = new SecondText();
  const schedStamp = new SecondText();
  const nextStamp = new SecondText();

  /** One record; `at` never goes backwards because events come off the timeline in order. */
  const line = (at: number, pid: string, level: string, logger: string, message: string) => {
    const ms = Math.floor(at / 1000) % 1000;
    put(`${stamp.of(at)},${pad3(ms)} [${pid}] ${level} ${logger}: ${message}\n`);
    lines++;
  };

  /** Application lines between the previous line and this one: geometric, ~30% of all lines. */
  const appLinesBefore = (at: number) => {
    const p = APP_LINE_SHARE;
    while (rand() < p) {
      const t = lastAt + Math.floor(rand() * (at - lastAt));
      stamp.of(t);
      const a = appLine(rand, stamp);
      line(t, PIDS[rand() < 0.5 ? 0 : 1], a.level, a.logger, a.message);
      lastAt = t;
    }
    lastAt = at;
  };

  const { instances, firsts } = makeJobs(rand);
  const timeline = new Timeline();

  // Start-up: each process adds its jobs and starts its scheduler.
  let at = START_US - 5e6;
  for (const pid of PIDS) {
    for (const job of instances) {
      if (job.pid !== pid) continue;
      at += 300;
      line(at, pid, 'INFO', SCHEDULER, 'Adding job tentatively -- it will be properly scheduled when the scheduler starts');
      line(at, pid, 'INFO', SCHEDULER, `Added job "${job.name}" to job store "default"`);
    }
    at += 2000;
    line(at, pid, 'INFO', SCHEDULER, 'Scheduler started');
  }
  lastAt = at;
  instances.forEach((job, i) => timeline.push({ at: firsts[i], kind: FIRE, job, scheduled: firsts[i], late: 0 }));

  let stopping = false;
  while (timeline.size > 0) {
    const e = timeline.pop();
    const job = e.job;
    if (e.kind === FIRE) {
      if (stopping) continue;
      const next = job.trigger.cronOffsetUs === undefined ? e.scheduled + job.trigger.periodUs : nextCron(job.trigger, e.scheduled);
      timeline.push({ at: next, kind: FIRE, job, scheduled: next, late: 0 });
      const nextText = `${nextStamp.of(next)} ${ZONE_ABBR}`;
      job.jobText = `${job.name} (trigger: ${job.trigger.text}, next run at: ${nextText})`;
      const r = rand();
      if (job.busyUntil > e.at) {
        timeline.push({ at: e.at + 500 + Math.floor(rand() * 3000), kind: SKIP, job, scheduled: e.scheduled, late: 0 });
      } else if (r < 0.003) {
        // The executor picked the run up after misfire_grace_time: logged, not run.
        const late = 1e6 + Math.floor(rand() * 9e6);
        timeline.push({ at: e.at + late, kind: MISFIRE, job, scheduled: e.scheduled, late });
      } else {
        const start = e.at + 1000 + Math.floor(rand() * rand() * 40000);
        const duration = Math.floor(job.durationUs * (0.6 + rand() * 0.8));
        job.busyUntil = start + duration;
        timeline.push({ at: start, kind: START, job, scheduled: e.scheduled, late: 0 });
        timeline.push({ at: start + duration, kind: END, job, scheduled: e.scheduled, late: 0 });
      }
      continue;
    }
    appLinesBefore(e.at);
    if (e.kind === START) {
      const frac = e.scheduled % 1e6;
      const sched = `${schedStamp.of(e.scheduled)}${frac ? '.' + pad6(frac) : ''}${OFFSET_TEXT}`;
      line(e.at, job.pid, 'INFO', EXECUTOR, `Running job "${job.jobText}" (scheduled at ${sched})`);
      runs++;
    } else if (e.kind === END) {
      if (rand() < job.errorRate) {
        line(e.at, job.pid, 'ERROR', EXECUTOR, `Job "${job.jobText}" raised an exception`);
        put('Traceback (most recent call last):\n'
          + '  File "/usr/lib/python3/dist-packages/apscheduler/executors/base.py", line 125, in run_job\n'
          + '    retval = job.func(*job.args, **job.kwargs)\n'
          + EXCEPTIONS[Math.floor(rand() * EXCEPTIONS.length)] + '\n');
        lines += 4;
      } else {
        line(e.at, job.pid, 'INFO', EXECUTOR, `Job "${job.jobText}" executed successfully`);
      }
    } else if (e.kind === MISFIRE) {
      line(e.at, job.pid, 'WARNING', EXECUTOR, `Run time of job "${job.jobText}" was missed by ${timedeltaText(e.late)}`);
    } else if (e.kind === SKIP) {
      line(e.at, job.pid, 'WARNING', SCHEDULER, `Execution of job "${job.jobText}" skipped: maximum number of running instances reached (1)`);
    }
    // Once the size is reached, no new runs start; the ones in flight still end.
    if (!stopping && file.bytes >= options.targetBytes) stopping = true;
  }
  return { bytes: file.close(), lines, runs, jobs: JOBS };
}

// ---- a log of the application alone ------------------------------------------------------------

/** An application's own failure now and then: a logged exception with its traceback (a line in this many). */
const APP_TRACEBACK_EVERY = 2000;
const APP_TRACEBACK = 'Traceback (most recent call last):\n'
  + '  File "/srv/app/orders/sync.py", line 88, in push\n'
  + '    resp = session.post(url, json=body, timeout=30)\n'
  + 'requests.exceptions.ReadTimeout: HTTPSConnectionPool(host=\'warehouse.internal\', port=443): Read timed out. (read timeout=30)\n';

/**
 * A log with no APScheduler record at all: the same application lines as above, from the same two
 * processes, a line every few milliseconds, and now and then an exception the application logged
 * with its traceback. What the reader must get through at the speed of its skip scan.
 */
export function generateAppLog(options: GenerateOptions): GenerateResult {
  const rand = prng(options.seed);
  const file = new LogFile(options.path);
  let lines = 0;
  const stamp = new SecondText();
  for (let at = START_US; file.bytes < options.targetBytes; at += 1 + Math.floor(rand() * 8000)) {
    const pid = PIDS[rand() < 0.5 ? 0 : 1];
    const prefix = `${stamp.of(at)},${pad3(Math.floor(at / 1000) % 1000)} [${pid}]`;
    if (rand() * APP_TRACEBACK_EVERY < 1) {
      file.put(`${prefix} ERROR app.orders: sync of order ${Math.floor(rand() * 100000)} failed\n${APP_TRACEBACK}`);
      lines += 5;
      continue;
    }
    const a = appLine(rand, stamp);
    file.put(`${prefix} ${a.level} ${a.logger}: ${a.message}\n`);
    lines++;
  }
  return { bytes: file.close(), lines, runs: 0, jobs: 0 };
}
