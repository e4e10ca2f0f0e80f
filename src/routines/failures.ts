/**
 * Every failure a user can meet, in plain words. Omni errors arrive as OmniApiError with a `reason`; this is the
 * one place that words them, so no stack trace, raw body or status line ever reaches Slack. Both tables are
 * exhaustive: a new Omni reason does not compile until it has its words here.
 */
import { OMNI_BUSY_WORDS, OmniApiError, type OmniErrorReason } from '../omni/errors.js';
import type { IdentityProblemReason } from '../identity/types.js';
import type { UserFacingFailure } from './types.js';

interface Words {
  message: string;
  retryable: boolean;
}

/** Failures the bot finds itself, from what Omni answered rather than from an error. */
export type BotFailureCode =
  | 'run_paused'
  | 'run_disabled'
  | 'cannot_pause'
  | 'pause_ignored'
  | 'resume_ignored'
  | 'not_yours'
  | 'resume_disabled'
  | 'member_gone'
  | 'run_ambiguous'
  | 'edit_conflict';

/** Failures whose words are written where they happen: they name recipients, form fields or an identity problem. */
export type ComposedFailureCode =
  | 'unexpected'
  | 'invalid'
  | 'recipient_without_email'
  | 'recipient_not_allowed'
  | 'too_many_recipients'
  | `identity_${IdentityProblemReason}`;

/** Failures with fixed words (failureOf). */
export type WordedFailureCode = OmniErrorReason | BotFailureCode;

export type FailureCode = WordedFailureCode | ComposedFailureCode;

const OMNI_WORDS: Record<OmniErrorReason, Words> = {
  not_enabled: {
    message:
      'AI routines are not turned on for your Omni organization (or your Omni role cannot use AI). Ask your Omni admin to enable AI routines and AI query generation.',
    retryable: false,
  },
  forbidden: { message: "Omni didn't allow this for your account. Ask your Omni admin to check your permissions.", retryable: false },
  model_not_found: {
    message: "You don't have access to that model (or its topic or branch) in Omni. Pick another one, or ask your Omni admin for access.",
    retryable: false,
  },
  not_found: { message: "That routine no longer exists in Omni (it may have been deleted).", retryable: false },
  routine_limit: {
    message: "You've reached the maximum number of active routines Omni allows per person. Pause or delete one, then try again.",
    retryable: true,
  },
  limit_unclear: {
    message:
      "Omni refused with “too many” (HTTP 429) without saying why: either you've reached the number of active routines Omni allows per person, or Omni is handling too many requests. Wait a minute and try again; if it fails the same way, pause or delete a routine you no longer need.",
    retryable: true,
  },
  run_in_progress: { message: 'This routine is already running. Wait for the current run to finish, then press Run now again.', retryable: true },
  cannot_run: {
    message:
      "Omni can't run this routine as it is set up: its model, branch or owner may no longer be accessible. Its schedule is unchanged. Edit the routine, or ask your Omni admin about access.",
    retryable: false,
  },
  not_supported: {
    message:
      "This Omni instance doesn't offer that through its API (HTTP 405), so nothing was changed. Do it in Omni instead. (Admins: `npx routine-bot doctor` shows what the instance offers.)",
    retryable: false,
  },
  conflict: { message: 'Omni refused because the routine was being changed at the same time (HTTP 409). Try again in a moment.', retryable: true },
  personal_key: {
    message:
      "The bot is set up with a personal Omni API key, but it needs an organization API key to act for each person. Ask the admin who runs this bot to set OMNI_API_KEY to an Omni organization key (`npx routine-bot doctor` checks it).",
    retryable: false,
  },
  invalid_request: { message: 'Omni rejected the routine', retryable: true },
  unauthorized: {
    message: "The bot's Omni API key was refused. Ask the admin who runs this bot to check OMNI_API_KEY (npx routine-bot doctor).",
    retryable: false,
  },
  rate_limited: { message: 'Omni is handling too many requests right now. Try again in a minute.', retryable: true },
  busy: { message: OMNI_BUSY_WORDS, retryable: true },
  unavailable: { message: "Omni couldn't be reached or had a problem. Nothing was lost: try again in a moment.", retryable: true },
  member_not_found: {
    message:
      "Omni doesn't know the account the bot mapped you to any more (it may have been removed). I've forgotten the mapping: try again, and if it still fails ask your Omni admin to check your account.",
    retryable: true,
  },
  unexpected_response: { message: "Omni answered in a way the bot didn't expect. Nothing was lost: try again in a moment.", retryable: true },
  ambiguous: {
    message: "Omni didn't confirm whether the routine was created. Try again: the bot checks Omni first, so it won't be created twice.",
    retryable: true,
  },
};

