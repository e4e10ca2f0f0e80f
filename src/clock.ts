/** The one source of "now" for domain code: pass a clock in, never call Date.now() below the entry points. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock frozen at one instant (tests, the CLI's --from). */
export function fixedClock(at: Date | string): Clock {
  const instant = typeof at === 'string' ? new Date(at) : at;
  return () => new Date(instant.getTime());
}
