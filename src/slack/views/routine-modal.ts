/**
 * The routine modal (callback_id `routine_create`): the form, its live schedule preview, and the metadata it carries.
 * Input block ids and action ids come from ids.ts and never change between rebuilds, so `views.update` keeps what
 * the user typed; only the blocks that depend on the delivery choice come and go.
 */
import type { ContextBlock, InputBlock, KnownBlock, ModalView, PlainTextOption, SectionBlock } from '@slack/types';
import * as z from 'zod';
import type { FormErrors, RoutineForm, SchedulePreview, UserFacingFailure } from '../../routines/types.js';
import { ACTION_ID, BLOCK_ID, CALLBACK_ID, DELIVERY_KIND, INPUT_BLOCK_ID } from '../ids.js';
import { escapeForMrkdwn, truncateForSlack } from '../text.js';
import { code, emphasised, formatNextRuns, mrkdwn, plainText, userText } from './format.js';
import { suggestRoutineName } from '../../routines/defaults.js';
// The inputs' max_length and the people picker's cap come from the form's schema, which the submit checks use too.
import { FORM_MAX_LENGTH, MAX_RECIPIENTS } from '../../routines/form.js';
import { namesUnreadWords } from '../../schedule/index.js';
import { buildOption, buildTimezoneLabel } from './timezone-options.js';

/** Display-only blocks of the modal (listeners never address them). */
const DISPLAY_BLOCK_ID = {
  lastFailure: 'last_failure',
  notice: 'account_notice',
  /** One line under Deliver to: who will see the answers. */
  audience: 'delivery_audience',
  /** The Omni cron of a valid schedule, small, under the preview. */
  scheduleCron: 'schedule_cron',
} as const;

export const MODAL_SOURCES = ['command', 'global_shortcut', 'message_shortcut', 'retry', 'home', 'edit', 'sentence'] as const;
export type ModalSource = (typeof MODAL_SOURCES)[number];

/** What the modal remembers between opening and submitting (JSON in `private_metadata`, ≤3000 chars). */
export interface ModalMetadata {
  originChannelId?: string;
  messageTs?: string;
  draftId?: string;
  source: ModalSource;
  /** Name, Topic, Branch and Description are shown (the user pressed More options, or the form already held them). */
  moreOptions?: boolean;
  /** Edit mode: the routine being edited, and its fields' fingerprints as the form was opened (routines/edit.ts). */
  routineId?: string;
  base?: { updatedAt: string; fields: Record<string, string> };
  /** Opened from a sentence's card (Edit in form): the card the routine closes once created. */
  sentenceCardId?: string;
}

// Each field is read on its own so one bad value (the metadata comes back from Slack) loses only itself.
const metadataSchema = z.object({
  originChannelId: z.string().min(1).max(255).optional().catch(undefined),
  messageTs: z.string().min(1).max(64).optional().catch(undefined),
  draftId: z.string().min(1).max(255).optional().catch(undefined),
  source: z.enum(MODAL_SOURCES).catch('command'),
  moreOptions: z.boolean().optional().catch(undefined),
  routineId: z.string().min(1).max(64).optional().catch(undefined),
  sentenceCardId: z.string().uuid().optional().catch(undefined),
  base: z
    .object({ updatedAt: z.string().max(64), fields: z.record(z.string().max(20), z.string().max(40)) })
    .optional()
    .catch(undefined),
});

function compactMetadata(value: z.infer<typeof metadataSchema>): ModalMetadata {
  const metadata: ModalMetadata = { source: value.source };
  if (value.originChannelId !== undefined) metadata.originChannelId = value.originChannelId;
  if (value.messageTs !== undefined) metadata.messageTs = value.messageTs;
  if (value.draftId !== undefined) metadata.draftId = value.draftId;
  if (value.moreOptions === true) metadata.moreOptions = true;
  if (value.routineId !== undefined) metadata.routineId = value.routineId;
  if (value.base !== undefined) metadata.base = value.base;
  if (value.sentenceCardId !== undefined) metadata.sentenceCardId = value.sentenceCardId;
  return metadata;
}

/** `private_metadata` → ModalMetadata. Never throws: anything unreadable becomes `{ source: 'command' }`. */
export function readModalMetadata(raw: string): ModalMetadata {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { source: 'command' };
  }
  const result = metadataSchema.safeParse(parsed);
  return result.success ? compactMetadata(result.data) : { source: 'command' };
}

