import { afterEach, describe, expect, it } from '@jest/globals';
import { OmniApiError } from '../../../src/omni/errors.js';
import { emailBody, setupClient, type ClientSetup } from './setup-client.js';

let s: ClientSetup;
afterEach(async () => {
  await s.close();
});

async function failureOf(promise: Promise<unknown>): Promise<OmniApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof OmniApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

const statuses = (setup: ClientSetup, method?: string) =>
  setup.fake.requests.filter((r) => method === undefined || r.method === method).map((r) => r.status);

describe('retries of idempotent requests', () => {
  it('WAF 429 without Retry-After: backs off at least 5 s, then succeeds', async () => {
    s = await setupClient();
    s.fake.inject({ match: { path: '/v1/whoami' }, times: 2, fault: { type: 'waf429' } });
    await expect(s.client.whoami()).resolves.toMatchObject({ keyScope: 'organization' });
    expect(statuses(s)).toEqual([429, 429, 200]);
    // random() = 0.5 → exponential 750 ms and 1500 ms, both raised to the 5-second WAF floor.
    expect(s.retrySleeps).toEqual([5000, 5000]);
  });

  it('WAF 429 with a numeric Retry-After: waits exactly that long, capped at maxDelayMs', async () => {
    s = await setupClient({ client: { maxWaitMs: 60_000 } });
    s.fake.inject({ match: { path: '/v1/whoami' }, fault: { type: 'waf429', retryAfter: 7 } });
    s.fake.inject({ match: { path: '/v1/whoami' }, fault: { type: 'waf429', retryAfter: 120 } });
    await s.client.whoami();
    expect(s.retrySleeps).toEqual([7000, 30_000]);
    expect(statuses(s)).toEqual([429, 429, 200]);
  });

  it('a WAF 429 pauses the shared budget, so other callers stop too', async () => {
    s = await setupClient({ perMinute: 600 });
    const seenDuringBackoff: Array<{ available: number; tryAcquire: boolean }> = [];
    const { createOmniClient } = await import('../../../src/omni/client.js');
    const client = createOmniClient({
      baseUrl: s.fake.url,
      apiKey: s.fake.apiKey,
      budget: s.budget,
      logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } },
      clock: s.time.clock,
      sleep: async (ms) => {
        seenDuringBackoff.push({ available: s.budget.available(), tryAcquire: s.budget.tryAcquire() });
        s.time.advance(ms);
      },
    });
    expect(s.budget.available()).toBeGreaterThan(50);
    s.fake.inject({ match: { path: '/v1/whoami' }, fault: { type: 'waf429', retryAfter: 3 } });
    await client.whoami();
    expect(seenDuringBackoff).toEqual([{ available: 0, tryAcquire: false }]);
  });

  it('5xx then success, with exponential backoff', async () => {
    s = await setupClient();
    s.fake.inject({ match: { path: '/v1/models' }, times: 2, fault: { type: 'status', status: 503 } });
    await expect(s.client.listSharedModels()).resolves.toHaveLength(1);
    expect(statuses(s)).toEqual([503, 503, 200]);
    expect(s.retrySleeps).toEqual([750, 1500]); // 1000·2^(n-1)·(0.5 + 0.5·0.5)
  });

  it('gives up after the retry limit with reason unavailable', async () => {
    s = await setupClient();
    s.fake.inject({ match: { path: '/v1/whoami' }, times: Infinity, fault: { type: 'status', status: 502 } });
    const err = await failureOf(s.client.whoami());
    expect(err).toMatchObject({ status: 502, reason: 'unavailable', kind: 'http', maybeActedOn: false });
    expect(statuses(s)).toEqual([502, 502, 502, 502]); // 1 + limit 3
  });

  it('gives up at once when the wait would pass the call deadline', async () => {
    s = await setupClient({ client: { maxWaitMs: 10_000 } });
    s.fake.inject({ match: { path: '/v1/whoami' }, fault: { type: 'waf429', retryAfter: 25 } });
    const err = await failureOf(s.client.whoami());
    expect(err).toMatchObject({ status: 429, reason: 'rate_limited', wafThrottled: true, retryAfterSeconds: 25 });
    expect(statuses(s)).toEqual([429]);
    expect(s.retrySleeps).toEqual([]);
  });

  it('a connection reset before acting, on a GET: retried, then success', async () => {
    s = await setupClient();
    s.fake.inject({ match: { path: '/scim/v2/users' }, fault: { type: 'reset-before' } });
    await expect(s.client.findUsersByEmail('alice@acme.com')).resolves.toHaveLength(1);
    expect(statuses(s)).toEqual([0, 200]);
  });

  it('a GET that times out: retried, then success', async () => {
    s = await setupClient({ client: { timeoutMs: 300 } });
    s.fake.inject({ match: { path: '/v1/whoami' }, fault: { type: 'delay-before', ms: 3000 } });
    await expect(s.client.whoami()).resolves.toMatchObject({ keyScope: 'organization' });
    expect(s.fake.requests.map((r) => r.path)).toEqual(['/v1/whoami', '/v1/whoami']);
    expect(s.retrySleeps).toHaveLength(1);
  });

  it('4xx are not retried', async () => {
    s = await setupClient();
    await failureOf(s.client.getRoutine(s.alice, '33333333-3333-4333-8333-333333333333'));
    expect(statuses(s)).toEqual([404]);
  });

  it('an unreachable Omni: network error, reason unavailable, retried then given up', async () => {
    s = await setupClient();
    await s.fake.close();
    const err = await failureOf(s.client.whoami());
    expect(err).toMatchObject({ kind: 'network', reason: 'unavailable', networkCode: 'ECONNREFUSED', status: undefined });
    expect(s.retrySleeps).toHaveLength(3);
    s = await setupClient(); // so afterEach has something open to close
  });
});

