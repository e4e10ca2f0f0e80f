/**
 * The store's contract, run on every engine (sqlite-store.test.ts, postgres-store.test.ts): the same calls must
 * give the same answers on SQLite and on Postgres. A new store method gets its cases here.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Clock } from '../../../src/clock.js';
import { StoreError, type Store } from '../../../src/store/index.js';
import { migrationName } from '../../../src/store/migration.js';
import { SQLITE_MIGRATIONS } from '../../../src/store/sqlite/migrations.js';
import { SENTENCE_CARD_RETENTION_MS } from '../../../src/store/kysely-store.js';

export type ManualClock = Clock & { advance(ms: number): void };

/** A clock the test moves by hand. */
export function createManualClock(start = '2026-03-01T10:00:00Z'): ManualClock {
  let now = new Date(start).getTime();
  const clock = (() => new Date(now)) as ManualClock;
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}

export const MEMBERSHIP_A = '11111111-2222-4333-8444-555555555555';
export const MEMBERSHIP_B = '99999999-8888-4777-8666-555555555555';

export interface StoreEngine {
  name: string;
  kind: Store['kind'];
  /** Empties the database (each test starts from no rows). */
  reset(): Promise<void>;
  /** Opens a handle on the engine's test database. */
  open(clock: Clock, options: { idempotencyRetentionMs: number }): Promise<Store>;
}

