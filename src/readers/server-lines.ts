// The lines a web server writes around the app's records: they say how the app was started, and
// so why a log holds several schedulers (deployment-fingerprints: gunicorn workers, uWSGI,
// uvicorn workers and reloader, the Werkzeug reloader, Django runserver, mod_wsgi). Formats are
// data: one regex per line shape, with sample lines that are its tests. The reader turns a match
// into a `server-line` event; the engine and the deployment advice read the kinds, never text.

export type ServerName = 'gunicorn' | 'uwsgi' | 'uvicorn' | 'werkzeug' | 'django' | 'mod_wsgi';

/**
 * What the line says about the processes:
 * - `server-start`: the server (its master or parent) starts;
 * - `worker`: a worker process that imports the app was started (pid when given);
 * - `worker-exit`: a worker or server process ended;
 * - `reloader`: a file-watching reloader runs the app (Werkzeug, Django), or watches (uvicorn);
 * - `master`: the master or parent process that forks workers;
 * - `server-process`: uvicorn's one process that imports the app (with or without workers);
 * - `mode`: a setting worth quoting (worker class, preforking, multiple interpreters, debug mode).
 */
export type ServerLineKind = 'server-start' | 'worker' | 'worker-exit' | 'reloader' | 'master' | 'server-process' | 'mode';

export interface ServerLineDef {
  server: ServerName;
  kind: ServerLineKind;
  /** Named groups: `pid`, `version`, `workers` where the line carries them. */
  pattern: RegExp;
  /**
   * A literal every matching line contains: the reader skips lines on bytes and must not skip these
   * (candidate-lines.ts takes its markers from here).
   */
  marker: string;
  /** Lines as the server writes them (recorded), each of which must match. */
  samples: string[];
  /** Lines that look close but must not match. */
  nearMisses?: string[];
}

export const SERVER_LINES: ServerLineDef[] = [
  // gunicorn's error log: `[stamp] [pid] [LEVEL] message`.
  { server: 'gunicorn', kind: 'server-start', pattern: /\[INFO\] Starting gunicorn (?<version>\S+)/, marker: 'Starting gunicorn',
    samples: ['[2026-12-02 00:54:35 +0000] [16039] [INFO] Starting gunicorn 26.2.0'] },
  { server: 'gunicorn', kind: 'worker', pattern: /\[INFO\] Booting worker with pid: (?<pid>\d+)/, marker: 'Booting worker',
    samples: ['[2026-12-02 00:54:35 +0000] [16040] [INFO] Booting worker with pid: 16040'] },
  { server: 'gunicorn', kind: 'worker-exit', pattern: /\[INFO\] Worker exiting \(pid: (?<pid>\d+)\)/, marker: 'Worker exiting',
    samples: ['[2026-12-02 00:55:24 +0000] [16816] [INFO] Worker exiting (pid: 16816)'] },
  { server: 'gunicorn', kind: 'mode', pattern: /\[INFO\] Using worker: (?<worker>\S+)/, marker: 'Using worker',
    samples: ['[2026-12-02 00:54:35 +0000] [16039] [INFO] Using worker: sync'] },
  // uWSGI's own log.
  { server: 'uwsgi', kind: 'server-start', pattern: /^\*\*\* Starting uWSGI (?<version>\S+)/, marker: 'Starting uWSGI',
    samples: ['*** Starting uWSGI 2.0.21-debian (64bit) on [Tue Dec  1 23:08:11 2026] ***'] },
  { server: 'uwsgi', kind: 'master', pattern: /^spawned uWSGI master process \(pid: (?<pid>\d+)\)/, marker: 'spawned uWSGI',
    samples: ['spawned uWSGI master process (pid: 9403)'] },
  { server: 'uwsgi', kind: 'worker', pattern: /^spawned uWSGI worker \d+ \(pid: (?<pid>\d+), cores: \d+\)/, marker: 'spawned uWSGI',
    samples: ['spawned uWSGI worker 1 (pid: 9404, cores: 1)'] },
  { server: 'uwsgi', kind: 'mode', pattern: /^\*\*\* (?:Operational MODE: \w+|uWSGI is running in multiple interpreter mode) \*\*\*/, marker: '*** ',
    samples: ['*** Operational MODE: preforking ***', '*** uWSGI is running in multiple interpreter mode ***'] },
  // uvicorn's default formatter: `LEVEL:` padded to ten characters, then the message.
  { server: 'uvicorn', kind: 'master', pattern: /^INFO: +Started parent process \[(?<pid>\d+)\]/, marker: 'Started parent process',
    samples: ['INFO:     Started parent process [9029]'] },
  { server: 'uvicorn', kind: 'server-process', pattern: /^INFO: +Started server process \[(?<pid>\d+)\]/, marker: 'Started server process',
    samples: ['INFO:     Started server process [9036]'] },
  { server: 'uvicorn', kind: 'worker-exit', pattern: /^INFO: +Finished server process \[(?<pid>\d+)\]/, marker: 'Finished server process',
    samples: ['INFO:     Finished server process [9036]'] },
  { server: 'uvicorn', kind: 'reloader', pattern: /^INFO: +Started reloader process \[(?<pid>\d+)\] using \w+/, marker: 'Started reloader process',
    samples: ['INFO:     Started reloader process [8879] using StatReload', 'INFO:     Started reloader process [8879] using WatchFiles'] },
  // Werkzeug (Flask's development server): the banner on stdout, the rest through its logger.
  { server: 'werkzeug', kind: 'server-start', pattern: /^ \* Serving Flask app '?(?<app>[^']*)'?/, marker: 'Serving Flask app',
    samples: [" * Serving Flask app 'flaskapp'", ' * Serving Flask app "app" (lazy loading)'] },
  { server: 'werkzeug', kind: 'reloader', pattern: /(?:^|[:\]] ?)\s?\* Restarting with (?:stat|watchdog|\w+)/, marker: 'Restarting with',
    samples: ['INFO:werkzeug: * Restarting with stat', '2026-12-02 01:02:03,004 [812] INFO werkzeug:  * Restarting with watchdog (inotify)'] },
  // The two debug lines as two shapes, each with a literal of its own: the one they share, `* Debug`,
  // was the shortest marker and held the byte scan to seven-byte steps (candidate-lines.ts).
  { server: 'werkzeug', kind: 'mode', pattern: /(?:^|[:\]] ?)\s?\* Debug mode: on/, marker: '* Debug mode:',
    samples: [' * Debug mode: on'], nearMisses: [' * Debug mode: off'] },
  { server: 'werkzeug', kind: 'mode', pattern: /(?:^|[:\]] ?)\s?\* Debugger is active!/, marker: '* Debugger is',
    samples: ['WARNING:werkzeug: * Debugger is active!'], nearMisses: [' * Debugger PIN: 123-456-789'] },
  // Django's runserver.
  { server: 'django', kind: 'reloader', pattern: /Watching for file changes with \w+Reloader/, marker: 'Watching for file changes',
    samples: ['Watching for file changes with StatReloader', 'INFO:django.utils.autoreload:Watching for file changes with StatReloader'] },
  { server: 'django', kind: 'server-start', pattern: /^Starting development server at (?<url>\S+)/, marker: 'Starting development server',
    samples: ['Starting development server at http://127.0.0.1:5094/'] },
  // Apache mod_wsgi announces each daemon process it starts.
  { server: 'mod_wsgi', kind: 'worker', pattern: /mod_wsgi \(pid=(?<pid>\d+)\): (?:Starting process|Initializing Python)/, marker: 'mod_wsgi (pid=',
    samples: ["[Thu May 19 13:17:03.067047 2016] [wsgi:info] [pid 220:tid 1399] mod_wsgi (pid=220): Starting process 'app' with uid=33, gid=33 and threads=15."] },
];

