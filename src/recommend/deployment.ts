// The deployment advice: when several schedulers ran the same jobs, no per-job setting fixes it
// (`max_instances` is per process). The server's own lines name the cause (deployment-fingerprints):
// the advice names the server, quotes its line, and gives that server's fix. Without them, and
// without pids, workers and a reloader cannot be told apart: it says so, with less confidence.

import type { Finding } from '../model/finding';
import type { Recommendation } from './recommendation';

const COMMON = 'max_instances is counted per scheduler process and cannot stop another process or host from running the same job.';
const UPGRADE = 'APScheduler 4 lets several schedulers share one data store safely (it leases schedules and jobs), if you need more than one.';

interface Deployment {
  server: string;
  version: string | null;
  workers: number;
  workerPids: string[];
  reloader: boolean;
  parent: boolean;
  startedBeforeWorkers: boolean;
  lines: string[];
}

interface Advice { recommended: string; reason: string; confidence: Recommendation['confidence'] }

export function deploymentAdvice(findings: Finding[]): Recommendation | undefined {
  const multi = findings.filter((f) => f.rule === 'multiple-schedulers').sort((a, b) => b.count - a.count)[0];
  const dup = findings.filter((f) => f.rule === 'duplicate-run');
  const storeCopies = findings.some((f) => f.rule === 'duplicate-job');
  if (!multi && dup.length === 0) return undefined;
  // One process and copies of the job in its store: `id=` + `replace_existing=True` and `clean`, not the deployment.
  if (!multi && dup.every((f) => f.data?.attribution === 'store-copies' || storeCopies)) return undefined;
  const basis = (multi?.data?.basis as string[] | undefined) ?? [];
  if (multi && storeCopies && multi.data?.kind === 'one-stream' && basis.every((b) => b === 'copies')) return undefined;

  const schedulers = multi?.count ?? Math.max(...dup.map((f) => Number(f.data?.schedulers ?? f.data?.maxCopies ?? 2)));
  const deployment = (multi?.data?.deployment ?? null) as Deployment | null;
  const kind = (multi?.data?.kind as string | undefined) ?? 'unknown';
  const advice = deployment ? serverAdvice(deployment, schedulers) : withoutFingerprint(kind, multi, schedulers);
  return {
    job: null, setting: 'deployment', current: kind === 'hosts' ? 'one scheduler per host' : `${schedulers} schedulers`, currentSource: 'log',
    recommended: advice.recommended, confidence: advice.confidence, reason: `${advice.reason} ${COMMON}`,
    evidence: {
      schedulers, instances: multi?.data?.instances ?? null, duplicatedRuns: dup.reduce((n, f) => n + f.count, 0),
      server: deployment?.server ?? null, serverLines: deployment?.lines ?? [],
    },
  };
}

function quote(d: Deployment, n = 3): string {
  const lines = d.lines.slice(0, n).map((l) => `"${l}"`);
  return lines.length ? ` (the log: ${lines.join(', ')})` : '';
}

