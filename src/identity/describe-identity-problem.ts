import { OMNI_BUSY_WORDS } from '../omni/errors.js';
import type { IdentityProblemReason } from './types.js';

/** An identity problem as callers hold it; `reason` is widened so a port typed with `string` can pass it as is. */
export interface IdentityProblemLike {
  reason: IdentityProblemReason | (string & {});
  email?: string;
  slackUserId?: string;
}

/**
 * Plain words for a user whose Omni account could not be found: what went wrong and whom to ask. End users are
 * never shown the admin command (they cannot run it); it goes to the log and `doctor` (adminFixForIdentityProblem).
 */
export function describeIdentityProblem(result: IdentityProblemLike): string {
  const yourEmail = result.email ? `Your Slack email ${result.email}` : 'Your Slack email';
  const link = 'or ask your Slack admin to link your Omni account';
  const reason = result.reason as IdentityProblemReason;
  switch (reason) {
    case 'no_email':
      return (
        'Slack did not share an email address for your account, so the bot cannot find you in Omni. ' +
        'Ask your Slack admin to check that your profile has an email and to link your Omni account.'
      );
    case 'not_a_person':
      return 'Only active Slack members can own Omni routines; this account is deactivated, unknown to Slack, or a bot.';
    case 'no_match':
      return `${yourEmail} doesn't match any Omni user. Ask your Omni admin to invite you with that email, ${link}.`;
    case 'several_matches':
      return `${yourEmail} matches more than one Omni user, so the bot cannot tell which one is you. Ask your Omni admin to remove the duplicate, ${link}.`;
    case 'inactive':
      return `Your Omni account${result.email ? ` (${result.email})` : ''} is deactivated. Ask your Omni admin to reactivate it.`;
    case 'bot_key_refused':
      return (
        "The bot can't look up Omni accounts: Omni refused its API key for that (it needs an Omni organization API key, " +
        'not a personal one). Ask the admin who runs this bot to check OMNI_API_KEY with `npx routine-bot doctor`.'
      );
    case 'omni_busy':
      return OMNI_BUSY_WORDS;
    case 'lookup_failed':
    default:
      return (
        'The bot could not look up your Omni account just now (Slack or Omni did not answer). Try again in a minute; ' +
        'if it keeps happening, tell the admin who runs the bot.'
      );
  }
}

/**
 * What the admin who runs the bot can do about an identity problem, for the log (never for the end user): the
 * `users link` command with the user's Slack id, or undefined when linking would not help.
 */
export function adminFixForIdentityProblem(result: IdentityProblemLike): string | undefined {
  if (!['no_email', 'no_match', 'several_matches'].includes(result.reason)) return undefined;
  return `npx routine-bot users link ${result.slackUserId ?? '<slack-user-id>'} <membership-id>`;
}
