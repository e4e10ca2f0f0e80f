import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Clock } from '../../../src/clock.js';
import { createIdentityResolver, type IdentityResolver, type ScimLookup, type ScimUser, type SlackUser, type SlackUserLookup } from '../../../src/identity/index.js';
import { createLogger } from '../../../src/log.js';
import { OmniApiError } from '../../../src/omni/errors.js';
import { openStore, type Store } from '../../../src/store/index.js';

const HOUR = 60 * 60 * 1000;
const M_ALICE = '0b6f3a52-1c1e-4b7a-9a55-2f1f0c0e4a11';
const M_OTHER = '7d1c9a4e-5b2f-4c3d-8e6f-9a0b1c2d3e4f';

function createManualClock(start = '2026-03-01T10:00:00Z'): Clock & { advance(ms: number): void } {
  let now = new Date(start).getTime();
  return Object.assign(() => new Date(now), { advance: (ms: number) => void (now += ms) });
}

/** Slack directory fake: a table of users, a switch to fail, and a call counter. */
function createFakeSlack(users: Record<string, SlackUser>): SlackUserLookup & { calls: number; failing: boolean } {
  const fake = {
    calls: 0,
    failing: false,
    async getUser(id: string) {
      fake.calls += 1;
      if (fake.failing) throw new Error('slack_webapi_request_error');
      return users[id] ?? null;
    },
  };
  return fake;
}

/** SCIM fake: users by userName, matched as Omni does (case-insensitive eq); can fail or be held open. */
function createFakeScim(users: ScimUser[]): ScimLookup & { calls: string[]; failing: boolean; gate?: Promise<void> } {
  const fake: ScimLookup & { calls: string[]; failing: boolean; gate?: Promise<void> } = {
    calls: [],
    failing: false,
    async findUsersByEmail(email: string) {
      fake.calls.push(email);
      if (fake.gate) await fake.gate;
      if (fake.failing) throw new Error('Omni is busy');
      return users.filter((u) => u.userName.toLowerCase() === email.toLowerCase());
    },
  };
  return fake;
}

const alice: SlackUser = { id: 'U1', email: 'Alice@Acme.com', tz: 'Europe/Paris', realName: 'Alice' };
const aliceScim: ScimUser = { id: M_ALICE, userName: 'alice@acme.com', active: true, emails: ['alice@acme.com'] };

