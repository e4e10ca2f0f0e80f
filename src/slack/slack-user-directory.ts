/**
 * Slack users as the identity layer needs them (SlackUserLookup), read with `users.info` (scopes users:read and
 * users:read.email). A small in-memory cache keeps repeated clicks and the modal's defaults from calling Slack
 * each time; concurrent asks for one user share one call.
 */
import type { WebClient } from '@slack/web-api';
import { createSingleFlight, createTtlCache } from '../cache.js';
import type { Clock } from '../clock.js';
import type { SlackUser, SlackUserLookup } from '../identity/types.js';
import { readSlackRefusal } from './slack-errors.js';

/** The part of WebClient used here, so tests may pass a real WebClient pointed at a local server. */
export type UsersInfoClient = Pick<WebClient, 'users'>;

export interface SlackUserDirectoryOptions {
  /** How long an answer (including "no such user") is reused; default 5 minutes. */
  ttlMs?: number;
  /** Entries kept; the least recently used goes first when full. Default 2000. */
  maxEntries?: number;
  clock: Clock;
}

function isUserNotFound(err: unknown): boolean {
  return readSlackRefusal(err) === 'user_not_found';
}

export interface SlackUserDirectory extends SlackUserLookup {
  /** The cached answer, without calling Slack: the user, null for "no such user", undefined when not cached (or stale). */
  peekUser(slackUserId: string): SlackUser | null | undefined;
}

export function createSlackUserDirectory(client: UsersInfoClient, options: SlackUserDirectoryOptions): SlackUserDirectory {
  // Boxed: "no such user" (null) is an answer worth keeping too.
  const cache = createTtlCache<string, { user: SlackUser | null }>({
    max: options.maxEntries ?? 2000,
    ttlMs: options.ttlMs ?? 5 * 60 * 1000,
    clock: options.clock,
  });
  const oneCallPerUser = createSingleFlight<string, SlackUser | null>();

  const fetchUser = async (slackUserId: string): Promise<SlackUser | null> => {
    let user;
    try {
      ({ user } = await client.users.info({ user: slackUserId }));
    } catch (err) {
      if (isUserNotFound(err)) return null;
      throw err;
    }
    if (!user?.id) return null;
    const email = user.profile?.email?.trim();
    const realName = user.real_name ?? user.profile?.real_name;
    return {
      id: user.id,
      ...(email ? { email } : {}),
      ...(user.tz ? { tz: user.tz } : {}),
      ...(realName ? { realName } : {}),
      ...(user.deleted !== undefined ? { deleted: user.deleted } : {}),
      ...(user.is_bot !== undefined ? { isBot: user.is_bot } : {}),
    };
  };

  return {
    peekUser(slackUserId) {
      return cache.get(slackUserId)?.user;
    },
    getUser(slackUserId) {
      const hit = cache.get(slackUserId);
      if (hit) return Promise.resolve(hit.user);
      return oneCallPerUser(slackUserId, async () => {
        const user = await fetchUser(slackUserId);
        cache.set(slackUserId, { user });
        return user;
      });
    },
  };
}