describe('DELETE: retried, and a 404 after an ambiguous attempt counts as deleted', () => {
  it('reset after deleting → retry sees 404 → success, alreadyDeleted', async () => {
    s = await setupClient();
    const { id } = await s.client.createRoutine(s.alice, emailBody(s.modelId));
    s.fake.inject({ match: { method: 'DELETE' }, fault: { type: 'reset-after' } });
    await expect(s.client.deleteRoutine(s.alice, id)).resolves.toEqual({ deleted: true, id, alreadyDeleted: true });
    expect(statuses(s, 'DELETE')).toEqual([0, 404]);
    expect(s.fake.routinesOf(s.alice)).toEqual([]);
  });

  it('a 404 on the first attempt is a real not_found', async () => {
    s = await setupClient();
    const err = await failureOf(s.client.deleteRoutine(s.alice, '44444444-4444-4444-8444-444444444444'));
    expect(err).toMatchObject({ status: 404, reason: 'not_found' });
  });

  it('pause/resume (PUT) retries a 5xx: setting the same state twice is harmless', async () => {
    s = await setupClient();
    const { id } = await s.client.createRoutine(s.alice, emailBody(s.modelId));
    const routine = await s.client.getRoutine(s.alice, id);
    s.fake.inject({ match: { method: 'PUT' }, fault: { type: 'status-after', status: 500 } });
    await expect(s.client.updateRoutine(s.alice, id, { name: routine.name, prompt: routine.prompt, schedule: routine.schedule, isActive: false }, 'PUT')).resolves.toMatchObject({ disabled: true });
    expect(statuses(s, 'PUT')).toEqual([500, 200]);
  });
});

