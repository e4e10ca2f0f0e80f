/**
 * The one error the Omni client throws. It is built from facts only (status, method, path, Omni's own message),
 * never from a got error object: got errors carry `options.headers`, and so the bearer key, in every
 * `util.inspect`, `JSON.stringify` or log of them; a secret must never reach a log line or an error message.
 */
import { RoutineBotError } from '../errors.js';

/** How the call failed, mechanically. 'invalid_response' and 'invalid_input' never left or never matched the wire. */
export type OmniErrorKind =
  | 'http'
  | 'timeout'
  | 'network'
  | 'rate_limited'
  | 'busy'
  | 'invalid_response'
  | 'invalid_input';

/**
 * What the failure means for the user; src/routines/failures.ts words each one (the Slack layer only renders the words).
 * 'ambiguous': a create or run-now may or may not have happened and we could not find out.
 * 'member_not_found': the `userId` membership is unknown to Omni (a stale identity mapping).
 * 'limit_unclear': a 429 on create that is neither the WAF's nor worded as the routine limit or a rate limit.
 * 'personal_key': the bot's key is a personal (user-scoped) one; it needs an organization key.
 * 'cannot_run': run now refused with 400, the routine cannot run as configured.
 * 'not_supported': 405, the instance has no such method.
 */
export type OmniErrorReason =
  | 'not_enabled'
  | 'forbidden'
  | 'model_not_found'
  | 'not_found'
  | 'member_not_found'
  | 'routine_limit'
  | 'limit_unclear'
  | 'run_in_progress'
  | 'cannot_run'
  | 'not_supported'
  | 'conflict'
  | 'personal_key'
  | 'invalid_request'
  | 'unauthorized'
  | 'rate_limited'
  | 'unavailable'
  | 'busy'
  | 'ambiguous'
  | 'unexpected_response';

/** Which client operation was running; some statuses mean different things per operation (429 on create, 404 on create). */
export type OmniOperation =
  | 'whoami'
  | 'listRoutines'
  | 'getRoutine'
  | 'createRoutine'
  | 'updateRoutine'
  | 'readApiSpec'
  | 'deleteRoutine'
  | 'triggerRoutine'
  | 'listModels'
  | 'listTopics'
  | 'findUsersByEmail'
  | 'listGroups';

export interface OmniApiErrorInit {
  kind: OmniErrorKind;
  reason: OmniErrorReason;
  method: string;
  path: string;
  status?: number | undefined;
  omniMessage?: string | undefined;
  wafThrottled?: boolean;
  retryAfterSeconds?: number | undefined;
  maybeActedOn?: boolean;
  /** got's error code (ECONNRESET, ETIMEDOUT, ERR_NON_2XX_3XX_RESPONSE…): a plain string, safe to keep. */
  networkCode?: string | undefined;
  message?: string;
}

export class OmniApiError extends RoutineBotError {
  readonly code = 'routine_bot_omni_api_error';
  readonly kind: OmniErrorKind;
  readonly reason: OmniErrorReason;
  /** HTTP status; undefined when no response arrived (timeout, network, busy). */
  readonly status: number | undefined;
  readonly method: string;
  /** Path below /api, without the query string (query values can hold emails). */
  readonly path: string;
  readonly omniMessage: string | undefined;
  /** A 429 from Omni's WAF (header X-Omni-Waf-Action): throttling, not a business error. */
  readonly wafThrottled: boolean;
  readonly retryAfterSeconds: number | undefined;
  /** True when a mutating request may have been carried out although we saw a failure. */
  readonly maybeActedOn: boolean;
  readonly networkCode: string | undefined;

  constructor(init: OmniApiErrorInit) {
    super(init.message ?? buildOmniErrorMessage(init));
    this.kind = init.kind;
    this.reason = init.reason;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.omniMessage = init.omniMessage;
    this.wafThrottled = init.wafThrottled ?? false;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.maybeActedOn = init.maybeActedOn ?? false;
    this.networkCode = init.networkCode;
  }

  /** A copy with another reason/message (e.g. an ambiguous create we could not resolve). */
  withChanges(changes: Partial<OmniApiErrorInit>): OmniApiError {
    return new OmniApiError({
      kind: this.kind,
      reason: this.reason,
      method: this.method,
      path: this.path,
      status: this.status,
      omniMessage: this.omniMessage,
      wafThrottled: this.wafThrottled,
      retryAfterSeconds: this.retryAfterSeconds,
      maybeActedOn: this.maybeActedOn,
      networkCode: this.networkCode,
      ...changes,
    });
  }
}

/** What a user reads when their request could not get a turn within Omni's rate limit (routines and identity alike). */
export const OMNI_BUSY_WORDS = 'Omni is busy right now. Try again in a minute.';

