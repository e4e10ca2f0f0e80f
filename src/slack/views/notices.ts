/** The DM an owner gets when Omni disabled one of their routines, or its last run failed. */
import type { KnownBlock } from '@slack/types';
import type { OwnerNotice } from '../../routines/watch.js';
import { escapeForMrkdwn } from '../text.js';
import { formatShortDate, mrkdwn, userText } from './format.js';
import { buildRoutineBlocks } from './routine-blocks.js';

export function buildOwnerNoticeMessage(notice: OwnerNotice): { text: string; blocks: KnownBlock[] } {
  const name = escapeForMrkdwn(notice.routine.name.trim() || 'Untitled routine');
  let text: string;
  if (notice.kind === 'disabled') {
    const reason = notice.reason?.trim() ? ` Omni says: “${userText(notice.reason, 500)}”` : '';
    text = `:no_entry: Omni disabled your routine “${name}”, so it no longer runs.${reason} Fix the cause (Edit, or open it in Omni) and it can run again.`;
  } else {
    const when = notice.completedAt ? ` (${escapeForMrkdwn(formatShortDate(notice.completedAt, notice.routine.timezone))})` : '';
    const label = notice.reason?.trim() ? `: ${userText(notice.reason, 200)}` : '';
    text = `:warning: The last run of your routine “${name}” failed${when}${label}. Its schedule is unchanged; check it in Omni, or Edit it.`;
  }
  return { text, blocks: [{ type: 'section', block_id: 'notice', text: mrkdwn(text) }, ...buildRoutineBlocks(notice.routine, { context: 'message' })] };
}
