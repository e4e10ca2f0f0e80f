/**
 * The store on Postgres: the contract suite (the same cases as SQLite), and what only Postgres has: replicas
 * migrating together, a migration that fails, a database migrated by a newer bot, BIGINT as numbers.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openStore, StoreError } from '../../../src/store/index.js';
import { migrationName } from '../../../src/store/migration.js';
import { POSTGRES_MIGRATIONS } from '../../../src/store/postgres/migrations.js';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { SQLITE_MIGRATIONS } from '../../../src/store/sqlite/migrations.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';
import { createManualClock, describeStoreContract } from './store-contract.js';

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('Postgres', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('has the same migration ids as SQLite', () => {
    expect(POSTGRES_MIGRATIONS.map((m) => m.id)).toEqual(SQLITE_MIGRATIONS.map((m) => m.id));
  });

  it('migrates once when several replicas start together, under the advisory lock', async () => {
    const clock = createManualClock();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openStore(database.url, { clock })));
    try {
      expect(stores.map((s) => s.kind)).toEqual(['postgres', 'postgres', 'postgres', 'postgres']);
      for (const s of stores) expect(await s.migrations()).toEqual(POSTGRES_MIGRATIONS.map((m) => migrationName(m.id)));
    } finally {
      for (const s of stores) await s.close();
    }
    const rows = await query<{ name: string }>(database.url, 'SELECT name FROM kysely_migration ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(POSTGRES_MIGRATIONS.map((m) => migrationName(m.id)));
  });

  it('rolls back a failing migration entirely and refuses a database migrated by a newer version', async () => {
    const clock = createManualClock();
    const broken = [...POSTGRES_MIGRATIONS, { id: Math.max(...POSTGRES_MIGRATIONS.map((m) => m.id)) + 1, name: 'broken', sql: 'CREATE TABLE extra (x INTEGER); SELECT * FROM nowhere;' }];
    await expect(openPostgresStore(database.url, { clock, migrations: broken })).rejects.toThrow(StoreError);
    expect(await query(database.url, "SELECT 1 FROM pg_tables WHERE tablename = 'extra'")).toEqual([]);

    const newer = await openPostgresStore(database.url, { clock, migrations: [...POSTGRES_MIGRATIONS, { id: 99, name: 'future', sql: 'SELECT 1' }] });
    await newer.close();
    await expect(openPostgresStore(database.url, { clock })).rejects.toThrow(/newer version/);
    await query(database.url, "DELETE FROM kysely_migration WHERE name = '0099'");
  });

  it('refuses an unreachable server with a StoreError that does not repeat the password', async () => {
    const url = new URL(database.url);
    url.port = '1';
    url.password = 'hunter2-secret';
    const err = await openStore(url.toString(), { clock: createManualClock() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(String((err as Error).message)).not.toContain('hunter2-secret');
  });

  describeStoreContract({
    name: 'Postgres',
    kind: 'postgres',
    reset: async () => {
      await query(database.url, 'SELECT 1'); // the database exists before the first open migrates it
      const tables = await query<{ tablename: string }>(
        database.url,
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely_%'",
      );
      if (tables.length > 0) await query(database.url, `TRUNCATE ${tables.map((t) => t.tablename).join(', ')} RESTART IDENTITY`);
    },
    open: (clock, options) => openPostgresStore(database.url, { clock, ...options }),
  });
});
