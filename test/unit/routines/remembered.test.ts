/**
 * What every modal opened reads, kept in memory: the user's remembered choices (a minute, replaced on save) and
 * whether they were found able to create routines (ten minutes, only for the warning shown before they try).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { IdentityResult } from '../../../src/identity/types.js';
import { silentLogger } from '../../../src/log.js';
import { CHOICES_MEMORY_MS, createChoices } from '../../../src/routines/choices.js';
import { EMPTY_FORM } from '../../../src/routines/types.js';
import { IDENTITY_FINE_MEMORY_MS, createRequester } from '../../../src/routines/requester.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { createManualClock } from '../store/store-contract.js';

describe('remembered choices', () => {
  let store: Store;
  let clock: ReturnType<typeof createManualClock>;
  beforeEach(async () => {
    clock = createManualClock();
    store = await openStore('sqlite::memory:', { clock });
  });
  afterEach(async () => {
    await store.close();
  });
  const people = { getUser: async (id: string) => ({ id, tz: 'Europe/Paris' }) };

  it('reads the store once a minute; a save through this process is seen at once', async () => {
    const choices = createChoices({ store, people, logger: silentLogger, clock });
    await store.saveUserChoices('U1', { modelId: 'm-1', delivery: 'dm' });
    expect(await choices.getRememberedChoices('U1')).toEqual({ modelId: 'm-1', delivery: 'dm' });
    // Another replica saves new choices: this one keeps what it read for up to a minute.
    await store.saveUserChoices('U1', { modelId: 'm-2', delivery: 'email' });
    clock.advance(CHOICES_MEMORY_MS - 1);
    expect(await choices.getRememberedChoices('U1')).toEqual({ modelId: 'm-1', delivery: 'dm' });
    clock.advance(1);
    expect(await choices.getRememberedChoices('U1')).toEqual({ modelId: 'm-2', delivery: 'email' });
    // A routine created here: the next open starts from it, with no wait.
    await choices.rememberChoices('U1', { ...EMPTY_FORM, modelId: 'm-3', modelName: 'Sales', timezone: 'Asia/Tokyo', delivery: 'channel' });
    expect(await choices.getRememberedChoices('U1')).toEqual({ modelId: 'm-3', modelName: 'Sales', timezone: 'Asia/Tokyo', delivery: 'channel' });
    expect(await store.getUserChoices('U1')).toMatchObject({ modelId: 'm-3', timezone: 'Asia/Tokyo', delivery: 'channel' });
  });

  it('remembers that there is nothing to remember, and an unreadable store preselects nothing', async () => {
    const choices = createChoices({ store, people, logger: silentLogger, clock });
    expect(await choices.getRememberedChoices('U2')).toEqual({});
    await store.close();
    expect(await choices.getRememberedChoices('U2')).toEqual({});
    expect(await choices.getRememberedChoices('U3')).toEqual({});
    store = await openStore('sqlite::memory:', { clock });
  });
});

describe('identity checked before the form opens', () => {
  const clock = createManualClock();
  const found: IdentityResult = { ok: true, membershipId: '0b6f3a52-1c1e-4b7a-9a55-2f1f0c0e4a11', email: 'a@acme.com', source: 'cache' };
  const inactive: IdentityResult = { ok: false, reason: 'inactive', slackUserId: 'U1', email: 'a@acme.com' };

  it('asks again only after ten minutes once a user was found able to create routines', async () => {
    let answer: IdentityResult = found;
    const asked: string[] = [];
    const requester = createRequester({
      identity: { resolveIdentity: async (id) => (asked.push(id), answer) },
      describeIdentityProblem: (p) => `problem: ${p.reason}`,
      logger: silentLogger,
      clock,
    });
    expect(requester.identityRecentlyFine('U1')).toBe(false);
    expect(await requester.findIdentityProblem('U1')).toBeNull();
    expect(requester.identityRecentlyFine('U1')).toBe(true);
    answer = inactive;
    expect(await requester.findIdentityProblem('U1')).toBeNull();
    expect(asked).toEqual(['U1']);
    clock.advance(IDENTITY_FINE_MEMORY_MS);
    expect(requester.identityRecentlyFine('U1')).toBe(false);
    expect(await requester.findIdentityProblem('U1')).toBe('problem: inactive');
    // A problem is never remembered as fine: the next open asks again.
    expect(await requester.findIdentityProblem('U1')).toBe('problem: inactive');
    expect(asked).toEqual(['U1', 'U1', 'U1']);
  });
});