/** ModalMetadata → `private_metadata`, dropping fields that would not read back (so it stays far below 3000). */
export function writeModalMetadata(metadata: ModalMetadata): string {
  return JSON.stringify(compactMetadata(metadataSchema.parse(metadata)));
}

export interface RoutineModalInput {
  form: RoutineForm;
  preview?: SchedulePreview | null;
  metadata: ModalMetadata;
  /** Field problems of an earlier attempt; shown at the top when the modal is reopened from a failed draft. */
  errors?: FormErrors;
  /** Why the earlier attempt failed (reopened from a failed draft). */
  lastFailure?: UserFacingFailure | string;
  /** A problem the user should know before filling the form (e.g. no Omni account matches their Slack email). */
  notice?: string;
  /** The user's Slack `tz`: the zone preselected when the form has none. */
  userTimezone?: string;
  /** The instant the zone's UTC offset is shown for; without it the zone is labelled by name only. */
  now?: Date;
  /** 'edit': the same form and blocks, as callback_id `routine_edit` with a Save button. Default 'create'. */
  mode?: 'create' | 'edit';
}

const DELIVERY_LABEL: Record<RoutineForm['delivery'], string> = {
  [DELIVERY_KIND.dm]: 'Send me a DM',
  [DELIVERY_KIND.channel]: 'Post in a channel',
  [DELIVERY_KIND.email]: 'Email people',
};

/** The radio options, built once so the initial option is exactly one of them (Slack insists). */
const DELIVERY_OPTIONS: PlainTextOption[] = (Object.keys(DELIVERY_LABEL) as Array<RoutineForm['delivery']>).map(
  (kind) => buildOption(DELIVERY_LABEL[kind], kind),
);

/** The field names users see, for the "last time this failed" summary. */
const FIELD_LABEL: Record<keyof FormErrors, string> = {
  name: 'Name',
  prompt: 'Prompt',
  schedule: 'Schedule',
  timezone: 'Time zone',
  modelId: 'Omni model',
  modelName: 'Omni model',
  topicName: 'Topic',
  branchId: 'Branch',
  branchName: 'Branch',
  delivery: 'Delivery',
  channelId: 'Channel',
  recipientUserIds: 'People',
  recipients: 'People',
  emails: 'Email addresses',
  description: 'Description',
};

export const SCHEDULE_EXAMPLES = [
  'every weekday at 9am',
  'every Monday at 8:30am',
  'first Monday of the month at 10am',
  'every day at 6pm',
] as const;

function textInput(input: {
  blockId: string;
  actionId: string;
  label: string;
  maxLength: number;
  value: string;
  multiline?: boolean;
  optional?: boolean;
  placeholder?: string;
  hint?: string;
}): InputBlock {
  const block: InputBlock = {
    type: 'input',
    block_id: input.blockId,
    label: plainText(input.label, 2000),
    // Fields at Slack's documented defaults (optional and multiline false) are left out: a smaller view to send,
    // and for Slack to echo back, on every open.
    ...(input.optional ? { optional: true } : {}),
    element: {
      type: 'plain_text_input',
      action_id: input.actionId,
      ...(input.multiline ? { multiline: true } : {}),
      max_length: input.maxLength,
      ...(input.placeholder ? { placeholder: plainText(input.placeholder, 150) } : {}),
      // An initial value longer than max_length makes Slack refuse the whole view.
      ...(input.value.trim() ? { initial_value: truncateForSlack(input.value, input.maxLength) } : {}),
    },
  };
  if (input.hint) block.hint = plainText(input.hint, 2000);
  return block;
}

function externalSelect(input: {
  blockId: string;
  actionId: string;
  label: string;
  placeholder: string;
  initial?: PlainTextOption;
  optional?: boolean;
  dispatch?: boolean;
  hint?: string;
}): InputBlock {
  const block: InputBlock = {
    type: 'input',
    block_id: input.blockId,
    label: plainText(input.label, 2000),
    ...(input.optional ? { optional: true } : {}),
    ...(input.dispatch ? { dispatch_action: true } : {}),
    element: {
      type: 'external_select',
      action_id: input.actionId,
      min_query_length: 0,
      placeholder: plainText(input.placeholder, 150),
      ...(input.initial ? { initial_option: input.initial } : {}),
    },
  };
  if (input.hint) block.hint = plainText(input.hint, 2000);
  return block;
}

/** "New York time", "UTC": a zone as people say it (the IANA id stays in the small cron line). */
export function zoneInWords(zone: string): string {
  if (!zone || zone === 'UTC' || zone.startsWith('Etc/')) return zone || 'UTC';
  const city = zone.slice(zone.lastIndexOf('/') + 1).replaceAll('_', ' ');
  return `${city} time`;
}

