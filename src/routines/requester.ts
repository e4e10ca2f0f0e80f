/**
 * Who is asking: the Slack user's Omni membership, and words for when there is none. Every use case acts as the
 * Slack user who asked; this is where their identity problems are worded for them and logged for the admin.
 */
import { createTtlCache } from '../cache.js';
import type { Clock } from '../clock.js';
import { adminFixForIdentityProblem, isPassingIdentityProblem } from '../identity/index.js';
import type { Logger } from '../log.js';
import { OmniApiError } from '../omni/errors.js';
import type { IdentityOutcome, IdentityPort } from './ports.js';
import type { UserFacingFailure } from './types.js';

export type IdentityProblem = Extract<IdentityOutcome, { ok: false }>;

export interface RequesterDeps {
  identity: IdentityPort;
  /** Words for an identity problem, from the identity layer. */
  describeIdentityProblem: (outcome: IdentityProblem) => string;
  logger: Logger;
  clock: Clock;
}

/**
 * How long a user found able to create routines is not checked again before a modal opens. The check only decides
 * whether the modal warns them up front; every create, run or change resolves the identity again.
 */
export const IDENTITY_FINE_MEMORY_MS = 10 * 60_000;

export interface Requester {
  resolve: IdentityPort['resolveIdentity'];
  /** The user is told whom to ask; the admin's fix (the `users link` command) goes to the log, where the admin looks. */
  describe(outcome: IdentityProblem): string;
  failure(outcome: IdentityProblem): UserFacingFailure;
  /** Omni no longer knows the membership the user was mapped to: forget the mapping, so the next request looks again. */
  forgetIfStale(err: unknown, slackUserId: string): Promise<void>;
  /**
   * Words for a problem that will stop this user from creating routines (no Omni account matches, inactive…), or
   * null. A failed lookup is not a problem worth showing before they try: the create will look again.
   */
  findIdentityProblem(slackUserId: string, teamId?: string): Promise<string | null>;
  /** True when findIdentityProblem found no problem for this user within IDENTITY_FINE_MEMORY_MS (it will again). */
  identityRecentlyFine(slackUserId: string): boolean;
}

export function createRequester(deps: RequesterDeps): Requester {
  const { identity, logger } = deps;
  const recentlyFine = createTtlCache<string, true>({ max: 20_000, ttlMs: IDENTITY_FINE_MEMORY_MS, clock: deps.clock });

  function describe(outcome: IdentityProblem): string {
    const adminFix = adminFixForIdentityProblem(outcome);
    if (adminFix) logger.warn('a Slack user has no usable Omni account', { reason: outcome.reason, adminFix });
    return deps.describeIdentityProblem(outcome);
  }

  return {
    resolve: (slackUserId, teamId) => identity.resolveIdentity(slackUserId, teamId),
    describe,
    failure: (outcome) => ({ code: `identity_${outcome.reason}`, message: describe(outcome), retryable: isPassingIdentityProblem(outcome.reason) }),
    async forgetIfStale(err, slackUserId) {
      if (err instanceof OmniApiError && err.reason === 'member_not_found') {
        recentlyFine.delete(slackUserId);
        await identity.forgetIdentity?.(slackUserId);
      }
    },
    async findIdentityProblem(slackUserId, teamId) {
      if (recentlyFine.get(slackUserId)) return null;
      const who = await identity.resolveIdentity(slackUserId, teamId);
      if (who.ok) recentlyFine.set(slackUserId, true);
      // A lookup that failed or waited too long is not a problem worth showing before they try: the create looks again.
      if (who.ok || isPassingIdentityProblem(who.reason)) return null;
      return describe(who);
    },
    identityRecentlyFine: (slackUserId) => recentlyFine.get(slackUserId) === true,
  };
}
