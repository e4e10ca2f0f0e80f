import { createSingleFlight, createTtlCache } from '../cache.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { OmniApiError } from '../omni/errors.js';
import type { IdentityStore, StoredIdentity } from '../store/types.js';
import type {
  IdentityFound,
  IdentityProblem,
  IdentityProblemReason,
  IdentityResult,
  ScimLookup,
  SlackUser,
  SlackUserLookup,
} from './types.js';

const HOUR_MS = 60 * 60 * 1000;

export interface IdentityResolverOptions {
  store: IdentityStore;
  slackUsers: SlackUserLookup;
  scim: ScimLookup;
  clock: Clock;
  /** How long a SCIM answer is trusted without asking again; default 6 h. */
  ttlMs?: number;
  /** How long a "no match / several / inactive" answer is remembered (in memory); default 5 min. */
  negativeTtlMs?: number;
  /**
   * How old a cached identity may be and still be used while Slack or SCIM cannot be asked; default 7 days.
   * Safe because Omni itself refuses a membership that no longer exists or is deactivated.
   */
  maxStaleMs?: number;
  logger?: Logger;
}

export interface IdentityResolver {
  /** Never rejects: every failure is a typed result. Concurrent calls for one user share one lookup. */
  resolveIdentity(slackUserId: string, teamId?: string): Promise<IdentityResult>;
  /** Drops what is cached about the user (not an override), e.g. after Omni refused the membership id. */
  forgetIdentity(slackUserId: string): Promise<void>;
}

// Enough for any workspace's active users; the least recently used entry goes first when full.
const MAX_NEGATIVE_ENTRIES = 5000;

/**
 * Slack user → email → Omni membership id (docs/omni-api.md §4, §8). Order: an admin override wins; then a cached SCIM
 * identity younger than the ttl whose email still matches the Slack profile; then SCIM, matching `userName`
 * exactly and case-insensitively. Only `userName` counts: it is the login email that the SCIM filter matches, and
 * a secondary address in `emails` could belong to someone else.
 */