/** Every kind has its wording: without a default, a new kind fails to compile here until it has one. */
function buildOmniErrorMessage(init: OmniApiErrorInit): string {
  const where = `${init.method} ${init.path}`;
  switch (init.kind) {
    case 'busy':
      return 'Omni is busy right now; try again in a minute';
    case 'timeout':
      return `Omni did not answer in time (${where})`;
    case 'network':
      return `Could not reach Omni (${where}${init.networkCode ? `: ${init.networkCode}` : ''})`;
    case 'invalid_response':
      return `Omni answered ${where} with an unexpected shape${init.omniMessage ? `: ${init.omniMessage}` : ''}`;
    case 'invalid_input':
      return `Not sent to Omni (${where}): ${init.omniMessage ?? 'invalid request'}`;
    case 'http':
    case 'rate_limited':
      return `Omni answered ${init.status ?? '?'} to ${where}${init.omniMessage ? `: ${init.omniMessage}` : ''}`;
  }
}

const MAX_MESSAGE_LENGTH = 500;

/**
 * Omni's message from any of its four error shapes (docs/omni-api.md §1.3): `{detail,status}`,
 * `{error:{code,message}}`, `{error:string,success:false}`, `{error:code,message}`; else the raw text, trimmed.
 */
export function readOmniMessage(body: unknown): string | undefined {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    const text = body.trim();
    if (text === '') return undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      return clip(text);
    }
  }
  if (typeof parsed !== 'object' || parsed === null) return typeof parsed === 'string' ? clip(parsed) : undefined;
  const o = parsed as Record<string, unknown>;
  if (typeof o.detail === 'string' && o.detail !== '') return clip(o.detail);
  if (typeof o.message === 'string' && o.message !== '') return clip(o.message);
  if (typeof o.error === 'object' && o.error !== null) {
    const inner = (o.error as Record<string, unknown>).message;
    if (typeof inner === 'string' && inner !== '') return clip(inner);
  }
  if (typeof o.error === 'string' && o.error !== '') return clip(o.error);
  return undefined;
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

const NOT_ENABLED = /not enabled|USE_AI|aiScheduledTasks/i;
const PERSONAL_KEY = /User-scoped API keys/i;
const BAD_KEY = /Invalid bearer token|Bad authorization header|no longer has the required permissions/i;
const UNKNOWN_MEMBER = /User with id .* does not exist/i;
const RATE_TEXT = /rate limit|too many requests/i;
const ROUTINE_LIMIT_TEXT = /maximum number of (active )?routines|routine limit|active routines/i;

/**
 * The user-facing meaning of an HTTP failure, given the operation: some statuses mean different things per
 * operation (omni-api notes in docs/omni-api.md): 429 on create, 404 on create and on list, 400 and 409 on run now.
 */
export function resolveOmniReason(input: {
  status: number;
  operation: OmniOperation | undefined;
  message: string | undefined;
  wafThrottled: boolean;
}): OmniErrorReason {
  const { status, operation, wafThrottled } = input;
  const message = input.message ?? '';
  if (status === 429) {
    if (wafThrottled) return 'rate_limited';
    if (RATE_TEXT.test(message)) return 'rate_limited';
    if (operation !== 'createRoutine') return 'rate_limited';
    // Without the WAF header a 429 on create is documented as the per-user routine limit (docs/omni-api.md §1.4), but only Omni's words
    // can tell it from throttling that lost its header: without them, say both.
    return ROUTINE_LIMIT_TEXT.test(message) ? 'routine_limit' : 'limit_unclear';
  }
  if (status >= 500) return 'unavailable';
  if (PERSONAL_KEY.test(message) && (status === 400 || status === 401 || status === 403)) return 'personal_key';
  if (status === 401) return 'unauthorized';
  if (status === 405) return 'not_supported';
  if (status === 400) {
    if (BAD_KEY.test(message)) return 'unauthorized';
    return operation === 'triggerRoutine' ? 'cannot_run' : 'invalid_request';
  }
  if (status === 403) {
    if (BAD_KEY.test(message)) return 'unauthorized';
    if (NOT_ENABLED.test(message)) return 'not_enabled';
    return 'forbidden';
  }
  if (status === 404) {
    if (UNKNOWN_MEMBER.test(message)) return 'member_not_found';
    // The list's only documented 404 is an unknown `userId` membership: the routine list has no id to miss.
    if (operation === 'listRoutines') return 'member_not_found';
    if (operation === 'createRoutine') return 'model_not_found';
    return 'not_found';
  }
  if (status === 409) return operation === 'triggerRoutine' ? 'run_in_progress' : 'conflict';
  return 'invalid_request';
}
