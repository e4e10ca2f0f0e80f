/**
 * Schema migrations, one numbered list per engine (./sqlite/migrations.ts, ./postgres/migrations.ts), applied by
 * kysely's Migrator. Every id must exist in both lists (the SQL differs, the resulting tables do not); the
 * Migrator records each as its zero-padded id ("0001"), so a name can be reworded but an id never reused.
 */
import { type Kysely, type Migration as KyselyMigration, type MigrationProvider, Migrator, sql } from 'kysely';
import { StoreError } from './errors.js';

export interface Migration {
  id: number;
  name: string;
  /** One or more statements; runs inside the migration transaction. */
  sql: string;
}

export const migrationName = (id: number): string => String(id).padStart(4, '0');

/** Turns a numbered list into kysely migrations; `exec` runs a (multi-statement) SQL text on the migrating connection. */
function providerFor(migrations: readonly Migration[], exec: (db: Kysely<unknown>, text: string) => Promise<void>): MigrationProvider {
  const ids = new Set<number>();
  for (const m of migrations) {
    if (!Number.isInteger(m.id) || m.id < 1 || ids.has(m.id)) throw new Error(`Migration ids must be distinct positive integers (${m.id})`);
    ids.add(m.id);
  }
  return {
    getMigrations: async () =>
      Object.fromEntries(
        migrations.map((m): [string, KyselyMigration] => [migrationName(m.id), { up: (db) => exec(db, m.sql) }]),
      ),
  };
}

/**
 * Applies the pending migrations. Throws StoreError when one fails (the Migrator rolls it back) or when the
 * database carries a migration this build does not know (a newer bot migrated it). Returns the names applied.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  migrations: readonly Migration[],
  options: { exec?: (db: Kysely<unknown>, text: string) => Promise<void>; disableTransactions?: boolean; describeError?: (err: unknown) => string } = {},
): Promise<string[]> {
  const exec = options.exec ?? (async (conn, text) => void (await sql.raw(text).execute(conn)));
  const migrator = new Migrator({
    db,
    provider: providerFor(migrations, exec),
    ...(options.disableTransactions ? { disableTransactions: true } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const message = options.describeError ? options.describeError(error) : error instanceof Error ? error.message : String(error);
    if (/previously executed migration .* is missing/.test(message)) {
      throw new StoreError('The database was migrated by a newer version of the bot; upgrade the bot or use another DATABASE_URL.', { cause: error });
    }
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    if (failed === undefined) throw new StoreError(`Could not reach the database (${message}).`, { cause: error });
    throw new StoreError(`Could not migrate the database (migration ${failed}): ${message}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The migrations recorded as applied, oldest first (for `doctor`). */
export async function appliedMigrations(db: Kysely<unknown>): Promise<string[]> {
  const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
  return rows.rows.map((r) => r.name);
}
