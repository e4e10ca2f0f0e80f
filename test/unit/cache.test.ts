import { describe, expect, it } from '@jest/globals';
import { createLruCache, createRefreshingCache, createSingleFlight, createTtlCache } from '../../src/cache.js';

/** A clock the test moves by hand, starting at the epoch (lru-cache reads a start time of 0 as "no ttl"). */
function handClock() {
  let now = 0;
  return Object.assign(() => new Date(now), { set: (ms: number) => void (now = ms) });
}

describe('createTtlCache', () => {
  it('keeps an entry until it is ttlMs old on the given clock, from the epoch on', () => {
    const clock = handClock();
    const cache = createTtlCache<string, string>({ max: 10, ttlMs: 1000, clock });
    cache.set('a', 'A');
    clock.set(999);
    expect(cache.get('a')).toBe('A');
    clock.set(1000);
    expect(cache.get('a')).toBeUndefined();
  });

  it('drops the least recently used entry when full', () => {
    const cache = createTtlCache<string, string>({ max: 2, ttlMs: 1000, clock: handClock() });
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C');
    expect(cache.keys().sort()).toEqual(['a', 'c']);
    cache.delete('a');
    expect(cache.keys()).toEqual(['c']);
  });
});

describe('createLruCache', () => {
  it('keeps at most max entries and never expires them', () => {
    const cache = createLruCache<string, number>({ max: 2 });
    for (const [i, key] of ['a', 'b', 'c'].entries()) cache.set(key, i);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.keys().sort()).toEqual(['b', 'c']);
  });
});

describe('the bound', () => {
  it('costs memory as entries arrive, not up front (lru-cache given `max` fills arrays of max slots at once)', () => {
    // lru-cache's `max` would take about 32 MB of heap for each of these at once; an empty cache holds next to nothing.
    const before = process.memoryUsage().heapUsed;
    const caches = [createTtlCache<string, string>({ max: 1_000_000, ttlMs: 1000, clock: handClock() }), createLruCache<string, string>({ max: 1_000_000 })];
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(8 * 2 ** 20);
    // Still bounded once it holds what it may: the bound is counted as before.
    const small = createTtlCache<number, number>({ max: 1000, ttlMs: 1000, clock: handClock() });
    for (let i = 0; i < 5000; i++) small.set(i, i);
    expect(small.keys()).toHaveLength(1000);
    expect(small.get(4999)).toBe(4999);
    expect(small.get(3999)).toBeUndefined();
    expect(caches).toHaveLength(2);
  });
});

describe('createRefreshingCache', () => {
  it('serves a stale value at once while one refresh runs, keeps it when the refresh fails, and counts ageMs', async () => {
    const clock = handClock();
    const failures: unknown[] = [];
    const cache = createRefreshingCache<string, string[]>({ max: 10, ttlMs: 1000, clock, onRefreshError: (err) => failures.push(err) });
    let loads = 0;
    let fail = false;
    const load = async () => {
      loads += 1;
      if (fail) throw new Error('down');
      return { value: [`v${loads}`] };
    };

    expect(await Promise.all([cache.get('k', load), cache.get('k', load)])).toEqual([['v1'], ['v1']]);
    expect(loads).toBe(1);
    clock.set(1000);
    fail = true;
    expect(await cache.get('k', load)).toEqual(['v1']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(failures).toHaveLength(1);
    fail = false;
    expect(await cache.get('k', load)).toEqual(['v1']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('k', load)).toEqual(['v3']);

    // A value already 900 ms old (from another replica's cache) is stale 100 ms later.
    clock.set(5000);
    expect(await cache.get('old', async () => ({ value: ['shared'], ageMs: 900 }))).toEqual(['shared']);
    clock.set(5099);
    expect(await cache.get('old', load)).toEqual(['shared']);
    expect(loads).toBe(3);
    clock.set(5100);
    expect(await cache.get('old', load)).toEqual(['shared']);
    expect(loads).toBe(4);
  });

  it('rejects a first load that fails, and loads again on the next get', async () => {
    const cache = createRefreshingCache<string, string>({ max: 10, ttlMs: 1000, clock: handClock(), onRefreshError: () => {} });
    await expect(cache.get('k', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', async () => ({ value: 'up' }))).toBe('up');
  });
});

describe('createSingleFlight', () => {
  it('gives callers of a key the load under way, and loads again once it settled, failed or not', async () => {
    const once = createSingleFlight<string, number>();
    let loads = 0;
    let release = () => {};
    const load = () => {
      loads += 1;
      return new Promise<number>((resolve) => (release = () => resolve(loads)));
    };
    const first = [once('a', load), once('a', load)];
    const other = once('b', async () => 0);
    release();
    expect(await Promise.all(first)).toEqual([1, 1]);
    expect(await other).toBe(0);
    await expect(once('a', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    const again = once('a', load);
    release();
    expect(await again).toBe(2);
  });
});
