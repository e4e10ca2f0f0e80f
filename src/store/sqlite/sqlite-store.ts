import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, type SqliteDatabase, SqliteDialect } from 'kysely';
import { createLruCache } from '../../cache.js';
import type { Clock } from '../../clock.js';
import { isRoutineBotError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { silentLogger } from '../../log.js';
import { StoreError } from '../errors.js';
import { createKyselyStore } from '../kysely-store.js';
import { migrateToLatest, migrationName, type Migration } from '../migration.js';
import type { DatabaseSchema } from '../schema.js';
import type { Store } from '../types.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

export interface SqliteStoreOptions {
  clock: Clock;
  logger?: Logger;
  /** How long a completed idempotency key (and its result) is kept; default 24 h. */
  idempotencyRetentionMs?: number;
  /** How long a write waits for another connection's lock before failing; default 5 s. */
  busyTimeoutMs?: number;
  /** Tests only: another migration list. */
  migrations?: readonly Migration[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Kysely's SQLite driver prepares every query's SQL anew (better-sqlite3 parses and plans it each time: about 70 µs
 * of the 120 µs a replay claim costs once its SQL is built). The store's queries are a few fixed shapes, so a
 * prepared statement is kept per SQL text and reused. Safe because better-sqlite3 runs a statement to completion
 * synchronously, and the store never streams (a streaming iterator would hold its statement).
 */
function withStatementCache(raw: Database.Database): SqliteDatabase {
  const statements = createLruCache<string, Database.Statement>({ max: 200 });
  return {
    close: () => raw.close(),
    prepare: (sql) => {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = raw.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Opens (creating if needed) a SQLite database and applies pending migrations. `filename` is a path or
 * ':memory:'. Pragmas: WAL so readers never block the writer and several processes can share the file;
 * synchronous=NORMAL, which in WAL mode keeps every committed write through a crash of the process (SQLite's own
 * guarantee: only a power loss or an OS crash can roll back the last commits), without an fsync per commit. Every
 * signed request claims its signature (replay memory) before it is acked, on the one thread that acks everyone:
 * with FULL that claim cost 3.7 ms of blocked event loop on this project's disk under load (0.4 ms with NORMAL),
 * which put 0.7 s on a burst of 200 commands. busy_timeout so concurrent writers wait instead of failing; foreign
 * keys on.
 */
export async function openSqliteStore(filename: string, options: SqliteStoreOptions): Promise<Store> {
  const { clock } = options;
  const logger = options.logger ?? silentLogger;
  const memory = filename === ':memory:';
  const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000));

  let raw: Database.Database;
  try {
    if (!memory) fs.mkdirSync(path.dirname(filename), { recursive: true });
    raw = new Database(filename);
  } catch (err) {
    throw new StoreError(`Could not open the database file (${describeSqliteError(err)}); check DATABASE_URL and the folder's permissions.`, {
      cause: err,
    });
  }
  const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  try {
    raw.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (!memory) {
      const mode = raw.pragma('journal_mode = WAL', { simple: true });
      if (String(mode).toLowerCase() !== 'wal') logger.warn('SQLite did not switch to WAL', { journalMode: mode });
    }
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    const applied = await migrateSqlite(raw, db, options.migrations ?? SQLITE_MIGRATIONS, busyTimeoutMs);
    if (applied.length > 0) logger.info('database migrated', { migrations: applied });
  } catch (err) {
    await db.destroy();
    if (isRoutineBotError(err)) throw err;
    throw new StoreError(`Could not prepare the database (${describeSqliteError(err)}).`, { cause: err });
  }

  return createKyselyStore(db, {
    kind: 'sqlite',
    clock,
    idempotencyRetentionMs: options.idempotencyRetentionMs ?? DAY_MS,
    describeError: describeSqliteError,
    destroy: () => db.destroy(),
  });
}

/**
 * Runs kysely's Migrator inside one immediate transaction: all or nothing, and a second process opening the same
 * file at the same time waits (busy_timeout) and then finds the migrations applied. (kysely's SQLite adapter has
 * no lock of its own and runs DDL outside a transaction, so the transaction is ours.)
 *
 * A database from before kysely recorded its migrations in `migrations` (id, name, applied_at): their ids are
 * copied into kysely's table first, so those tables are recognised and never created again.
 */
async function migrateSqlite(raw: Database.Database, db: Kysely<DatabaseSchema>, migrations: readonly Migration[], busyTimeoutMs: number): Promise<string[]> {
  await beginImmediate(raw, busyTimeoutMs);
  try {
    const legacy = raw.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").get() !== undefined;
    if (legacy) {
      raw.exec('CREATE TABLE IF NOT EXISTS kysely_migration (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL)');
      const copy = raw.prepare('INSERT OR IGNORE INTO kysely_migration (name, timestamp) VALUES (?, ?)');
      for (const row of raw.prepare('SELECT id, applied_at FROM migrations').all() as Array<{ id: number; applied_at: number }>) {
        copy.run(migrationName(Number(row.id)), new Date(Number(row.applied_at)).toISOString());
      }
    }
    const applied = await migrateToLatest(db as unknown as Kysely<unknown>, migrations, {
      disableTransactions: true,
      // better-sqlite3 prepares one statement at a time; a migration is several.
      exec: async (_conn, text) => {
        raw.exec(text);
      },
    });
    raw.exec('COMMIT');
    return applied;
  } catch (err) {
    if (raw.inTransaction) raw.exec('ROLLBACK');
    throw err;
  }
}

/**
 * BEGIN IMMEDIATE, waiting for another writer without blocking the event loop: the migration holds its
 * transaction across awaits, so another handle in this same process (tests; the CLI beside the bot is another
 * process) would otherwise block the thread in busy_timeout while the holder can never finish.
 */
async function beginImmediate(raw: Database.Database, busyTimeoutMs: number): Promise<void> {
  const deadline = Date.now() + busyTimeoutMs;
  raw.pragma('busy_timeout = 0');
  try {
    for (;;) {
      try {
        raw.exec('BEGIN IMMEDIATE');
        return;
      } catch (err) {
        // By code, not `instanceof Database.SqliteError` (nor Error): the native addon keeps the error class of the
        // first copy of better-sqlite3 that loaded it, from another realm when jest loads it again per test file.
        if (!isSqliteBusy(err) || Date.now() >= deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  } finally {
    raw.pragma(`busy_timeout = ${busyTimeoutMs}`);
  }
}

function isSqliteBusy(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'SQLITE_BUSY';
}

export function describeSqliteError(err: unknown): string {
  if (err instanceof Error) {
    // SQLite's own code (SqliteError), or the system's when the file or its folder cannot be opened.
    const code = 'code' in err ? err.code : undefined;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
