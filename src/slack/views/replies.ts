/**
 * Short replies (acks, confirmations, problems). Every message the bot sends carries its words in blocks as well as
 * in `text`: Slack shows the blocks and uses `text` only for notifications, so one without the other loses the
 * words somewhere. The text here is mrkdwn the caller has already made safe (user text escaped).
 */
import type { KnownBlock } from '@slack/types';
import { escapeForMrkdwn, truncateForSlack } from '../text.js';
import { buildHelpMessage } from './help.js';
import { mrkdwn } from './format.js';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** A one-section message whose notification text is its words. */
export function buildTextMessage(text: string, blockId = 'reply'): SlackMessage {
  // A section's text holds at most 3000 characters (Slack refuses the message otherwise).
  const words = truncateForSlack(text.trim() || ' ', 3000);
  return { text: words, blocks: [{ type: 'section', block_id: blockId, text: mrkdwn(words) }] };
}

/** `/routine <word we do not know>`: says so first, then the help. */
export function buildUnknownCommandMessage(word: string): SlackMessage {
  const help = buildHelpMessage();
  const headline = `I don't know \u201c${escapeForMrkdwn(word.slice(0, 100))}\u201d. Here is what I can do:`;
  return { text: `${headline} ${help.text}`, blocks: [{ type: 'section', block_id: 'unknown_command', text: mrkdwn(headline) }, ...help.blocks] };
}
