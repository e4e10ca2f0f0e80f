/**
 * `/routine list`: the user's routines in an ephemeral message (≤50 blocks), or an empty state that teaches `/routine`.
 */
import type { KnownBlock } from '@slack/types';
import type { RoutineView } from '../../routines/types.js';
import { ACTION_ID } from '../ids.js';
import { mrkdwn, plainText } from './format.js';
import { buildRoutineBlocks, dedupeRoutines } from './routine-blocks.js';

/** Slack's cap on blocks in one message. */
export const MAX_MESSAGE_BLOCKS = 50;

/** Things to type that work, shown wherever the bot teaches `/routine`. */
export const QUICK_CREATE_EXAMPLES = [
  "/routine every weekday at 9am summarise yesterday's pipeline",
  '/routine every Monday at 8am what changed in churn last week, by segment?',
  '/routine first day of the month at 7am top 10 accounts by revenue last month',
] as const;

/** The empty state: what a routine is and three things to type. */
export function buildEmptyStateBlocks(blockIdPrefix: string): KnownBlock[] {
  const examples = QUICK_CREATE_EXAMPLES.map((example) => `• \`${example}\``).join('\n');
  return [
    {
      type: 'section',
      block_id: `${blockIdPrefix}_empty`,
      text: mrkdwn(
        `*You have no routines yet.* A routine asks Omni a question on a schedule and sends you the answer.\n` +
          `Type \`/routine\` to open the form, or say it in one go:\n${examples}`,
      ),
    },
    {
      type: 'actions',
      block_id: `${blockIdPrefix}_empty_actions`,
      elements: [
        { type: 'button', action_id: ACTION_ID.openModal, text: plainText('New routine', 75), style: 'primary', value: 'new' },
      ],
    },
  ];
}

/** The message for `/routine list`. `truncatedCount` = routines the caller had but did not pass. */
export function buildRoutineListMessage(input: { routines: RoutineView[]; truncatedCount?: number; confirmDeleteId?: string }): {
  text: string;
  blocks: KnownBlock[];
} {
  const routines = dedupeRoutines(input.routines);
  const hidden = Math.max(0, input.truncatedCount ?? 0);
  const total = routines.length + hidden;
  if (total === 0) {
    const empty = buildEmptyStateBlocks('list');
    return { text: '*You have no routines yet.* A routine asks Omni a question on a schedule and sends you the answer.', blocks: empty };
  }

  // The header is filled in once we know how many fit; it is also the notification text.
  const blocks: KnownBlock[] = [{ type: 'section', block_id: 'list_header', text: mrkdwn(' ') }];
  // Keep one block free for the "and N more" line.
  const budget = MAX_MESSAGE_BLOCKS - 1;
  let shown = 0;
  for (const routine of routines) {
    const routineBlocks: KnownBlock[] = [{ type: 'divider' }, ...buildRoutineBlocks(routine, { context: 'list', confirmDelete: routine.id === input.confirmDeleteId })];
    if (blocks.length + routineBlocks.length > budget) break;
    blocks.push(...routineBlocks);
    shown += 1;
  }
  const more = total - shown;
  if (more > 0) {
    blocks.push({
      type: 'context',
      block_id: 'list_more',
      elements: [mrkdwn(`…and ${more} more. See them all in this app's *Home* tab or in Omni.`)],
    });
  }
  const text = more > 0 ? `*Your routines*: showing ${shown} of ${total}` : `*Your routines* (${total})`;
  blocks[0] = { type: 'section', block_id: 'list_header', text: mrkdwn(text) };
  return { text, blocks };
}
