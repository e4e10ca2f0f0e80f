/**
 * The synchronous checks of a routine form: everything that can be decided without a network call, so the Slack
 * layer can answer within the 3-second ack with errors under the right fields. Policy (minimum interval, allowed
 * email domains) is enforced here, on the server side, whatever the view state claims.
 */
import { IANAZone } from 'luxon';
import { interpretSchedule } from '../schedule/index.js';
import type { ScheduleResult } from '../schedule/types.js';
import { MAX_RECIPIENTS, type RoutineForm, routineFormSchema } from './form.js';
import type { FormErrors } from './types.js';

export interface RoutinePolicy {
  defaultTimezone: string;
  minIntervalMinutes: number;
  /** Lower-case domains; empty = any domain. */
  allowedEmailDomains: readonly string[];
}

/**
 * A form that passed the checks, as the use cases take it: only checkRoutineForm makes one, so a submission is
 * checked once, before the ack, and what was checked is what is sent.
 */
declare const checkedBrand: unique symbol;
export type CheckedForm = {
  ok: true;
  /** The form as checked. */
  form: RoutineForm;
  schedule: Extract<ScheduleResult, { ok: true }>;
  typedEmails: string[];
  readonly [checkedBrand]: true;
};

const EMAIL = /^[^\s@<>(),;:"[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** What a users_select sends back; anything else in the recipients state was forged. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Public and private channel ids (what a conversations_select limited to channels sends back). */
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,30}$/;

const DM_AS_CHANNEL = "That's a direct message, not a channel. Choose \u201cSend me a DM\u201d to get the answers yourself, or pick a channel.";

/**
 * A direct message conversation (`D…`). It is never a channel destination: whoever is in that DM would get answers
 * drawn from the owner's Omni access without having chosen a channel. (Group DMs share the `G` prefix with old
 * private channels, so they are kept out by the channel picker's filter and by not offering them as a default.)
 */
export function isDirectMessageId(id: string): boolean {
  return /^D[A-Z0-9]{2,}$/.test(id);
}

export function isValidEmail(address: string): boolean {
  return address.length <= 254 && EMAIL.test(address);
}

/** Splits what the user typed in the emails box; `mailto:` links Slack adds are unwrapped. */
export function readEmailList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.replace(/^<?mailto:/i, '').replace(/\|.*$/, '').replace(/^<|>$/g, '').trim())
    .filter((s) => s.length > 0);
}

export function isAllowedEmailDomain(address: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return allowed.includes(domain);
}

/** The zone a form's schedule is read in: the chosen one, else the default. */
export function resolveFormTimezone(form: RoutineForm, policy: RoutinePolicy): string {
  return form.timezone && IANAZone.isValidZone(form.timezone) ? form.timezone : policy.defaultTimezone;
}

export function previewSchedule(form: RoutineForm, policy: RoutinePolicy, now: Date): ScheduleResult | null {
  if (form.schedule.trim() === '') return null;
  return interpretSchedule(form.schedule, {
    timezone: resolveFormTimezone(form, policy),
    now,
    minIntervalMinutes: policy.minIntervalMinutes,
  });
}

/** The first problem the schema finds in each field, keyed like the form. */
function fieldProblems(form: RoutineForm): FormErrors {
  const parsed = routineFormSchema.safeParse(form);
  const problems: FormErrors = {};
  if (parsed.success) return problems;
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (typeof field === 'string' && field in routineFormSchema.shape) problems[field as keyof RoutineForm] ??= issue.message;
  }
  return problems;
}

/** The fields checked on their own, in the order their errors are listed (and so shown). */
const OWN_FIELDS = ['name', 'prompt', 'description', 'timezone', 'modelId'] as const;

export function checkRoutineForm(
  form: RoutineForm,
  policy: RoutinePolicy,
  now: Date,
): CheckedForm | { ok: false; errors: FormErrors } {
  const problems = fieldProblems(form);
  const errors: FormErrors = {};
  for (const field of OWN_FIELDS) if (problems[field]) errors[field] = problems[field];

  let schedule: CheckedForm['schedule'] | undefined;
  const preview = problems.schedule ? undefined : previewSchedule(form, policy, now);
  if (problems.schedule) errors.schedule = problems.schedule;
  else if (preview === null) errors.schedule = 'Say when it should run, e.g. "every weekday at 9am".';
  else if (preview && !preview.ok) {
    // Some reasons end in "for example:" and lead straight into the alternative.
    const message = preview.error.message.trim();
    errors.schedule = message.endsWith(':') ? `${message} ${preview.error.alternative}` : `${message} Try: ${preview.error.alternative}`;
  }
  else schedule = preview;

  const typedEmails = form.delivery === 'email' && !problems.emails ? readEmailList(form.emails) : [];
  if (form.delivery === 'channel') {
    if (!form.channelId) errors.channelId = 'Pick the channel to post in.';
    else if (isDirectMessageId(form.channelId)) errors.channelId = DM_AS_CHANNEL;
    else if (!SLACK_CHANNEL_ID.test(form.channelId)) errors.channelId = 'Pick a channel from the list.';
  }
  if (form.delivery === 'email') {
    const invalid = typedEmails.filter((e) => !isValidEmail(e));
    const outside = typedEmails.filter((e) => isValidEmail(e) && !isAllowedEmailDomain(e, policy.allowedEmailDomains));
    const total = new Set([...typedEmails.map((e) => e.toLowerCase()), ...form.recipientUserIds]).size;
    if (problems.emails) errors.emails = problems.emails;
    else if (invalid.length > 0) errors.emails = `Not an email address: ${invalid.slice(0, 3).join(', ')}${invalid.length > 3 ? '…' : ''}`;
    else if (outside.length > 0)
      errors.emails = `Routines may only email ${policy.allowedEmailDomains.join(', ')} addresses: ${outside.slice(0, 3).join(', ')}${outside.length > 3 ? '…' : ''} cannot receive it.`;
    if (form.recipientUserIds.some((id) => !SLACK_USER_ID.test(id))) errors.recipients = 'Pick people from the list.';
    else if (total === 0) errors.recipients = 'Add at least one person here, or type an address under Other email addresses: one of the two is needed.';
    else if (total > MAX_RECIPIENTS) errors.recipients = `Omni sends to at most ${MAX_RECIPIENTS} recipients; you chose ${total}.`;
  }

  if (Object.keys(errors).length > 0 || !schedule) return { ok: false, errors };
  return { ok: true, form, schedule, typedEmails } as CheckedForm;
}
