// The server's own lines per log stream (readers/server-lines), summed up as the deployment
// they show: which server, how many processes import the app, whether a reloader runs it, and
// whether the schedulers started before the workers were forked (gunicorn --preload).

import type { LogEvent } from '../model/event';
import type { Evidence } from '../model/finding';
import { addEvidence, evidenceOf } from '../analyzers/job-tally';
import { detach } from '../model/detach';

export interface DeploymentPrint {
  /** The server named by its lines (`gunicorn`, `uwsgi`, `uvicorn`, `werkzeug`, `django`, `mod_wsgi`). */
  server: string;
  version?: string;
  /** Worker processes it said it started (gunicorn `Booting worker`, uWSGI `spawned uWSGI worker`, uvicorn server processes). */
  workers: number;
  workerPids: string[];
  /** A reloader runs the app (Werkzeug `Restarting with stat`, Django `Watching for file changes`, uvicorn `--reload`). */
  reloader: boolean;
  /** uvicorn: a parent process started server processes (`--workers N`). */
  parent: boolean;
  /** Every `Scheduler started` of the stream came before the first worker was started: the app was loaded in the master. */
  startedBeforeWorkers: boolean;
  /** The server's lines that show it, first of each kind, then the workers. */
  evidence: Evidence[];
  /** The lines that show the processes which import the app (workers, reloader, parent): what advice quotes. */
  processLines: string[];
}

interface Acc {
  server: string;
  version?: string;
  workers: number;
  workerPids: string[];
  reloader: boolean;
  parent: boolean;
  startsBefore: number;
  startsAfter: number;
  kinds: Set<string>;
  evidence: Evidence[];
  processLines: string[];
}

export class DeploymentPrints {
  private byStream = new Map<string, Acc>();
  /** Starts seen per stream before any server line, to tell a preloaded app. */
  private earlyStarts = new Map<string, number>();

  serverLine(event: Extract<LogEvent, { kind: 'server-line' }>, where: string): void {
    let a = this.byStream.get(where);
    if (!a) {
      a = { server: event.server, workers: 0, workerPids: [], reloader: false, parent: false, startsBefore: this.earlyStarts.get(where) ?? 0, startsAfter: 0, kinds: new Set(), evidence: [], processLines: [] };
      this.byStream.set(where, a);
    }
    // A stream holds one server; a second one's lines (a proxy, a sidecar) do not change the first.
    if (event.server !== a.server) return;
    a.version ??= event.version;
    const isWorker = event.role === 'worker' || event.role === 'server-process';
    if (isWorker) {
      a.workers++;
      if (event.pid !== undefined && a.workerPids.length < 64) a.workerPids.push(event.pid);
    }
    if (event.role === 'reloader') a.reloader = true;
    if ((isWorker || event.role === 'reloader' || event.role === 'master') && a.processLines.length < 8 && !a.processLines.includes(event.ctx.text)) a.processLines.push(detach(event.ctx.text.trim()));
    if (event.role === 'master' && event.server === 'uvicorn') a.parent = true;
    // The start line, the reloader, every worker (up to the evidence limit): what the advice quotes.
    // gunicorn's `Using worker: sync` and the like say little; Werkzeug's `Debug mode: on` says a reloader.
    const quoted = event.role !== 'mode' || event.server === 'werkzeug' || event.server === 'uwsgi';
    if (quoted && (!a.kinds.has(event.role) || isWorker)) {
      a.kinds.add(event.role);
      if (event.role !== 'worker-exit') addEvidence(a.evidence, evidenceOf(event.ctx));
    }
  }

  schedulerStarted(where: string): void {
    const a = this.byStream.get(where);
    if (!a) {
      this.earlyStarts.set(where, (this.earlyStarts.get(where) ?? 0) + 1);
      return;
    }
    if (a.workers === 0) a.startsBefore++;
    else a.startsAfter++;
  }

  /** The deployment one stream shows, if its server wrote any line. */
  of(where: string): DeploymentPrint | undefined {
    const a = this.byStream.get(where);
    if (!a) return undefined;
    return {
      server: a.server, version: a.version, workers: a.workers, workerPids: [...a.workerPids], reloader: a.reloader, parent: a.parent,
      // gunicorn and uWSGI name a worker before it imports the app; uvicorn after, so it cannot tell.
      startedBeforeWorkers: (a.server === 'gunicorn' || a.server === 'uwsgi') && a.workers > 0 && a.startsBefore > 0 && a.startsAfter === 0, evidence: a.evidence,
      processLines: [...a.processLines],
    };
  }

  streams(): string[] {
    return [...this.byStream.keys()];
  }
}
