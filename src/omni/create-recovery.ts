/**
 * A create is never sent blind twice. When a create fails in a way that may have reached Omni's application (a
 * reset after sending, a 5xx, a timeout), we look for the routine before sending again: found, it is the result;
 * not found after a failure that ended the exchange, it is sent once more; otherwise we say honestly that it may
 * or may not exist. Never sent again after a timeout: the first request may still be running at Omni.
 * @see docs/omni-api.md (§2 routines, §8 how the bot uses Omni)
 */
import type { Logger } from '../log.js';
import { OmniApiError } from './errors.js';
import { isSameRoutine } from './same-routine.js';
import type { Routine, RoutineCreateBody } from './schemas.js';

/** A routine found by the post-failure lookup must have been created this recently (by our clock). */
const RECOVERY_WINDOW_MS = 10 * 60_000;
/** How many of the member's newest routines the lookup reads. */
export const RECOVERY_PAGE_SIZE = 50;

/** The newest routine among `records` that is `body` and was created within the recovery window before `nowMs`. */
export function findJustCreated(records: readonly Routine[], body: RoutineCreateBody, nowMs: number): Routine | undefined {
  const since = nowMs - RECOVERY_WINDOW_MS;
  const matches = records.filter((r) => {
    const created = Date.parse(r.createdAt);
    return Number.isFinite(created) && created >= since && isSameRoutine(r, body);
  });
  matches.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  return matches[0];
}

export interface CreateWithRecoveryOptions {
  /** For log lines and the error when we give up. */
  where: { method: string; path: string };
  /** The create with its own retries (retry-policy.ts), until `deadline`. */
  send: (deadline: number) => Promise<{ id: string }>;
  /** The routine the failed send created, if Omni has it. */
  lookUp: (deadline: number) => Promise<Routine | undefined>;
  logger: Logger;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** The longest the sends may take together, and the lookup on its own. */
  maxWaitMs: number;
  /** Pause before looking after a timeout: the server may still be finishing it. */
  recoveryDelayMs: number;
}

export async function createWithRecovery(options: CreateWithRecoveryOptions): Promise<{ id: string; recovered: boolean }> {
  const { where, logger, now, sleep, maxWaitMs, recoveryDelayMs } = options;
  const deadline = now() + maxWaitMs;
  let ambiguous: OmniApiError | undefined;
  // At most two sends that may reach Omni's application: the first, and one more only after a lookup
  // proved the first did not create anything.
  for (let send = 1; send <= 2; send += 1) {
    try {
      const created = await options.send(deadline);
      return { id: created.id, recovered: false };
    } catch (err) {
      if (!(err instanceof OmniApiError) || !err.maybeActedOn) throw err;
      ambiguous = err;
    }
    if (ambiguous.kind === 'timeout' && recoveryDelayMs > 0) await sleep(recoveryDelayMs);
    let found: Routine | undefined;
    try {
      found = await options.lookUp(Math.max(deadline, now() + maxWaitMs));
    } catch (lookupError) {
      logger.warn('omni create: lookup after an ambiguous failure failed', {
        ...where,
        reason: lookupError instanceof OmniApiError ? lookupError.reason : 'unknown',
      });
      break; // cannot know: never send again blind
    }
    if (found) {
      logger.info('omni create: recovered a routine created by an attempt that seemed to fail', { ...where, routineId: found.id });
      return { id: found.id, recovered: true };
    }
    // A timed-out request may still be queued at Omni and create the routine later, after our look-up: only
    // a failure that ended the exchange (reset, 5xx) is safe to send again. The caller's retry looks again.
    if (send === 2 || now() >= deadline || ambiguous.kind === 'timeout') break;
    logger.info('omni create: not created by the failed attempt; sending once more', { ...where, failure: ambiguous.kind });
  }
  const last = ambiguous ?? new OmniApiError({ ...where, kind: 'network', reason: 'ambiguous', maybeActedOn: true });
  throw last.withChanges({
    reason: 'ambiguous',
    maybeActedOn: true,
    message: `Omni did not confirm the routine was created, and it could not be found afterwards; it may or may not exist (${last.message})`,
  });
}
