// The HTTP endpoint of `watch --metrics HOST:PORT`: GET /metrics answers the exposition text.
// Loopback only unless --metrics-public: the metrics name jobs and hosts, and the endpoint has no
// authentication; exposing it is a decision to take on purpose (or to leave to a proxy).

import { createServer, type Server } from 'node:http';
import { isIP } from 'node:net';
import { UserError } from '../model/errors';
import { CONTENT_TYPE } from '../report/prometheus';

export interface MetricsAddress {
  host: string;
  port: number;
}

export function parseMetricsAddress(value: string, allowPublic: boolean): MetricsAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new UserError(`--metrics must be HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464 (got '${value}')`);
  const host = m[1] ?? m[2];
  if (!allowPublic && !isLoopback(host)) {
    throw new UserError(`--metrics ${value}: ${host} is not a loopback address; the endpoint has no authentication: use 127.0.0.1, or add --metrics-public to listen there anyway`);
  }
  return { host, port };
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1' || host.toLowerCase().startsWith('::ffff:127.');
}

/** Listens, or fails with one line (port in use, address not on this machine). */
export async function serveMetrics(address: MetricsAddress, render: () => string): Promise<Server & { port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== '/metrics' && path !== '/') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('sched-doctor: the metrics are at /metrics\n');
      return;
    }
    const body = render();
    res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const shown = `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
      if (err.code === 'EADDRINUSE') reject(new UserError(`--metrics ${shown}: the port is in use (another process listens there): pick another port`));
      else if (err.code === 'EADDRNOTAVAIL') reject(new UserError(`--metrics ${shown}: that address is not on this machine`));
      else if (err.code === 'EACCES') reject(new UserError(`--metrics ${shown}: not allowed to listen there (ports below 1024 need privileges)`));
      else reject(new UserError(`--metrics ${shown}: cannot listen (${err.code ?? err.message})`));
    });
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address();
  return Object.assign(server, { port: typeof bound === 'object' && bound ? bound.port : address.port });
}
