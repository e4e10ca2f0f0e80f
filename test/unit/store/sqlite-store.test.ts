import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { openStore, StoreError, type Store } from '../../../src/store/index.js';
import { migrationName } from '../../../src/store/migration.js';
import { SQLITE_MIGRATIONS } from '../../../src/store/sqlite/migrations.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { createManualClock, describeStoreContract, MEMBERSHIP_A, MEMBERSHIP_B } from './store-contract.js';

const MIGRATION_NAMES = SQLITE_MIGRATIONS.map((m) => migrationName(m.id));

describe('openStore (SQLite file)', () => {
  let dir: string;
  let clock: ReturnType<typeof createManualClock>;
  const opened: Store[] = [];
  const open = async (file = 'db/routine-bot.db') => {
    const store = await openStore(`sqlite:${path.join(dir, file)}`, { clock });
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routine-bot-store-'));
    clock = createManualClock();
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the parent folder and the database on first start, in WAL mode with FULL sync', async () => {
    const store = await open('nested/deeper/bot.db');
    await store.close();
    const file = path.join(dir, 'nested/deeper/bot.db');
    expect(fs.existsSync(file)).toBe(true);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all()).toEqual(MIGRATION_NAMES);
    } finally {
      raw.close();
    }
  });

  it('lets several handles in one process open and migrate a new file at once', async () => {
    const stores = await Promise.all([open('together.db'), open('together.db'), open('together.db')]);
    for (const s of stores) expect(await s.migrations()).toEqual(MIGRATION_NAMES);
  });

  it('resolves a relative sqlite: path against the given cwd', async () => {
    const store = await openStore('sqlite:./data/routine-bot.db', { clock, cwd: dir });
    await store.close();
    expect(fs.existsSync(path.join(dir, 'data', 'routine-bot.db'))).toBe(true);
  });

  it('applies migrations once: reopening keeps data and the migrations table unchanged', async () => {
    const first = await open();
    await first.linkOverride('U1', MEMBERSHIP_A, 'admin');
    await first.close();
    clock.advance(60_000);
    const second = await open();
    expect((await second.getIdentity('U1'))?.membershipId).toBe(MEMBERSHIP_A);
    await second.close();
    const raw = new Database(path.join(dir, 'db/routine-bot.db'), { readonly: true });
    try {
      const rows = raw.prepare('SELECT name, timestamp FROM kysely_migration').all();
      expect(rows).toEqual(MIGRATION_NAMES.map((name) => ({ name, timestamp: expect.any(String) })));
    } finally {
      raw.close();
    }
  });

  it('rolls back a failing migration entirely and leaves the database usable by the old list', async () => {
    const file = path.join(dir, 'm.db');
    const broken = [...SQLITE_MIGRATIONS, { id: Math.max(...SQLITE_MIGRATIONS.map((m) => m.id)) + 1, name: 'broken', sql: 'CREATE TABLE extra (x INTEGER); SELECT * FROM nowhere;' }];
    await expect(openSqliteStore(file, { clock, migrations: broken })).rejects.toThrow(StoreError);
    const raw = new Database(file, { readonly: true });
    try {
      // Nothing at all was created, not even migration 1 or kysely's tables: one transaction.
      expect(raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual([]);
    } finally {
      raw.close();
    }
    const store = await openSqliteStore(file, { clock });
    opened.push(store);
    expect(await store.listOverrides()).toEqual([]);
  });

  it('refuses a database migrated by a newer version', async () => {
    const file = path.join(dir, 'new.db');
    const newer = await openSqliteStore(file, { clock, migrations: [...SQLITE_MIGRATIONS, { id: 99, name: 'future', sql: 'SELECT 1' }] });
    await newer.close();
    await expect(openSqliteStore(file, { clock })).rejects.toThrow(/newer version/);
  });

  it('carries over a database made before kysely: its tables and rows are used as they are', async () => {
    // The schema and bookkeeping exactly as the previous build wrote them (a `migrations` table with id 1).
    const file = path.join(dir, 'old.db');
    const old = new Database(file);
    old.exec('CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
    old.exec(SQLITE_MIGRATIONS[0]!.sql);
    old.prepare('INSERT INTO migrations (id, name, applied_at) VALUES (1, ?, ?)').run(SQLITE_MIGRATIONS[0]!.name, Date.parse('2026-01-05T08:00:00Z'));
    old.prepare("INSERT INTO identities VALUES ('U7', NULL, NULL, ?, 'override', ?, 'ops')").run(MEMBERSHIP_A, Date.parse('2026-01-05T09:00:00Z'));
    old.prepare("INSERT INTO drafts VALUES ('d-old', 'U7', '{\"name\":\"kept\"}', NULL, 'failed', 1, 2)").run();
    const tablesBefore = old.prepare("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
    old.close();

    const store = await openSqliteStore(file, { clock });
    opened.push(store);
    expect(await store.getIdentity('U7')).toMatchObject({ membershipId: MEMBERSHIP_A, source: 'override', linkedBy: 'ops' });
    expect((await store.getDraft('d-old'))?.form).toEqual({ name: 'kept' });
    expect(await store.migrations()).toEqual(MIGRATION_NAMES);
    await store.close();

    const raw = new Database(file, { readonly: true });
    try {
      // The old tables are untouched (same definitions); only kysely's bookkeeping tables were added.
      const before = new Set((tablesBefore as Array<{ name: string }>).map((t) => t.name));
      const tablesAfter = (raw.prepare("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).filter((t) =>
        before.has(t.name),
      );
      expect(tablesAfter).toEqual(tablesBefore);
      expect(raw.prepare("SELECT timestamp FROM kysely_migration WHERE name = '0001'").pluck().get()).toBe('2026-01-05T08:00:00.000Z');
    } finally {
      raw.close();
    }
  });

  it('keeps drafts, audit entries, identities and idempotency keys across close and reopen', async () => {
    const first = await open();
    const draftId = await first.saveDraft({ slackUserId: 'U1', form: { name: 'Churn', cron: '0 9 ? * MON *' }, status: 'failed', lastError: 'Omni is busy' });
    await first.appendAudit({ slackUserId: 'U1', action: 'create', request: { name: 'Churn' }, outcome: 'error', omniStatus: 503, omniMessage: 'down', at: clock() });
    await first.saveIdentity({ slackUserId: 'U2', teamId: 'T1', email: 'b@acme.com', membershipId: MEMBERSHIP_B, source: 'scim', resolvedAt: clock() });
    expect(await first.beginIdempotent('view-1', { ttlMs: 60_000 })).toEqual({ state: 'new' });
    await first.completeIdempotent('view-1', { routineId: 'r-1' });
    await first.close();

    const second = await open();
    expect(await second.getDraft(draftId)).toEqual({
      id: draftId,
      slackUserId: 'U1',
      form: { name: 'Churn', cron: '0 9 ? * MON *' },
      status: 'failed',
      lastError: 'Omni is busy',
      createdAt: clock(),
      updatedAt: clock(),
    });
    const audit = await second.listAudit({ slackUserId: 'U1', limit: 10 });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'create', outcome: 'error', omniStatus: 503, omniMessage: 'down', request: { name: 'Churn' } });
    expect(await second.getIdentity('U2')).toEqual({
      slackUserId: 'U2',
      teamId: 'T1',
      email: 'b@acme.com',
      membershipId: MEMBERSHIP_B,
      source: 'scim',
      resolvedAt: clock(),
    });
    expect(await second.beginIdempotent('view-1', { ttlMs: 60_000 })).toEqual({ state: 'done', result: { routineId: 'r-1' } });
  });

  it('lets two handles on the same file see each other’s writes (WAL)', async () => {
    const a = await open();
    const b = await open();
    await a.saveDraft({ slackUserId: 'U1', form: { n: 1 }, status: 'pending' });
    // b holds a read snapshot open while a writes: WAL lets the writer proceed.
    const raw = new Database(path.join(dir, 'db/routine-bot.db'));
    raw.exec('BEGIN');
    expect(raw.prepare('SELECT count(*) FROM drafts').pluck().get()).toBe(1);
    await b.saveDraft({ slackUserId: 'U1', form: { n: 2 }, status: 'pending' });
    expect(raw.prepare('SELECT count(*) FROM drafts').pluck().get()).toBe(1); // its snapshot is unchanged
    raw.exec('COMMIT');
    raw.close();
    expect((await a.listDrafts('U1')).map((d) => d.form)).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
    expect(await a.beginIdempotent('k', { ttlMs: 1000 })).toEqual({ state: 'new' });
    expect(await b.beginIdempotent('k', { ttlMs: 1000 })).toMatchObject({ state: 'in_progress' });
  });

  it('fails with a StoreError after close, and close is idempotent', async () => {
    const store = await open();
    await store.close();
    await store.close();
    await expect(store.listOverrides()).rejects.toBeInstanceOf(StoreError);
  });
});

describe('SQLite', () => {
  let dir: string;
  let file: string;
  let n = 0;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routine-bot-contract-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  describeStoreContract({
    name: 'SQLite',
    kind: 'sqlite',
    reset: async () => {
      n += 1;
      file = path.join(dir, `contract-${n}.db`);
    },
    open: (clock, options) => openSqliteStore(file, { clock, ...options }),
  });

});
