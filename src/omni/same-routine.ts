import type { Routine, RoutineCreateBody } from './schemas.js';

/**
 * Is this stored routine the one `body` would create? Omni may store text trimmed and the cron re-spaced or
 * re-cased, so compare what matters, not the bytes. Used to find a create whose answer was lost.
 */
export function isSameRoutine(record: Routine, body: RoutineCreateBody): boolean {
  const cron = (s: string) => s.trim().split(/\s+/).join(' ').toUpperCase();
  return (
    record.name.trim() === body.name.trim() &&
    record.prompt.trim() === body.prompt.trim() &&
    cron(record.schedule) === cron(body.schedule) &&
    record.timezone === body.timezone &&
    record.modelId.toLowerCase() === body.modelId.toLowerCase()
  );
}
