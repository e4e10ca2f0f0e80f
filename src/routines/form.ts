/**
 * The routine form: its fields, their limits and the checks a field makes on its own, in one zod schema. Everything
 * else derives from it: the modal's max_length (src/slack/views/routine-modal.ts), the submit checks
 * (check-form.ts, which adds what depends on the policy and on other fields), how the Slack layer reads a submitted
 * view (src/slack/read-form.ts), how a stored draft is read back (drafts.ts) and the Omni request (request.ts).
 *
 * Limits: Omni takes a name of 1–255 characters; Slack caps any plain_text_input at 3000; Omni sends to at most 100
 * recipients (recipientEmails maxItems 100).
 */
import { IANAZone } from 'luxon';
import * as z from 'zod';

export const DELIVERY_KINDS = ['channel', 'dm', 'email'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

/** Most people one routine can reach by email: Slack users picked plus addresses typed, counted together. */
export const MAX_RECIPIENTS = 100;

/**
 * Text of at most `max` characters as String.length counts them (UTF-16 units, as the modal's max_length does). zod's
 * own max, which declares the cap (FORM_MAX_LENGTH reads it), counts code points once past it, so an emoji-rich
 * text could pass it with more units than the cap: the refine, first, decides.
 */
function cappedText(what: string, max: number, text: z.ZodString = z.string()) {
  const tooLong = { error: `Keep the ${what} under ${max} characters.` };
  return text.refine((s) => s.length <= max, tooLong).max(max, tooLong);
}

export const routineFormSchema = z.object({
  // A blank name is fine: the bot names the routine from the prompt (completeForm) before it goes to Omni.
  name: cappedText('name', 255),
  prompt: cappedText('prompt', 3000, z.string().refine((s) => s.trim() !== '', { error: 'Tell the Omni Agent what to do on each run.' })),
  /** What the user typed (words or a cron); check-form.ts reads it with the schedule engine. */
  schedule: cappedText('schedule', 500),
  /** IANA zone; empty when the user has not chosen one yet. */
  timezone: z.string().refine((s) => s === '' || IANAZone.isValidZone(s), { error: 'Pick a time zone from the list.' }),
  modelId: z.string().refine((s) => s.trim() !== '', { error: 'Pick the Omni model the routine should query.' }),
  /** Shown next to the id so a reopened draft can label its selections without calling Omni. */
  modelName: z.string().optional(),
  topicName: z.string().optional(),
  branchId: z.string().optional(),
  branchName: z.string().optional(),
  delivery: z.enum(DELIVERY_KINDS),
  /** Slack channel id, for delivery 'channel'. */
  channelId: z.string().optional(),
  /** Slack user ids whose emails receive the routine, for delivery 'email'. */
  recipientUserIds: z.array(z.string()),
  /** Extra email addresses as typed (comma, space or newline separated), for delivery 'email'. */
  emails: cappedText('email addresses', 3000),
  description: cappedText('description', 1000),
});

/** What the user filled in the routine modal, as plain values (field names match the modal's block ids). */
export type RoutineForm = z.infer<typeof routineFormSchema>;

function maxLengthOf(field: z.ZodString): number {
  if (field.maxLength === null) throw new Error('a form field read as capped has no max length');
  return field.maxLength;
}

const shape = routineFormSchema.shape;

/** The text fields' caps, as the modal's max_length and the reader of a submitted view use them. */
export const FORM_MAX_LENGTH = {
  name: maxLengthOf(shape.name),
  prompt: maxLengthOf(shape.prompt),
  schedule: maxLengthOf(shape.schedule),
  emails: maxLengthOf(shape.emails),
  description: maxLengthOf(shape.description),
} as const satisfies Partial<Record<keyof RoutineForm, number>>;

export const EMPTY_FORM: RoutineForm = {
  name: '',
  prompt: '',
  schedule: '',
  timezone: '',
  modelId: '',
  // A DM to the requester: nobody else sees answers drawn from their Omni access unless they choose so.
  delivery: 'dm',
  recipientUserIds: [],
  emails: '',
  description: '',
};

/**
 * A form as it was stored (a draft, a sentence's card): read field by field, so a form saved by an older version
 * (a field missing, renamed or of another type) loses only that field. A value the checks would refuse now (a
 * limit lowered since) is kept as it was: the user sees it and the submit check says what to change.
 */
const keptText = z.string().catch('');
const keptOptionalText = z.string().optional().catch(undefined);

export const storedFormSchema = z.object({
  name: keptText,
  prompt: keptText,
  schedule: keptText,
  timezone: keptText,
  modelId: keptText,
  modelName: keptOptionalText,
  topicName: keptOptionalText,
  branchId: keptOptionalText,
  branchName: keptOptionalText,
  delivery: shape.delivery.catch(EMPTY_FORM.delivery),
  channelId: keptOptionalText,
  recipientUserIds: z
    .array(z.unknown())
    .catch([])
    .transform((ids) => ids.filter((id): id is string => typeof id === 'string')),
  emails: keptText,
  description: keptText,
} satisfies Record<keyof RoutineForm, z.ZodType>);

/** A stored form → RoutineForm; never throws (anything that is not an object reads as the empty form). */
export function readStoredForm(raw: unknown): RoutineForm {
  const read = storedFormSchema.parse(raw !== null && typeof raw === 'object' ? raw : {});
  // Optional fields absent rather than undefined, as a form built anywhere else has them.
  return Object.fromEntries(Object.entries(read).filter(([, v]) => v !== undefined)) as RoutineForm;
}
