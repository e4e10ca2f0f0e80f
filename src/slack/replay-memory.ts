/**
 * Which signed requests were already acted on (the request guard's replay memory, see request-guards.ts).
 *
 * - **Several replicas (Postgres):** every claim is an insert into the shared store, so a request sent to two
 *   replicas is acted on by one.
 * - **One process (SQLite, the default; docs/deploy.md):** this process is the only one that claims, so it decides in
 *   memory and writes the claims behind, in one statement, once requests have been quiet for a moment (at most
 *   FLUSH_MAX_DELAY_MS later). A claim in SQLite cost about a tenth of the bot's CPU per command, on the thread
 *   that acks everyone. At start the live claims are read back, so a request replayed after a restart is still
 *   refused. What a crash can cost: the claims of its last FLUSH_MAX_DELAY_MS, whose requests a replay could then
 *   have acted on again within their 5-minute signature window.
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { IdempotencyStore } from '../store/types.js';

export interface ReplayMemory {
  /** True the first time `key` is claimed within `ttlMs`, false after. */
  claim(key: string, ttlMs: number): boolean | Promise<boolean>;
  /** Forgets a claim, so the key can be claimed again (a listener that could not do its work lets Slack's retry in). */
  release(key: string): Promise<void>;
  /** Writes what is still unwritten (at shutdown). */
  close(): Promise<void>;
}

/** Every claim decided by the shared store (several replicas). */
export function storeReplayMemory(store: Pick<IdempotencyStore, 'beginIdempotent' | 'abandonIdempotent'>): ReplayMemory {
  return {
    claim: async (key, ttlMs) => (await store.beginIdempotent(key, { ttlMs })).state === 'new',
    release: async (key) => void (await store.abandonIdempotent(key)),
    close: async () => {},
  };
}

/** The keys the guard claims all start with this (`slack-signature:…`, `slack-event:…`). */
export const REPLAY_KEY_PREFIX = 'slack-';
/** Claims are written once no claim came for this long… */
const FLUSH_QUIET_MS = 20;
/** …or at the latest this long after the oldest unwritten one. */
export const FLUSH_MAX_DELAY_MS = 500;
/** Live keys kept in memory; past this (a flood of distinct signed requests) claims go to the store one by one. */
const MAX_LIVE_KEYS = 500_000;
/** How often expired keys are dropped from memory. */
const SWEEP_EVERY_MS = 60_000;

export interface LocalReplayMemoryOptions {
  store: Pick<IdempotencyStore, 'beginIdempotent' | 'abandonIdempotent' | 'recordClaims' | 'listLiveClaims'>;
  clock: Clock;
  logger: Logger;
  /** Scheduling only (when to write behind): real time, whatever the domain clock says. */
  now?: () => number;
  /** Live keys kept in memory (tests lower it); default MAX_LIVE_KEYS. */
  maxLiveKeys?: number;
}

/** The one-process replay memory: decided in memory, written behind, read back at start. */
export async function openLocalReplayMemory(options: LocalReplayMemoryOptions): Promise<ReplayMemory> {
  const { store, clock, logger } = options;
  const realNow = options.now ?? (() => performance.now());
  const maxLiveKeys = options.maxLiveKeys ?? MAX_LIVE_KEYS;
  /** key → when its claim expires (ms on the clock). Re-claimed keys are re-inserted, so the oldest come first. */
  const live = new Map<string, number>();
  const stored = await store.listLiveClaims(REPLAY_KEY_PREFIX);
  for (const claim of stored.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())) live.set(claim.key, claim.expiresAt.getTime());
  /** Until then, keys not in memory are claimed in the store: memory was full, and the store holds those claims. */
  let storeDecidesUntil = Number.NEGATIVE_INFINITY;
  let unwritten: Array<{ key: string; expiresAt: Date }> = [];
  let oldestUnwrittenAt = 0;
  let lastClaimAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let lastSweepAt = clock().getTime();

  const write = (): Promise<void> => {
    const batch = unwritten;
    unwritten = [];
    if (batch.length === 0) return writing;
    writing = writing.then(() =>
      store.recordClaims(batch).catch((err: unknown) => {
        // Memory still decides for this process; only a restart within the window would not know these.
        logger.warn('could not write the replay memory behind', { error: err instanceof Error ? err.message : String(err), claims: batch.length });
      }),
    );
    return writing;
  };
  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      timer = undefined;
      const now = realNow();
      const quietFor = now - lastClaimAt;
      const waited = now - oldestUnwrittenAt;
      if (quietFor < FLUSH_QUIET_MS && waited < FLUSH_MAX_DELAY_MS) {
        schedule(Math.min(FLUSH_QUIET_MS - quietFor, FLUSH_MAX_DELAY_MS - waited));
        return;
      }
      void write();
    }, delayMs);
    timer.unref();
  };
  const sweep = (now: number, force = false) => {
    if (!force && now - lastSweepAt < SWEEP_EVERY_MS && now >= lastSweepAt) return;
    lastSweepAt = now;
    for (const [key, expiresAt] of live) {
      if (expiresAt > now) break;
      live.delete(key);
    }
  };

  return {
    claim(key, ttlMs) {
      const now = clock().getTime();
      sweep(now);
      const until = live.get(key);
      if (until !== undefined && until > now) return false;
      if (until === undefined && live.size >= maxLiveKeys) sweep(now, true);
      if (until === undefined && (live.size >= maxLiveKeys || now < storeDecidesUntil)) {
        // Memory is full, or was lately: keys claimed only in the store meanwhile are not in memory, so the store
        // decides until the last of them has expired. A key it hands out while memory has room goes there too.
        const full = live.size >= maxLiveKeys;
        if (full) storeDecidesUntil = Math.max(storeDecidesUntil, now + ttlMs);
        return store.beginIdempotent(key, { ttlMs }).then((r) => {
          if (r.state !== 'new') return false;
          if (!full && live.size < maxLiveKeys) live.set(key, now + ttlMs);
          return true;
        });
      }
      live.delete(key);
      live.set(key, now + ttlMs);
      if (unwritten.length === 0) oldestUnwrittenAt = realNow();
      unwritten.push({ key, expiresAt: new Date(now + ttlMs) });
      lastClaimAt = realNow();
      if (timer === undefined) schedule(FLUSH_QUIET_MS);
      return true;
    },
    async release(key) {
      live.delete(key);
      unwritten = unwritten.filter((claim) => claim.key !== key);
      // After any write under way, which may hold the claim; the store may also hold it from an earlier write (or
      // from a claim the store decided). A failed delete rejects this call only: the writes behind go on.
      const released = writing.then(async () => void (await store.abandonIdempotent(key)));
      writing = released.catch(() => undefined);
      await released;
    },
    async close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await write();
    },
  };
}