describe('createIdentityResolver', () => {
  let store: Store;
  let clock: ReturnType<typeof createManualClock>;
  let slack: ReturnType<typeof createFakeSlack>;
  let scim: ReturnType<typeof createFakeScim>;
  let resolver: IdentityResolver;
  let logLines: string[];

  const build = (scimUsers: ScimUser[], slackUsers: Record<string, SlackUser> = { U1: alice }) => {
    slack = createFakeSlack(slackUsers);
    scim = createFakeScim(scimUsers);
    resolver = createIdentityResolver({
      store,
      slackUsers: slack,
      scim,
      clock,
      logger: createLogger({ level: 'debug', sink: (l) => logLines.push(l) }),
    });
  };

  beforeEach(async () => {
    clock = createManualClock();
    store = await openStore('sqlite::memory:', { clock });
    logLines = [];
    build([aliceScim]);
  });
  afterEach(async () => {
    await store.close();
  });

  it('finds the membership through SCIM, matching userName case-insensitively, and caches it', async () => {
    expect(await resolver.resolveIdentity('U1', 'T1')).toEqual({
      ok: true,
      membershipId: M_ALICE,
      email: 'Alice@Acme.com',
      source: 'scim',
      tz: 'Europe/Paris',
    });
    expect(scim.calls).toEqual(['Alice@Acme.com']);
    expect(await store.getIdentity('U1')).toEqual({
      slackUserId: 'U1',
      teamId: 'T1',
      email: 'Alice@Acme.com',
      membershipId: M_ALICE,
      source: 'scim',
      resolvedAt: clock(),
    });
  });

  it('uses the cached identity within the ttl, and asks SCIM again after it', async () => {
    await resolver.resolveIdentity('U1');
    clock.advance(6 * HOUR - 1);
    expect(await resolver.resolveIdentity('U1')).toMatchObject({ ok: true, source: 'cache', membershipId: M_ALICE, tz: 'Europe/Paris' });
    expect(scim.calls).toHaveLength(1);
    clock.advance(1);
    expect(await resolver.resolveIdentity('U1')).toMatchObject({ ok: true, source: 'scim' });
    expect(scim.calls).toHaveLength(2);
  });

  it('asks SCIM again when the Slack email changed since the cached lookup', async () => {
    await store.saveIdentity({ slackUserId: 'U1', email: 'old@acme.com', membershipId: M_OTHER, source: 'scim', resolvedAt: clock() });
    expect(await resolver.resolveIdentity('U1')).toMatchObject({ ok: true, source: 'scim', membershipId: M_ALICE });
  });

  it('lets an override win over SCIM and the cache, without asking SCIM, and without expiring', async () => {
    await store.saveIdentity({ slackUserId: 'U1', email: 'alice@acme.com', membershipId: M_ALICE, source: 'scim', resolvedAt: clock() });
    await store.linkOverride('U1', M_OTHER, 'admin');
    clock.advance(1000 * HOUR);
    expect(await resolver.resolveIdentity('U1')).toEqual({
      ok: true,
      membershipId: M_OTHER,
      email: 'Alice@Acme.com',
      source: 'override',
      tz: 'Europe/Paris',
    });
    expect(scim.calls).toEqual([]);
  });

  it('resolves an override even when Slack cannot be asked (no tz then)', async () => {
    await store.linkOverride('U1', M_OTHER);
    slack.failing = true;
    expect(await resolver.resolveIdentity('U1')).toEqual({ ok: true, membershipId: M_OTHER, email: '', source: 'override' });
  });

  it('reports no_email, not_a_person (deleted, bot, unknown) from the Slack profile', async () => {
    build([aliceScim], {
      U2: { id: 'U2' },
      U3: { id: 'U3', email: 'gone@acme.com', deleted: true },
      U4: { id: 'U4', email: 'bot@acme.com', isBot: true },
      U5: { id: 'U5', email: '   ' },
    });
    expect(await resolver.resolveIdentity('U2')).toEqual({ ok: false, reason: 'no_email', slackUserId: 'U2' });
    expect(await resolver.resolveIdentity('U3')).toEqual({ ok: false, reason: 'not_a_person', slackUserId: 'U3' });
    expect(await resolver.resolveIdentity('U4')).toEqual({ ok: false, reason: 'not_a_person', slackUserId: 'U4' });
    expect(await resolver.resolveIdentity('U5')).toEqual({ ok: false, reason: 'no_email', slackUserId: 'U5' });
    expect(await resolver.resolveIdentity('U404')).toEqual({ ok: false, reason: 'not_a_person', slackUserId: 'U404' });
    expect(scim.calls).toEqual([]);
  });

  it('reports no_match, several_matches and inactive with the email', async () => {
    build(
      [
        { id: M_ALICE, userName: 'dup@acme.com', active: true, emails: [] },
        { id: M_OTHER, userName: 'DUP@acme.com', active: true, emails: [] },
        { id: M_OTHER, userName: 'off@acme.com', active: false, emails: [] },
      ],
      { U1: { id: 'U1', email: 'nobody@acme.com' }, U2: { id: 'U2', email: 'dup@acme.com' }, U3: { id: 'U3', email: 'off@acme.com' } },
    );
    expect(await resolver.resolveIdentity('U1')).toEqual({ ok: false, reason: 'no_match', email: 'nobody@acme.com', slackUserId: 'U1' });
    expect(await resolver.resolveIdentity('U2')).toEqual({ ok: false, reason: 'several_matches', email: 'dup@acme.com', slackUserId: 'U2' });
    expect(await resolver.resolveIdentity('U3')).toEqual({ ok: false, reason: 'inactive', email: 'off@acme.com', slackUserId: 'U3' });
    expect(await store.listIdentities()).toEqual([]);
  });

  it('ignores SCIM results whose userName is not the email (a secondary address is not enough)', async () => {
    const loose: ScimLookup = {
      findUsersByEmail: async () => [{ id: M_OTHER, userName: 'someone-else@acme.com', active: true, emails: ['alice@acme.com'] }],
    };
    const r = createIdentityResolver({ store, slackUsers: createFakeSlack({ U1: alice }), scim: loose, clock });
    expect(await r.resolveIdentity('U1')).toEqual({ ok: false, reason: 'no_match', email: 'Alice@Acme.com', slackUserId: 'U1' });
  });

  it('remembers a negative answer for the negative ttl, then asks again', async () => {
    build([], { U1: alice });
    await resolver.resolveIdentity('U1');
    clock.advance(5 * 60 * 1000 - 1);
    expect(await resolver.resolveIdentity('U1')).toMatchObject({ reason: 'no_match' });
    expect(scim.calls).toHaveLength(1);
    clock.advance(1);
    await resolver.resolveIdentity('U1');
    expect(scim.calls).toHaveLength(2);
  });

  it('sees an override linked after a negative answer at once', async () => {
    build([], { U1: alice });
    expect(await resolver.resolveIdentity('U1')).toMatchObject({ ok: false });
    await store.linkOverride('U1', M_OTHER);
    expect(await resolver.resolveIdentity('U1')).toMatchObject({ ok: true, source: 'override', membershipId: M_OTHER });
  });

  it('drops a cached identity when SCIM no longer finds an active user', async () => {
    await resolver.resolveIdentity('U1');
    build([{ ...aliceScim, active: false }]);
    clock.advance(7 * HOUR);
    expect(await resolver.resolveIdentity('U1')).toMatchObject({ ok: false, reason: 'inactive' });
    expect(await store.getIdentity('U1')).toBeNull();
  });

  describe('when SCIM or Slack cannot be asked', () => {
    it('reports lookup_failed without a cached identity', async () => {
      scim.failing = true;
      expect(await resolver.resolveIdentity('U1')).toEqual({ ok: false, reason: 'lookup_failed', email: 'Alice@Acme.com', slackUserId: 'U1' });
      scim.failing = false;
      expect(await resolver.resolveIdentity('U1')).toMatchObject({ ok: true, source: 'scim' }); // failures are not remembered
    });

    it("reports omni_busy when the lookup could not get a turn within Omni's rate limit (the budget, or Omni's 429s)", async () => {
      for (const reason of ['busy', 'rate_limited'] as const) {
        const failing = { async findUsersByEmail(): Promise<never> { throw new OmniApiError({ kind: reason === 'busy' ? 'busy' : 'rate_limited', reason, method: 'GET', path: '/scim/v2/users' }); } };
        const busyResolver = createIdentityResolver({ store, slackUsers: createFakeSlack({ U1: alice }), scim: failing, clock });
        expect(await busyResolver.resolveIdentity('U1')).toEqual({ ok: false, reason: 'omni_busy', email: 'Alice@Acme.com', slackUserId: 'U1' });
      }
    });

    it('uses a stale cached identity (up to 7 days old) while SCIM fails, and logs it', async () => {
      await resolver.resolveIdentity('U1');
      scim.failing = true;
      clock.advance(7 * 24 * HOUR - 1);
      expect(await resolver.resolveIdentity('U1')).toMatchObject({ ok: true, source: 'cache', membershipId: M_ALICE });
      expect(logLines.some((l) => l.includes('stale identity'))).toBe(true);
      clock.advance(1);
      expect(await resolver.resolveIdentity('U1')).toMatchObject({ ok: false, reason: 'lookup_failed' });
    });

    it('uses the cached identity while Slack fails, and lookup_failed without one', async () => {
      await resolver.resolveIdentity('U1');
      slack.failing = true;
      expect(await resolver.resolveIdentity('U1')).toEqual({ ok: true, membershipId: M_ALICE, email: 'Alice@Acme.com', source: 'cache' });
      expect(await resolver.resolveIdentity('U9')).toEqual({ ok: false, reason: 'lookup_failed', slackUserId: 'U9' });
    });

    it('turns a store failure into lookup_failed instead of rejecting', async () => {
      await store.close();
      expect(await resolver.resolveIdentity('U1')).toEqual({ ok: false, reason: 'lookup_failed', slackUserId: 'U1' });
      store = await openStore('sqlite::memory:', { clock }); // for afterEach
    });
  });

  it('shares one lookup between concurrent calls for the same user', async () => {
    let open!: () => void;
    scim.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const both = Promise.all([resolver.resolveIdentity('U1'), resolver.resolveIdentity('U1')]);
    await new Promise((r) => setImmediate(r));
    open();
    const [a, b] = await both;
    expect(a).toEqual(b);
    expect(a).toMatchObject({ ok: true, source: 'scim' });
    expect(scim.calls).toHaveLength(1);
    expect(slack.calls).toBe(1);
    // Once settled, the next call looks again (here it hits the cache).
    expect(await resolver.resolveIdentity('U1')).toMatchObject({ source: 'cache' });
  });

  it('forgetIdentity drops the cache and the remembered problem, not an override', async () => {
    await resolver.resolveIdentity('U1');
    await resolver.forgetIdentity('U1');
    expect(await store.getIdentity('U1')).toBeNull();
    await store.linkOverride('U1', M_OTHER);
    await resolver.forgetIdentity('U1');
    expect((await store.getIdentity('U1'))?.source).toBe('override');
  });
});
