import { openByUrl } from './db-url';
import { openMysqlStore } from './mysql-store';
import { openPostgresStore } from './postgres-store';
import { openRedisStore } from './redis-store';
import { openSqliteStore } from './sqlite-store';
import type { JobStoreReader, StoreOptions } from './store';

export function openStore(url: string, options: StoreOptions): Promise<JobStoreReader> {
  return openByUrl(url, {
    sqlite: (path, display) => openSqliteStore(path, display, options),
    postgres: (connectionString, display) => openPostgresStore(connectionString, display, options),
    mysql: (connection, display) => openMysqlStore(connection, display, options),
    redis: (connection, display) => openRedisStore(connection, display, options),
  });
}
