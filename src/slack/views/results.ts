/**
 * What the routine modal turns into after Create: "Creating…", the created routine, or the failure with the draft
 * kept one click away.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { DateTime } from 'luxon';
import type { RoutineForm, RoutineView, SchedulePreview, UserFacingFailure } from '../../routines/types.js';
import { ACTION_ID, BLOCK_ID, CALLBACK_ID } from '../ids.js';
import { escapeForMrkdwn } from '../text.js';
import { emphasised, mrkdwn, plainText, userText } from './format.js';
import { buildRoutineBlocks } from './routine-blocks.js';

const DELIVERY_SUMMARY: Record<RoutineForm['delivery'], string> = {
  channel: 'Post in a channel',
  dm: 'Direct message to you',
  email: 'Email',
};

/** Name, schedule and delivery of a form as mrkdwn lines (user text escaped). */
function summariseForm(form: RoutineForm, preview: SchedulePreview | null): string[] {
  const lines = [`*Name:* ${userText(form.name.trim() || 'Untitled routine', 300)}`];
  if (preview?.ok) {
    lines.push(`*Schedule:* ${userText(preview.description, 300)} · ${escapeForMrkdwn(preview.timezone)}`);
  } else if (form.schedule.trim()) {
    const zone = form.timezone ? ` · ${userText(form.timezone, 80)}` : '';
    lines.push(`*Schedule:* ${userText(form.schedule, 300)}${zone}`);
  }
  let delivery = DELIVERY_SUMMARY[form.delivery] ?? form.delivery;
  // A channel mention only for a well-formed id: the form comes back from Slack and could carry anything.
  if (form.delivery === 'channel' && form.channelId && /^[CG][A-Z0-9]{2,30}$/.test(form.channelId)) {
    delivery = `<#${form.channelId}>`;
  }
  lines.push(`*Delivery:* ${delivery}`);
  return lines;
}

function resultModal(title: string, blocks: KnownBlock[], close = 'Close'): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.routineModal,
    title: plainText(title, 24),
    close: plainText(close, 24),
    blocks,
  };
}

/** Shown right after a valid submit, while Omni creates the routine. No submit button: nothing to press twice. */
export function buildCreatingView(form: RoutineForm, preview: SchedulePreview | null): ModalView {
  return resultModal('New routine', [
    {
      type: 'section',
      block_id: BLOCK_ID.status,
      text: mrkdwn(':hourglass_flowing_sand: *Creating your routine…*\nThis takes a few seconds. You can close this; I will message you the result.'),
    },
    { type: 'section', block_id: 'summary', text: mrkdwn(summariseForm(form, preview).join('\n')) },
  ]);
}

const SLACK_CHANNEL = /^[CG][A-Z0-9]{2,30}$/;

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/**
 * One line that says what happened, for the top of the created view and message and as the message's notification
 * `text`: "*Pipeline brief* is set up: weekdays at 9:00 AM EST, first run Tue 3 Mar, results to #sales".
 */
export function buildCreatedHeadline(routine: RoutineView): string {
  const name = emphasised('*', userText(routine.name.trim() || 'Untitled routine', 200)) || 'Your routine';
  const first = routine.nextRuns[0] ? DateTime.fromISO(routine.nextRuns[0], { setZone: true }) : undefined;
  const at = first?.isValid ? first.setZone(routine.timezone).setLocale('en-US') : undefined;
  const zone = at?.isValid ? at.offsetNameShort ?? routine.timezone : routine.timezone;
  const parts = [`${userText(lowerFirst(routine.scheduleText || routine.schedule), 300)} ${escapeForMrkdwn(zone)}`];
  if (at?.isValid) parts.push(`first run ${at.toFormat('ccc d LLL')}`);
  const d = routine.delivery;
  if (d.kind === 'channel') parts.push(SLACK_CHANNEL.test(d.channelId) ? `results to <#${d.channelId}>` : 'results to a channel');
  else if (d.kind === 'dm') parts.push('results to you by DM');
  else if (d.kind === 'other') parts.push('results delivered as set up in Omni');
  else {
    const count = d.recipients.length + d.groupCount;
    parts.push(`results by email to ${count} recipient${count === 1 ? '' : 's'}`);
  }
  return `:white_check_mark: ${name} is set up: ${parts.join(', ')}`;
}