/**
 * Refusals that only mean "not a schedule yet": while typing, the preview stays quiet instead of scolding. Words
 * the engine could not read inside a schedule ("every monday at 9 for the team") are named, never hidden.
 */
const notYetASchedule = (error: { code: string; message: string }) => error.code === 'not_a_schedule' && !namesUnreadWords(error);

const PREVIEW_HINT = `Say when it should run, like ${emphasised('_', SCHEDULE_EXAMPLES[0])} or ${emphasised('_', SCHEDULE_EXAMPLES[1])}.`;

/**
 * The preview text under the schedule input: a quiet hint until the text can be a schedule; then the schedule in
 * words and its next runs (the cron goes in a smaller line, see buildSchedulePreviewBlocks); or, for a refusal, its
 * reason and one alternative.
 */
export function buildSchedulePreviewText(preview: SchedulePreview | null | undefined): string {
  if (!preview || (!preview.ok && notYetASchedule(preview.error))) return PREVIEW_HINT;
  if (!preview.ok) {
    const message = userText(preview.error.message.replace(/[\s:]+$/, '.'), 1200);
    const alternative = preview.error.alternative.trim();
    const tryLine = alternative ? ` Try ${emphasised('_', userText(alternative, 600))}.` : '';
    return `:bulb: ${message}${tryLine}`;
  }
  const lines = [`${emphasised('*', userText(preview.description, 500))}, ${escapeForMrkdwn(zoneInWords(preview.timezone))}`];
  if (preview.nextRuns.length > 0) {
    lines.push(`Next runs: ${escapeForMrkdwn(formatNextRuns(preview.nextRuns, preview.timezone))}`);
  }
  for (const warning of preview.warnings.slice(0, 5)) lines.push(`:warning: ${userText(warning, 400)}`);
  const assumed = (preview.assumed ?? []).slice(0, 4);
  if (assumed.length > 0) lines.push(`_Assumed: ${assumed.map((a) => userText(a, 200)).join('; ')} (say it to change it)_`);
  return lines.join('\n');
}

/** The preview blocks: one line of words (a context while quiet or refused), and for a valid schedule the cron, small. */
export function buildSchedulePreviewBlocks(preview: SchedulePreview | null | undefined): KnownBlock[] {
  const text = mrkdwn(buildSchedulePreviewText(preview));
  if (!preview?.ok) return [{ type: 'context', block_id: BLOCK_ID.schedulePreview, elements: [text] } satisfies ContextBlock];
  return [
    { type: 'section', block_id: BLOCK_ID.schedulePreview, text } satisfies SectionBlock,
    {
      type: 'context',
      block_id: DISPLAY_BLOCK_ID.scheduleCron,
      elements: [mrkdwn(`Omni cron ${code(truncateForSlack(preview.cron, 200))} · ${escapeForMrkdwn(preview.timezone)}`)],
    } satisfies ContextBlock,
  ];
}

function buildLastFailureBlock(
  lastFailure: UserFacingFailure | string | undefined,
  errors: FormErrors | undefined,
  submitLabel = 'Create',
): SectionBlock | undefined {
  const message = typeof lastFailure === 'string' ? lastFailure : lastFailure?.message;
  const fieldLines = Object.entries(errors ?? {})
    .filter((entry): entry is [keyof FormErrors, string] => typeof entry[1] === 'string' && entry[1].trim() !== '')
    .slice(0, 15)
    .map(([field, text]) => `• *${FIELD_LABEL[field] ?? field}:* ${userText(text, 300)}`);
  if (!message?.trim() && fieldLines.length === 0) return undefined;
  const head = message?.trim() ? `:warning: *Last time this failed:* ${userText(message, 1000)}` : ':warning: *Last time this failed:*';
  return {
    type: 'section',
    block_id: DISPLAY_BLOCK_ID.lastFailure,
    text: mrkdwn([head, ...fieldLines, `Everything you typed is below. Fix it and press *${submitLabel}* again.`].join('\n')),
  };
}

/** Channel ids a channel picker can hold (public and private channels; DMs are never a destination). */
const CHANNEL_ID = /^[CG][A-Z0-9]{2,30}$/;

