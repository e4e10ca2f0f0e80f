/**
 * The one-process replay memory (SQLite): decided in memory, written behind to the store, read back at start. Run
 * on a real SQLite file, as the bot opens it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { silentLogger } from '../../../src/log.js';
import { type ReplayMemory, openLocalReplayMemory, storeReplayMemory } from '../../../src/slack/replay-memory.js';
import type { Store } from '../../../src/store/index.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { until } from '../../helpers/until.js';
import { createManualClock } from '../store/store-contract.js';

const TTL = 11 * 60_000;

describe('local replay memory', () => {
  let dir: string;
  let clock: ReturnType<typeof createManualClock>;
  const stores: Store[] = [];
  const memories: ReplayMemory[] = [];
  const openDb = async () => {
    const store = await openSqliteStore(path.join(dir, 'bot.db'), { clock });
    stores.push(store);
    return store;
  };
  const openMemory = async (store: Store, options: { maxLiveKeys?: number } = {}) => {
    const memory = await openLocalReplayMemory({ store, clock, logger: silentLogger, ...options });
    memories.push(memory);
    return memory;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routine-bot-replay-'));
    clock = createManualClock();
  });
  afterEach(async () => {
    for (const m of memories.splice(0)) await m.close();
    for (const s of stores.splice(0)) await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers at once: the first claim of a key is true, every later one within its ttl false', async () => {
    const memory = await openMemory(await openDb());
    expect(memory.claim('slack-signature:v0=a', TTL)).toBe(true);
    expect(memory.claim('slack-signature:v0=a', TTL)).toBe(false);
    expect(memory.claim('slack-signature:v0=b', TTL)).toBe(true);
    clock.advance(TTL - 1);
    expect(memory.claim('slack-signature:v0=a', TTL)).toBe(false);
    clock.advance(1);
    expect(memory.claim('slack-signature:v0=a', TTL)).toBe(true);
  });

  it('writes the claims behind, once claims stop coming', async () => {
    const store = await openDb();
    const memory = await openMemory(store);
    for (let i = 0; i < 30; i += 1) expect(memory.claim(`slack-signature:v0=${i}`, TTL)).toBe(true);
    await until(async () => (await store.listLiveClaims('slack-')).length === 30, 'the claims to be written');
    const row = (await store.listLiveClaims('slack-signature:v0=7'))[0];
    expect(row).toEqual({ key: 'slack-signature:v0=7', expiresAt: new Date(clock().getTime() + TTL) });
    // What the store holds is a claim for every other path too (e.g. a create's own idempotency check).
    expect(await store.beginIdempotent('slack-signature:v0=7', { ttlMs: TTL })).toMatchObject({ state: 'in_progress' });
  });

  it('refuses after a restart what was claimed before it (reads the live claims back)', async () => {
    const first = await openDb();
    const before = await openMemory(first);
    expect(before.claim('slack-signature:v0=replayed', TTL)).toBe(true);
    expect(before.claim('slack-event:Ev1', TTL)).toBe(true);
    await before.close();
    memories.splice(memories.indexOf(before), 1);
    await first.close();
    stores.splice(stores.indexOf(first), 1);

    clock.advance(60_000);
    const after = await openMemory(await openDb());
    expect(after.claim('slack-signature:v0=replayed', TTL)).toBe(false);
    expect(after.claim('slack-event:Ev1', TTL)).toBe(false);
    expect(after.claim('slack-signature:v0=new', TTL)).toBe(true);
    // Claims read back still expire when they would have.
    clock.advance(TTL - 60_000);
    expect(after.claim('slack-signature:v0=replayed', TTL)).toBe(true);
  });

  it('drops expired keys from memory, and when memory is full lets the store decide, exactly', async () => {
    const store = await openDb();
    const memory = await openMemory(store, { maxLiveKeys: 3 });
    expect(memory.claim('slack-signature:1', TTL)).toBe(true);
    expect(memory.claim('slack-signature:2', TTL)).toBe(true);
    expect(memory.claim('slack-signature:3', TTL)).toBe(true);
    clock.advance(1000);
    // Full: the fourth key is claimed in the store, and a replay of it is refused there.
    expect(await memory.claim('slack-signature:4', TTL)).toBe(true);
    expect(await memory.claim('slack-signature:4', TTL)).toBe(false);
    expect(memory.claim('slack-signature:1', TTL)).toBe(false);
    // The first three expire: memory has room again, yet key 4 is still refused until its own claim expires.
    clock.advance(TTL - 500);
    expect(await memory.claim('slack-signature:4', TTL)).toBe(false);
    expect(await memory.claim('slack-signature:6', TTL)).toBe(true);
    clock.advance(1000);
    // Key 4's claim is over; key 6, claimed in the store while memory had room, is known to memory as well.
    expect(await memory.claim('slack-signature:6', TTL)).toBe(false);
    expect(memory.claim('slack-signature:7', TTL)).toBe(true);
    expect(memory.claim('slack-signature:7', TTL)).toBe(false);
    expect(await memory.claim('slack-signature:4', TTL)).toBe(true);
  });

  it('a released claim can be made again: before it was written behind, after, and across a restart', async () => {
    const store = await openDb();
    const memory = await openMemory(store);
    expect(memory.claim('slack-event:EvA', TTL)).toBe(true);
    // Released before the write behind: never reaches the store.
    await memory.release('slack-event:EvA');
    expect(memory.claim('slack-event:EvA', TTL)).toBe(true);
    expect(memory.claim('slack-event:EvB', TTL)).toBe(true);
    await until(async () => (await store.listLiveClaims('slack-event:')).length === 2, 'the claims to be written');
    // Released after it was written: gone from the store too, so a restart does not refuse it either.
    await memory.release('slack-event:EvB');
    expect((await store.listLiveClaims('slack-event:')).map((c) => c.key)).toEqual(['slack-event:EvA']);
    await memory.close();
    memories.splice(memories.indexOf(memory), 1);
    const after = await openMemory(store);
    expect(after.claim('slack-event:EvA', TTL)).toBe(false);
    expect(after.claim('slack-event:EvB', TTL)).toBe(true);
  });

  it('a release the store fails rejects, and the claims after it are still written behind', async () => {
    const store = await openDb();
    const failingStore = { ...store, abandonIdempotent: () => Promise.reject(new Error('database is locked')) } as Store;
    const memory = await openMemory(failingStore);
    expect(memory.claim('slack-event:EvX', TTL)).toBe(true);
    await expect(memory.release('slack-event:EvX')).rejects.toThrow('database is locked');
    expect(memory.claim('slack-event:EvY', TTL)).toBe(true);
    await until(async () => (await store.listLiveClaims('slack-event:EvY')).length === 1, 'the later claim to be written');
  });

  it('on several replicas every claim is the shared store, and so is a release', async () => {
    const store = await openDb();
    const [a, b] = [storeReplayMemory(store), storeReplayMemory(store)];
    expect(await a.claim('slack-signature:x', TTL)).toBe(true);
    expect(await b.claim('slack-signature:x', TTL)).toBe(false);
    await a.release('slack-signature:x');
    expect(await b.claim('slack-signature:x', TTL)).toBe(true);
  });
});
