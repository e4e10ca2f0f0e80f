import type { IdentityProblemReason } from './types.js';

/** An identity problem as callers hold it; `reason` is widened so a port typed with `string` can pass it as is. */
export interface IdentityProblemLike {
  reason: IdentityProblemReason | (string & {});
  email?: string;
  slackUserId?: string;
}

/**
 * Plain words for a user whose Omni account could not be found: what went wrong and what to ask which admin.
 * Slack mrkdwn is limited to a code span around the admin command; the caller escapes the text as a whole.
 */
export function describeIdentityProblem(result: IdentityProblemLike): string {
  const slackId = result.slackUserId ?? '<your-slack-user-id>';
  const link = `\`npx routine-bot users link ${slackId} <membership-id>\``;
  const yourEmail = result.email ? `Your Slack email ${result.email}` : 'Your Slack email';
  const reason = result.reason as IdentityProblemReason;
  switch (reason) {
    case 'no_email':
      return (
        'Slack did not share an email address for your account, so the bot cannot find you in Omni. ' +
        'Ask your Slack admin to check that your profile has an email and that the bot has the users:read.email scope, ' +
        `or ask your Omni admin to link your account with ${link}.`
      );
    case 'not_a_person':
      return 'Only active Slack members can own Omni routines; this account is deactivated, unknown to Slack, or a bot.';
    case 'no_match':
      return (
        `${yourEmail} doesn't match any Omni user. Ask your Omni admin to invite you with that email, ` +
        `or to link your account with ${link}.`
      );
    case 'several_matches':
      return (
        `${yourEmail} matches more than one Omni user, so the bot cannot tell which one is you. ` +
        `Ask your Omni admin to remove the duplicate, or to link your account with ${link}.`
      );
    case 'inactive':
      return `Your Omni account${result.email ? ` (${result.email})` : ''} is deactivated. Ask your Omni admin to reactivate it.`;
    case 'bot_key_refused':
      return (
        "The bot can't look up Omni accounts: Omni refused its API key for that (it needs an Omni organization API key, " +
        'not a personal one). Ask the admin who runs this bot to check OMNI_API_KEY with `npx routine-bot doctor`.'
      );
    case 'lookup_failed':
    default:
      return (
        'The bot could not look up your Omni account just now (Slack or Omni did not answer). Try again in a minute; ' +
        'if it keeps happening, tell the admin who runs the bot.'
      );
  }
}