/** One line under Deliver to: who will see the answers, which Omni draws from the owner's access. */
export function buildAudienceText(form: RoutineForm): string {
  switch (form.delivery) {
    case 'dm':
      return ':lock: Only you will see the answers: Omni sends them to you as a direct message.';
    case 'email':
      return ':email: Everyone you add below gets answers drawn from your Omni access. Add at least one person or one address.';
    case 'channel':
    default:
      return form.channelId && CHANNEL_ID.test(form.channelId)
        ? `:busts_in_silhouette: Everyone in <#${form.channelId}> will see answers drawn from your Omni access.`
        : ':busts_in_silhouette: Everyone in the channel you pick will see answers drawn from your Omni access.';
  }
}

function buildDeliveryBlocks(form: RoutineForm): KnownBlock[] {
  const audience: ContextBlock = { type: 'context', block_id: DISPLAY_BLOCK_ID.audience, elements: [mrkdwn(buildAudienceText(form))] };
  switch (form.delivery) {
    case 'dm':
      return [audience];
    case 'email': {
      const users = [...new Set(form.recipientUserIds.filter((id) => id.trim() !== ''))].slice(0, MAX_RECIPIENTS);
      // Slack cannot mark "one of these two" as required: both are optional inputs, the line above says one is
      // needed, and the submit check puts one error under People when both are empty.
      return [
        audience,
        {
          type: 'input',
          block_id: INPUT_BLOCK_ID.recipients,
          label: plainText('People', 2000),
          optional: true,
          hint: plainText('Each person gets the answer at the email address of their Slack profile.', 2000),
          element: {
            type: 'multi_users_select',
            action_id: ACTION_ID.recipients,
            max_selected_items: MAX_RECIPIENTS,
            placeholder: plainText('Pick people', 150),
            ...(users.length > 0 ? { initial_users: users } : {}),
          },
        },
        textInput({
          blockId: INPUT_BLOCK_ID.emails,
          actionId: ACTION_ID.emails,
          label: 'Other email addresses',
          maxLength: FORM_MAX_LENGTH.emails,
          value: form.emails,
          multiline: true,
          optional: true,
          placeholder: 'Extra addresses, separated by commas',
          hint: 'People, these addresses, or both: at least one is needed.',
        }),
      ];
    }
    case 'channel':
    default: {
      const channel = form.channelId && CHANNEL_ID.test(form.channelId) ? form.channelId : undefined;
      return [
        {
          type: 'input',
          block_id: INPUT_BLOCK_ID.channel,
          label: plainText('Channel', 2000),
          hint: plainText('For a private channel, invite the Omni app to it first.', 2000),
          // Dispatches so the line below can name the channel chosen.
          dispatch_action: true,
          element: {
            type: 'conversations_select',
            action_id: ACTION_ID.channel,
            placeholder: plainText('Pick a channel', 150),
            // Channels only: a DM or group DM is never a destination (the submit check refuses DM ids as well).
            filter: { include: ['public', 'private'], exclude_bot_users: true },
            ...(channel ? { initial_conversation: channel } : {}),
          },
        },
        audience,
      ];
    }
  }
}

/** True when the form holds something only the More options fields show (so they must be shown, or it is lost). */
export function holdsMoreOptions(form: RoutineForm): boolean {
  return Boolean(form.name.trim() || form.topicName || form.branchId || form.description.trim());
}

/**
 * The routine modal, filled from `form` (the initial values: empty for a new routine, a draft's for Try again).
 * The short form shows Prompt, Schedule (with its preview), Zone, Deliver to and Omni model; Name, Topic, Branch
 * and Description appear after "More options", or at once when the form already holds one of them.
 */