export interface ServerLineMatch {
  server: ServerName;
  kind: ServerLineKind;
  pid?: string;
  version?: string;
}

/**
 * Most lines are none of these: per server, substrings one of which its every line holds, looked
 * for (a native substring search) before any of its regexes runs. A line that holds none is
 * passed over for the price of a few searches.
 */
export const SERVER_GATES: Record<ServerName, string[]> = {
  gunicorn: ['[INFO] '],
  uwsgi: ['*** ', 'spawned uWSGI'],
  uvicorn: ['INFO:     '],
  werkzeug: ['* Serving Flask app', '* Restarting with', '* Debug'],
  django: ['Watching for file changes', 'Starting development server'],
  mod_wsgi: ['mod_wsgi (pid='],
};

const BY_SERVER = new Map<ServerName, ServerLineDef[]>();
for (const def of SERVER_LINES) BY_SERVER.set(def.server, [...(BY_SERVER.get(def.server) ?? []), def]);
const GATED = (Object.entries(SERVER_GATES) as [ServerName, string[]][]).map(([server, gates]) => ({ gates, defs: BY_SERVER.get(server) ?? [] }));

export function matchServerLine(text: string): ServerLineMatch | undefined {
  for (const { gates, defs } of GATED) {
    if (!gates.some((g) => text.includes(g))) continue;
    for (const def of defs) {
      const m = def.pattern.exec(text);
      if (!m) continue;
      const g = m.groups ?? {};
      return { server: def.server, kind: def.kind, pid: g.pid, version: g.version };
    }
  }
  return undefined;
}

/**
 * Where a reader looks for server lines. The gates cost about as much as the search for an
 * APScheduler message, and most lines of a busy log are the application's: so a source is
 * searched in its first lines (where a server starts) and near APScheduler's own records (a
 * worker booting is followed by its scheduler starting), not through long stretches of
 * application output far from any scheduler.
 */
export class ServerLineScanner {
  private lastRecord = -Infinity;

  constructor(private readonly head = 5000, private readonly near = 500) {}

  /** An APScheduler record was read at this line. */
  record(line: number): void {
    this.lastRecord = line;
  }

  scan(text: string, line: number): ServerLineMatch | undefined {
    if (line > this.head && line - this.lastRecord > this.near) return undefined;
    return matchServerLine(text);
  }
}

/** How each server is named in a report. */
export const SERVER_LABEL: Record<ServerName, string> = {
  gunicorn: 'gunicorn', uwsgi: 'uWSGI', uvicorn: 'uvicorn', werkzeug: 'the Werkzeug (Flask debug) reloader', django: 'Django runserver', mod_wsgi: 'Apache mod_wsgi',
};
