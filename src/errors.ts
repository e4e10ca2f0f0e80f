/**
 * One base for the bot's own errors: a stable `code` (routine_bot_*) that the Slack layer maps to words, typed
 * readonly data on subclasses, and the original error as `cause`. Messages never carry secrets or raw bodies.
 */
export abstract class RoutineBotError extends Error {
  abstract readonly code: `routine_bot_${string}`;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isRoutineBotError(err: unknown): err is RoutineBotError {
  return err instanceof RoutineBotError;
}
