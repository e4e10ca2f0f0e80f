/**
 * The card the bot answers a sentence with ("every monday at 8am send #sales last week's pipeline by rep", in a DM
 * or a mention): the routine as it would be created, with Create, Edit in form and Cancel; or, for a schedule Omni
 * can't run, the reason and the alternative with Use this. Also the short guide for "help" and unclear sentences.
 * Everything the user wrote is escaped: a mention of someone, @here or a link in the sentence shows as text and
 * pings nobody.
 */
import type { KnownBlock } from '@slack/types';
import type { FormErrors, RoutineForm, SchedulePreview } from '../../routines/types.js';
import { ACTION_ID, BLOCK_ID } from '../ids.js';
import { escapeForMrkdwn } from '../text.js';
import { emphasised, formatNextRuns, mrkdwn, plainText, userText } from './format.js';
import { zoneInWords } from './routine-modal.js';

/** Sentences that work, for the guide (each is read by the same engine as /routine; a test checks they still are). */
export const SENTENCE_EXAMPLES = [
  "every monday at 8am send #sales last week's pipeline by rep",
  "every weekday at 9am summarise yesterday's signups by channel",
  'on the 1st of every month at 10am what changed in churn last month, by segment?',
] as const;

export const SENTENCE_BLOCK_ID = {
  /** The card's buttons. */
  actions: 'sentence_actions',
  schedule: 'sentence_schedule',
  details: 'sentence_details',
  problems: 'sentence_problems',
} as const;

export interface SentenceCardInput {
  cardId: string;
  form: RoutineForm;
  preview: SchedulePreview | null;
  /** What would stop Create (no model, a bad channel…), from the same checks as the form. */
  problems?: FormErrors;
  /** A line under the card (e.g. why results go to a DM rather than the channel named). */
  note?: string;
}

function scheduleLines(form: RoutineForm, preview: SchedulePreview | null): { text: string; alternative?: string } {
  if (preview?.ok) {
    const lines = [`*When:* ${emphasised('*', userText(preview.description, 500))}, ${escapeForMrkdwn(zoneInWords(preview.timezone))}`];
    if (preview.nextRuns.length > 0) lines.push(`*Next runs:* ${escapeForMrkdwn(formatNextRuns(preview.nextRuns, preview.timezone))}`);
    for (const warning of preview.warnings.slice(0, 3)) lines.push(`:warning: ${userText(warning, 400)}`);
    return { text: lines.join('\n') };
  }
  if (preview && !preview.ok) {
    const alternative = preview.error.alternative.trim();
    const lines = [
      `*When:* ${userText(form.schedule, 300)}`,
      `:bulb: ${userText(preview.error.message.replace(/[\s:]+$/, '.'), 1200)}`,
      ...(alternative ? [`Press *Use this* for ${emphasised('_', userText(alternative, 600))}.`] : []),
    ];
    return { text: lines.join('\n'), ...(alternative ? { alternative } : {}) };
  }
  return { text: '*When:* not said yet' };
}

function deliveryLine(form: RoutineForm): string {
  if (form.delivery === 'channel' && form.channelId && /^[CG][A-Z0-9]{2,30}$/.test(form.channelId)) return `<#${form.channelId}>`;
  if (form.delivery === 'email') return 'email';
  return 'you, by direct message';
}