export function buildRoutineModal(input: RoutineModalInput): ModalView {
  const { form } = input;
  const moreOptions = input.metadata.moreOptions === true || holdsMoreOptions(form);
  const metadata: ModalMetadata = { ...input.metadata, ...(moreOptions ? { moreOptions: true } : {}) };
  const blocks: KnownBlock[] = [];

  if (input.notice?.trim()) {
    blocks.push({ type: 'section', block_id: DISPLAY_BLOCK_ID.notice, text: mrkdwn(`:warning: ${userText(input.notice, 1500, { oneLine: false })}`) });
  }
  const editing = input.mode === 'edit';
  const failure = buildLastFailureBlock(input.lastFailure, input.errors, editing ? 'Save' : 'Create');
  if (failure) blocks.push(failure);

  blocks.push(
    textInput({
      blockId: INPUT_BLOCK_ID.prompt,
      actionId: ACTION_ID.prompt,
      label: 'What should Omni answer each time?',
      maxLength: FORM_MAX_LENGTH.prompt,
      value: form.prompt,
      multiline: true,
      placeholder: "Summarise yesterday's pipeline by region, with the biggest changes first",
    }),
  );

  const schedule = textInput({
    blockId: INPUT_BLOCK_ID.schedule,
    actionId: ACTION_ID.schedule,
    label: 'When should it run?',
    maxLength: FORM_MAX_LENGTH.schedule,
    value: form.schedule,
    placeholder: SCHEDULE_EXAMPLES[0],
  });
  schedule.dispatch_action = true;
  if (schedule.element.type === 'plain_text_input') {
    schedule.element.dispatch_action_config = { trigger_actions_on: ['on_enter_pressed', 'on_character_entered'] };
  }
  blocks.push(schedule, ...buildSchedulePreviewBlocks(input.preview));

  const zone = form.timezone || input.userTimezone || '';
  blocks.push(
    externalSelect({
      blockId: INPUT_BLOCK_ID.timezone,
      actionId: ACTION_ID.timezone,
      label: 'Time zone',
      placeholder: 'Search: London, New York, +05:30',
      // Dispatches so the preview above can be recomputed in the zone just picked.
      dispatch: true,
      ...(zone ? { initial: buildOption(input.now ? buildTimezoneLabel(zone, input.now) : zone, zone) } : {}),
    }),
  );

  const delivery = DELIVERY_OPTIONS.find((option) => option.value === form.delivery) ?? DELIVERY_OPTIONS[0];
  blocks.push({
    type: 'input',
    block_id: INPUT_BLOCK_ID.delivery,
    label: plainText('Deliver to', 2000),
    dispatch_action: true,
    element: {
      type: 'radio_buttons',
      action_id: ACTION_ID.delivery,
      options: DELIVERY_OPTIONS,
      ...(delivery ? { initial_option: delivery } : {}),
    },
  });
  blocks.push(...buildDeliveryBlocks(form));

  blocks.push(
    externalSelect({
      blockId: INPUT_BLOCK_ID.model,
      actionId: ACTION_ID.model,
      label: 'Omni model',
      placeholder: 'Search shared models',
      dispatch: true,
      hint: 'The data the AI answers from: one of the models shared in Omni.',
      ...(form.modelId ? { initial: buildOption(form.modelName || form.modelId, form.modelId) } : {}),
    }),
  );

  if (!moreOptions) {
    blocks.push({
      type: 'actions',
      block_id: BLOCK_ID.moreOptions,
      elements: [{ type: 'button', action_id: ACTION_ID.moreOptions, text: plainText('More options', 75), value: 'more' }],
    });
  } else {
    const suggested = suggestRoutineName(form.prompt);
    blocks.push(
      textInput({
        blockId: INPUT_BLOCK_ID.name,
        actionId: ACTION_ID.name,
        label: 'Name',
        maxLength: FORM_MAX_LENGTH.name,
        value: form.name,
        optional: true,
        placeholder: suggested || 'Named from the prompt when left empty',
        hint: form.delivery === 'email' ? 'Leave it empty to use the one suggested; it is the subject of the emails.' : 'Leave it empty to use the one suggested.',
      }),
      externalSelect({
        blockId: INPUT_BLOCK_ID.topic,
        actionId: ACTION_ID.topic,
        label: 'Topic',
        placeholder: 'Search topics',
        optional: true,
        hint: form.modelId ? 'Leave empty and Omni picks the best topic for each question.' : 'Pick a model first.',
        ...(form.topicName ? { initial: buildOption(form.topicName, form.topicName) } : {}),
      }),
      externalSelect({
        blockId: INPUT_BLOCK_ID.branch,
        actionId: ACTION_ID.branch,
        label: 'Branch',
        placeholder: 'Search branches',
        optional: true,
        hint: form.modelId ? 'Leave empty to use the published model.' : 'Pick a model first.',
        ...(form.branchId ? { initial: buildOption(form.branchName || form.branchId, form.branchId) } : {}),
      }),
      textInput({
        blockId: INPUT_BLOCK_ID.description,
        actionId: ACTION_ID.description,
        label: 'Description',
        maxLength: FORM_MAX_LENGTH.description,
        value: form.description,
        multiline: true,
        optional: true,
        placeholder: 'Shown in Omni only; never sent to the AI',
      }),
    );
  }

  return {
    type: 'modal',
    callback_id: editing ? CALLBACK_ID.routineEdit : CALLBACK_ID.routineModal,
    title: plainText(editing ? 'Edit routine' : 'New routine', 24),
    submit: plainText(editing ? 'Save' : 'Create', 24),
    close: plainText('Cancel', 24),
    private_metadata: writeModalMetadata(metadata),
    blocks,
  };
}
