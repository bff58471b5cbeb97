// Throwaway database servers for the tests, from Debian's packages: a temporary folder, a free
// port on loopback, removed afterwards. No mocks. Without the binaries a test skips with the
// reason, except where CI requires the server (SCHED_DOCTOR_REQUIRE_<NAME>=1, set by .ci/run).

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

export interface Server {
  name: string;
  port: number;
  /** A URL as a user writes it (no password: the test servers trust loopback). */
  url: string;
  stop(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs / 1000} s`);
}

function stopper(child: ChildProcess, dir: string): () => void {
  return () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
}

/** MariaDB from `mariadb-server`: `mariadb-install-db` into a temporary folder. */
export async function startMariadb(): Promise<Server | string> {
  const server = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find(existsSync);
  if (!server || !existsSync('/usr/bin/mariadb-install-db')) return 'no MariaDB server binaries (apt-get install mariadb-server)';
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-mariadb-'));
  try {
    const user = process.getuid?.() === 0 ? ['--user=root'] : [];
    execFileSync('/usr/bin/mariadb-install-db', ['--no-defaults', `--datadir=${dir}/data`, '--auth-root-authentication-method=normal', '--skip-test-db', ...user], { stdio: 'pipe' });
    const port = await freePort();
    const child = spawn(server, [
      '--no-defaults', `--datadir=${dir}/data`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${dir}/sock`,
      `--pid-file=${dir}/pid`, `--log-error=${dir}/err.log`, '--innodb-flush-log-at-trx-commit=0', '--skip-log-bin', ...user,
    ], { stdio: 'ignore' });
    await waitForPort(port, child, 30000);
    return { name: 'MariaDB', port, url: `mysql+pymysql://root@127.0.0.1:${port}/`, stop: stopper(child, dir) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return `MariaDB could not be started: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** Redis from `redis-server`: no persistence, a free port. */
export async function startRedis(): Promise<Server | string> {
  if (!existsSync('/usr/bin/redis-server')) return 'no Redis server binary (apt-get install redis-server)';
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-redis-'));
  try {
    const port = await freePort();
    const child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    await waitForPort(port, child, 15000);
    return { name: 'Redis', port, url: `redis://127.0.0.1:${port}/0`, stop: stopper(child, dir) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return `Redis could not be started: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** For `test(name, { skip })`: the reason to skip, or false; throws when CI requires the server. */
export function serverSkip(server: Server | string, requireVar: string): string | false {
  if (typeof server !== 'string') return false;
  if (process.env[requireVar] === '1') throw new Error(`${requireVar}=1, but: ${server}`);
  return server;
}

/** A server for this test file: started before its tests, stopped after them. */
export function useServer(start: () => Promise<Server | string>): () => Server | string {
  let server: Server | string = 'not started yet';
  before(async () => {
    server = await start();
  });
  after(() => {
    if (typeof server !== 'string') server.stop();
  });
  return () => server;
}

export function python(modules: string): boolean {
  return spawnSync('/usr/bin/python3', ['-c', `import ${modules}`], { stdio: 'ignore' }).status === 0;
}
