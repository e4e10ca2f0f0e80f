/**
 * Where the shared Omni budget keeps its counters: the same database as the store, through rate-limiter-flexible's
 * own stores (RateLimiterPostgres on a small pool of its own; RateLimiterSQLite on a second handle to the SQLite
 * file, so several processes on one file share it; RateLimiterMemory for `sqlite::memory:`). The limiter creates its
 * table itself (`routine_bot_omni_budget`), outside the store's numbered migrations.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres, RateLimiterSQLite } from 'rate-limiter-flexible';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { parseDatabaseUrl } from './database-url.js';
import { StoreError } from './errors.js';
import { createPool, describePostgresError, postgresErrorCode } from './postgres/postgres-store.js';
import { describeSqliteError } from './sqlite/sqlite-store.js';

export const BUDGET_TABLE = 'routine_bot_omni_budget';

export interface LimiterSpec {
  /** Keeps this limiter's keys apart from the others' in the shared table. */
  keyPrefix: string;
  points: number;
  durationSec: number;
}

export interface BudgetBackend {
  /** 'postgres' and 'sqlite' are shared with every process on the database; 'memory' is this process only. */
  readonly kind: 'postgres' | 'sqlite' | 'memory';
  createLimiter(spec: LimiterSpec): Promise<RateLimiterAbstract>;
  close(): Promise<void>;
}

export async function openBudgetBackend(databaseUrl: string, options: { cwd?: string; logger?: Logger } = {}): Promise<BudgetBackend> {
  const logger = options.logger ?? silentLogger;
  const location = parseDatabaseUrl(databaseUrl, options.cwd);
  if (location.kind === 'postgres') {
    const pool = createPool(location.connectionString, { poolSize: 2, statementTimeoutMs: 2000, logger });
    return {
      kind: 'postgres',
      createLimiter: (spec) =>
        ready(
          (cb) =>
            new RateLimiterPostgres(
              { storeClient: pool, storeType: 'pool', tableName: BUDGET_TABLE, keyPrefix: spec.keyPrefix, points: spec.points, duration: spec.durationSec },
              cb,
            ),
          describePostgresError,
        ),
      close: () => pool.end(),
    };
  }
  if ('memory' in location) {
    return {
      kind: 'memory',
      createLimiter: async (spec) => new RateLimiterMemory({ keyPrefix: spec.keyPrefix, points: spec.points, duration: spec.durationSec }),
      close: async () => {},
    };
  }
  let db: Database.Database;
  try {
    fs.mkdirSync(path.dirname(location.filename), { recursive: true });
    db = new Database(location.filename);
    db.pragma('busy_timeout = 2000');
    db.pragma('journal_mode = WAL');
    // As the store's own connection (sqlite-store.ts): durable through a process crash, no fsync per request.
    db.pragma('synchronous = NORMAL');
  } catch (err) {
    throw new StoreError(`Could not open the database file for the Omni budget (${describeSqliteError(err)}).`, { cause: err });
  }
  return {
    kind: 'sqlite',
    createLimiter: (spec) =>
      ready(
        (cb) =>
          new RateLimiterSQLite(
            { storeClient: db, storeType: 'better-sqlite3', tableName: BUDGET_TABLE, keyPrefix: spec.keyPrefix, points: spec.points, duration: spec.durationSec },
            cb,
          ),
        describeSqliteError,
      ),
    close: async () => {
      db.close();
    },
  };
}

/** The SQLSTATEs of losing the race below: duplicate type (42710), duplicate table (42P07), unique violation (23505). */
const ALREADY_EXISTS = new Set(['42710', '42P07', '23505']);

/**
 * Builds a limiter and waits until its table exists. Replicas starting together race on `CREATE TABLE IF NOT
 * EXISTS`, which Postgres can answer with "type … already exists" (42710) or "relation … already exists" (42P07)
 * to the loser: the table is there then, so the build is tried again once.
 */
async function ready(build: (cb: (err?: unknown) => void) => RateLimiterAbstract, describe: (err: unknown) => string): Promise<RateLimiterAbstract> {
  try {
    return await readyOnce(build, describe);
  } catch (err) {
    const code = err instanceof StoreError ? postgresErrorCode(err.cause) : undefined;
    if (code !== undefined && ALREADY_EXISTS.has(code)) return readyOnce(build, describe);
    throw err;
  }
}

function readyOnce(build: (cb: (err?: unknown) => void) => RateLimiterAbstract, describe: (err: unknown) => string): Promise<RateLimiterAbstract> {
  return new Promise((resolve, reject) => {
    let limiter: RateLimiterAbstract | undefined;
    let done: { err?: unknown } | undefined;
    const finish = () => {
      if (done === undefined || limiter === undefined) return;
      if (done.err !== undefined) reject(new StoreError(`Could not prepare the Omni budget table (${describe(done.err)}).`, { cause: done.err }));
      else resolve(limiter);
    };
    limiter = build((err) => {
      done = { err };
      // The callback may run inside the constructor (before `limiter` is set): finish after it returns.
      queueMicrotask(finish);
    });
    finish();
  });
}
