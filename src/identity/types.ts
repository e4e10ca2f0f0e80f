/** What identity resolution needs from Slack and from Omni, as interfaces so neither Bolt nor got leaks in here. */

export interface SlackUser {
  id: string;
  email?: string;
  /** IANA zone from the Slack profile. */
  tz?: string;
  realName?: string;
  deleted?: boolean;
  isBot?: boolean;
}

export interface SlackUserLookup {
  /** The Slack user, or null when Slack does not know the id. Throws when Slack cannot be asked. */
  getUser(slackUserId: string): Promise<SlackUser | null>;
}

export interface ScimUser {
  /** The SCIM user id, which is the Omni membership id (docs/omni-api.md §4.1). */
  id: string;
  /** The login email. */
  userName: string;
  active: boolean;
  displayName?: string;
  emails: string[];
}

export interface ScimLookup {
  /** SCIM `userName eq "<email>"`; implemented by the Omni client. Throws when Omni cannot be asked. */
  findUsersByEmail(email: string): Promise<ScimUser[]>;
}

export type IdentityProblemReason =
  | 'no_email'
  | 'not_a_person'
  | 'no_match'
  | 'several_matches'
  | 'inactive'
  | 'lookup_failed'
  /** The lookup could not get a turn within Omni's rate limit (this bot's budget, or Omni's 429s): try again soon. */
  | 'omni_busy'
  /** Omni refused the bot's own key for SCIM (a personal key, or a wrong one): for the bot's admin to fix. */
  | 'bot_key_refused';

/** Reasons a moment later may mend (the lookup failed or waited too long): retryable, not worth warning about up front. */
export function isPassingIdentityProblem(reason: IdentityProblemReason): boolean {
  return reason === 'lookup_failed' || reason === 'omni_busy';
}

export interface IdentityFound {
  ok: true;
  membershipId: string;
  /**
   * The email the identity was found by. An admin override is often linked precisely because Slack gives no
   * email: then this is the empty string (never use it as a recipient without checking).
   */
  email: string;
  /** override: set by an admin; cache: from the store without asking Omni; scim: just looked up. */
  source: 'override' | 'cache' | 'scim';
  /** The user's Slack time zone, when Slack answered in this call. */
  tz?: string;
}

export interface IdentityProblem {
  ok: false;
  reason: IdentityProblemReason;
  /** The Slack email that was looked up, when there was one. */
  email?: string;
  /** Whose identity this is, so the message can show the admin the exact `users link` command. */
  slackUserId: string;
}

export type IdentityResult = IdentityFound | IdentityProblem;
