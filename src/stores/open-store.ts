import { parseDbUrl } from './db-url';
import { openPostgresStore } from './postgres-store';
import { openSqliteStore } from './sqlite-store';
import type { JobStoreReader, StoreOptions } from './store';
import { UserError } from '../readers/errors';

export async function openStore(url: string, options: StoreOptions): Promise<JobStoreReader> {
  const parsed = parseDbUrl(url);
  try {
    if (parsed.kind === 'sqlite') return openSqliteStore(parsed.path, parsed.display, options);
    return await openPostgresStore(parsed.connectionString, parsed.display, options);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${parsed.display}: ${(err as Error).message}`);
  }
}
