import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Clock } from '../../clock.js';
import { isRoutineBotError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { silentLogger } from '../../log.js';
import { StoreError } from '../errors.js';
import { createKyselyStore } from '../kysely-store.js';
import { migrateToLatest, type Migration } from '../migration.js';
import type { DatabaseSchema } from '../schema.js';
import type { Store } from '../types.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';

export interface PostgresStoreOptions {
  clock: Clock;
  logger?: Logger;
  /** How long a completed idempotency key (and its result) is kept; default 24 h. */
  idempotencyRetentionMs?: number;
  /** Connections in this process's pool; default 5. */
  poolSize?: number;
  /** How long a statement may run before Postgres cancels it; default 5 s. */
  statementTimeoutMs?: number;
  /** Tests only: another migration list. */
  migrations?: readonly Migration[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const INT8_OID = 20;

/**
 * A pool whose BIGINT (int8) columns come back as numbers: every BIGINT here is an epoch-millisecond timestamp
 * or a row id, far inside Number's exact range. The parser is set on this pool only, not on pg's global types.
 */
export function createPool(connectionString: string, options: { poolSize?: number; statementTimeoutMs?: number; logger?: Logger } = {}): pg.Pool {
  const logger = options.logger ?? silentLogger;
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 5,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 5000,
    application_name: 'omni-routine-bot',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection dropped by the server (restart, failover) must not crash the process; the next query reconnects.
  pool.on('error', (err) => logger.warn('database connection lost', { error: describePostgresError(err) }));
  return pool;
}

/**
 * Connects to Postgres and applies pending migrations through kysely's Migrator, which holds a Postgres advisory
 * lock for the run: replicas starting together migrate once, the others wait and find the work done.
 */
export async function openPostgresStore(connectionString: string, options: PostgresStoreOptions): Promise<Store> {
  const logger = options.logger ?? silentLogger;
  const pool = createPool(connectionString, { ...options, logger });
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  try {
    const applied = await migrateToLatest(db as unknown as Kysely<unknown>, options.migrations ?? POSTGRES_MIGRATIONS, {
      describeError: describePostgresError,
    });
    if (applied.length > 0) logger.info('database migrated', { migrations: applied });
  } catch (err) {
    await db.destroy();
    if (isRoutineBotError(err)) throw err;
    throw new StoreError(`Could not prepare the database (${describePostgresError(err)}).`, { cause: err });
  }
  return createKyselyStore(db, {
    kind: 'postgres',
    clock: options.clock,
    idempotencyRetentionMs: options.idempotencyRetentionMs ?? DAY_MS,
    describeError: describePostgresError,
    destroy: () => db.destroy(),
  });
}

/**
 * The SQLSTATE (or socket code) of a driver error. Duck-typed, like describePostgresError: errors from Node's
 * sockets may come from another realm (instanceof Error fails there).
 */
export function postgresErrorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** A driver error in words: the SQLSTATE or socket code and pg's message, which never holds the connection string. */
export function describePostgresError(err: unknown): string {
  // Duck-typed: errors from Node's sockets may come from another realm (instanceof Error fails there).
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') {
    const errors = 'errors' in err ? err.errors : undefined;
    const text = err.message || (Array.isArray(errors) ? errors.map((e: unknown) => describePostgresError(e)).join('; ') : 'unknown error');
    const code = postgresErrorCode(err);
    return code !== undefined && !text.includes(code) ? `${code}: ${text}` : text;
  }
  return String(err);
}
