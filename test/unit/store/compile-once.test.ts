import { describe, expect, it } from '@jest/globals';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import { compileOnce } from '../../../src/store/kysely-store.js';
import type { DatabaseSchema } from '../../../src/store/schema.js';

// Compiling needs no connection: kysely's DummyDriver with each engine's own compiler.
const engines = {
  sqlite: new Kysely<DatabaseSchema>({
    dialect: { createAdapter: () => new SqliteAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new SqliteIntrospector(db), createQueryCompiler: () => new SqliteQueryCompiler() },
  }),
  postgres: new Kysely<DatabaseSchema>({
    dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new PostgresIntrospector(db), createQueryCompiler: () => new PostgresQueryCompiler() },
  }),
};

describe.each(Object.entries(engines))('compileOnce on %s', (_engine, db) => {
  type Args = { key: string; now: number; expiresAt: number };
  const build = ({ key, now, expiresAt }: Args) =>
    db
      .insertInto('idempotency_keys')
      .values({ key, state: 'in_progress', result: null, expires_at: expiresAt, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ expires_at: expiresAt }).where('idempotency_keys.expires_at', '<=', now))
      .returning('key');

  it('runs the query with new values exactly as building it with those values would', () => {
    const claim = compileOnce(build, ['key', 'now', 'expiresAt']);
    for (const values of [
      { key: 'slack-signature:v0=abc', now: 1_700_000_000_000, expiresAt: 1_700_000_300_000 },
      { key: 'x', now: 5, expiresAt: 5 },
    ]) {
      const direct = build(values).compile();
      const reused = claim(values);
      expect(reused.sql).toBe(direct.sql);
      expect(reused.parameters).toEqual(direct.parameters);
    }
  });

  it('refuses a name the query does not take as a parameter', () => {
    expect(() => compileOnce(({ key }: { key: string; absent: string }) => db.selectFrom('idempotency_keys').select('key').where('key', '=', key), ['key', 'absent'])).toThrow(/absent/);
  });
});
