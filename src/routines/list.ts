/**
 * Listing the requester's routines (the Home tab, /routines list) and telling whether a routine is theirs, both
 * from the cached list (list-cache.ts) where that is safe.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { OmniApiError } from '../omni/errors.js';
import { describeFailure, failureOf } from './failures.js';
import type { RoutineListCache } from './list-cache.js';
import type { IdentityPort, OmniRoutineRecord } from './ports.js';
import type { IdentityProblem, Requester } from './requester.js';
import type { RoutineView } from './types.js';

export type ListOutcome = { ok: true; routines: RoutineView[] } | { ok: false; problem: string };

/** A list asked for fresh (the Home tab's Refresh) reuses one fetched less than this long ago. */
const RELIST_AFTER_MS = 5_000;

export interface ListDeps {
  identity: IdentityPort;
  requester: Requester;
  describeIdentityProblem: (outcome: IdentityProblem) => string;
  lists: RoutineListCache;
  view: (record: OmniRoutineRecord) => RoutineView;
  clock: Clock;
  logger: Logger;
}

export function createListUseCases(deps: ListDeps) {
  const { identity, requester, lists, view, clock, logger } = deps;

  /** `options.log`: the Slack request's logger, so these lines carry its request id. */
  async function listRoutines(slackUserId: string, teamId?: string, options: { fresh?: boolean; log?: Logger } = {}): Promise<ListOutcome> {
    const log = options.log ?? logger;
    const who = await requester.resolve(slackUserId, teamId);
    if (!who.ok) return { ok: false, problem: requester.describe(who) };
    try {
      // Refresh reuses a list fetched seconds ago, so pressing it again and again costs one Omni request.
      const recent = (lists.fetchedAt(who.membershipId) ?? -Infinity) > clock().getTime() - RELIST_AFTER_MS;
      const records = await lists.records(who.membershipId, { fresh: options.fresh === true && !recent });
      return { ok: true, routines: records.map(view) };
    } catch (err) {
      log.warn('omni list failed', { err, slackUserId });
      if (err instanceof OmniApiError && err.reason === 'member_not_found') return relistAfterStaleIdentity(slackUserId, teamId, who.membershipId, log);
      return { ok: false, problem: describeFailure(err).message };
    }
  }

  /**
   * Omni no longer knows the membership the user was mapped to (removed, or re-invited under a new id): forget the
   * mapping, look the user up again, and list once more if that found another membership.
   */
  async function relistAfterStaleIdentity(slackUserId: string, teamId: string | undefined, staleId: string, log: Logger): Promise<ListOutcome> {
    await identity.forgetIdentity?.(slackUserId);
    const again = await identity.resolveIdentity(slackUserId, teamId);
    if (!again.ok) return { ok: false, problem: deps.describeIdentityProblem(again) };
    if (again.membershipId === staleId) return { ok: false, problem: failureOf('member_gone').message };
    try {
      return { ok: true, routines: (await lists.records(again.membershipId, { fresh: true })).map(view) };
    } catch (err) {
      log.warn('omni list failed after the identity was looked up again', { err, slackUserId });
      return { ok: false, problem: describeFailure(err).message };
    }
  }

  /**
   * Is `routineId` one of this member's routines? Omni scopes the list to the member; a cached list answers first,
   * and a fresh one before refusing (it may predate a routine created elsewhere).
   */
  async function isOwnRoutine(membershipId: string, routineId: string): Promise<boolean> {
    if ((await lists.records(membershipId)).some((r) => r.id === routineId)) return true;
    return (await lists.records(membershipId, { fresh: true })).some((r) => r.id === routineId);
  }

  return { listRoutines, isOwnRoutine };
}
