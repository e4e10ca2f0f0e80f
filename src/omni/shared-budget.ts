/**
 * One Omni budget for every replica. Omni limits 60 requests a minute per key for the whole organization at its
 * WAF, so replicas must not each spend their own 60: the counters live in the shared database
 * (rate-limiter-flexible; see src/store/budget-backend.ts) and every replica takes from them.
 *
 * Sizing (budgetWindows): rate-limiter-flexible counts in fixed windows that start at the first request after the
 * previous one ended, so windows never overlap. A sliding 60-second span touches at most 60/W + 1 windows of W
 * seconds; with P requests a window, at most (60/W + 1)·P requests fall in any minute. Windows of 6 s and
 * P = floor(perMinute / 11) keep that at or under the limit (for 60/min: 5 per 6 s, 50 a minute steady, 55 at
 * worst in a sliding minute). One 60-second window of 60 would let 120 through across a boundary.
 *
 * A WAF 429 blocks the shared counter for its Retry-After (at least one window), so every replica stops, not just
 * the one that saw it. Waiting has a deadline: a request whose turn would come after it is refused at once with a
 * 'busy' error, so a Slack handler never misses its 3 s. If the database does not answer within `storeTimeoutMs`
 * (a blip, a failover), the replica falls back to an in-memory limiter with its share (1/replicas) of the budget
 * and goes back to the shared one when the database answers again. A per-user limiter (half the steady minute's
 * budget over 60 s, at least 1) keeps one person from spending the whole organization's budget, while leaving
 * that person the full window for a burst (a modal that needs a few requests at once).
 */
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { createBusyError, type RateBudget } from './rate-budget.js';

export interface BudgetWindows {
  points: number;
  windowMs: number;
}

const MINUTE_MS = 60_000;

/** Points per window and the window length, so that no sliding minute ever holds more than perMinute. */
export function budgetWindows(perMinute: number): BudgetWindows {
  if (!Number.isFinite(perMinute) || perMinute < 1) throw new RangeError('perMinute must be at least 1');
  if (perMinute >= 11) return { points: Math.floor(perMinute / 11), windowMs: 6000 };
  // Fewer than 11 a minute: one a window, windows long enough that a minute touches at most perMinute of them.
  // At 1 a minute no fixed window can promise it (two windows always fit one minute): one a minute is closest.
  if (perMinute >= 2) return { points: 1, windowMs: Math.ceil(MINUTE_MS / (perMinute - 1)) };
  return { points: 1, windowMs: MINUTE_MS };
}

/** The most requests fixed windows of this size can let into any sliding 60-second span. */
export function worstMinute({ points, windowMs }: BudgetWindows): number {
  return (Math.ceil(MINUTE_MS / windowMs) + 1) * points;
}

/** One user's share: half of what the organization can spend in a steady minute, counted over 60 s. */
export function perUserShare(windows: BudgetWindows): { points: number; durationSec: number } {
  return { points: Math.max(1, Math.floor((windows.points * Math.floor(MINUTE_MS / windows.windowMs)) / 2)), durationSec: 60 };
}

/** What builds a limiter on the shared database (src/store/budget-backend.ts). */
export type CreateLimiter = (spec: { keyPrefix: string; points: number; durationSec: number }) => Promise<RateLimiterAbstract>;

/** Builds the org and per-user limiters for `perMinute` through `createLimiter`, and the budget on them. */
export async function openSharedBudget(
  createLimiter: CreateLimiter,
  options: Omit<SharedBudgetOptions, 'limiters' | 'windows'> & { perMinute: number },
): Promise<SharedBudget> {
  const windows = budgetWindows(options.perMinute);
  const user = perUserShare(windows);
  const [org, perUser] = await Promise.all([
    createLimiter({ keyPrefix: 'omni-org', points: windows.points, durationSec: windows.windowMs / 1000 }),
    createLimiter({ keyPrefix: 'omni-user', points: user.points, durationSec: user.durationSec }),
  ]);
  return createSharedBudget({ ...options, limiters: { org, perUser }, windows });
}