function serverAdvice(d: Deployment, n: number): Advice {
  switch (d.server) {
    case 'gunicorn':
      return { confidence: 'high', recommended: 'start the scheduler in one process: gunicorn --preload, started in the master',
        reason: `${d.workers} gunicorn workers each imported the app and started a scheduler${quote(d)}. Run gunicorn with --preload and start the scheduler in the master from a server hook (on_starting or when_ready in gunicorn.conf.py) instead of at import, or run the scheduler as its own process (a separate service or command) and keep it out of the web app, or guard start-up with a lock (a file lock, a database advisory lock). -w 1 is not a fix for a web app. ${UPGRADE}` };
    case 'uwsgi':
      return { confidence: 'high', recommended: 'run the scheduler in a uWSGI mule, not in every worker',
        reason: `${d.workers} uWSGI workers each started a scheduler${quote(d)}. Start it in a mule (--mule=scheduler.py, the app's workers do not start it) or a dedicated process; without --lazy-apps the app is loaded in the master and forked, where the scheduler's thread does not survive unless --enable-threads; @postfork with a lock is the other way.` };
    case 'uvicorn':
      return { confidence: 'high', recommended: 'one scheduler: not in every uvicorn worker',
        reason: `uvicorn started ${d.workers} worker processes (--workers) and each started a scheduler${quote(d)}. Run the scheduler in a dedicated process, or in one worker only: in FastAPI, start it in the lifespan handler guarded by a lock (a file lock or a database advisory lock), not at import. ${UPGRADE}` };
    case 'werkzeug':
      return { confidence: 'high', recommended: 'start the scheduler only in the serving process of the Werkzeug reloader',
        reason: `the Flask debug reloader runs the app twice, in the watching parent and in the serving child, and both started a scheduler${quote(d)}. Pass use_reloader=False to app.run, or start the scheduler only when os.environ.get("WERKZEUG_RUN_MAIN") == "true". In production, a WSGI server has no reloader.` };
    case 'django':
      return { confidence: 'high', recommended: 'start the scheduler only in runserver\'s serving process, or in its own command',
        reason: `Django runserver's autoreloader runs the app twice, and both processes started a scheduler${quote(d)}. Run with --noreload, or start it only when os.environ.get("RUN_MAIN") == "true"; in production, start it from a management command of its own (python manage.py runapscheduler, as django-apscheduler does), not in AppConfig.ready().` };
    case 'mod_wsgi':
      return { confidence: 'high', recommended: 'one mod_wsgi daemon process for the scheduler',
        reason: `${d.workers} mod_wsgi daemon processes each started a scheduler${quote(d)}. Use WSGIDaemonProcess … processes=1 for the app that starts it, or run the scheduler as a dedicated process.` };
    default:
      return withoutFingerprint('processes', undefined, n);
  }
}

function withoutFingerprint(kind: string, multi: Finding | undefined, n: number): Advice {
  switch (kind) {
    case 'hosts':
      return { confidence: 'high', recommended: 'run the scheduler on one host only',
        reason: `hosts ${((multi?.data?.hosts as string[] | undefined) ?? []).join(', ')} ran the same scheduled runs from one job store: every host starts a scheduler. Run it in one dedicated service (one replica), or guard start-up with a distributed lock. ${UPGRADE}` };
    case 'one-process':
      return { confidence: 'high', recommended: 'create and start the scheduler once per process',
        reason: 'one process started a scheduler twice with the same jobs (the module creating it was imported or run twice).' };
    case 'one-stream':
      return { confidence: 'low', recommended: 'start one scheduler: add %(process)d to the log format to see which processes start it',
        reason: `at least ${n} schedulers wrote one log with no process ids and no server lines, so web workers and a debug reloader cannot be told apart. Add %(process)d to the logging format and look again. If it is the Flask/Django debug reloader: use_reloader=False, or start the scheduler only when os.environ.get("WERKZEUG_RUN_MAIN") == "true" (Django: RUN_MAIN). If it is web workers (gunicorn -w, uvicorn --workers, uWSGI): start it in one process (gunicorn --preload with the scheduler started in the master, a uWSGI mule, a dedicated process) or behind a lock.` };
    default: {
      const pids = (multi?.data?.pids as string[] | undefined) ?? [];
      return { confidence: 'medium', recommended: 'run one scheduler process, not one per web worker',
        reason: `${multi ? `${n} processes${pids.length ? ` (pids ${pids.join(', ')})` : ''}` : 'several schedulers'} ran the same jobs from one job store; the log has no server lines to say which server made them, and web workers are the usual cause. Start the scheduler in a dedicated process, or once with gunicorn --preload (started in the master, on_starting hook), or behind a lock (a file lock or a database advisory lock at start-up). ${UPGRADE}` };
    }
  }
}