describe('create: never duplicated, never lost', () => {
  const createPosts = (setup: ClientSetup) => setup.fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/ai/routines');

  it('reset after acting → found by the lookup, recovered, exactly one routine', async () => {
    s = await setupClient();
    s.fake.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, fault: { type: 'reset-after' } });
    const result = await s.client.createRoutine(s.alice, emailBody(s.modelId));
    const routines = s.fake.routinesOf(s.alice);
    expect(routines.map((r) => r.id)).toEqual([result.id]);
    expect(result.recovered).toBe(true);
    expect(createPosts(s)).toHaveLength(1);
    expect(s.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/ai/routines', 'GET /v1/ai/routines']);
  });

  it('acted, then 500 → recovered, exactly one', async () => {
    s = await setupClient();
    s.fake.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, fault: { type: 'status-after', status: 500 } });
    const result = await s.client.createRoutine(s.alice, emailBody(s.modelId));
    expect(result.recovered).toBe(true);
    expect(s.fake.routinesOf(s.alice).map((r) => r.id)).toEqual([result.id]);
    expect(createPosts(s)).toHaveLength(1);
  });

  it('acted, then too slow (timeout) → waits a moment, recovered, exactly one', async () => {
    s = await setupClient({ client: { timeoutMs: 300, recoveryDelayMs: 2000 } });
    s.fake.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, fault: { type: 'delay', ms: 5000 } });
    const result = await s.client.createRoutine(s.alice, emailBody(s.modelId));
    expect(result.recovered).toBe(true);
    expect(s.fake.routinesOf(s.alice).map((r) => r.id)).toEqual([result.id]);
    expect(createPosts(s)).toHaveLength(1);
    expect(s.retrySleeps).toEqual([2000]);
  });

  it('reset before acting → lookup finds nothing → sent once more → exactly one', async () => {
    s = await setupClient();
    s.fake.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, fault: { type: 'reset-before' } });
    const result = await s.client.createRoutine(s.alice, emailBody(s.modelId));
    expect(result.recovered).toBe(false);
    expect(s.fake.routinesOf(s.alice).map((r) => r.id)).toEqual([result.id]);
    expect(s.fake.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 0', 'GET 200', 'POST 201']);
  });

  it('ambiguous twice → gives up saying it may or may not exist; never a third send', async () => {
    s = await setupClient();
    s.fake.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, times: 2, fault: { type: 'status', status: 503 } });
    const err = await failureOf(s.client.createRoutine(s.alice, emailBody(s.modelId)));
    expect(err).toMatchObject({ reason: 'ambiguous', maybeActedOn: true, status: 503 });
    expect(err.message).toMatch(/may or may not exist/);
    expect(s.fake.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 503', 'GET 200', 'POST 503', 'GET 200']);
    expect(s.fake.routinesOf(s.alice)).toEqual([]);
  });

  it('ambiguous, and the lookup itself fails → gives up without sending again', async () => {
    s = await setupClient();
    s.fake.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, fault: { type: 'reset-after' } });
    s.fake.inject({ match: { method: 'GET', path: '/v1/ai/routines' }, times: Infinity, fault: { type: 'status', status: 500 } });
    const err = await failureOf(s.client.createRoutine(s.alice, emailBody(s.modelId)));
    expect(err.reason).toBe('ambiguous');
    expect(createPosts(s)).toHaveLength(1);
    expect(s.fake.routinesOf(s.alice)).toHaveLength(1); // it did exist: "may or may not" was the honest answer
  });

  it('a WAF 429 on create is not ambiguous (the WAF blocks before the app): retried, exactly one, no lookup', async () => {
    s = await setupClient();
    s.fake.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, fault: { type: 'waf429', retryAfter: 2 } });
    const result = await s.client.createRoutine(s.alice, emailBody(s.modelId));
    expect(result.recovered).toBe(false);
    expect(s.fake.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 429', 'POST 201']);
    expect(s.fake.routinesOf(s.alice)).toHaveLength(1);
  });

  it('the lookup ignores an identical routine created long ago (and so creates the new one)', async () => {
    s = await setupClient();
    const body = emailBody(s.modelId);
    const old = s.fake.addRoutine(s.alice, { ...body, createdAt: new Date(s.time.now() - 20 * 60_000).toISOString() });
    s.fake.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, fault: { type: 'reset-before' } });
    const result = await s.client.createRoutine(s.alice, body);
    expect(result).toEqual({ id: expect.any(String), recovered: false });
    expect(result.id).not.toBe(old);
    expect(s.fake.routinesOf(s.alice).map((r) => r.id)).toEqual([result.id, old]);
  });

  it('the lookup does not take a different routine created at the same time', async () => {
    s = await setupClient();
    s.fake.addRoutine(s.alice, { ...emailBody(s.modelId), prompt: 'Another prompt', createdAt: new Date(s.time.now()).toISOString() });
    s.fake.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, fault: { type: 'reset-before' } });
    const result = await s.client.createRoutine(s.alice, emailBody(s.modelId));
    expect(result.recovered).toBe(false);
    expect(s.fake.routinesOf(s.alice)).toHaveLength(2);
  });
});

describe('run now: never run twice by a retry', () => {
  it('reset after starting the run → ambiguous error, exactly one run', async () => {
    s = await setupClient();
    const { id } = await s.client.createRoutine(s.alice, emailBody(s.modelId));
    s.fake.inject({ match: { method: 'POST', path: /\/trigger$/ }, fault: { type: 'reset-after' } });
    const err = await failureOf(s.client.triggerRoutine(s.alice, id));
    expect(err).toMatchObject({ reason: 'ambiguous', maybeActedOn: true });
    expect(s.fake.routine(id)?.runs).toHaveLength(1);
    expect(s.fake.requests.filter((r) => r.path.endsWith('/trigger'))).toHaveLength(1);
  });

  it('a 5xx on trigger is not retried either', async () => {
    s = await setupClient();
    const { id } = await s.client.createRoutine(s.alice, emailBody(s.modelId));
    s.fake.inject({ match: { path: /\/trigger$/ }, fault: { type: 'status', status: 500 } });
    expect(await failureOf(s.client.triggerRoutine(s.alice, id))).toMatchObject({ reason: 'ambiguous', status: 500 });
    expect(s.fake.requests.filter((r) => r.path.endsWith('/trigger'))).toHaveLength(1);
  });

  it('a WAF 429 on trigger is retried: one run', async () => {
    s = await setupClient();
    const { id } = await s.client.createRoutine(s.alice, emailBody(s.modelId));
    s.fake.inject({ match: { path: /\/trigger$/ }, fault: { type: 'waf429' } });
    await expect(s.client.triggerRoutine(s.alice, id)).resolves.toEqual({ id: expect.any(String) });
    expect(s.fake.routine(id)?.runs).toHaveLength(1);
    expect(s.fake.requests.filter((r) => r.path.endsWith('/trigger')).map((r) => r.status)).toEqual([429, 202]);
  });
});
