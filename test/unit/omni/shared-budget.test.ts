/**
 * The Omni budget shared by replicas: its sizing (no sliding minute over the limit), one counter for every replica
 * on the same database (Postgres and a SQLite file), a WAF pause that stops every replica, deadlines that refuse at
 * once instead of waiting past them, a per-user share, and the in-memory share while the database is unreachable.
 */
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { OmniApiError } from '../../../src/omni/errors.js';
import { budgetWindows, createSharedBudget, openSharedBudget, perUserShare, worstMinute, type SharedBudget } from '../../../src/omni/shared-budget.js';
import { type BudgetBackend, openBudgetBackend } from '../../../src/store/budget-backend.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';

const realClock = () => new Date();

/** Fires `n` acquires spread over `budgets` that may not wait at all; returns how many got through. */
async function burst(budgets: SharedBudget[], n: number, user?: (i: number) => string): Promise<number> {
  const deadline = Date.now(); // any wait would pass it: refused at once
  const outcomes = await Promise.allSettled(Array.from({ length: n }, (_, i) => budgets[i % budgets.length]!.acquire(deadline, user?.(i))));
  for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ kind: 'busy' });
  return outcomes.filter((o) => o.status === 'fulfilled').length;
}

describe('budget sizing', () => {
  it('gives 5 per 6 s for 60 a minute, where one 60-second window of 60 would let 120 into a sliding minute', () => {
    expect(budgetWindows(60)).toEqual({ points: 5, windowMs: 6000 });
    expect(worstMinute(budgetWindows(60))).toBe(55);
    expect(worstMinute({ points: 60, windowMs: 60_000 })).toBe(120);
  });

  it('never lets a sliding minute exceed the limit, for every limit from 2 to 2000', () => {
    for (let perMinute = 2; perMinute <= 2000; perMinute += 1) {
      const w = budgetWindows(perMinute);
      expect(w.points).toBeGreaterThanOrEqual(1);
      expect(worstMinute(w)).toBeLessThanOrEqual(perMinute);
    }
  });

  it('holds in a model of the limiter’s windows under arbitrary arrivals (window opens at the first request after the last one closed)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const perMinute of [2, 5, 11, 60, 61, 300]) {
      const { points, windowMs } = budgetWindows(perMinute);
      const admitted: number[] = [];
      let windowEnd = -1;
      let used = 0;
      let t = 0;
      for (let i = 0; i < 5000; i += 1) {
        t += Math.floor(random() * (random() < 0.1 ? 20_000 : 400));
        if (t >= windowEnd) {
          windowEnd = t + windowMs;
          used = 0;
        }
        if (used < points) {
          used += 1;
          admitted.push(t);
        }
      }
      let j = 0;
      for (let i = 0; i < admitted.length; i += 1) {
        while (admitted[i]! - admitted[j]! >= 60_000) j += 1;
        expect(i - j + 1).toBeLessThanOrEqual(perMinute);
      }
    }
  });

  it('gives one user half of a steady minute, counted over 60 s', () => {
    expect(perUserShare(budgetWindows(60))).toEqual({ points: 25, durationSec: 60 });
    expect(perUserShare({ points: 1, windowMs: 60_000 })).toEqual({ points: 1, durationSec: 60 });
  });
});

describe('shared budget on Postgres', () => {
  let database: TestDatabase;
  const backends: BudgetBackend[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    for (const b of backends.splice(0)) await b.close();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('DELETE FROM routine_bot_omni_budget').catch(() => undefined);
    await client.end();
  });
  afterAll(async () => {
    await database.drop();
  });

  /** A replica: its own connection pool and limiters on the shared database. */
  const replica = async (windows = { points: 5, windowMs: 60_000 }, sleep?: (ms: number) => Promise<void>) => {
    const backend = await openBudgetBackend(database.url);
    backends.push(backend);
    const org = await backend.createLimiter({ keyPrefix: 'omni-org', points: windows.points, durationSec: windows.windowMs / 1000 });
    const perUser = await backend.createLimiter({ keyPrefix: 'omni-user', points: perUserShare(windows).points, durationSec: 60 });
    return createSharedBudget({ limiters: { org, perUser }, windows, clock: realClock, storeTimeoutMs: 5000, ...(sleep ? { sleep } : {}) });
  };

  it('lets three replicas together through exactly one window’s points', async () => {
    const replicas = [await replica(), await replica(), await replica()];
    expect(await burst(replicas, 30)).toBe(5);
    expect(replicas.every((r) => r.isShared())).toBe(true);
  });

  it('stops every replica for a WAF pause seen by one, refusing at once when the pause outlasts the deadline', async () => {
    const sleeps: number[] = [];
    const [a, b] = [await replica(), await replica(undefined, async (ms) => void sleeps.push(ms))];
    a!.pauseUntil(Date.now() + 30_000);
    await a!.settled();
    const err = await b!.acquire(Date.now() + 2000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OmniApiError);
    expect((err as OmniApiError).kind).toBe('busy');
    expect(sleeps).toEqual([]); // refused without waiting for a turn that would come too late
  });

  it('waits for the next window when the deadline allows it', async () => {
    const sleeps: number[] = [];
    const windows = { points: 1, windowMs: 300 };
    const budget = await replica(windows, async (ms) => {
      sleeps.push(ms);
      await new Promise((resolve) => setTimeout(resolve, ms));
    });
    await budget.acquire(Date.now() + 5000);
    await budget.acquire(Date.now() + 5000);
    expect(sleeps.length).toBeGreaterThanOrEqual(1);
    for (const ms of sleeps) expect(ms).toBeLessThanOrEqual(windows.windowMs + 20);
  });

  it('keeps one user to their share while others still get through, without spending the org’s points on refusals', async () => {
    const windows = { points: 10, windowMs: 60_000 }; // a user's share: 5
    const replicas = [await replica(windows), await replica(windows)];
    expect(await burst(replicas, 12, () => 'U-alice')).toBe(5);
    expect(await burst(replicas, 12, (i) => `U-${i}`)).toBe(5); // the rest of the org's 10
  });

  it('builds its limiters through openSharedBudget from the limit per minute', async () => {
    const backend = await openBudgetBackend(database.url);
    backends.push(backend);
    const budget = await openSharedBudget((spec) => backend.createLimiter(spec), { perMinute: 60, clock: realClock, storeTimeoutMs: 5000 });
    expect(await burst([budget], 12)).toBe(5);
  });
});

