/**
 * Names for the user and channel ids a Slack message mentions, so a prompt made from it reads "@Bob Brown", never
 * "@U0A1B2C3". Users come from the cached users.info directory; channels from what the payload says (the bot has
 * no channels:read scope). An id that cannot be named in time becomes a plain word, never the raw id.
 */
import { within } from './listeners/within.js';
import type { SlackNameResolver } from './text.js';

type Json = Record<string, unknown>;

const USER_IN_TEXT = /<@([UW][A-Z0-9]{2,30})(?:\|[^>]*)?>/g;
const MAX_LOOKUPS = 20;

function collectFromBlocks(value: unknown, users: Set<string>, depth = 0): void {
  if (depth > 12 || users.size >= MAX_LOOKUPS) return;
  if (Array.isArray(value)) {
    for (const item of value) collectFromBlocks(item, users, depth + 1);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const obj = value as Json;
  if (obj.type === 'user' && typeof obj.user_id === 'string') users.add(obj.user_id);
  for (const key of ['elements', 'blocks', 'text', 'fields']) if (key in obj) collectFromBlocks(obj[key], users, depth + 1);
}

/** The user ids a message mentions (in `text` and in rich_text blocks), at most 20. */
export function collectMentionedUsers(message: { text?: unknown; blocks?: unknown }): string[] {
  const users = new Set<string>();
  if (typeof message.text === 'string') for (const m of message.text.matchAll(USER_IN_TEXT)) if (m[1]) users.add(m[1]);
  collectFromBlocks(message.blocks, users);
  return [...users].slice(0, MAX_LOOKUPS);
}

export interface MentionLookups {
  getUser(id: string): Promise<{ realName?: string } | null>;
}

/**
 * A resolver with every mentioned user's name looked up (all at once, for at most `waitMs`), and the message's own
 * channel named from the payload. Anyone not found in time reads "@someone"; any other channel "#channel".
 */
export async function resolveMentionNames(
  lookups: MentionLookups,
  message: { text?: unknown; blocks?: unknown },
  options: { waitMs: number; channel?: { id: string; name?: string } },
): Promise<SlackNameResolver> {
  const ids = collectMentionedUsers(message);
  const names = new Map<string, string>();
  const pending = ids.map((id) =>
    lookups
      .getUser(id)
      .then((user) => {
        const name = user?.realName?.trim();
        if (name) names.set(id, name);
      })
      .catch(() => {}),
  );
  await within(options.waitMs, Promise.all(pending), []);
  const channel = options.channel;
  const channelName = channel && isChannelDestination(channel.id, channel.name) && channel.name !== 'privategroup' ? channel.name : undefined;
  return {
    userName: (id) => names.get(id) ?? 'someone',
    channelName: (id) => (channel && id === channel.id && channelName ? channelName : 'channel'),
    userGroupName: () => 'group',
  };
}

/**
 * Whether a conversation the user is in (a command's or message shortcut's channel) may be offered as the channel
 * destination: never a DM (`D…`, "directmessage") or a group DM ("mpdm-…"), whose members did not choose to get
 * answers drawn from someone's Omni access.
 */
export function isChannelDestination(id: string, name?: string): boolean {
  if (!/^[CG][A-Z0-9]{2,30}$/.test(id)) return false;
  return !(name === 'directmessage' || (typeof name === 'string' && name.startsWith('mpdm-')));
}
