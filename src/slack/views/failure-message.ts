import type { KnownBlock } from '@slack/types';
import type { RoutineForm, UserFacingFailure } from '../../routines/types.js';
import { ACTION_ID } from '../ids.js';
import { escapeForMrkdwn, truncateForSlack } from '../text.js';
import { isUnconfirmedFailure } from './results.js';

/** The message that tells a user their routine was not created (or not confirmed), the draft one click away. */
export function buildFailureMessage(input: { failure: UserFacingFailure; form: RoutineForm; draftId: string }): { text: string; blocks: KnownBlock[] } {
  const name = truncateForSlack(escapeForMrkdwn(input.form.name || 'Untitled routine'), 200);
  const unsure = isUnconfirmedFailure(input.failure);
  const outcome = unsure ? "wasn't confirmed by Omni" : 'was not created';
  // The notification text is mrkdwn too: the name and the message (which may quote user input) are escaped.
  const text = `Your routine "${escapeForMrkdwn(input.form.name || 'Untitled routine')}" ${outcome}: ${escapeForMrkdwn(input.failure.message)}`;
  return {
    text: truncateForSlack(text, 3000),
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: truncateForSlack(`:warning: *${name}* ${outcome}.\n${escapeForMrkdwn(input.failure.message)}`, 3000) },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Your draft is saved. Nothing you typed is lost.' }] },
      {
        type: 'actions',
        block_id: `draft_actions:${input.draftId}`.slice(0, 255),
        elements: [
          { type: 'button', action_id: ACTION_ID.retry, text: { type: 'plain_text', text: 'Try again' }, style: 'primary', value: input.draftId },
          { type: 'button', action_id: ACTION_ID.discard, text: { type: 'plain_text', text: 'Discard draft' }, value: input.draftId },
        ],
      },
    ],
  };
}
