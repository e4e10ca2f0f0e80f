/**
 * Slack's failures read by type. WebClient throws a WebAPIPlatformError when Slack answered `ok: false`, with
 * Slack's own error code in `data.error`; any other failure (no answer, an HTTP error, rate limited) is another
 * SlackError, whose `code` is web-api's ErrorCode.
 */
import { SlackError, WebAPIPlatformError } from '@slack/web-api';

/** Slack's error code when Slack refused the call (`hash_conflict`, `user_not_found`, `expired_trigger_id`…); else undefined. */
export function readSlackRefusal(err: unknown): string | undefined {
  return err instanceof WebAPIPlatformError ? err.data.error : undefined;
}

/** What went wrong, as a code for a log line or an admin: Slack's refusal, else web-api's ErrorCode, else undefined. */
export function readSlackErrorCode(err: unknown): string | undefined {
  return readSlackRefusal(err) ?? (err instanceof SlackError ? err.code : undefined);
}
