import { afterEach, describe, expect, it } from '@jest/globals';
import { OmniApiError } from '../../../src/omni/errors.js';
import { createRateBudget } from '../../../src/omni/rate-budget.js';
import { createManualClock } from '../../fakes/fake-omni-clock.js';
import { setupClient, type ClientSetup } from './setup-client.js';

describe('rate budget', () => {
  it('starts with a burst of perMinute/6 and refills at the rest of the minute', () => {
    const time = createManualClock();
    const budget = createRateBudget({ perMinute: 60, clock: time.clock });
    expect(budget.available()).toBe(10);
    for (let i = 0; i < 10; i += 1) expect(budget.tryAcquire()).toBe(true);
    expect(budget.tryAcquire()).toBe(false);
    time.advance(1199);
    expect(budget.tryAcquire()).toBe(false);
    time.advance(1); // 50 a minute: one token every 1.2 s
    expect(budget.tryAcquire()).toBe(true);
    time.advance(10 * 60_000);
    expect(budget.available()).toBe(10); // never more than the burst
  });

  it('never admits more than perMinute in any 60-second window, however the calls are spread', async () => {
    const time = createManualClock();
    const budget = createRateBudget({ perMinute: 60, clock: time.clock, sleep: time.sleep });
    const admitted: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      if (i % 7 === 0) time.advance(4000); // idle spells that let the burst refill
      await budget.acquire(time.now() + 60_000);
      admitted.push(time.now());
    }
    for (const start of admitted) {
      expect(admitted.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(60);
    }
  });

  it('queues waiters first come, first served (reservations), each sleeping until its own token', async () => {
    const time = createManualClock();
    const sleeps: number[] = [];
    const budget = createRateBudget({ perMinute: 60, clock: time.clock, sleep: async (ms) => void sleeps.push(ms) });
    for (let i = 0; i < 10; i += 1) budget.tryAcquire();
    await Promise.all([budget.acquire(time.now() + 60_000), budget.acquire(time.now() + 60_000), budget.acquire(time.now() + 60_000)]);
    expect(sleeps).toEqual([1200, 2400, 3600]);
  });

  it('refuses at once, with "Omni is busy", a waiter whose token would come after its deadline', async () => {
    const time = createManualClock();
    const budget = createRateBudget({ perMinute: 60, clock: time.clock, sleep: time.sleep });
    for (let i = 0; i < 10; i += 1) budget.tryAcquire();
    const err = await budget.acquire(time.now() + 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OmniApiError);
    expect(err).toMatchObject({ kind: 'busy', reason: 'busy', message: 'Omni is busy right now; try again in a minute' });
    expect(time.sleeps).toEqual([]);
    // The refused waiter reserved nothing: the next one still gets the first token.
    await budget.acquire(time.now() + 1200);
    expect(time.sleeps).toEqual([1200]);
  });

  it('pauseUntil drains the burst and holds everyone until the pause ends', async () => {
    const time = createManualClock();
    const budget = createRateBudget({ perMinute: 60, clock: time.clock, sleep: time.sleep });
    budget.pauseUntil(time.now() + 30_000);
    expect(budget.available()).toBe(0);
    expect(budget.tryAcquire()).toBe(false);
    await expect(budget.acquire(time.now() + 29_000)).rejects.toMatchObject({ reason: 'busy' });
    await budget.acquire(time.now() + 60_000);
    expect(time.sleeps).toEqual([31_200]); // the pause, then one refill interval
  });

  it('with a full-size burst, 60 go at once and the 61st waits a minute', async () => {
    const time = createManualClock();
    const budget = createRateBudget({ perMinute: 60, burst: 60, clock: time.clock, sleep: time.sleep });
    for (let i = 0; i < 60; i += 1) await budget.acquire(time.now());
    await expect(budget.acquire(time.now() + 30_000)).rejects.toMatchObject({ reason: 'busy' });
    await budget.acquire(time.now() + 60_000);
    expect(time.sleeps).toEqual([60_000]);
  });
});

describe('rate budget in front of the client', () => {
  let s: ClientSetup;
  afterEach(async () => {
    await s.close();
  });

  it('61 quick calls at 60/minute on a frozen clock: the burst goes through, then "busy" by the deadline, with no request sent', async () => {
    s = await setupClient({ perMinute: 60, client: { maxWaitMs: 0 } });
    const outcomes: string[] = [];
    for (let i = 0; i < 61; i += 1) {
      outcomes.push(await s.client.whoami().then(() => 'ok', (e: unknown) => (e instanceof OmniApiError ? e.reason : 'other')));
    }
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(10);
    expect(outcomes.slice(10).every((o) => o === 'busy')).toBe(true);
    expect(s.fake.requests).toHaveLength(10);
    const busy = await s.client.whoami().catch((e: unknown) => e);
    expect(busy).toMatchObject({ kind: 'busy', method: 'GET', path: '/v1/whoami', status: undefined });
  });

  it('61 calls that may wait: all succeed, spaced out so the fake WAF (60/min) never answers 429', async () => {
    s = await setupClient({ perMinute: 60, client: { maxWaitMs: 120_000 } });
    for (let i = 0; i < 61; i += 1) await s.client.whoami();
    expect(s.fake.requests.every((r) => r.status === 200)).toBe(true);
    expect(s.fake.requests).toHaveLength(61);
    expect(s.budgetSleeps.length).toBe(51);
    const times = s.fake.requests.map((r) => r.at);
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(60);
  });

  it('without the budget holding back, the fake WAF does block the 61st request in a minute', async () => {
    s = await setupClient({ perMinute: 10_000 });
    for (let i = 0; i < 60; i += 1) await s.client.whoami();
    const err = await s.client.whoami().catch((e: unknown) => e);
    // The client retries the WAF 429 three times (5 s floor each); 15 s later the window is still full.
    expect(s.fake.requests.slice(60).map((r) => r.status)).toEqual([429, 429, 429, 429]);
    expect(err).toMatchObject({ reason: 'rate_limited', wafThrottled: true, status: 429 });
  });
});
