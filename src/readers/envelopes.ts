// Prefixes that web servers, container runtimes and log shippers wrap around a Python record.
// Each is data: a regex anchored at the start of the line, the fields it yields, and sample
// lines (tested in test/readers/envelopes.test.ts). They are peeled off, outermost first.

export interface EnvelopeFields {
  host?: string;
  pid?: string;
  thread?: string;
}

export interface EnvelopeDef {
  name: string;
  /** A cheap test on the first character before running the regex. */
  firstChar: RegExp;
  pattern: RegExp;
  /** A second look at a match, for prefixes a Python record can also produce. */
  accept?(m: RegExpExecArray): boolean;
  fields(m: RegExpExecArray): EnvelopeFields;
  samples: string[];
}

const LEVEL_WORDS = /^(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)$/;

export const ENVELOPES: EnvelopeDef[] = [
  {
    // `web-1  | …` (compose v2) or `web_1  | …` (v1): the service column is padded.
    name: 'docker compose',
    firstChar: /[A-Za-z]/,
    pattern: /^([A-Za-z][\w.-]*)\s+\| ?/,
    accept: (m) => !LEVEL_WORDS.test(m[1]) && !m[1].startsWith('apscheduler'),
    fields: (m) => ({ host: m[1] }),
    samples: ['web-1  | 2024-01-01 16:23:18,123 INFO apscheduler.scheduler: Scheduler started'],
  },
  {
    // `kubectl logs --prefix` (several pods: `-l app=web`): `[pod/web-7d9c5-x2x4q/app] …`
    name: 'kubectl prefix',
    firstChar: /\[/,
    pattern: /^\[pod\/([\w.-]+)\/[\w.-]+\] /,
    fields: (m) => ({ host: m[1] }),
    samples: ['[pod/web-7d9c5-x2x4q/app] 2024-01-01T16:23:18.123456789Z INFO:apscheduler.scheduler:Scheduler started'],
  },
  {
    // Heroku's log drain: `2024-01-01T16:23:18.123456+00:00 app[web.1]: …` — the dyno is the host.
    name: 'heroku',
    firstChar: /\d/,
    pattern: /^\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d) (?:app|heroku)\[([\w.-]+)\]: /,
    fields: (m) => ({ host: m[1] }),
    samples: ['2024-01-01T16:23:18.123456+00:00 app[web.1]: INFO:apscheduler.scheduler:Scheduler started'],
  },
  {
    // RFC 3339 syslog (rsyslog, journalctl -o short-iso): `2024-01-01T16:23:18+00:00 host ident[1234]: …`.
    // Tried before the container timestamp, which would take its stamp and leave the host behind;
    // a container stamp before `INFO apscheduler.scheduler: …` is not a host and an ident.
    name: 'syslog iso',
    firstChar: /\d/,
    pattern: /^\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d) (\S+) ([\w.\/@-]+)(?:\[(\d+)\])?: /,
    accept: (m) => !LEVEL_WORDS.test(m[1].replace(/^\[|\]$/g, '')) && !m[2].startsWith('apscheduler'),
    fields: (m) => ({ host: m[1], pid: m[3] }),
    samples: ['2024-01-01T16:23:18+00:00 web-1 python3[1234]: INFO:apscheduler.scheduler:Scheduler started'],
  },
  {
    // `kubectl logs --timestamps`, `docker logs -t`: an RFC 3339 instant with nanoseconds, one space,
    // then the line as written, indentation included (traceback lines), or nothing (a blank line).
    name: 'container timestamp',
    firstChar: /\d/,
    pattern: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)(?: (?:stdout|stderr) [FP](?: |$)| |$)/,
    fields: () => ({}),
    samples: [
      '2024-01-01T16:23:18.123456789Z stdout F INFO:apscheduler.scheduler:Scheduler started',
      '2024-01-01T16:23:18.123456789Z   File "/app/jobs.py", line 3, in f',
    ],
  },
  {
    // Apache mod_wsgi error log: `[Mon Jan 01 16:23:18.123456 2024] [wsgi:error] [pid 1234:tid 5678] [remote 10.0.0.1:5000] …`
    name: 'apache',
    firstChar: /\[/,
    pattern: /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d [\d:.]+ \d{4}\] \[[\w]*:\w+\] \[pid (\d+)(?::tid (\d+))?\](?: \[(?:remote|client) [^\]]*\])? /,
    fields: (m) => ({ pid: m[1], thread: m[2] }),
    samples: ['[Mon Jan 01 16:23:18.123456 2024] [wsgi:error] [pid 1234:tid 140000] [remote 10.0.0.1:5000] Scheduler started'],
  },
  {
    // syslog / `journalctl` short output: `Jan  1 16:23:18 host ident[1234]: …`
    name: 'syslog',
    firstChar: /[A-Z]/,
    pattern: /^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d (\S+) [\w.\/@-]+(?:\[(\d+)\])?: /,
    fields: (m) => ({ host: m[1], pid: m[2] }),
    samples: ['Jan  1 16:23:18 web-1 gunicorn[1234]: 2024-01-01 16:23:18,123 INFO apscheduler.scheduler: Scheduler started'],
  },
];