export interface SharedBudgetLimiters {
  /** The organization's counter, shared by every replica. */
  org: RateLimiterAbstract;
  /** Per acting user, shared too; optional. */
  perUser?: RateLimiterAbstract;
}

export interface SharedBudgetOptions {
  limiters: SharedBudgetLimiters;
  windows: BudgetWindows;
  clock: Clock;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** How many replicas share the key at most; each keeps to 1/replicas of the budget while the database is away. */
  replicas?: number;
  /** How long one database round trip may take before this replica uses its in-memory share; default 250 ms. */
  storeTimeoutMs?: number;
  /** Spread waiters over a few ms so they do not all wake at the window's first instant; [0, 1). */
  random?: () => number;
}

export interface SharedBudget extends Pick<RateBudget, 'acquire' | 'pauseUntil'> {
  /** Whether the last decision came from the shared counter (false: this replica's in-memory share). */
  isShared(): boolean;
  /** Resolves when the latest pauseUntil has reached the shared counter (tests, doctor). */
  settled(): Promise<void>;
}

export const ORG_KEY = 'org';

export function createSharedBudget(options: SharedBudgetOptions): SharedBudget {
  const { clock, windows } = options;
  const logger = options.logger ?? silentLogger;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const storeTimeoutMs = options.storeTimeoutMs ?? 250;
  const replicas = Math.max(1, Math.floor(options.replicas ?? 1));
  const durationSec = windows.windowMs / 1000;
  const userShare = perUserShare(windows);
  const fallback = {
    org: new RateLimiterMemory({ keyPrefix: 'fallback-org', points: Math.max(1, Math.floor(windows.points / replicas)), duration: durationSec }),
    perUser: new RateLimiterMemory({ keyPrefix: 'fallback-user', points: userShare.points, duration: userShare.durationSec }),
  };
  const now = () => clock().getTime();

  let pausedUntil = 0;
  let shared = true;
  let pending: Promise<void> = Promise.resolve();

  /** One call to the shared limiter, or an Error if the database failed or was too slow. */
  async function call(step: () => Promise<RateLimiterRes>): Promise<RateLimiterRes | Error> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Error>((resolve) => {
      timer = setTimeout(() => resolve(new Error(`no answer within ${storeTimeoutMs} ms`)), storeTimeoutMs);
    });
    try {
      return await Promise.race([
        step().then(
          (res) => res,
          (err: unknown) => (err instanceof RateLimiterRes ? err : err instanceof Error ? err : new Error(String(err))),
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  const noteShared = (ok: boolean, err?: Error) => {
    if (ok && !shared) logger.info('shared Omni budget back');
    if (!ok && shared) logger.warn('shared Omni budget unavailable; using this replica’s share', { replicas, error: err?.message });
    shared = ok;
  };

  /** Takes one point from `limiter` (or its fallback): 0 if taken, else how long until the next could be. */
  async function take(limiter: RateLimiterAbstract, memory: RateLimiterMemory, key: string, points: number): Promise<number> {
    const res = await call(() => limiter.consume(key));
    if (!(res instanceof Error)) {
      noteShared(true);
      return res.consumedPoints <= points ? 0 : Math.max(1, res.msBeforeNext);
    }
    noteShared(false, res);
    try {
      await memory.consume(key);
      return 0;
    } catch (rejected) {
      return Math.max(1, (rejected as RateLimiterRes).msBeforeNext);
    }
  }

  async function give(limiter: RateLimiterAbstract, memory: RateLimiterMemory, key: string): Promise<void> {
    const res = await call(() => limiter.reward(key, 1));
    if (res instanceof Error) await memory.reward(key, 1).catch(() => undefined);
  }

  /**
   * This process's waiters for the organization's counter, in arrival order. A request first asks the shared counter
   * at once, as long as nobody in this process is waiting; once one has had to wait, later ones line up behind it,
   * and only the one at the head asks again (when the next point should be there). When every waiter polled on its
   * own, a request that came later could take the point a long-waiting one was about to ask for, again and again,
   * until the long-waiting one's deadline passed: a burst of Run now on a saturated budget left a few users with
   * "Omni is busy" while later ones got through. Replicas still compete with each other, one poller each.
   */
  const queue: Array<() => void> = [];
  let headBusy = false;
  /** When the head expects the next point (0: none known), for refusing at once a waiter whose turn is too far. */
  let nextPointAt = 0;

  /** Resolves true when it is this waiter's turn, false if `deadlineMs` passes first (it then leaves the queue). */
  function takeTurn(deadlineMs: number): Promise<boolean> {
    if (!headBusy) {
      headBusy = true;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const go = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const at = queue.indexOf(go);
        if (at !== -1) queue.splice(at, 1);
        resolve(false);
      }, Math.max(0, deadlineMs - now()));
      queue.push(go);
    });
  }
  function passTurn(): void {
    const next = queue.shift();
    if (next) next();
    else {
      headBusy = false;
      nextPointAt = 0;
    }
  }

  /** How long until the organization's counter could give a point: 0 = taken now. */
  async function orgWait(): Promise<number> {
    const paused = pausedUntil - now();
    return paused > 0 ? paused : take(options.limiters.org, fallback.org, ORG_KEY, windows.points);
  }

  /**
   * Asks `ask` (0: a point was taken, else how long until the next could be) until it gives a point, sleeping as
   * it says; 'busy' as soon as the next ask would come after the deadline. `firstWait` is an answer already had.
   */
  async function waitForPoint(ask: () => Promise<number>, deadlineMs: number, firstWait?: number, onWait?: (at: number) => void): Promise<void> {
    for (let wait = firstWait ?? (await ask()); wait > 0; wait = await ask()) {
      const at = now() + wait + Math.floor(random() * 20);
      onWait?.(at);
      if (at > deadlineMs) throw createBusyError();
      await sleep(at - now());
    }
  }

  return {
    async acquire(deadlineMs, user) {
      // Paused past the deadline (a WAF 429): refused before any round trip.
      if (pausedUntil > deadlineMs) throw createBusyError();
      const perUser = user !== undefined ? options.limiters.perUser : undefined;
      if (user !== undefined && perUser) await waitForPoint(() => take(perUser, fallback.perUser, user, userShare.points), deadlineMs);
      try {
        let firstWait = 0;
        if (!headBusy) {
          // Nobody here is waiting: ask at once (a burst within the window's points all goes through).
          firstWait = await orgWait();
          if (firstWait === 0) return;
          if (now() + firstWait > deadlineMs) throw createBusyError();
        }
        // Behind others: refused at once when even the earliest turn (a window's points each window) is too late.
        if (headBusy && nextPointAt > 0 && nextPointAt + Math.floor((queue.length + 1) / windows.points) * windows.windowMs > deadlineMs) throw createBusyError();
        const first = !headBusy;
        if (!(await takeTurn(deadlineMs))) throw createBusyError();
        try {
          // Straight to the head: the answer just had still holds. After waiting in line: ask again.
          await waitForPoint(orgWait, deadlineMs, first && firstWait > 0 ? firstWait : undefined, (at) => (nextPointAt = at));
        } finally {
          passTurn();
        }
      } catch (err) {
        // The user's point was not spent on a request: give it back.
        if (user !== undefined && perUser) await give(perUser, fallback.perUser, user);
        throw err;
      }
    },
    pauseUntil(untilMs) {
      if (untilMs > pausedUntil) pausedUntil = untilMs;
      // Block the shared counter for at least one window: a shorter block would end the current window early and
      // let a sliding minute hold one window more than the sizing allows.
      const ms = Math.max(untilMs - now(), windows.windowMs);
      pending = pending
        .then(() => call(() => options.limiters.org.block(ORG_KEY, ms / 1000)))
        .then((res) => {
          if (res instanceof Error) logger.warn('could not share the Omni pause with other replicas', { error: res.message });
        });
    },
    isShared: () => shared,
    settled: () => pending,
  };
}
