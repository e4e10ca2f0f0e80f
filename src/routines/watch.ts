/**
 * Owner notices: a background check that DMs an owner when Omni disabled one of their routines (with Omni's reason)
 * or its last run failed. Only people who used the bot (those with a stored identity) are checked; each notice is
 * recorded in the store after it was sent, so a restart does not repeat it; and the checks are paced to use at most
 * a tenth of the Omni request budget, so they never crowd out people waiting in Slack.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { OmniRoutineRecord, RoutinesOmniPort } from './ports.js';
import type { RoutineView } from './types.js';

export interface OwnerNotice {
  kind: 'disabled' | 'run_failed';
  slackUserId: string;
  routine: RoutineView;
  /** Omni's reason (disabled), or the failed run's label. */
  reason?: string;
  /** When the failed run completed (ISO). */
  completedAt?: string;
}

/** The share of Omni's request budget the checks may use. */
export const WATCH_BUDGET_SHARE = 0.1;
/** Routines read per owner at most (one page of 100 is one request). */
const MAX_ROUTINES_PER_OWNER = 100;

/**
 * A completed run that did not deliver. Omni documents `lastRun.state` only by example ("COMPLETE") and `label`
 * ("Delivered"); words of failure in either are read as a failed run (an assumption, see docs/omni-api.md).
 */
export function isFailedRun(lastRun: OmniRoutineRecord['lastRun']): boolean {
  if (!lastRun) return false;
  return /fail|error/i.test(lastRun.state) || /fail|error/i.test(lastRun.label);
}

/** The notices a routine calls for now, each with the key that makes it that notice (and so sent once). */
export function noticesFor(record: OmniRoutineRecord): Array<{ kind: OwnerNotice['kind']; key: string }> {
  const out: Array<{ kind: OwnerNotice['kind']; key: string }> = [];
  if (record.systemDisabled) out.push({ kind: 'disabled', key: `disabled:${record.id}:${record.systemDisabledReason ?? ''}` });
  else if (isFailedRun(record.lastRun)) out.push({ kind: 'run_failed', key: `run_failed:${record.id}:${record.lastRun?.completedAt ?? ''}` });
  return out;
}

export interface RoutineWatcherDeps {
  omni: Pick<RoutinesOmniPort, 'listAllRoutines'>;
  store: Pick<Store, 'listIdentities' | 'hasNotice' | 'recordNotice'>;
  clock: Clock;
  logger: Logger;
  /** Sends the DM; a failure means "not told" (tried again on the next pass). */
  notify(notice: OwnerNotice): Promise<void>;
  view(record: OmniRoutineRecord): RoutineView;
  /** The whole process's Omni budget, requests a minute (OMNI_RATE_LIMIT_PER_MINUTE). */
  requestsPerMinute: number;
  /** Waits between owners (tests pass a fake that advances their clock). */
  sleep?: (ms: number) => Promise<void>;
}

export interface WatchPass {
  owners: number;
  requests: number;
  notices: number;
}

export function createRoutineWatcher(deps: RoutineWatcherDeps) {
  const { omni, store, clock, logger } = deps;
  // At most a tenth of the budget: one list request every `gapMs`.
  const gapMs = Math.ceil(60_000 / Math.max(deps.requestsPerMinute * WATCH_BUDGET_SHARE, 0.01));
  let stopped = false;
  let running: Promise<WatchPass> | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const wakers = new Set<() => void>();
  const sleep =
    deps.sleep ??
    ((ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        timer.unref();
        timers.add(timer);
        wakers.add(done);
        function done() {
          clearTimeout(timer);
          timers.delete(timer);
          wakers.delete(done);
          resolve();
        }
      }));

  async function pass(): Promise<WatchPass> {
    const result: WatchPass = { owners: 0, requests: 0, notices: 0 };
    const owners = await store.listIdentities();
    let owed = 0;
    for (const owner of owners) {
      if (stopped) break;
      // Pay for the requests of the previous owner before making more.
      if (owed > 0) await sleep(owed * gapMs);
      if (stopped) break;
      let records: OmniRoutineRecord[];
      try {
        records = await omni.listAllRoutines(owner.membershipId, { max: MAX_ROUTINES_PER_OWNER });
        owed = Math.max(1, Math.ceil(records.length / MAX_ROUTINES_PER_OWNER));
      } catch (err) {
        owed = 1;
        logger.warn('routine watch: could not list an owner’s routines', { err, slackUserId: owner.slackUserId });
        continue;
      } finally {
        result.owners += 1;
      }
      result.requests += owed;
      for (const record of records) {
        for (const found of noticesFor(record)) {
          if (await store.hasNotice(found.key)) continue;
          // Every replica runs this watch: the notice is claimed before it is sent, so only the replica whose claim
          // lands sends it (at most once; a DM that then fails is logged, not retried by another replica).
          const claimed = await store.recordNotice({ key: found.key, slackUserId: owner.slackUserId, routineId: record.id, kind: found.kind, sentAt: clock() });
          if (!claimed) continue;
          const notice: OwnerNotice = {
            kind: found.kind,
            slackUserId: owner.slackUserId,
            routine: deps.view(record),
            ...(found.kind === 'disabled' && record.systemDisabledReason ? { reason: record.systemDisabledReason } : {}),
            ...(found.kind === 'run_failed' && record.lastRun ? { reason: record.lastRun.label || record.lastRun.state } : {}),
            ...(found.kind === 'run_failed' && record.lastRun?.completedAt ? { completedAt: record.lastRun.completedAt } : {}),
          };
          try {
            await deps.notify(notice);
          } catch (err) {
            logger.warn('routine watch: could not DM the owner', { err, slackUserId: owner.slackUserId });
            continue;
          }
          result.notices += 1;
        }
      }
    }
    return result;
  }

  /** One pass over every owner; a pass already running is joined, not doubled. */
  function runOnce(): Promise<WatchPass> {
    if (!running) {
      running = pass().finally(() => {
        running = undefined;
      });
    }
    return running;
  }

  return {
    runOnce,
    gapMs,
    /** Resolves when no pass is running (after stop, so the store is not closed under one). */
    async settled(): Promise<void> {
      await running?.catch(() => undefined);
    },
    /** Passes every `intervalMs` (the first after one interval); returns stop. */
    start(intervalMs: number): () => void {
      stopped = false;
      const timer = setInterval(() => {
        runOnce().catch((err: unknown) => logger.warn('routine watch pass failed', { err }));
      }, intervalMs);
      timer.unref();
      return () => {
        stopped = true;
        clearInterval(timer);
        for (const wake of [...wakers]) wake();
      };
    },
  };
}

export type RoutineWatcher = ReturnType<typeof createRoutineWatcher>;
