import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { silentLogger } from '../../../src/log.js';
import { type Routine, RoutineSchema } from '../../../src/omni/schemas.js';
import { createRoutineListCache, DEFAULT_LIST_TTL_MS } from '../../../src/routines/list-cache.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { createManualClock, type ManualClock } from '../../fakes/fake-omni-clock.js';

/** Omni's list for each member, counting fetches; a fetch fails while `failing` is set. */
function createLists(routines: Record<string, string[]>) {
  const lists = {
    fetches: 0,
    failing: false,
    async fetch(membershipId: string): Promise<Routine[]> {
      lists.fetches += 1;
      if (lists.failing) throw new Error('Omni is busy');
      return (routines[membershipId] ?? []).map((id) => RoutineSchema.parse({ id, destination: null }));
    },
  };
  return lists;
}

const ids = (records: Routine[]) => records.map((r) => r.id);

describe('createRoutineListCache', () => {
  let time: ManualClock;
  let store: Store;

  beforeEach(async () => {
    time = createManualClock();
    store = await openStore('sqlite::memory:', { clock: time.clock });
  });
  afterEach(async () => {
    await store.close();
  });

  it('reuses a list until it is ttl old, and fetches anew when asked fresh', async () => {
    const omni = createLists({ m1: ['r1'] });
    const cache = createRoutineListCache({ fetch: omni.fetch, clock: time.clock, logger: silentLogger });
    expect(ids(await cache.records('m1'))).toEqual(['r1']);
    expect(cache.fetchedAt('m1')).toBe(time.now());
    time.advance(DEFAULT_LIST_TTL_MS - 1);
    await cache.records('m1');
    expect(omni.fetches).toBe(1);
    time.advance(1);
    expect(cache.fetchedAt('m1')).toBeUndefined();
    await cache.records('m1');
    expect(omni.fetches).toBe(2);
    await cache.records('m1', { fresh: true });
    expect(omni.fetches).toBe(3);
  });

  it('shares one fetch between callers asking at once, and forgets a failed one', async () => {
    const omni = createLists({ m1: ['r1'] });
    const cache = createRoutineListCache({ fetch: omni.fetch, clock: time.clock, logger: silentLogger });
    omni.failing = true;
    const both = await Promise.allSettled([cache.records('m1'), cache.records('m1')]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(omni.fetches).toBe(1);
    expect(cache.fetchedAt('m1')).toBeUndefined();
    omni.failing = false;
    expect(ids(await cache.records('m1'))).toEqual(['r1']);
    expect(omni.fetches).toBe(2);
  });

  it('drops a list on every replica when one of them changed the routines, and only lists fetched before the change', async () => {
    const omni = createLists({ m1: ['r1'] });
    const replica = () => createRoutineListCache({ fetch: omni.fetch, clock: time.clock, logger: silentLogger, shared: store });
    const [a, b] = [replica(), replica()];
    await a.records('m1');
    await b.records('m1');
    expect(omni.fetches).toBe(2);

    time.advance(1000);
    await a.invalidate('m1');
    expect(a.fetchedAt('m1')).toBeUndefined();
    time.advance(1000);
    await b.records('m1'); // fetched before the change: fetched again
    expect(omni.fetches).toBe(3);
    await b.records('m1'); // fetched after it: reused
    await b.records('m2');
    await b.records('m2'); // another member's list is not affected
    expect(omni.fetches).toBe(4);
  });

  it('without the shared cache, a change is dropped in this process only', async () => {
    const omni = createLists({ m1: ['r1'] });
    const [a, b] = [1, 2].map(() => createRoutineListCache({ fetch: omni.fetch, clock: time.clock, logger: silentLogger }));
    await a!.records('m1');
    await b!.records('m1');
    await a!.invalidate('m1');
    await b!.records('m1');
    await a!.records('m1');
    expect(omni.fetches).toBe(3);
  });
});
