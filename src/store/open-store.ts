import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { parseDatabaseUrl } from './database-url.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  clock: Clock;
  logger?: Logger;
  /** How long a completed idempotency key (and its result) is kept; default 24 h. */
  idempotencyRetentionMs?: number;
  /** SQLite: how long a write waits for another process's lock; default 5 s. */
  busyTimeoutMs?: number;
  /** Base for relative paths in DATABASE_URL; default the process's working directory. */
  cwd?: string;
}

/**
 * Opens the store that DATABASE_URL names (SQLite file, or Postgres), creating the SQLite file (and its folder)
 * on first start and applying pending migrations. Throws DatabaseUrlError for an unsupported URL and StoreError
 * when the database cannot be used.
 */
export async function openStore(databaseUrl: string, options: OpenStoreOptions): Promise<Store> {
  const location = parseDatabaseUrl(databaseUrl, options.cwd);
  if (location.kind === 'postgres') {
    // Loaded only here: pg and its store stay out of the memory of a bot on the SQLite default.
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore(location.connectionString, options);
  }
  return openSqliteStore('memory' in location ? ':memory:' : location.filename, options);
}