const BOT_WORDS: Record<BotFailureCode, Words> = {
  run_paused: { message: 'This routine is paused in Omni, so it cannot run. Resume it first.', retryable: false },
  run_disabled: { message: 'Omni has disabled this routine, so it cannot run. Open it in Omni to see why.', retryable: false },
  cannot_pause: {
    message: "This Omni instance has no way to pause or resume routines through its API, so nothing was changed. Do it in Omni instead.",
    retryable: false,
  },
  pause_ignored: {
    message: 'Omni accepted the request, but the routine is still active: this Omni instance ignored the pause. It will keep running on schedule until you pause it in Omni.',
    retryable: false,
  },
  resume_ignored: {
    message: 'Omni accepted the request, but the routine is still paused: this Omni instance ignored the resume. Resume it in Omni.',
    retryable: false,
  },
  resume_disabled: {
    message: "Omni itself disabled this routine, so resuming it from Slack would not help. Open it in Omni to see why and fix it there.",
    retryable: false,
  },
  not_yours: { message: "That routine isn't one of yours (or it was deleted), so I can't change it.", retryable: false },
  member_gone: {
    message:
      "Omni no longer knows the account the bot had for you, and looking you up again found the same one. Ask your Omni admin to check your Omni account.",
    retryable: false,
  },
  run_ambiguous: {
    message: "Omni didn't confirm the run started: it may be running now. Check the routine's last run before pressing Run now again.",
    retryable: true,
  },
  edit_conflict: { message: 'The routine was changed in Omni after you opened the form, so nothing was saved.', retryable: true },
};

/** Omni's own text is shown only for validation errors, where it tells the user what to change. */
function cleanOmniMessage(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const oneLine = text.replace(/\s+/g, ' ').trim().replace(/^Bad Request:\s*/i, '');
  return oneLine.length > 0 ? oneLine.slice(0, 300) : undefined;
}

const UNEXPECTED: UserFacingFailure = {
  code: 'unexpected',
  message: 'Something went wrong on our side. Nothing was lost: try again in a moment.',
  retryable: true,
};

export function describeFailure(err: unknown): UserFacingFailure {
  if (!(err instanceof OmniApiError)) return { ...UNEXPECTED };
  const { reason } = err;
  const words = OMNI_WORDS[reason];
  switch (reason) {
    case 'invalid_request': {
      const detail = cleanOmniMessage(err.omniMessage);
      return { code: reason, message: detail ? `Omni rejected the routine: ${detail}` : `${words.message}.`, retryable: true };
    }
    // Omni's own words help where the cause is specific to this routine or this moment.
    case 'cannot_run':
    case 'limit_unclear': {
      const detail = cleanOmniMessage(err.omniMessage);
      return { code: reason, message: detail ? `${words.message} Omni said: “${detail}”` : words.message, retryable: words.retryable };
    }
    default:
      return { code: reason, ...words };
  }
}

/** What an audit entry keeps of a failed Omni call: its status and Omni's own words, when Omni answered. */
export function readOmniAuditFields(err: unknown): { omniStatus?: number; omniMessage?: string } {
  if (!(err instanceof OmniApiError)) return {};
  return {
    ...(err.status !== undefined ? { omniStatus: err.status } : {}),
    ...(err.omniMessage !== undefined ? { omniMessage: err.omniMessage } : {}),
  };
}

const WORDS: Record<WordedFailureCode, Words> = { ...OMNI_WORDS, ...BOT_WORDS };

export function failureOf(code: WordedFailureCode): UserFacingFailure {
  return { code, ...WORDS[code] };
}
