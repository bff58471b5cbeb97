// A SQLite job store of several read batches: the rows of a fixture written by real APScheduler
// (mixed.sqlite), copied under new ids, with a corrupt pickle at row 2500 and, when asked, a NULL
// job_state at row 3100 (a row the store reader marks invalid).

import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ROWS_PER_TRANSACTION } from '../../src/stores/sqlite-store';

const FIXTURES = join(__dirname, '..', 'fixtures', 'stores');

/** Rows of the large store: several read batches of the SQLite reader (ROWS_PER_TRANSACTION), and decoding batches of the pool. */
export const LARGE_ROWS = 4321;

/** LARGE_ROWS rows, ids `row-00000`…, in `dir`/large.sqlite; returns its path. */
export function largeStore(dir: string, options: { withNull?: boolean } = {}): string {
  const path = join(dir, 'large.sqlite');
  const src = new Database(join(FIXTURES, 'mixed.sqlite'), { readonly: true });
  const rows = src.prepare('SELECT id, next_run_time, job_state FROM apscheduler_jobs').all() as { id: string; next_run_time: number | null; job_state: Buffer }[];
  src.close();
  const db = new Database(path);
  db.exec(`CREATE TABLE apscheduler_jobs (id VARCHAR(191) PRIMARY KEY, next_run_time FLOAT, job_state BLOB${options.withNull ? '' : ' NOT NULL'})`);
  const put = db.prepare('INSERT INTO apscheduler_jobs VALUES (?, ?, ?)');
  const n = LARGE_ROWS;
  if (n < ROWS_PER_TRANSACTION * 3) throw new Error('the large store must be several read batches');
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const r = rows[i % rows.length];
      const state = i === 2500 ? Buffer.from('not a pickle') : options.withNull && i === 3100 ? null : r.job_state;
      put.run(`row-${String(i).padStart(5, '0')}`, r.next_run_time, state);
    }
  })();
  db.close();
  return path;
}
