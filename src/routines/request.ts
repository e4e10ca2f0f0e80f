/**
 * The Omni request a checked form makes: the create body, or the changed fields of an update. The destination comes
 * apart because an email one needs the picked people's addresses from Slack first (resolveDestination).
 */
import { type CheckedForm, isAllowedEmailDomain, isValidEmail } from './check-form.js';
import { MAX_RECIPIENTS } from './form.js';
import type { OmniRoutineRecord, RoutineCreateRequest, SlackPeoplePort } from './ports.js';
import type { UserFacingFailure } from './types.js';

export type RoutineDestination = RoutineCreateRequest['destination'];

/** The request fields a form sets, the destination apart. */
export type RequestField = Exclude<keyof RoutineCreateRequest, 'destination'>;
type FormFields = { [K in RequestField]-?: Exclude<RoutineCreateRequest[K], undefined> };

/**
 * Every field of the request but the destination, as an update sets them: an optional field left empty is null (it
 * clears the routine's). An update sends those the user changed; the destination comes from resolveDestination.
 */
export function formFields(checked: CheckedForm): FormFields {
  const { form } = checked;
  return {
    name: form.name.trim(),
    modelId: form.modelId,
    prompt: form.prompt.trim(),
    schedule: checked.schedule.cron,
    timezone: checked.schedule.timezone,
    branchId: form.branchId || null,
    topicName: form.topicName || null,
    description: form.description.trim() || null,
  };
}

/** The create body: the optional fields only when they hold something. */
export function createRequest(checked: CheckedForm, destination: RoutineDestination): RoutineCreateRequest {
  const { branchId, topicName, description, ...required } = formFields(checked);
  return {
    ...required,
    destination,
    ...(branchId ? { branchId } : {}),
    ...(topicName ? { topicName } : {}),
    ...(description ? { description } : {}),
  };
}

/**
 * The fields an instance's update requires (its spec says which: the documented PUT requires name, prompt and
 * schedule), taken from the routine as Omni holds it now, never from a cache. `isActive` is the caller's to set.
 */
export function requiredFields(required: readonly string[], record: OmniRoutineRecord): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of required) {
    const value = (record as unknown as Record<string, unknown>)[field];
    if (field !== 'isActive' && value !== undefined && value !== null && value !== '') body[field] = value;
  }
  return body;
}

export type DestinationOutcome = { ok: true; destination: RoutineDestination } | { ok: false; failure: UserFacingFailure };

/**
 * Where the routine delivers: a channel, a DM to the requester, or the addresses of the people picked plus those
 * typed (each picked person must have one, and every address must be allowed by the policy).
 */
export async function resolveDestination(
  deps: { people: SlackPeoplePort; allowedEmailDomains: readonly string[] },
  slackUserId: string,
  checked: CheckedForm,
): Promise<DestinationOutcome> {
  const { form } = checked;
  if (form.delivery === 'channel') return { ok: true, destination: { type: 'slack', slackRecipientType: 'channel', recipientId: form.channelId ?? '' } };
  if (form.delivery === 'dm') return { ok: true, destination: { type: 'slack', slackRecipientType: 'users', recipientId: slackUserId } };
  const fromPeople: string[] = [];
  const missing: string[] = [];
  for (const id of form.recipientUserIds) {
    const user = await deps.people.getUser(id);
    if (user?.email && !user.deleted) fromPeople.push(user.email);
    else missing.push(`<@${id}>`);
  }
  if (missing.length > 0) {
    return {
      ok: false,
      failure: { code: 'recipient_without_email', message: `I couldn't find an email address for ${missing.join(', ')}. Remove them or type their address instead.`, retryable: false },
    };
  }
  const all = [...new Map([...fromPeople, ...checked.typedEmails].map((e) => [e.toLowerCase(), e])).values()];
  const bad = all.filter((e) => !isValidEmail(e) || !isAllowedEmailDomain(e, deps.allowedEmailDomains));
  if (bad.length > 0) {
    return {
      ok: false,
      failure: {
        code: 'recipient_not_allowed',
        message: `Routines may only email ${deps.allowedEmailDomains.join(', ')} addresses; ${bad.slice(0, 5).join(', ')} cannot receive it. Remove them and try again.`,
        retryable: false,
      },
    };
  }
  if (all.length > MAX_RECIPIENTS) {
    return { ok: false, failure: { code: 'too_many_recipients', message: `Omni sends to at most ${MAX_RECIPIENTS} recipients; this has ${all.length}.`, retryable: false } };
  }
  return { ok: true, destination: { type: 'email', recipientEmails: all } };
}
