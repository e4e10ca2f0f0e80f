import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Clock } from '../../../src/clock.js';
import { openStore, StoreError, type Store } from '../../../src/store/index.js';
import { SQLITE_MIGRATIONS } from '../../../src/store/sqlite/migrations.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';

/** A clock the test moves by hand. */
function createManualClock(start = '2026-03-01T10:00:00Z'): Clock & { advance(ms: number): void } {
  let now = new Date(start).getTime();
  const clock = (() => new Date(now)) as Clock & { advance(ms: number): void };
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}

const MEMBERSHIP_A = '11111111-2222-4333-8444-555555555555';
const MEMBERSHIP_B = '99999999-8888-4777-8666-555555555555';

describe('openStore (SQLite file)', () => {
  let dir: string;
  let clock: ReturnType<typeof createManualClock>;
  const opened: Store[] = [];
  const open = (file = 'db/routine-bot.db') => {
    const store = openStore(`sqlite:${path.join(dir, file)}`, { clock });
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
    const store = open('nested/deeper/bot.db');
    await store.close();
    const file = path.join(dir, 'nested/deeper/bot.db');
    expect(fs.existsSync(file)).toBe(true);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.prepare('SELECT id FROM migrations ORDER BY id').pluck().all()).toEqual(
        SQLITE_MIGRATIONS.map((m) => m.id),
      );
    } finally {
      raw.close();
    }
  });

  it('resolves a relative sqlite: path against the given cwd', async () => {
    const store = openStore('sqlite:./data/routine-bot.db', { clock, cwd: dir });
    await store.close();
    expect(fs.existsSync(path.join(dir, 'data', 'routine-bot.db'))).toBe(true);
  });

  it('applies migrations once: reopening keeps data and the migrations table unchanged', async () => {
    const first = open();
    await first.linkOverride('U1', MEMBERSHIP_A, 'admin');
    await first.close();
    clock.advance(60_000);
    const second = open();
    expect((await second.getIdentity('U1'))?.membershipId).toBe(MEMBERSHIP_A);
    await second.close();
    const raw = new Database(path.join(dir, 'db/routine-bot.db'), { readonly: true });
    try {
      const rows = raw.prepare('SELECT id, applied_at FROM migrations').all();
      expect(rows).toEqual(SQLITE_MIGRATIONS.map((m) => ({ id: m.id, applied_at: new Date('2026-03-01T10:00:00Z').getTime() })));
    } finally {
      raw.close();
    }
  });

  it('rolls back a failing migration entirely and leaves the database usable by the old list', async () => {
    const file = path.join(dir, 'm.db');
    const broken = [...SQLITE_MIGRATIONS, { id: 2, name: 'broken', sql: 'CREATE TABLE extra (x INTEGER); SELECT * FROM nowhere;' }];
    expect(() => openSqliteStore(file, { clock, migrations: broken })).toThrow(StoreError);
    const raw = new Database(file, { readonly: true });
    try {
      // Nothing at all was created, not even migration 1 or the migrations table: one transaction.
      expect(raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual([]);
    } finally {
      raw.close();
    }
    const store = openSqliteStore(file, { clock });
    opened.push(store);
    expect(await store.listOverrides()).toEqual([]);
  });

  it('refuses a database migrated by a newer version', async () => {
    const file = path.join(dir, 'new.db');
    const newer = openSqliteStore(file, { clock, migrations: [...SQLITE_MIGRATIONS, { id: 99, name: 'future', sql: 'SELECT 1' }] });
    await newer.close();
    expect(() => openSqliteStore(file, { clock })).toThrow(/newer version/);
  });

  it('keeps drafts, audit entries, identities and idempotency keys across close and reopen', async () => {
    const first = open();
    const draftId = await first.saveDraft({ slackUserId: 'U1', form: { name: 'Churn', cron: '0 9 ? * MON *' }, status: 'failed', lastError: 'Omni is busy' });
    await first.appendAudit({ slackUserId: 'U1', action: 'create', request: { name: 'Churn' }, outcome: 'error', omniStatus: 503, omniMessage: 'down', at: clock() });
    await first.saveIdentity({ slackUserId: 'U2', teamId: 'T1', email: 'b@acme.com', membershipId: MEMBERSHIP_B, source: 'scim', resolvedAt: clock() });
    expect(await first.beginIdempotent('view-1', { ttlMs: 60_000 })).toEqual({ state: 'new' });
    await first.completeIdempotent('view-1', { routineId: 'r-1' });
    await first.close();

    const second = open();
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

  it('remembers each notice sent, once, across close and reopen', async () => {
    const first = open();
    const notice = { key: 'disabled:r1:gone', slackUserId: 'U1', routineId: 'r1', kind: 'disabled', sentAt: clock() };
    expect(await first.hasNotice(notice.key)).toBe(false);
    expect(await first.recordNotice(notice)).toBe(true);
    expect(await first.recordNotice(notice)).toBe(false);
    await first.close();
    const reopened = open();
    expect(await reopened.hasNotice(notice.key)).toBe(true);
    expect(await reopened.hasNotice('disabled:r1:other')).toBe(false);
  });

  it('keeps a routine card across close and reopen; a save replaces its form and state, never its author or place', async () => {
    const first = open();
    expect(await first.getSentenceCard('card-1')).toBeNull();
    await first.saveSentenceCard({ id: 'card-1', slackUserId: 'U1', channelId: 'D1', threadTs: '1.2', form: { prompt: 'p', schedule: 'every monday' }, state: 'open' });
    await first.saveSentenceCard({ id: 'card-1', slackUserId: 'U1', channelId: 'D1', threadTs: '1.2', messageTs: '1.3', form: { prompt: 'p', schedule: 'every monday' }, state: 'open' });
    await first.saveSentenceCard({ id: 'card-1', slackUserId: 'U2', channelId: 'C9', threadTs: '9.9', form: { prompt: 'p', schedule: 'every tuesday' }, state: 'created' });
    await first.close();
    const reopened = open();
    expect(await reopened.getSentenceCard('card-1')).toMatchObject({
      id: 'card-1',
      slackUserId: 'U1',
      channelId: 'D1',
      threadTs: '1.2',
      // A save without the message ts keeps the one known.
      messageTs: '1.3',
      form: { prompt: 'p', schedule: 'every tuesday' },
      state: 'created',
    });
  });

  it('lets two handles on the same file see each other’s writes (WAL)', async () => {
    const a = open();
    const b = open();
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
    const store = open();
    await store.close();
    await store.close();
    await expect(store.listOverrides()).rejects.toBeInstanceOf(StoreError);
  });
});

describe('store contents (in memory)', () => {
  let store: Store;
  let clock: ReturnType<typeof createManualClock>;
  beforeEach(() => {
    clock = createManualClock();
    store = openStore('sqlite::memory:', { clock, idempotencyRetentionMs: 10 * 60_000 });
  });
  afterEach(async () => {
    await store.close();
  });

  describe('identities', () => {
    it('returns null for an unknown user', async () => {
      expect(await store.getIdentity('U404')).toBeNull();
    });

    it('replaces a cached SCIM identity with a newer one', async () => {
      await store.saveIdentity({ slackUserId: 'U1', email: 'a@acme.com', membershipId: MEMBERSHIP_A, source: 'scim', resolvedAt: clock() });
      clock.advance(1000);
      expect(await store.saveIdentity({ slackUserId: 'U1', email: 'a2@acme.com', membershipId: MEMBERSHIP_B, source: 'scim', resolvedAt: clock() })).toBe(true);
      expect(await store.getIdentity('U1')).toMatchObject({ email: 'a2@acme.com', membershipId: MEMBERSHIP_B, resolvedAt: clock() });
    });

    it('lets an override win: a later SCIM save does not replace it, deleteIdentity does not remove it', async () => {
      await store.saveIdentity({ slackUserId: 'U1', email: 'a@acme.com', membershipId: MEMBERSHIP_A, source: 'scim', resolvedAt: clock() });
      await store.linkOverride('U1', MEMBERSHIP_B, 'ops@acme');
      expect(await store.saveIdentity({ slackUserId: 'U1', email: 'a@acme.com', membershipId: MEMBERSHIP_A, source: 'scim', resolvedAt: clock() })).toBe(false);
      expect(await store.deleteIdentity('U1')).toBe(false);
      expect(await store.getIdentity('U1')).toEqual({
        slackUserId: 'U1',
        membershipId: MEMBERSHIP_B,
        source: 'override',
        resolvedAt: clock(),
        linkedBy: 'ops@acme',
      });
    });

    it('keeps the known email when the override names the same membership', async () => {
      await store.saveIdentity({ slackUserId: 'U1', email: 'a@acme.com', membershipId: MEMBERSHIP_A, source: 'scim', resolvedAt: clock() });
      await store.linkOverride('U1', MEMBERSHIP_A);
      expect(await store.listOverrides()).toEqual([{ slackUserId: 'U1', membershipId: MEMBERSHIP_A, email: 'a@acme.com', linkedAt: clock() }]);
    });

    it('unlinks only overrides and forgets only cached identities', async () => {
      await store.saveIdentity({ slackUserId: 'U1', email: 'a@acme.com', membershipId: MEMBERSHIP_A, source: 'scim', resolvedAt: clock() });
      await store.linkOverride('U2', MEMBERSHIP_B);
      expect(await store.unlinkOverride('U1')).toBe(false);
      expect(await store.deleteIdentity('U2')).toBe(false);
      expect((await store.listIdentities()).map((i) => [i.slackUserId, i.source])).toEqual([
        ['U1', 'scim'],
        ['U2', 'override'],
      ]);
      expect(await store.unlinkOverride('U2')).toBe(true);
      expect(await store.deleteIdentity('U1')).toBe(true);
      expect(await store.listIdentities()).toEqual([]);
    });

    it('lists overrides oldest first', async () => {
      await store.linkOverride('U2', MEMBERSHIP_B);
      clock.advance(5000);
      await store.linkOverride('U1', MEMBERSHIP_A);
      expect((await store.listOverrides()).map((o) => o.slackUserId)).toEqual(['U2', 'U1']);
    });
  });

  describe('drafts', () => {
    it('creates, updates, lists newest first and deletes', async () => {
      const first = await store.saveDraft({ slackUserId: 'U1', form: { name: 'a' }, status: 'pending' });
      clock.advance(1000);
      const second = await store.saveDraft({ slackUserId: 'U1', form: { name: 'b' }, status: 'pending' });
      await store.saveDraft({ slackUserId: 'U9', form: { name: 'other' }, status: 'pending' });
      clock.advance(1000);
      expect(await store.saveDraft({ id: first, slackUserId: 'U1', form: { name: 'a2' }, status: 'failed', lastError: 'timeout' })).toBe(first);

      const drafts = await store.listDrafts('U1');
      expect(drafts.map((d) => d.id)).toEqual([first, second]);
      expect(drafts[0]).toMatchObject({ form: { name: 'a2' }, status: 'failed', lastError: 'timeout', createdAt: new Date('2026-03-01T10:00:00Z'), updatedAt: clock() });

      await store.saveDraft({ id: first, slackUserId: 'U1', form: { name: 'a3' }, status: 'pending' });
      expect(await store.getDraft(first)).not.toHaveProperty('lastError');
      expect(await store.deleteDraft(first)).toBe(true);
      expect(await store.deleteDraft(first)).toBe(false);
      expect(await store.getDraft(first)).toBeNull();
    });

    it('refuses to update another user’s draft', async () => {
      const id = await store.saveDraft({ slackUserId: 'U1', form: {}, status: 'pending' });
      await expect(store.saveDraft({ id, slackUserId: 'U2', form: { stolen: true }, status: 'pending' })).rejects.toThrow(/another user/);
      expect((await store.getDraft(id))?.form).toEqual({});
    });

    it('creates a draft under a caller-chosen id', async () => {
      expect(await store.saveDraft({ id: 'view-V1', slackUserId: 'U1', form: [1], status: 'pending' })).toBe('view-V1');
      expect((await store.getDraft('view-V1'))?.form).toEqual([1]);
    });

    it('rejects a form that is not JSON', async () => {
      await expect(store.saveDraft({ slackUserId: 'U1', form: undefined, status: 'pending' })).rejects.toBeInstanceOf(StoreError);
    });
  });

  describe('audit log', () => {
    it('filters by user and routine and returns newest first, up to the limit', async () => {
      for (const [i, user, routine] of [[1, 'U1', 'r1'], [2, 'U2', 'r1'], [3, 'U1', 'r2'], [4, 'U1', 'r1']] as const) {
        await store.appendAudit({ slackUserId: user, action: 'run', routineId: routine, request: { i }, outcome: 'ok', at: clock() });
        clock.advance(1000);
      }
      const req = (entries: Array<{ request: unknown }>) => entries.map((e) => (e.request as { i: number }).i);
      expect(req(await store.listAudit({ limit: 10 }))).toEqual([4, 3, 2, 1]);
      expect(req(await store.listAudit({ slackUserId: 'U1', limit: 10 }))).toEqual([4, 3, 1]);
      expect(req(await store.listAudit({ routineId: 'r1', limit: 10 }))).toEqual([4, 2, 1]);
      expect(req(await store.listAudit({ slackUserId: 'U1', routineId: 'r1', limit: 1 }))).toEqual([4]);
    });

    it('orders entries with the same instant by insertion', async () => {
      const a = await store.appendAudit({ slackUserId: 'U1', action: 'pause', request: {}, outcome: 'ok', at: clock() });
      const b = await store.appendAudit({ slackUserId: 'U1', action: 'resume', request: {}, outcome: 'ok', at: clock() });
      expect((await store.listAudit({ limit: 5 })).map((e) => e.id)).toEqual([b, a]);
    });

    it('never stores secrets in the request', async () => {
      await store.appendAudit({
        slackUserId: 'U1',
        action: 'create',
        request: { prompt: 'use xoxb-123-456-abcdef please', headers: { Authorization: 'Bearer omni_osk_abc123' }, apiKey: 'k-123', nested: [{ token: 'x' }] },
        outcome: 'ok',
        at: clock(),
      });
      const [entry] = await store.listAudit({ limit: 1 });
      const text = JSON.stringify(entry?.request);
      expect(text).not.toContain('xoxb-123-456-abcdef');
      expect(text).not.toContain('omni_osk_abc123');
      expect(text).not.toContain('k-123');
      expect(entry?.request).toEqual({
        prompt: 'use [redacted] please',
        headers: { Authorization: '[redacted]' },
        apiKey: '[redacted]',
        nested: [{ token: '[redacted]' }],
      });
    });
  });

  describe('idempotency keys', () => {
    it('hands a key out once while in progress, then returns the stored result', async () => {
      expect(await store.beginIdempotent('k', { ttlMs: 60_000 })).toEqual({ state: 'new' });
      expect(await store.beginIdempotent('k', { ttlMs: 60_000 })).toEqual({ state: 'in_progress', expiresAt: new Date(clock().getTime() + 60_000) });
      await store.completeIdempotent('k', { routineId: 'r-9' });
      expect(await store.beginIdempotent('k', { ttlMs: 60_000 })).toEqual({ state: 'done', result: { routineId: 'r-9' } });
    });

    it('lets the user retry after abandon', async () => {
      await store.beginIdempotent('k', { ttlMs: 60_000 });
      expect(await store.abandonIdempotent('k')).toBe(true);
      expect(await store.abandonIdempotent('k')).toBe(false);
      expect(await store.beginIdempotent('k', { ttlMs: 60_000 })).toEqual({ state: 'new' });
    });

    it('does not abandon a finished key', async () => {
      await store.beginIdempotent('k', { ttlMs: 60_000 });
      await store.completeIdempotent('k', 'ok');
      expect(await store.abandonIdempotent('k')).toBe(false);
      expect(await store.beginIdempotent('k', { ttlMs: 60_000 })).toEqual({ state: 'done', result: 'ok' });
    });

    it('hands out an expired claim again (a crash mid-create does not block retries)', async () => {
      await store.beginIdempotent('k', { ttlMs: 60_000 });
      clock.advance(59_999);
      expect(await store.beginIdempotent('k', { ttlMs: 60_000 })).toMatchObject({ state: 'in_progress' });
      clock.advance(1);
      expect(await store.beginIdempotent('k', { ttlMs: 60_000 })).toEqual({ state: 'new' });
      expect(await store.beginIdempotent('k', { ttlMs: 60_000 })).toMatchObject({ state: 'in_progress' });
    });

    it('forgets a finished key after the retention', async () => {
      await store.beginIdempotent('k', { ttlMs: 60_000 });
      await store.completeIdempotent('k', null);
      clock.advance(10 * 60_000 - 1);
      expect(await store.beginIdempotent('k', { ttlMs: 60_000 })).toEqual({ state: 'done', result: null });
      clock.advance(1);
      expect(await store.beginIdempotent('k', { ttlMs: 60_000 })).toEqual({ state: 'new' });
    });

    it('refuses a non-positive ttl', async () => {
      await expect(store.beginIdempotent('k', { ttlMs: 0 })).rejects.toBeInstanceOf(StoreError);
    });
  });

  describe('remembered choices', () => {
    it('returns null for a user with none, then replaces them as a whole, per user', async () => {
      expect(await store.getUserChoices('U1')).toBeNull();
      await store.saveUserChoices('U1', { modelId: 'm-1', modelName: 'Sales', timezone: 'Europe/London', delivery: 'email' });
      await store.saveUserChoices('U2', { delivery: 'dm' });
      expect(await store.getUserChoices('U1')).toEqual({
        modelId: 'm-1',
        modelName: 'Sales',
        timezone: 'Europe/London',
        delivery: 'email',
        updatedAt: new Date('2026-03-01T10:00:00Z'),
      });
      clock.advance(1000);
      await store.saveUserChoices('U1', { modelId: 'm-2', delivery: 'channel' });
      expect(await store.getUserChoices('U1')).toEqual({ modelId: 'm-2', delivery: 'channel', updatedAt: new Date('2026-03-01T10:00:01Z') });
      expect(await store.getUserChoices('U2')).toMatchObject({ delivery: 'dm' });
    });

    it('refuses a delivery kind the form does not have', async () => {
      await expect(store.saveUserChoices('U1', { delivery: 'fax' as never })).rejects.toBeInstanceOf(StoreError);
    });
  });
});
