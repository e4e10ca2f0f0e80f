/**
 * One routine as Block Kit: what it is, when it runs, where it goes, how it is doing, its one button and its menu.
 * Used by the created view, the message after creation, `/routine list` and the App Home.
 */
import type { ActionsBlock, ActionsBlockElement, Button, ContextBlock, KnownBlock, Overflow, PlainTextOption, SectionBlock } from '@slack/types';
import type { RoutineDelivery, RoutineView } from '../../routines/types.js';
import { ACTION_ID, CARD_MENU_CHOICE, type CardMenuChoice } from '../ids.js';
import { escapeForMrkdwn, truncateForSlack } from '../text.js';
import { emphasised, formatNextRuns, formatShortDate, mrkdwn, plainText, userText } from './format.js';

export type RoutineBlocksContext = 'message' | 'home' | 'list';

/** Slack caps a button value at 2000 characters and a block_id at 255. */
const MAX_BUTTON_VALUE = 2000;
const MAX_BLOCK_ID = 255;

/** Block ids that are unique per routine, so a list of routines never repeats one. */
export function buildRoutineBlockId(kind: 'routine' | 'routine_actions' | 'routine_prompt' | 'routine_confirm', routineId: string): string {
  return `${kind}:${routineId}`.slice(0, MAX_BLOCK_ID);
}

/** "Active", "Paused", or "Disabled by Omni: <reason>", with an emoji; mrkdwn, escaped. */
export function buildStatusText(routine: RoutineView): string {
  switch (routine.status) {
    case 'active':
      return ':large_green_circle: Active';
    case 'paused':
      return ':double_vertical_bar: Paused';
    case 'disabled': {
      const reason = routine.disabledReason?.trim();
      return reason ? `:no_entry: Disabled by Omni: ${userText(reason, 500)}` : ':no_entry: Disabled by Omni';
    }
  }
}

/** "Last run: Delivered · 12 Jan 9:01 AM", or "Not run yet". */
export function buildLastRunText(routine: RoutineView): string {
  const last = routine.lastRun;
  if (!last) return 'Not run yet';
  const label = userText(last.label || last.state || 'Finished', 100);
  const when = last.completedAt ? ` · ${escapeForMrkdwn(formatShortDate(last.completedAt, routine.timezone))}` : '';
  return `Last run: ${label}${when}`;
}

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    action_id: actionId,
    text: plainText(text, 75),
    value: value.slice(0, MAX_BUTTON_VALUE),
    ...(style ? { style } : {}),
  };
}

/** Slack caps an overflow option's value at 150 characters and its url at 3000. */
const MAX_OPTION_VALUE = 150;

/** The value of a card menu option: `<choice>:<routine id>` (Omni's ids are 36-character UUIDs). */
export function cardMenuValue(choice: CardMenuChoice, routineId: string): string {
  return `${choice}:${routineId}`.slice(0, MAX_OPTION_VALUE);
}

/** Reads a card menu option's value back; null for anything our menus never send. */
export function readCardMenuValue(value: string | undefined): { choice: CardMenuChoice; routineId: string } | null {
  const match = /^([a-z]+):(.+)$/.exec(value ?? '');
  if (!match) return null;
  const choice = Object.values(CARD_MENU_CHOICE).find((c) => c === match[1]);
  return choice ? { choice, routineId: match[2] ?? '' } : null;
}

function menuOption(text: string, choice: CardMenuChoice, routineId: string, url?: string): PlainTextOption {
  return { text: plainText(text, 75), value: cardMenuValue(choice, routineId), ...(url ? { url: url.slice(0, 3000) } : {}) };
}

/**
 * The card's overflow menu: Edit, Pause (where the instance can pause an active routine), Open in Omni, Delete.
 * Always at least Edit and Delete, at most four: within Slack's 2 to 5 options. Delete here only asks first.
 */
export function buildCardMenu(routine: RoutineView): Overflow {
  const options: PlainTextOption[] = [menuOption('Edit', CARD_MENU_CHOICE.edit, routine.id)];
  if (routine.status === 'active' && routine.pausable) options.push(menuOption('Pause', CARD_MENU_CHOICE.pause, routine.id));
  if (routine.omniUrl) options.push(menuOption('Open in Omni', CARD_MENU_CHOICE.open, routine.id, routine.omniUrl));
  options.push(menuOption('Delete…', CARD_MENU_CHOICE.delete, routine.id));
  return { type: 'overflow', action_id: ACTION_ID.cardMenu, options };
}

/**
 * What a routine offers in its state: at most one button, and the rest in the card's menu. Omni refuses to trigger
 * a paused or disabled routine (404), so Run now appears only when active, and asks first: it delivers to every
 * recipient and uses AI credits. Resume appears only where the instance can pause through its API. Omni's own
 * disabling is not undone from Slack, so a disabled routine has no button, only the menu.
 */
