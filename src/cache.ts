/**
 * The app's in-memory caches, all built here on lru-cache: bounded (the least recently used entry goes first when
 * full) and expiring on the app's Clock, so tests pin time instead of waiting.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from './clock.js';

export interface TtlCacheOptions {
  /** Entries kept at most. */
  max: number;
  /** An entry is gone (or, in a refreshing cache, stale) once it is this old. */
  ttlMs: number;
  clock: Clock;
}

/**
 * lru-cache's time, read from the clock in half-milliseconds from one past the epoch. It keeps an entry while its
 * age is at most its ttl, and takes a start time of 0 for "no ttl"; counted this way an entry expires when its
 * age in milliseconds reaches ttlMs, from any clock, the epoch included.
 */
const ticksNow = (clock: Clock) => 2 * clock().getTime() + 1;
const ttlTicks = (ms: number) => 2 * Math.max(1, Math.round(ms)) - 1;

/**
 * The bound, as lru-cache is told it. Given `max`, lru-cache allocates every slot at once: six arrays of `max`
 * entries, about 40 bytes a slot, so 0.8 MB for a cache of 20,000 that may never hold a hundred (a third of the
 * bot's idle heap over bare Bolt's). Counting each entry as 1 against `maxSize` bounds it the same way (the least
 * recently used entry goes when one more would not fit) with arrays that grow with what the cache holds.
 */
const boundedTo = (max: number) => ({ maxSize: max, sizeCalculation: () => 1 });

function lruOptions(options: TtlCacheOptions) {
  const { clock } = options;
  return {
    ...boundedTo(options.max),
    ttl: ttlTicks(options.ttlMs),
    perf: { now: () => ticksNow(clock) },
    // Read the clock on every check: lru-cache's default reuses a reading for 1 ms of real time, in which a test's
    // clock may have moved on.
    ttlResolution: 0,
  };
}

export interface BoundedCache<K, V> {
  /** The value, or undefined when there is none (or it has expired). */
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  delete(key: K): void;
  keys(): K[];
}

export function createTtlCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(options: TtlCacheOptions): BoundedCache<K, V> {
  return wrap(new LRUCache<K, V>(lruOptions(options)));
}

/** For answers that never change (memos of pure functions of user input): bounded, never expiring. */
export function createLruCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(options: { max: number }): BoundedCache<K, V> {
  return wrap(new LRUCache<K, V>(boundedTo(options.max)));
}

function wrap<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(cache: LRUCache<K, V>): BoundedCache<K, V> {
  return {
    get: (key) => cache.get(key),
    set: (key, value) => void cache.set(key, value),
    delete: (key) => void cache.delete(key),
    keys: () => [...cache.keys()],
  };
}

/** What a load gives: the value, and how old it already is when it comes from another cache (default 0). */
export interface Loaded<V> {
  value: V;
  ageMs?: number;
}

export interface RefreshingCache<K, V> {
  /**
   * A fresh value at once; a stale one at once too, refreshed in the background by `load`; none: `load`ed, one
   * load shared by concurrent gets. A failed refresh keeps the stale value (the next get tries again).
   */
  get(key: K, load: () => Promise<Loaded<V>>): Promise<V>;
  clear(): void;
}

export function createRefreshingCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(
  options: TtlCacheOptions & { onRefreshError: (err: unknown, key: K) => void },
): RefreshingCache<K, V> {
  const cache = new LRUCache<K, V, () => Promise<Loaded<V>>>({
    ...lruOptions(options),
    allowStale: true,
    // A load under way when clear() is called still answers the gets waiting for it.
    ignoreFetchAbort: true,
    fetchMethod: async (key, stale, { options: set, context: load }) => {
      try {
        const { value, ageMs = 0 } = await load();
        set.ttl = ttlTicks(options.ttlMs - ageMs);
        return value;
      } catch (err) {
        if (stale !== undefined) options.onRefreshError(err, key);
        throw err;
      }
    },
  });
  return {
    async get(key, load) {
      // A failed refresh keeps the stale value; a failed first load rejects (lru-cache would resolve it empty).
      const stale = cache.peek(key, { allowStale: true });
      const value = await cache.fetch(key, { context: load, allowStaleOnFetchRejection: stale !== undefined });
      // fetchMethod never resolves empty: a failed load rejects.
      if (value === undefined) throw new Error('the cache load gave no value');
      return value;
    },
    clear: () => cache.clear(),
  };
}

/**
 * One load per key at a time: while a load for a key is under way, asking for the key again gets the same promise
 * instead of a second call. Nothing is kept once it settles (pair it with a cache for that).
 */
export function createSingleFlight<K, V>(): (key: K, load: () => Promise<V>) => Promise<V> {
  const running = new Map<K, Promise<V>>();
  return (key, load) => {
    const current = running.get(key);
    if (current) return current;
    const promise = load().finally(() => running.delete(key));
    running.set(key, promise);
    return promise;
  };
}