describe('shared budget: the waiters of one process', () => {
  it('are served in the order they came: a later request does not take the point an earlier one waits for', async () => {
    // One point a window of 250 ms. Newcomers keep arriving just after each window opens, before the waiting
    // request's own poll (jitter up to 20 ms after it): polling on their own, they took that point first.
    const windows = { points: 1, windowMs: 250 };
    const org = new RateLimiterMemory({ keyPrefix: 'fair-org', points: windows.points, duration: windows.windowMs / 1000 });
    const budget = createSharedBudget({ limiters: { org }, windows, clock: realClock, random: () => 0.95 });
    const granted: string[] = [];
    const ask = (name: string) => budget.acquire(Date.now() + 5000).then(() => void granted.push(name));
    const started = Date.now();
    await ask('first');
    const waiting = [ask('second')];
    for (let i = 1; i <= 3; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + i * windows.windowMs + 3 - Date.now())));
      waiting.push(ask(`newcomer ${i}`));
    }
    await Promise.all(waiting);
    expect(granted).toEqual(['first', 'second', 'newcomer 1', 'newcomer 2', 'newcomer 3']);
  });

  it('refuses at once a waiter whose turn cannot come before its deadline, and lets the others keep their places', async () => {
    const windows = { points: 1, windowMs: 400 };
    const org = new RateLimiterMemory({ keyPrefix: 'fair-org-2', points: windows.points, duration: windows.windowMs / 1000 });
    const budget = createSharedBudget({ limiters: { org }, windows, clock: realClock, random: () => 0 });
    await budget.acquire(Date.now() + 5000);
    let secondServed = false;
    const second = budget.acquire(Date.now() + 5000).then(() => {
      secondServed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Third in line: its turn is at least two windows away, past a deadline one window away. Refused at once:
    // before the one ahead of it is served.
    const err = await budget.acquire(Date.now() + windows.windowMs).catch((e: unknown) => e);
    expect((err as OmniApiError).kind).toBe('busy');
    expect(secondServed).toBe(false);
    await second;
    // The line is empty again: the next one asks at once.
    await budget.acquire(Date.now() + 5000);
  });
});

describe('shared budget while the database is unreachable', () => {
  let refused: net.Server;
  let port: number;
  beforeAll(async () => {
    // A port that takes connections and drops them at once: the database is gone mid-blip.
    refused = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => refused.listen(0, '127.0.0.1', resolve));
    port = (refused.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => refused.close(resolve));
  });

  it('falls back to this replica’s share of the budget (1/replicas) and says so', async () => {
    const pool = new pg.Pool({ connectionString: `postgres://u:p@127.0.0.1:${port}/db`, connectionTimeoutMillis: 2000 });
    pool.on('error', () => {});
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (msg: string) => void warnings.push(msg), error() {}, child: () => logger } as never;
    try {
      const org = new RateLimiterPostgres({ storeClient: pool, storeType: 'pool', tableName: 'routine_bot_omni_budget', tableCreated: true, clearExpiredByTimeout: false, keyPrefix: 'omni-org', points: 6, duration: 60 });
      const budget = createSharedBudget({ limiters: { org }, windows: { points: 6, windowMs: 60_000 }, clock: realClock, replicas: 3, storeTimeoutMs: 1000, logger });
      expect(await burst([budget], 10)).toBe(2);
      expect(budget.isShared()).toBe(false);
      expect(warnings.join('\n')).toMatch(/shared Omni budget unavailable/);
    } finally {
      await pool.end();
    }
  });
});

describe('shared budget on one SQLite file', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routine-bot-budget-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is one counter for every handle on the file', async () => {
    const url = `sqlite:${path.join(dir, 'bot.db')}`;
    const backends = [await openBudgetBackend(url), await openBudgetBackend(url)];
    try {
      const windows = { points: 4, windowMs: 60_000 };
      const budgets = await Promise.all(
        backends.map(async (b) =>
          createSharedBudget({
            limiters: { org: await b.createLimiter({ keyPrefix: 'omni-org', points: 4, durationSec: 60 }) },
            windows,
            clock: realClock,
            storeTimeoutMs: 5000,
          }),
        ),
      );
      expect(await burst(budgets, 10)).toBe(4);
    } finally {
      for (const b of backends) await b.close();
    }
  });
});