export function createIdentityResolver(options: IdentityResolverOptions): IdentityResolver {
  const { store, slackUsers, scim, clock } = options;
  const ttlMs = options.ttlMs ?? 6 * HOUR_MS;
  const negativeTtlMs = options.negativeTtlMs ?? 5 * 60 * 1000;
  const maxStaleMs = Math.max(options.maxStaleMs ?? 7 * 24 * HOUR_MS, ttlMs);
  const logger = options.logger ?? silentLogger;

  const oneLookupPerUser = createSingleFlight<string, IdentityResult>();
  const negative = createTtlCache<string, IdentityProblem>({ max: MAX_NEGATIVE_ENTRIES, ttlMs: negativeTtlMs, clock });
  const negativeKey = (slackUserId: string, email: string) => `${slackUserId}\n${email.toLowerCase()}`;

  const rememberProblem = (result: IdentityProblem & { email: string }): IdentityProblem => {
    negative.set(negativeKey(result.slackUserId, result.email), result);
    return result;
  };

  const found = (identity: StoredIdentity, source: IdentityFound['source'], slackUser: SlackUser | null | undefined): IdentityFound => {
    return {
      ok: true,
      membershipId: identity.membershipId,
      email: identity.email ?? slackUser?.email?.trim() ?? '',
      source,
      ...(slackUser?.tz ? { tz: slackUser.tz } : {}),
    };
  };

  const problem = (slackUserId: string, reason: IdentityProblemReason, email?: string): IdentityProblem => ({
    ok: false,
    reason,
    ...(email ? { email } : {}),
    slackUserId,
  });

  const lookup = async (slackUserId: string, teamId: string | undefined): Promise<IdentityResult> => {
    const log = logger.child({ slackUserId });
    const stored = await store.getIdentity(slackUserId);

    let slackUser: SlackUser | null;
    let slackFailed = false;
    try {
      slackUser = await slackUsers.getUser(slackUserId);
    } catch (err) {
      log.warn('Slack user lookup failed', { err });
      slackUser = null;
      slackFailed = true;
    }

    if (stored?.source === 'override') return found(stored, 'override', slackUser);

    const cached = stored?.source === 'scim' ? stored : null;
    const age = cached ? clock().getTime() - cached.resolvedAt.getTime() : Infinity;

    if (slackFailed) {
      if (cached && age < maxStaleMs) {
        if (age >= ttlMs) log.warn('using a stale identity while Slack cannot be asked', { resolvedAt: cached.resolvedAt.toISOString() });
        return found(cached, 'cache', null);
      }
      return problem(slackUserId, 'lookup_failed');
    }
    if (slackUser === null || slackUser.deleted === true || slackUser.isBot === true) return problem(slackUserId, 'not_a_person');
    const email = slackUser.email?.trim();
    if (!email) return problem(slackUserId, 'no_email');

    const cacheMatches = cached !== null && cached.email?.toLowerCase() === email.toLowerCase();
    if (cacheMatches && age < ttlMs) return found(cached, 'cache', slackUser);

    const remembered = negative.get(negativeKey(slackUserId, email));
    if (remembered) return remembered;

    let candidates;
    try {
      candidates = await scim.findUsersByEmail(email);
    } catch (err) {
      if (cacheMatches && age < maxStaleMs) {
        log.warn('using a stale identity while the Omni SCIM lookup fails', { err, resolvedAt: cached.resolvedAt.toISOString() });
        return found(cached, 'cache', slackUser);
      }
      if (err instanceof OmniApiError && (err.reason === 'personal_key' || err.reason === 'unauthorized')) {
        // Not the user's problem and not passing: the admin must change the key (doctor says how).
        log.error('Omni refused the bot key for SCIM: OMNI_API_KEY must be an organization API key', { reason: err.reason });
        return problem(slackUserId, 'bot_key_refused', email);
      }
      log.warn('Omni SCIM lookup failed', { err });
      // Waiting for a turn within Omni's rate limit took too long: the same words as any other busy request.
      if (err instanceof OmniApiError && (err.reason === 'busy' || err.reason === 'rate_limited')) return problem(slackUserId, 'omni_busy', email);
      return problem(slackUserId, 'lookup_failed', email);
    }

    const wanted = email.toLowerCase();
    const matches = candidates.filter((u) => u.userName.trim().toLowerCase() === wanted);
    const only = matches.length === 1 ? matches[0] : undefined;
    if (only === undefined || !only.active) {
      const reason = matches.length === 0 ? 'no_match' : matches.length > 1 ? 'several_matches' : 'inactive';
      log.info('no usable Omni user for this Slack email', { reason, matches: matches.length });
      // A cached identity for this user is wrong now (or for another email): stop using it, even as a fallback.
      if (cached) await store.deleteIdentity(slackUserId);
      return rememberProblem({ ok: false, reason, email, slackUserId });
    }

    const identity: StoredIdentity = {
      slackUserId,
      ...(teamId ? { teamId } : {}),
      email,
      membershipId: only.id,
      source: 'scim',
      resolvedAt: clock(),
    };
    try {
      await store.saveIdentity({ ...identity, email });
    } catch (err) {
      // The answer is still right; it only will not be cached.
      log.error('could not cache the resolved identity', { err });
    }
    return found(identity, 'scim', slackUser);
  };

  return {
    resolveIdentity(slackUserId, teamId) {
      return oneLookupPerUser(slackUserId, () =>
        lookup(slackUserId, teamId).catch((err: unknown): IdentityResult => {
          logger.error('identity resolution failed', { slackUserId, err });
          return problem(slackUserId, 'lookup_failed');
        }),
      );
    },

    async forgetIdentity(slackUserId) {
      for (const key of negative.keys()) if (key.startsWith(`${slackUserId}\n`)) negative.delete(key);
      await store.deleteIdentity(slackUserId);
    },
  };
}
