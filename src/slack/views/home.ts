/**
 * The App Home tab: "Your routines", a New routine button, failed drafts to retry, the routines with their buttons,
 * and the empty, problem and loading states. At most 100 blocks; beyond that a note says how many are not shown.
 */
import type { HomeView, KnownBlock } from '@slack/types';
import type { RoutineView } from '../../routines/types.js';
import { ACTION_ID, CALLBACK_ID } from '../ids.js';
import { emphasised, mrkdwn, plainText, userText } from './format.js';
import { buildRoutineBlocks, dedupeRoutines } from './routine-blocks.js';
import { buildEmptyStateBlocks } from './routine-list.js';

/** Slack's cap on blocks in a Home view. */
export const MAX_VIEW_BLOCKS = 100;

/** Failed drafts shown at most (the rest stay retryable from the messages the bot sent). */
const MAX_DRAFTS = 5;

export interface HomeDraft {
  id: string;
  name: string;
  lastError?: string;
}

export interface HomeViewInput {
  routines?: RoutineView[];
  problem?: string;
  loading?: boolean;
  drafts?: HomeDraft[];
}

function buildDraftBlocks(drafts: readonly HomeDraft[]): KnownBlock[] {
  const seen = new Set<string>();
  const unique = drafts.filter((draft) => {
    if (!draft.id || seen.has(draft.id)) return false;
    seen.add(draft.id);
    return true;
  });
  if (unique.length === 0) return [];
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: 'home_drafts', text: mrkdwn(':warning: *Not saved in Omni yet*: these failed (new routines, or changes to one). Your text is kept.') },
  ];
  for (const draft of unique.slice(0, MAX_DRAFTS)) {
    const name = emphasised('*', userText(draft.name.trim() || 'Untitled routine', 200));
    const error = draft.lastError?.trim() ? `\n${userText(draft.lastError, 1000)}` : '';
    const value = draft.id.slice(0, 2000);
    blocks.push(
      { type: 'section', block_id: `draft:${draft.id}`.slice(0, 255), text: mrkdwn(`${name}${error}`) },
      {
        type: 'actions',
        block_id: `draft_actions:${draft.id}`.slice(0, 255),
        elements: [
          { type: 'button', action_id: ACTION_ID.retry, text: plainText('Try again', 75), style: 'primary', value },
          { type: 'button', action_id: ACTION_ID.discard, text: plainText('Discard', 75), value },
        ],
      },
    );
  }
  if (unique.length > MAX_DRAFTS) {
    blocks.push({
      type: 'context',
      block_id: 'home_drafts_more',
      elements: [mrkdwn(`…and ${unique.length - MAX_DRAFTS} more failed drafts.`)],
    });
  }
  return blocks;
}

/** The Home tab for one user. */
export function buildHomeView(input: HomeViewInput): HomeView {
  const blocks: KnownBlock[] = [
    { type: 'header', block_id: 'home_header', text: plainText('Your routines', 150) },
    {
      type: 'actions',
      block_id: 'home_actions',
      elements: [
        { type: 'button', action_id: ACTION_ID.openModal, text: plainText('New routine', 75), style: 'primary', value: 'new' },
        { type: 'button', action_id: ACTION_ID.refreshHome, text: plainText('Refresh', 75), value: 'refresh' },
      ],
    },
  ];

  if (input.problem?.trim()) {
    // The problem text is ours (e.g. the identity message) but may quote user data: escape, keep our *bold*.
    blocks.push({ type: 'section', block_id: 'home_problem', text: mrkdwn(`:warning: ${userText(input.problem, 2900, { oneLine: false })}`) });
  }
  if (input.loading) {
    blocks.push({
      type: 'context',
      block_id: 'home_loading',
      elements: [mrkdwn(':hourglass_flowing_sand: Loading your routines…')],
    });
  }

  blocks.push(...buildDraftBlocks(input.drafts ?? []));

  const routines = dedupeRoutines(input.routines ?? []);
  if (routines.length === 0) {
    if (!input.loading && !input.problem?.trim()) {
      // The empty state carries its own New routine button; the one at the top already does that.
      blocks.push(...buildEmptyStateBlocks('home').filter((block) => block.type !== 'actions'));
    }
    return { type: 'home', callback_id: CALLBACK_ID.home, blocks };
  }

  // Keep one block free for the "not shown" note.
  const budget = MAX_VIEW_BLOCKS - 1;
  let shown = 0;
  for (const routine of routines) {
    const routineBlocks: KnownBlock[] = [{ type: 'divider' }, ...buildRoutineBlocks(routine, { context: 'home' })];
    if (blocks.length + routineBlocks.length > budget) break;
    blocks.push(...routineBlocks);
    shown += 1;
  }
  if (shown < routines.length) {
    blocks.push({
      type: 'context',
      block_id: 'home_more',
      elements: [mrkdwn(`Showing ${shown} of ${routines.length} routines. See the rest in Omni.`)],
    });
  }
  return { type: 'home', callback_id: CALLBACK_ID.home, blocks };
}
