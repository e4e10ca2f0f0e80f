/**
 * Chooses the Omni request budget for this process. On Postgres (several replicas) it is the budget shared by every
 * replica through the database (src/omni/shared-budget.ts); on SQLite (one process) it is the in-process token
 * bucket (src/omni/rate-budget.ts), which needs no database round trip and allows a larger burst with the same
 * per-minute guarantee.
 */
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { createRateBudget, type RateBudget } from './omni/rate-budget.js';
import type { SharedBudget } from './omni/shared-budget.js';
import { parseDatabaseUrl } from './store/database-url.js';

export interface OmniBudget {
  budget: Pick<RateBudget, 'acquire' | 'pauseUntil'>;
  /** 'shared': one budget for every replica on the database; 'process': this process's own bucket. */
  scope: 'shared' | 'process';
  shared?: SharedBudget;
  close(): Promise<void>;
}

export async function openOmniBudget(
  config: Config,
  deps: { clock: Clock; logger: Logger; /** How long the shared counter may take to answer; see shared-budget.ts. */ storeTimeoutMs?: number },
): Promise<OmniBudget> {
  const perMinute = config.omni.rateLimitPerMinute;
  if (parseDatabaseUrl(config.databaseUrl).kind !== 'postgres') {
    return { budget: createRateBudget({ perMinute, clock: deps.clock }), scope: 'process', close: async () => {} };
  }
  // Loaded only here: rate-limiter-flexible (every store it has) and pg stay out of the memory of a bot on SQLite.
  const [{ openBudgetBackend }, { openSharedBudget }] = await Promise.all([import('./store/budget-backend.js'), import('./omni/shared-budget.js')]);
  const backend = await openBudgetBackend(config.databaseUrl, { logger: deps.logger });
  try {
    const shared = await openSharedBudget((spec) => backend.createLimiter(spec), {
      perMinute,
      clock: deps.clock,
      logger: deps.logger.child({ component: 'omni-budget' }),
      replicas: config.omni.replicas,
      ...(deps.storeTimeoutMs !== undefined ? { storeTimeoutMs: deps.storeTimeoutMs } : {}),
    });
    return { budget: shared, scope: 'shared', shared, close: () => backend.close() };
  } catch (err) {
    await backend.close();
    throw err;
  }
}
