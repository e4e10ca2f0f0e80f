import { RoutineBotError } from '../errors.js';

/** The database could not do what was asked (locked past the busy timeout, closed, disk full, corrupt…). */
export class StoreError extends RoutineBotError {
  readonly code = 'routine_bot_store_error';
}

/** DATABASE_URL names a database this build cannot open. The message never repeats the URL (it may hold a password). */
export class DatabaseUrlError extends RoutineBotError {
  readonly code = 'routine_bot_database_url_invalid';
}
