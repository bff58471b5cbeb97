// A throwaway PostgreSQL server for the tests: the machine's own binaries, initdb into a
// temporary folder, a free port, removed afterwards. No mocks of databases.
// When no server can be started the PostgreSQL tests are skipped with the reason, except when
// SCHED_DOCTOR_REQUIRE_POSTGRES=1 (set by .ci/run), where that is a failure.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { freePort } from './servers';

export interface PgServer {
  url: string;
  port: number;
  stop(): void;
}

function findBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}


/** Starts a server, or returns the reason it cannot. */
export async function startPostgres(): Promise<PgServer | string> {
  const bin = findBin();
  if (!bin) return 'no PostgreSQL server binaries (apt-get install postgresql)';
  const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-pg-'));
  chmodSync(dir, 0o755);
  const root = process.getuid?.() === 0;
  const asPg = (cmd: string, args: string[]) => (root ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args]) as [string, string[]];
  try {
    if (root) execFileSync('chown', ['postgres:postgres', dir]);
    const port = await freePort();
    const [c1, a1] = asPg('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    execFileSync(c1, a1, { stdio: 'pipe' });
    const [c2, a2] = asPg('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
    execFileSync(c2, a2, { stdio: 'pipe' });
    return {
      port,
      url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
      stop() {
        const [c3, a3] = asPg('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
        spawnSync(c3, a3, { stdio: 'ignore' });
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return `PostgreSQL could not be started: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** For `test(name, { skip })`: the reason to skip, or false; throws when CI requires the server. */
export function skipReason(server: PgServer | string): string | false {
  if (typeof server !== 'string') return false;
  if (process.env.SCHED_DOCTOR_REQUIRE_POSTGRES === '1') throw new Error(`PostgreSQL is required here: ${server}`);
  return server;
}

/** A server for this test file: started before its tests, stopped after them. */
export function usePostgres(): () => PgServer | string {
  let server: PgServer | string = 'not started yet';
  before(async () => {
    server = await startPostgres();
  });
  after(() => {
    if (typeof server !== 'string') server.stop();
  });
  return () => server;
}
