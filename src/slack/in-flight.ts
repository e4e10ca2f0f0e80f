/**
 * Work that continues after a listener acked (the Omni call after "Creating…", a Home tab refresh). Tracked so a
 * SIGTERM lets accepted work finish before the process exits, and so no rejection goes unhandled.
 */
import type { Logger } from '../log.js';

export interface InFlight {
  /** Runs `work` in the background; its failure is logged, never thrown. */
  run(name: string, work: () => Promise<unknown>): void;
  /** Resolves when everything started so far has settled, or after `timeoutMs`. Returns how many were left. */
  drain(timeoutMs: number): Promise<number>;
  size(): number;
}

export function createInFlight(logger: Logger): InFlight {
  const pending = new Set<Promise<unknown>>();
  return {
    run(name, work) {
      const p = Promise.resolve()
        .then(work)
        .catch((err: unknown) => logger.error('background work failed', { work: name, err }))
        .finally(() => pending.delete(p));
      pending.add(p);
    },
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (pending.size > 0 && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...pending]),
          new Promise((resolve) => {
            timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
          }),
        ]);
        clearTimeout(timer);
      }
      return pending.size;
    },
    size: () => pending.size,
  };
}