export function describeStoreContract(engine: StoreEngine): void {
  describe(`store contract on ${engine.name}`, () => {
    let store: Store;
    let clock: ManualClock;
    const extra: Store[] = [];
    /** Another handle on the same database, as another replica or process would have. */
    const another = async () => {
      const s = await engine.open(clock, { idempotencyRetentionMs: 10 * 60_000 });
      extra.push(s);
      return s;
    };
    beforeEach(async () => {
      clock = createManualClock();
      await engine.reset();
      store = await engine.open(clock, { idempotencyRetentionMs: 10 * 60_000 });
    });
    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close();
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

      it('records claims decided elsewhere, keeps a live claim as it is, and lists the live ones by prefix', async () => {
        const now = clock().getTime();
        expect(await store.beginIdempotent('slack-signature:held', { ttlMs: 60_000 })).toEqual({ state: 'new' });
        await store.recordClaims([
          { key: 'slack-signature:a', expiresAt: new Date(now + 30_000) },
          { key: 'slack-event:b', expiresAt: new Date(now + 90_000) },
          // Already live: its row (and its expiry) stays.
          { key: 'slack-signature:held', expiresAt: new Date(now + 5_000) },
          // Already expired when written: not stored.
          { key: 'slack-signature:old', expiresAt: new Date(now - 1) },
          { key: 'view:other', expiresAt: new Date(now + 30_000) },
          // LIKE's wildcards and case do not widen the prefix.
          { key: 'SLACK-signature:upper', expiresAt: new Date(now + 30_000) },
          { key: 'slackXsignature:c', expiresAt: new Date(now + 30_000) },
        ]);
        const live = (await store.listLiveClaims('slack-')).sort((x, y) => x.key.localeCompare(y.key));
        expect(live).toEqual([
          { key: 'slack-event:b', expiresAt: new Date(now + 90_000) },
          { key: 'slack-signature:a', expiresAt: new Date(now + 30_000) },
          { key: 'slack-signature:held', expiresAt: new Date(now + 60_000) },
        ]);
        // A recorded claim is a claim like any other.
        expect(await store.beginIdempotent('slack-signature:a', { ttlMs: 60_000 })).toMatchObject({ state: 'in_progress' });
        clock.advance(30_000);
        expect((await store.listLiveClaims('slack-')).map((c) => c.key).sort()).toEqual(['slack-event:b', 'slack-signature:held']);
        // An expired row is replaced by a new recorded claim.
        await store.recordClaims([{ key: 'slack-signature:a', expiresAt: new Date(clock().getTime() + 10_000) }]);
        expect(await store.listLiveClaims('slack-signature:a')).toEqual([{ key: 'slack-signature:a', expiresAt: new Date(clock().getTime() + 10_000) }]);
        await store.recordClaims([]);
      });

      it('records a large batch of claims in one call', async () => {
        const now = clock().getTime();
        const claims = Array.from({ length: 450 }, (_, i) => ({ key: `slack-signature:${i}`, expiresAt: new Date(now + 60_000) }));
        await store.recordClaims(claims);
        expect((await store.listLiveClaims('slack-signature:')).length).toBe(450);
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
    describe('shared cache', () => {
      it('keeps a value for its ttl, replaces it on put, and shows it to every handle', async () => {
        expect(await store.getCached('catalog:models')).toBeNull();
        await store.putCached('catalog:models', [{ id: 'm1', name: 'Sales' }], 60_000);
        const other = await another();
        expect(await other.getCached('catalog:models')).toEqual({ value: [{ id: 'm1', name: 'Sales' }], storedAt: clock() });
        clock.advance(30_000);
        await other.putCached('catalog:models', [], 60_000);
        expect(await store.getCached('catalog:models')).toEqual({ value: [], storedAt: clock() });
        clock.advance(60_000);
        expect(await store.getCached('catalog:models')).toBeNull();
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

    describe('owner notices', () => {
      it('remembers each notice sent, once, for every handle', async () => {
        const notice = { key: 'disabled:r1:gone', slackUserId: 'U1', routineId: 'r1', kind: 'disabled', sentAt: clock() };
        expect(await store.hasNotice(notice.key)).toBe(false);
        expect(await store.recordNotice(notice)).toBe(true);
        const other = await another();
        expect(await other.recordNotice(notice)).toBe(false);
        expect(await other.hasNotice(notice.key)).toBe(true);
        expect(await other.hasNotice('disabled:r1:other')).toBe(false);
      });
    });

    describe('sentence cards', () => {
      it('keeps a card for every handle; a save replaces its form and state, never its author or place', async () => {
        expect(await store.getSentenceCard('card-1')).toBeNull();
        await store.saveSentenceCard({ id: 'card-1', slackUserId: 'U1', channelId: 'D1', threadTs: '1.2', form: { prompt: 'p', schedule: 'every monday' }, state: 'open' });
        await store.saveSentenceCard({ id: 'card-1', slackUserId: 'U1', channelId: 'D1', threadTs: '1.2', messageTs: '1.3', form: { prompt: 'p', schedule: 'every monday' }, state: 'open' });
        clock.advance(1000);
        await store.saveSentenceCard({ id: 'card-1', slackUserId: 'U2', channelId: 'C9', threadTs: '9.9', form: { prompt: 'p', schedule: 'every tuesday' }, state: 'created' });
        const other = await another();
        expect(await other.getSentenceCard('card-1')).toEqual({
          id: 'card-1',
          slackUserId: 'U1',
          channelId: 'D1',
          threadTs: '1.2',
          // a save without the message ts keeps the one known
          messageTs: '1.3',
          form: { prompt: 'p', schedule: 'every tuesday' },
          state: 'created',
          createdAt: new Date('2026-03-01T10:00:00Z'),
          updatedAt: new Date('2026-03-01T10:00:01Z'),
        });
      });

      it('forgets a card untouched for 30 days (swept when another card is saved), and keeps a younger one', async () => {
        const card = (id: string) => ({ id, slackUserId: 'U1', channelId: 'D1', threadTs: '1.2', form: { prompt: 'p' }, state: 'open' as const });
        await store.saveSentenceCard(card('old'));
        clock.advance(SENTENCE_CARD_RETENTION_MS - 60 * 60 * 1000);
        await store.saveSentenceCard(card('young'));
        clock.advance(2 * 60 * 60 * 1000);
        await store.saveSentenceCard(card('new'));
        expect(await store.getSentenceCard('old')).toBeNull();
        expect(await store.getSentenceCard('young')).not.toBeNull();
        expect(await store.getSentenceCard('new')).not.toBeNull();
      });
    });

    describe('across handles (other processes or replicas)', () => {
      it('hands a key to exactly one of many racing claimants', async () => {
        const handles = [store, await another(), await another()];
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => handles[i % 3]!.beginIdempotent('race', { ttlMs: 60_000 })));
        expect(results.filter((r) => r.state === 'new')).toHaveLength(1);
        expect(results.filter((r) => r.state === 'in_progress')).toHaveLength(11);
      });

      it('lets racing saves of one draft id by two users leave it with its first owner', async () => {
        const other = await another();
        const outcomes = await Promise.allSettled([
          store.saveDraft({ id: 'view-R', slackUserId: 'U1', form: { by: 'U1' }, status: 'pending' }),
          other.saveDraft({ id: 'view-R', slackUserId: 'U2', form: { by: 'U2' }, status: 'pending' }),
        ]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const owner = (await store.getDraft('view-R'))?.slackUserId;
        expect((await store.getDraft('view-R'))?.form).toEqual({ by: owner });
      });

      it('sees another handle’s writes at once, with numbers for ids and times', async () => {
        const other = await another();
        const id = await other.appendAudit({ slackUserId: 'U1', action: 'run', request: {}, outcome: 'ok', omniStatus: 200, at: clock() });
        expect(typeof id).toBe('number');
        const [entry] = await store.listAudit({ limit: 1 });
        expect(entry).toMatchObject({ id, omniStatus: 200, at: clock() });
        expect(typeof entry?.id).toBe('number');
      });

      it('reports its engine and the migrations applied', async () => {
        expect(store.kind).toBe(engine.kind);
        expect(await store.migrations()).toEqual(SQLITE_MIGRATIONS.map((m) => migrationName(m.id)));
      });
    });
  });
}
