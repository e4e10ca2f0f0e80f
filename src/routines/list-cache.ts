/**
 * Each member's routine list, reused for a while: Home tab opens and ownership checks share one fetch (Omni's budget
 * is 60 requests a minute). Our own changes drop it at once, here and, with several replicas, on the others too
 * (through the store's shared cache). The in-process part is the app's TTL cache (src/cache.ts) of promises, so two
 * callers asking at once share one fetch, and a failed fetch is forgotten.
 */
import { createTtlCache } from '../cache.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { OmniRoutineRecord, SharedListsPort } from './ports.js';

/** Two minutes: Home tab opens and ownership checks reuse one list; our own changes invalidate it at once. */
export const DEFAULT_LIST_TTL_MS = 120_000;

/** Members whose lists are kept; the least recently used goes first when full (it is fetched again if asked for). */
const MAX_MEMBERS = 5000;

export interface RoutineListCache {
  /** The member's routines: the cached list while it is fresh (and no replica changed them since), else fetched. */
  records(membershipId: string, options?: { fresh?: boolean }): Promise<OmniRoutineRecord[]>;
  /** When the cached list was fetched (epoch ms); undefined when none is cached (or it has expired). */
  fetchedAt(membershipId: string): number | undefined;
  /** Our change (or a failure that may have changed something): drop the cached list here and on every replica. */
  invalidate(membershipId: string): Promise<void>;
}

interface CachedList {
  /** When the fetch started (epoch ms): a change another replica announced after this is not in the list. */
  at: number;
  records: Promise<OmniRoutineRecord[]>;
}

export function createRoutineListCache(deps: {
  fetch: (membershipId: string) => Promise<OmniRoutineRecord[]>;
  clock: Clock;
  logger: Logger;
  ttlMs?: number;
  /** Several replicas: where a change to a member's routines is announced. Without it, the cache is this process's. */
  shared?: SharedListsPort;
}): RoutineListCache {
  const { clock, logger, shared } = deps;
  const ttlMs = deps.ttlMs ?? DEFAULT_LIST_TTL_MS;
  const lists = createTtlCache<string, CachedList>({ max: MAX_MEMBERS, ttlMs, clock });
  const changedKey = (membershipId: string) => `routines-changed:${membershipId}`;

  /** When another replica last changed this member's routines (epoch ms), if within the TTL. */
  async function changedElsewhereAt(membershipId: string): Promise<number | undefined> {
    if (!shared) return undefined;
    try {
      const hit = await shared.getCached(changedKey(membershipId));
      return typeof hit?.value === 'number' ? hit.value : undefined;
    } catch (err) {
      logger.warn('shared list invalidation unreadable; using the cached list', { err });
      return undefined;
    }
  }

  return {
    async records(membershipId, options = {}) {
      const hit = options.fresh ? undefined : lists.get(membershipId);
      if (hit) {
        const changedAt = await changedElsewhereAt(membershipId);
        if (changedAt === undefined || changedAt < hit.at) return hit.records;
      }
      const fetched: CachedList = { at: clock().getTime(), records: deps.fetch(membershipId) };
      lists.set(membershipId, fetched);
      fetched.records.catch(() => lists.delete(membershipId));
      return fetched.records;
    },
    fetchedAt: (membershipId) => lists.get(membershipId)?.at,
    async invalidate(membershipId) {
      lists.delete(membershipId);
      if (!shared) return;
      await shared.putCached(changedKey(membershipId), clock().getTime(), ttlMs).catch((err: unknown) => {
        logger.warn('could not tell other replicas that a routine list changed', { err });
      });
    },
  };
}