export interface Peeled {
  /** Offset in the line where the Python record starts. */
  offset: number;
  fields: EnvelopeFields;
  names: string[];
}

/** Peel known envelopes off a line, outermost first (a compose prefix around a timestamp, say). */
const NOTHING: Peeled = Object.freeze({ offset: 0, fields: Object.freeze({}), names: Object.freeze([]) as unknown as string[] });

/**
 * The envelopes that may start with each ASCII character (from their `firstChar`), and whether a
 * line can start with one at all: this runs for every record, most of which have no envelope.
 */
const BY_FIRST_CHAR: EnvelopeDef[][] = Array.from({ length: 128 }, (_, c) => ENVELOPES.filter((env) => env.firstChar.test(String.fromCharCode(c))));

function mayStartWith(rest: string): EnvelopeDef[] {
  const c = rest.charCodeAt(0);
  if (c < 128) return BY_FIRST_CHAR[c];
  return Number.isNaN(c) ? NONE : ENVELOPES.filter((env) => env.firstChar.test(rest[0]));
}

const NONE: EnvelopeDef[] = [];

/**
 * Whether a line starting with a digit can be in a digit-led envelope: each starts with an ISO
 * date and `T` (`2024-01-01T`; envelopes.test.ts holds every such pattern to it), while a Python
 * record's own stamp has a space there.
 */
function isoDateT(rest: string): boolean {
  return rest.charCodeAt(4) === 45 && rest.charCodeAt(7) === 45 && rest.charCodeAt(10) === 84;
}

export function peelEnvelopes(line: string): Peeled {
  // Most lines have no envelope: answer without allocating.
  const first = mayStartWith(line);
  if (first.length === 0) return NOTHING;
  const c = line.charCodeAt(0);
  if (c >= 48 && c <= 57 && !isoDateT(line)) return NOTHING;
  let offset = 0;
  const fields: EnvelopeFields = {};
  const names: string[] = [];
  for (let round = 0; round < 3; round++) {
    const rest = offset === 0 ? line : line.slice(offset);
    let matched = false;
    for (const env of mayStartWith(rest)) {
      const m = env.pattern.exec(rest);
      if (!m) continue;
      if (env.accept && !env.accept(m)) continue;
      const f = env.fields(m);
      // syslog's `ident[pid]` is the outer process; a pid inside the record wins later.
      if (f.host !== undefined) fields.host ??= f.host;
      if (f.pid !== undefined) fields.pid ??= f.pid;
      if (f.thread !== undefined) fields.thread ??= f.thread;
      names.push(env.name);
      offset += m[0].length;
      matched = true;
      break;
    }
    if (!matched) break;
  }
  return offset === 0 ? NOTHING : { offset, fields, names };
}
