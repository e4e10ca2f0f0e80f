/**
 * A clock that moves only when told, with a `sleep` that advances it instead of waiting, so retry backoff and the
 * rate budget run instantly in tests while every requested delay is recorded.
 */
import type { Clock } from '../../src/clock.js';

export interface ManualClock {
  clock: Clock;
  now(): number;
  advance(ms: number): void;
  /** Advances the clock by `ms` and records it. */
  sleep: (ms: number) => Promise<void>;
  /** Every delay passed to `sleep`, in order. */
  sleeps: number[];
}

export function createManualClock(start: string | number = '2026-09-01T09:00:00.000Z'): ManualClock {
  let current = typeof start === 'number' ? start : Date.parse(start);
  const sleeps: number[] = [];
  return {
    clock: () => new Date(current),
    now: () => current,
    advance(ms) {
      current += ms;
    },
    sleeps,
    async sleep(ms) {
      sleeps.push(ms);
      current += ms;
    },
  };
}
