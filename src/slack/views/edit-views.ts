/**
 * What the edit form turns into: loading, saving, saved, nothing changed, changed in Omni meanwhile (with
 * "Reapply my changes"), or failed (with the draft one click away). The form itself is the routine modal in edit
 * mode (routine-modal.ts, callback_id `routine_edit`).
 */
import type { KnownBlock, ModalView } from '@slack/types';
import type { RoutineView, UserFacingFailure } from '../../routines/types.js';
import { ACTION_ID, BLOCK_ID, CALLBACK_ID } from '../ids.js';
import { mrkdwn, plainText, userText } from './format.js';
import { buildRoutineBlocks } from './routine-blocks.js';

function editModal(title: string, blocks: KnownBlock[], close = 'Close'): ModalView {
  return { type: 'modal', callback_id: CALLBACK_ID.routineEdit, title: plainText(title, 24), close: plainText(close, 24), blocks };
}

const status = (text: string): KnownBlock => ({ type: 'section', block_id: BLOCK_ID.status, text: mrkdwn(text) });

/** Opened at once on Edit (the trigger id lives 3 s); the form replaces it when Omni has answered. */
export function buildEditLoadingView(): ModalView {
  return editModal('Edit routine', [status(':hourglass_flowing_sand: *Loading the routine from Omni…*')], 'Cancel');
}

export function buildEditSavingView(): ModalView {
  return editModal('Edit routine', [status(':hourglass_flowing_sand: *Saving your changes…*\nYou can close this; I will message you the result.')]);
}

/** "Saved: Prompt, Schedule", and the routine as Omni now holds it. */
export function buildEditSavedView(routine: RoutineView, changedLabels: readonly string[]): ModalView {
  const what = changedLabels.length > 0 ? ` (${changedLabels.join(', ')})` : '';
  return editModal('Routine saved', [status(`:white_check_mark: *Your changes are saved${what}.*`), { type: 'divider' }, ...buildRoutineBlocks(routine, { context: 'message' })], 'Done');
}

export function buildEditUnchangedView(): ModalView {
  return editModal('Edit routine', [status('Nothing changed, so nothing was sent to Omni.')], 'Done');
}

/** Someone changed the routine in Omni after the form opened: nothing was overwritten; the user can reapply. */
export function buildEditConflictView(input: { changedLabels: readonly string[]; draftId: string }): ModalView {
  const what =
    input.changedLabels.length > 0
      ? `In Omni, these changed after you opened the form: *${input.changedLabels.join(', ')}*.`
      : 'It was changed in Omni after you opened the form (something the form does not show, such as its status).';
  const value = input.draftId.slice(0, 2000);
  return editModal('Changed in Omni', [
    status(`:warning: *Nothing was saved.* ${what}\nYour changes are kept: reapply them over the routine as Omni has it now, and check those fields.`),
    {
      type: 'actions',
      block_id: 'conflict_actions',
      elements: [
        { type: 'button', action_id: ACTION_ID.reapplyEdit, text: plainText('Reapply my changes', 75), style: 'primary', value },
        { type: 'button', action_id: ACTION_ID.discard, text: plainText('Discard my changes', 75), value },
      ],
    },
  ]);
}

/** The failure in plain words, with Try again (the edit form, filled as it was) and Discard. */
export function buildEditFailureView(input: { failure: UserFacingFailure; draftId: string }): ModalView {
  const blocks: KnownBlock[] = [status(`:x: *Your changes weren't saved.*\n${userText(input.failure.message, 2000, { oneLine: false })}`)];
  if (input.draftId) {
    const value = input.draftId.slice(0, 2000);
    blocks.push({
      type: 'actions',
      block_id: 'failure_actions',
      elements: [
        { type: 'button', action_id: ACTION_ID.retry, text: plainText('Try again', 75), style: 'primary', value },
        { type: 'button', action_id: ACTION_ID.discard, text: plainText('Discard my changes', 75), value },
      ],
    });
  }
  return editModal('Not saved', blocks);
}

/** The routine could not be loaded for editing (not theirs, gone, Omni failing). */
export function buildEditUnavailableView(failure: UserFacingFailure): ModalView {
  return editModal('Edit routine', [status(`:warning: ${userText(failure.message, 2000, { oneLine: false })}`)]);
}
