import { describe, expect, it } from '@jest/globals';
import { silentLogger } from '../../../src/log.js';
import { OmniApiError, type OmniApiErrorInit } from '../../../src/omni/errors.js';
import { createRetryRunner, DEFAULT_RETRY, isRetryable, retryDelayMs } from '../../../src/omni/retry-policy.js';
import { createManualClock } from '../../fakes/fake-omni-clock.js';

const error = (init: Partial<OmniApiErrorInit> & Pick<OmniApiErrorInit, 'kind' | 'reason'>) =>
  new OmniApiError({ method: 'GET', path: '/v1/whoami', ...init });

const waf = error({ kind: 'rate_limited', reason: 'rate_limited', status: 429, wafThrottled: true });
const plain429 = error({ kind: 'http', reason: 'rate_limited', status: 429 });
const routineLimit = error({ kind: 'http', reason: 'routine_limit', status: 429 });
const serverError = error({ kind: 'http', reason: 'unavailable', status: 503 });
const notFound = error({ kind: 'http', reason: 'not_found', status: 404 });
const refused = error({ kind: 'network', reason: 'unavailable', networkCode: 'ECONNREFUSED', maybeActedOn: false });
const reset = error({ kind: 'network', reason: 'unavailable', networkCode: 'ECONNRESET', maybeActedOn: true });
const timeout = error({ kind: 'timeout', reason: 'unavailable', maybeActedOn: true });
const busy = error({ kind: 'busy', reason: 'busy' });
const badShape = error({ kind: 'invalid_response', reason: 'unexpected_response' });
const badInput = error({ kind: 'invalid_input', reason: 'invalid_request' });

describe('isRetryable', () => {
  it('sends an idempotent request again after throttling, 5xx, timeouts and network errors only', () => {
    const retried = [waf, plain429, routineLimit, serverError, notFound, refused, reset, timeout, busy, badShape, badInput].map((e) =>
      isRetryable(e, true),
    );
    expect(retried).toEqual([true, true, false, true, false, true, true, true, false, false, false]);
  });

  it('sends a POST again only when it cannot have reached Omni’s application', () => {
    const retried = [waf, plain429, serverError, refused, reset, timeout].map((e) => isRetryable(e, false));
    expect(retried).toEqual([true, true, false, true, false, false]);
  });
});

describe('retryDelayMs', () => {
  const policy = { limit: 3, baseDelayMs: 1000, maxDelayMs: 30_000 };

  it('doubles from the base with jitter between half and all of it', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(serverError, n, policy, () => 0))).toEqual([500, 1000, 2000]);
    expect([1, 2, 3].map((n) => retryDelayMs(serverError, n, policy, () => 0.999))).toEqual([1000, 1999, 3998]);
    expect(retryDelayMs(serverError, 10, policy, () => 0.5)).toBe(30_000);
  });

  it('waits at least 5 s for WAF throttling without Retry-After, and exactly Retry-After (capped) when sent', () => {
    expect(retryDelayMs(waf, 1, policy, () => 0.5)).toBe(5000);
    expect(retryDelayMs(waf, 4, policy, () => 0.5)).toBe(6000);
    expect(retryDelayMs(waf.withChanges({ retryAfterSeconds: 7 }), 1, policy, () => 0.5)).toBe(7000);
    expect(retryDelayMs(waf.withChanges({ retryAfterSeconds: 120 }), 1, policy, () => 0.5)).toBe(30_000);
  });
});

describe('createRetryRunner', () => {
  function setup() {
    const time = createManualClock();
    const pauses: number[] = [];
    const withRetries = createRetryRunner({
      policy: DEFAULT_RETRY,
      budget: { pauseUntil: (until) => pauses.push(until - time.now()) },
      logger: silentLogger,
      now: time.now,
      sleep: time.sleep,
      random: () => 0.5,
    });
    return { time, pauses, withRetries };
  }

  it('tries until success, waiting the policy’s delays in between', async () => {
    const { time, withRetries } = setup();
    const attempts: number[] = [];
    const result = await withRetries(true, time.now() + 60_000, async (attempt) => {
      attempts.push(attempt);
      if (attempt < 3) throw serverError;
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toEqual([1, 2, 3]);
    expect(time.sleeps).toEqual([750, 1500]);
  });

  it('gives up after the limit, at once on a failure it must not retry, and when the wait would pass the deadline', async () => {
    const { time, withRetries } = setup();
    let attempts = 0;
    const failWith = (err: OmniApiError) => async () => {
      attempts += 1;
      throw err;
    };
    await expect(withRetries(true, time.now() + 600_000, failWith(serverError))).rejects.toBe(serverError);
    expect(attempts).toBe(1 + DEFAULT_RETRY.limit);
    attempts = 0;
    await expect(withRetries(false, time.now() + 600_000, failWith(reset))).rejects.toBe(reset);
    expect(attempts).toBe(1);
    attempts = 0;
    const sleepsBefore = time.sleeps.length;
    await expect(withRetries(true, time.now() + 1000, failWith(waf))).rejects.toBe(waf);
    expect(attempts).toBe(1);
    expect(time.sleeps).toHaveLength(sleepsBefore);
  });

  it('pauses the shared budget for as long as it waits after WAF throttling, and only then', async () => {
    const { time, pauses, withRetries } = setup();
    let attempt = 0;
    await withRetries(true, time.now() + 60_000, async () => {
      attempt += 1;
      if (attempt === 1) throw serverError;
      if (attempt === 2) throw waf.withChanges({ retryAfterSeconds: 3 });
      return 'ok';
    });
    expect(pauses).toEqual([3000]);
    expect(time.sleeps).toEqual([750, 3000]);
  });

  it('passes errors that are not Omni’s straight through', async () => {
    const { time, withRetries } = setup();
    const bug = new TypeError('a bug');
    await expect(withRetries(true, time.now() + 60_000, async () => Promise.reject(bug))).rejects.toBe(bug);
    expect(time.sleeps).toEqual([]);
  });
});
