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
  // The headline is both the notification text and the first block (mrkdwn: the name and the message, which may
  // quote user input, are escaped).
  const headline = truncateForSlack(`:warning: *${name.replaceAll('*', '∗')}* ${outcome}: ${escapeForMrkdwn(input.failure.message.replace(/\s+/g, ' ').trim())}`, 3000);
  return {
    text: headline,
    blocks: [
      { type: 'section', block_id: 'status', text: { type: 'mrkdwn', text: headline, verbatim: true } },
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