/** The card in the thread: what would be created and the buttons (only the author's presses count). */
export function buildSentenceCard(input: SentenceCardInput): { text: string; blocks: KnownBlock[] } {
  const { form, preview, cardId } = input;
  const schedule = scheduleLines(form, preview);
  const problems = Object.values(input.problems ?? {}).filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  const ready = preview?.ok === true && problems.length === 0;
  const model = form.modelName || form.modelId;
  const details = [
    `*Prompt:* ${userText(form.prompt, 1500)}`,
    `*Model:* ${model ? userText(model, 200) : '_none chosen yet: pick one in the form_'}`,
    `*Results go to:* ${deliveryLine(form)}`,
  ];
  const headline = ready ? ':sparkles: Here is your routine, ready to create.' : ':sparkles: Here is your routine. One thing first:';
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: BLOCK_ID.status, text: mrkdwn(`*${headline.replace(/\*/g, '')}*`) },
    { type: 'section', block_id: SENTENCE_BLOCK_ID.schedule, text: mrkdwn(schedule.text) },
    { type: 'section', block_id: SENTENCE_BLOCK_ID.details, text: mrkdwn(details.join('\n')) },
  ];
  // The schedule's own refusal is said above; the other problems (no model…) go here, in the form's words.
  const others = preview?.ok ? problems : problems.filter((p) => p !== input.problems?.schedule);
  if (others.length > 0) {
    blocks.push({ type: 'context', block_id: SENTENCE_BLOCK_ID.problems, elements: [mrkdwn(others.map((p) => `:warning: ${userText(p, 400)}`).join('\n'))] });
  }
  const value = cardId.slice(0, 2000);
  const buttons = [
    ...(ready ? [{ type: 'button' as const, action_id: ACTION_ID.sentenceCreate, text: plainText('Create', 75), style: 'primary' as const, value }] : []),
    ...(schedule.alternative
      ? [{ type: 'button' as const, action_id: ACTION_ID.sentenceUseAlternative, text: plainText('Use this', 75), style: 'primary' as const, value }]
      : []),
    { type: 'button' as const, action_id: ACTION_ID.sentenceEdit, text: plainText('Edit in form', 75), value },
    { type: 'button' as const, action_id: ACTION_ID.sentenceCancel, text: plainText('Cancel', 75), value },
  ];
  blocks.push({ type: 'actions', block_id: SENTENCE_BLOCK_ID.actions, elements: buttons });
  const footer = [input.note ? userText(input.note, 600) : '', 'Nothing is created until the person who asked presses *Create*.'].filter(Boolean).join('\n');
  blocks.push({ type: 'context', block_id: 'sentence_footer', elements: [mrkdwn(footer)] });
  return { text: headline, blocks };
}

/** The card while Omni creates the routine (no buttons: nothing to press twice). */
export function buildSentenceCreatingCard(form: RoutineForm): { text: string; blocks: KnownBlock[] } {
  const text = ':hourglass_flowing_sand: Creating your routine…';
  return {
    text,
    blocks: [{ type: 'section', block_id: BLOCK_ID.status, text: mrkdwn(`${text}\n*Prompt:* ${userText(form.prompt, 1500)}`) }],
  };
}

/** The card after Cancel. */
export function buildSentenceCancelledCard(): { text: string; blocks: KnownBlock[] } {
  const text = 'Cancelled. Nothing was created.';
  return { text, blocks: [{ type: 'section', block_id: BLOCK_ID.status, text: mrkdwn(text) }] };
}

/** "help", or a sentence with no schedule in it: what to write, with three examples. */
export function buildSentenceGuide(reason: 'help' | 'unclear'): { text: string; blocks: KnownBlock[] } {
  const intro =
    reason === 'help'
      ? 'Tell me what Omni should answer and when, in one sentence, and I will set it up as a routine.'
      : "I couldn't find when it should run in that. Say what Omni should answer and when, in one sentence.";
  const examples = SENTENCE_EXAMPLES.map((e) => `• ${escapeForMrkdwn(e)}`).join('\n');
  return {
    text: intro,
    blocks: [
      { type: 'section', block_id: 'sentence_guide', text: mrkdwn(`${escapeForMrkdwn(intro)}\nFor example:\n${examples}`) },
      {
        type: 'context',
        block_id: 'sentence_guide_more',
        elements: [mrkdwn('I answer with the routine in words and a *Create* button. `/routine` opens the form; `/routine list` shows your routines.')],
      },
    ],
  };
}