function buildRoutineActions(routine: RoutineView, context: RoutineBlocksContext): ActionsBlock {
  const elements: ActionsBlockElement[] = [];
  // A green button only where the card stands alone (the created view and message): in a list of routines a
  // primary button on every card would be a column of green with nothing standing out.
  const primary = context === 'message' ? 'primary' : undefined;
  const name = routine.name.trim() || 'this routine';
  if (routine.status === 'active') {
    elements.push({
      ...button('Run now', ACTION_ID.runNow, routine.id, primary),
      confirm: {
        title: plainText('Run it now?', 100),
        text: plainText(`Run ${truncateForSlack(name, 200)} now? The answer goes to all its recipients, and the run uses AI credits.`, 300),
        confirm: plainText('Run now', 30),
        deny: plainText('Cancel', 30),
      },
    });
  } else if (routine.status === 'paused' && routine.pausable) {
    elements.push(button('Resume', ACTION_ID.resume, routine.id, primary));
  }
  elements.push(buildCardMenu(routine));
  return { type: 'actions', block_id: buildRoutineBlockId('routine_actions', routine.id), elements };
}

/**
 * In place of the card's actions, after Delete was chosen from its menu: the question and two buttons. Only the
 * Delete press deletes (the same action as the old confirmed button); Keep it puts the card back.
 */
function buildDeleteConfirmation(routine: RoutineView): KnownBlock[] {
  const name = emphasised('*', userText(routine.name.trim() || 'this routine', 200));
  return [
    { type: 'section', block_id: buildRoutineBlockId('routine_confirm', routine.id), text: mrkdwn(`:wastebasket: Delete ${name}? This can't be undone.`) },
    {
      type: 'actions',
      block_id: buildRoutineBlockId('routine_actions', routine.id),
      elements: [button('Delete', ACTION_ID.delete, routine.id, 'danger'), button('Keep it', ACTION_ID.keepRoutine, routine.id)],
    },
  ];
}

/**
 * One routine: a section with its facts, the prompt (not in compact lists), and its button and menu; with
 * `confirmDelete`, the delete question in place of the button and menu.
 */
export function buildRoutineBlocks(routine: RoutineView, options: { context: RoutineBlocksContext; confirmDelete?: boolean }): KnownBlock[] {
  const name = emphasised('*', userText(routine.name.trim() || 'Untitled routine', 200));
  const schedule = `${userText(routine.scheduleText || routine.schedule, 300)} · ${userText(routine.timezone, 80)}`;
  const lines = [`${name}  ${buildStatusText(routine)}`, `:calendar: ${schedule}`];
  if (routine.status === 'active' && routine.nextRuns.length > 0) {
    lines.push(`Next: ${escapeForMrkdwn(formatNextRuns(routine.nextRuns, routine.timezone, options.context === 'list' ? 2 : 3))}`);
  } else if (routine.status === 'paused') {
    lines.push('Next: none while paused');
  }
  lines.push(`:outbox_tray: ${buildDeliveryText(routine.delivery)}`);
  lines.push(buildLastRunText(routine));

  const blocks: KnownBlock[] = [
    { type: 'section', block_id: buildRoutineBlockId('routine', routine.id), text: mrkdwn(lines.join('\n')) } satisfies SectionBlock,
  ];
  if (options.context !== 'list' && routine.prompt.trim()) {
    const excerpt = userText(routine.prompt, options.context === 'message' ? 600 : 200);
    blocks.push({
      type: 'context',
      block_id: buildRoutineBlockId('routine_prompt', routine.id),
      elements: [mrkdwn(`:speech_balloon: ${excerpt}`)],
    } satisfies ContextBlock);
  }
  if (options.confirmDelete) blocks.push(...buildDeleteConfirmation(routine));
  else blocks.push(buildRoutineActions(routine, options.context));
  return blocks;
}

/** Routines with repeated ids dropped: a repeated block_id makes Slack refuse the whole view. */
export function dedupeRoutines(routines: readonly RoutineView[]): RoutineView[] {
  const seen = new Set<string>();
  return routines.filter((routine) => {
    const key = buildRoutineBlockId('routine', routine.id);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const SLACK_ID = /^[A-Z][A-Z0-9]{2,20}$/;

/** Where the answer goes: ids become real mentions (checked to be ids, so nothing else can be injected), addresses stay text. */
export function buildDeliveryText(delivery: RoutineDelivery): string {
  switch (delivery.kind) {
    case 'channel':
      return SLACK_ID.test(delivery.channelId) ? `Posted in <#${delivery.channelId}>` : 'Posted in a channel';
    case 'dm':
      return SLACK_ID.test(delivery.userId) ? `Sent as a DM to <@${delivery.userId}>` : 'Sent as a DM';
    case 'email': {
      const shown = delivery.recipients.slice(0, 3).join(', ');
      const more = delivery.recipients.length - 3 + delivery.groupCount;
      if (delivery.recipients.length === 0) return delivery.groupCount > 0 ? `Emailed to ${delivery.groupCount} group${delivery.groupCount === 1 ? '' : 's'}` : 'Email (no recipients)';
      return userText(`Emailed to ${shown}${more > 0 ? ` and ${more} more` : ''}`, 300);
    }
    case 'other':
      return 'Delivery: other (set up in Omni)';
  }
}