/** The message sent after a create: the headline (also the notification text), then the routine with its buttons. */
export function buildCreatedMessage(routine: RoutineView): { text: string; blocks: KnownBlock[] } {
  const headline = buildCreatedHeadline(routine);
  return {
    text: headline,
    blocks: [{ type: 'section', block_id: BLOCK_ID.status, text: mrkdwn(headline) }, ...buildRoutineBlocks(routine, { context: 'message' })],
  };
}

/** The routine as Omni created it: the headline, then the card with its button and menu (or the delete question). */
export function buildCreatedView(routine: RoutineView, options: { confirmDelete?: boolean } = {}): ModalView {
  return resultModal(
    'Routine created',
    [
      { type: 'section', block_id: BLOCK_ID.status, text: mrkdwn(buildCreatedHeadline(routine)) },
      { type: 'divider' },
      ...buildRoutineBlocks(routine, { context: 'message', ...(options.confirmDelete ? { confirmDelete: true } : {}) }),
    ],
    'Done',
  );
}

/**
 * The failure in plain words, what was typed (so the user sees nothing is lost), and "Try again" (reopens the
 * filled modal) / "Discard draft". Without a draft id (nothing was saved) there is nothing to retry or discard.
 */
export function buildFailureView(input: { failure: UserFacingFailure; form: RoutineForm; draftId: string }): ModalView {
  const { failure, form, draftId } = input;
  const message = failure.message.trim() || 'Something went wrong on our side.';
  // When Omni's answer was lost, the routine may exist: say so instead of claiming it was not created.
  const unsure = isUnconfirmedFailure(failure);
  const headline = unsure ? ":warning: *Omni didn't confirm your routine.*" : ":x: *Your routine wasn't created.*";
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: BLOCK_ID.status,
      text: mrkdwn(`${headline}\n${userText(message, 2000, { oneLine: false })}`),
    },
  ];
  if (draftId) {
    blocks.push(
      {
        type: 'section',
        block_id: 'summary',
        text: mrkdwn([`Your draft is saved:`, ...summariseForm(form, null)].join('\n')),
      },
      {
        type: 'actions',
        block_id: 'failure_actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION_ID.retry,
            text: plainText('Try again', 75),
            style: 'primary',
            value: draftId.slice(0, 2000),
          },
          { type: 'button', action_id: ACTION_ID.discard, text: plainText('Discard draft', 75), value: draftId.slice(0, 2000) },
        ],
      },
    );
    if (!failure.retryable) {
      blocks.push({
        type: 'context',
        block_id: 'failure_hint',
        elements: [mrkdwn('Trying again as is will fail the same way: change what the message above points at first.')],
      });
    }
  } else {
    blocks.push({
      type: 'section',
      block_id: 'summary',
      text: mrkdwn([...summariseForm(form, null), 'Run `/routine` to start again.'].join('\n')),
    });
  }
  return resultModal(unsure ? 'Not confirmed' : 'Routine not created', blocks);
}

/** Failures after which the routine may exist in Omni (its answer was lost): worded as "not confirmed". */
export function isUnconfirmedFailure(failure: UserFacingFailure): boolean {
  return failure.code === 'ambiguous';
}

/** After Delete was confirmed in a modal that showed the routine (the created or saved view). */
export function buildRoutineDeletedView(name: string): ModalView {
  return resultModal('Routine deleted', [
    { type: 'section', block_id: BLOCK_ID.status, text: mrkdwn(`:wastebasket: ${emphasised('*', userText(name.trim() || 'The routine', 200))} was deleted.`) },
  ]);
}

/** After "Discard draft" in a failure view. */
export function buildDraftDiscardedView(removed: boolean): ModalView {
  return resultModal('Draft discarded', [
    { type: 'section', block_id: BLOCK_ID.status, text: mrkdwn(removed ? 'The draft was discarded.' : 'That draft was already gone.') },
  ]);
}
