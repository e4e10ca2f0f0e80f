/**
 * Which failed Omni requests are sent again, after how long, and the loop that does it. Retries are ours and
 * explicit (got's own are off):
 *  - idempotent requests (GET, PUT, PATCH, DELETE) retry on WAF throttling, 5xx, timeouts and network errors;
 *  - POSTs (create, run now) retry only what cannot have reached Omni's application (WAF 429s, refused
 *    connections); create-recovery.ts handles the ambiguous rest of a create.
 * @see docs/omni-api.md (§1.4 rate limit and retries)
 */
import type { Logger } from '../log.js';
import { OmniApiError, type OmniErrorKind } from './errors.js';
import type { RateBudget } from './rate-budget.js';

export interface OmniRetryPolicy {
  /** Retries after the first attempt. */
  limit: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Three retries cover a WAF minute with Omni's recommended backoff; more would keep a Slack user waiting for
 * nothing. The 5-second floor for WAF throttling without Retry-After follows docs/omni-api.md §1.4.
 */
export const DEFAULT_RETRY: OmniRetryPolicy = { limit: 3, baseDelayMs: 1000, maxDelayMs: 30_000 };
const WAF_FLOOR_MS = 5000;

/** Whether sending the request again is safe and may help, per kind of failure: a new kind must be decided here. */
const RETRYABLE: Record<OmniErrorKind, (err: OmniApiError, idempotent: boolean) => boolean> = {
  rate_limited: () => true, // the WAF blocks before the app: nothing was acted on
  http: (err, idempotent) =>
    (err.status === 429 && err.reason === 'rate_limited') || (idempotent && err.status !== undefined && err.status >= 500),
  network: (err, idempotent) => idempotent || !err.maybeActedOn,
  timeout: (_err, idempotent) => idempotent,
  busy: () => false, // the budget already waited as long as the call may
  invalid_response: () => false,
  invalid_input: () => false,
};

export function isRetryable(err: OmniApiError, idempotent: boolean): boolean {
  return RETRYABLE[err.kind](err, idempotent);
}

/**
 * The wait before retry number `retryNumber` (1-based): Omni's Retry-After when it sent one, else exponential
 * backoff with jitter (`random` in [0, 1)), at least the WAF floor for WAF throttling, never above maxDelayMs.
 */
export function retryDelayMs(err: OmniApiError, retryNumber: number, policy: OmniRetryPolicy, random: () => number): number {
  if (err.retryAfterSeconds !== undefined) return Math.min(err.retryAfterSeconds * 1000, policy.maxDelayMs);
  const exponential = policy.baseDelayMs * 2 ** (retryNumber - 1);
  const jittered = exponential * (0.5 + 0.5 * random()); // spread callers that failed together
  const floored = err.wafThrottled ? Math.max(jittered, WAF_FLOOR_MS) : jittered;
  return Math.round(Math.min(floored, policy.maxDelayMs));
}

export interface RetryRunnerOptions {
  policy: OmniRetryPolicy;
  /** Paused for everyone while the WAF throttles the key. */
  budget: Pick<RateBudget, 'pauseUntil'>;
  logger: Logger;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/**
 * Runs `attemptOnce` until it succeeds, fails for good, runs out of retries, or the next wait would pass the
 * deadline. `attemptOnce` may turn an error into a result (DELETE's 404 on a retry).
 */
export type WithRetries = <T>(idempotent: boolean, deadline: number, attemptOnce: (attempt: number) => Promise<T>, log?: Logger) => Promise<T>;

export function createRetryRunner(options: RetryRunnerOptions): WithRetries {
  const { policy, budget, logger, now, sleep, random } = options;
  return async function withRetries<T>(idempotent: boolean, deadline: number, attemptOnce: (attempt: number) => Promise<T>, log: Logger = logger): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await attemptOnce(attempt);
      } catch (err) {
        if (!(err instanceof OmniApiError) || attempt > policy.limit || !isRetryable(err, idempotent)) throw err;
        const delay = retryDelayMs(err, attempt, policy, random);
        // Other callers share the key's WAF bucket: stop them too rather than let them hammer it.
        if (err.wafThrottled) budget.pauseUntil(now() + delay);
        if (now() + delay > deadline) throw err;
        log.info('omni retry', { method: err.method, path: err.path, attempt, delayMs: delay, failure: err.kind, status: err.status });
        await sleep(delay);
      }
    }
  };
}
