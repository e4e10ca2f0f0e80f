/**
 * One token bucket in front of every Omni request of the process. Omni limits 60 requests a minute per key at its
 * WAF, and every client of the key shares that bucket (docs/omni-api.md §1.4), so we stay under it here rather
 * than discover it through 429s.
 *
 * Capacity: a burst of perMinute/6 (10 at the default 60), refilled continuously at (perMinute - burst) a minute.
 * A bucket of capacity B refilled at r per minute admits at most B + r requests in any 60-second window, so this
 * choice never exceeds perMinute in any window, whatever the WAF's window alignment; a full-size burst (B =
 * perMinute at perMinute a minute) would admit twice the limit in the minute after an idle spell. Ten at once is
 * plenty for one modal (a model page, topics, a SCIM lookup); steady throughput is 50 a minute at the default.
 *
 * Waiters reserve a token (the count may go negative) and sleep until it is theirs, so they are served first come,
 * first served; a waiter whose token would arrive after its deadline is refused at once with a 'busy' error.
 */
import type { Clock } from '../clock.js';
import { OmniApiError } from './errors.js';

export interface RateBudget {
  /**
   * Wait for a token; rejects with OmniApiError kind 'busy' if none can be had by `deadlineMs` (epoch ms). `user`
   * (the acting Omni membership) lets a budget keep a per-user share; this in-process bucket ignores it.
   */
  acquire(deadlineMs: number, user?: string): Promise<void>;
  /** Take a token only if one is free right now. */
  tryAcquire(): boolean;
  /** Whole tokens free right now. */
  available(): number;
  /** Hand out nothing before `untilMs` and drop the saved-up burst: the WAF said this key is throttled. */
  pauseUntil(untilMs: number): void;
}

export interface RateBudgetOptions {
  perMinute: number;
  clock: Clock;
  sleep?: (ms: number) => Promise<void>;
  /** Tokens that can be spent at once; defaults to max(1, floor(perMinute / 6)). */
  burst?: number;
}

const MINUTE_MS = 60_000;

export function createBusyError(): OmniApiError {
  return new OmniApiError({ kind: 'busy', reason: 'busy', method: '-', path: '-' });
}

export function createRateBudget(options: RateBudgetOptions): RateBudget {
  const { perMinute, clock } = options;
  if (!Number.isFinite(perMinute) || perMinute < 1) throw new RangeError('perMinute must be at least 1');
  const burst = Math.min(perMinute, Math.max(1, options.burst ?? Math.floor(perMinute / 6)));
  // At perMinute = 1 the window guarantee cannot hold with any refill; one a minute is the closest.
  const perMs = Math.max(perMinute - burst, 1) / MINUTE_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  let tokens = burst;
  let last = clock().getTime();
  let pausedUntil = 0;

  const refill = (now: number) => {
    const from = Math.max(last, pausedUntil);
    if (now > from) tokens = Math.min(burst, tokens + (now - from) * perMs);
    if (now > last) last = now;
  };

  /** When a token reserved now would be ours. */
  const readyAt = (now: number) => Math.max(now, pausedUntil) + (tokens >= 1 ? 0 : (1 - tokens) / perMs);

  return {
    async acquire(deadlineMs) {
      let now = clock().getTime();
      refill(now);
      const at = readyAt(now);
      if (at > deadlineMs) throw createBusyError();
      tokens -= 1;
      if (at > now) await sleep(Math.ceil(at - now));
      // A WAF 429 seen by someone else while we slept: wait it out too, or give the token back.
      now = clock().getTime();
      while (pausedUntil > now) {
        if (pausedUntil > deadlineMs) {
          tokens += 1;
          throw createBusyError();
        }
        await sleep(Math.ceil(pausedUntil - now));
        now = clock().getTime();
      }
    },
    tryAcquire() {
      const now = clock().getTime();
      refill(now);
      if (pausedUntil > now || tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    available() {
      const now = clock().getTime();
      refill(now);
      return pausedUntil > now ? 0 : Math.max(0, Math.floor(tokens));
    },
    pauseUntil(untilMs) {
      refill(clock().getTime());
      if (untilMs > pausedUntil) pausedUntil = untilMs;
      tokens = Math.min(tokens, 0);
    },
  };
}
