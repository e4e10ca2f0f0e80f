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

/** Routines on one page of the Home tab (about 4 blocks each, so a page stays far below 100 blocks). */
export const HOME_PAGE_SIZE = 20;

/** What the Home view remembers in `private_metadata`: the page shown, so actions on it republish that page. */
export function readHomePage(privateMetadata: string | undefined): number {
  try {
    const page = (JSON.parse(privateMetadata ?? '') as { page?: unknown }).page;
    return typeof page === 'number' && Number.isInteger(page) && page >= 0 && page < 10_000 ? page : 0;
  } catch {
    return 0;
  }
}

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
  /** The Omni address (OMNI_BASE_URL): where the routines not shown here can be seen. */
  omniUrl?: string;
  /** Which page of routines (0-based); clamped to the pages there are. */
  page?: number;
  /** The routine whose card asks "Delete …?" (chosen from its menu) instead of showing its button and menu. */
  confirmDeleteId?: string;
}

/** A URL we configured, as a Slack link target (the characters that end or split a link are percent-encoded). */
function linkTarget(url: string): string {
  return url.replaceAll('|', '%7C').replaceAll('<', '%3C').replaceAll('>', '%3E');
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

  const pages = Math.ceil(routines.length / HOME_PAGE_SIZE);
  const page = Math.min(Math.max(0, Math.floor(input.page ?? 0)), pages - 1);
  const onPage = routines.slice(page * HOME_PAGE_SIZE, (page + 1) * HOME_PAGE_SIZE);
  // Keep blocks free for the pager (a line and its buttons) and the "not shown" note.
  const budget = MAX_VIEW_BLOCKS - 3;
  let shown = 0;
  for (const routine of onPage) {
    const routineBlocks: KnownBlock[] = [{ type: 'divider' }, ...buildRoutineBlocks(routine, { context: 'home', confirmDelete: routine.id === input.confirmDeleteId })];
    if (blocks.length + routineBlocks.length > budget) break;
    blocks.push(...routineBlocks);
    shown += 1;
  }
  if (pages > 1) blocks.push(...buildPager(page, pages, routines.length, input.omniUrl));
  if (shown < onPage.length) {
    blocks.push({
      type: 'context',
      block_id: 'home_more',
      elements: [
        mrkdwn(
          input.omniUrl
            ? `Showing ${shown} of ${routines.length} routines. <${linkTarget(input.omniUrl)}|Open Omni> and go to *Routines* to see them all.`
            : `Showing ${shown} of ${routines.length} routines. Omni's *Routines* page has them all.`,
        ),
      ],
    });
  }
  return { type: 'home', callback_id: CALLBACK_ID.home, private_metadata: JSON.stringify({ page }), blocks };
}

/** "Routines 21–40 of 57 · Open Omni", and Previous / Next. */
function buildPager(page: number, pages: number, total: number, omniUrl: string | undefined): KnownBlock[] {
  const first = page * HOME_PAGE_SIZE + 1;
  const last = Math.min(total, (page + 1) * HOME_PAGE_SIZE);
  const link = omniUrl ? ` · <${linkTarget(omniUrl)}|Open Omni>` : '';
  const buttons = [];
  if (page > 0) buttons.push({ type: 'button' as const, action_id: ACTION_ID.homePrevious, text: plainText('Previous', 75), value: String(page - 1) });
  if (page < pages - 1) buttons.push({ type: 'button' as const, action_id: ACTION_ID.homeNext, text: plainText('Next', 75), value: String(page + 1) });
  return [
    { type: 'context', block_id: 'home_pages', elements: [mrkdwn(`Routines ${first}–${last} of ${total}, page ${page + 1} of ${pages}${link}`)] },
    { type: 'actions', block_id: 'home_pager', elements: buttons },
  ];
}
