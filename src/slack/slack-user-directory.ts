/**
 * Slack users as the identity layer needs them (SlackUserLookup), read with `users.info` (scopes users:read and
 * users:read.email). A small in-memory cache keeps repeated clicks and the modal's defaults from calling Slack
 * each time; concurrent asks for one user share one call.
 *
 * Time zones also come from `users.list`, read page by page after start and again every few hours
 * (`readZones`): the form opens in a first-time user's own zone, with no users.info before the open and no
 * views.update after it. Only the zone is kept from that list, as the form's starting value; who a user is (their
 * email, for their Omni identity) is always read fresh with users.info.
 */
import type { WebClient } from '@slack/web-api';
import { createSingleFlight, createTtlCache } from '../cache.js';
import type { Clock } from '../clock.js';
import type { SlackUser, SlackUserLookup } from '../identity/types.js';
import { readSlackRefusal } from './slack-errors.js';

/** The part of WebClient used here, so tests may pass a real WebClient pointed at a local server. */
export type UsersInfoClient = Pick<WebClient, 'users'>;

/** users.list page size: Slack recommends no more than 200. */
const ZONE_PAGE_SIZE = 200;
/** users.list is Tier 2, about 20 calls a minute: one page every 3 s stays within it. */
export const ZONE_PAGE_INTERVAL_MS = 3000;
/** Zones kept from users.list at most (a very large organization's newest answers still come from users.info). */
const MAX_ZONES = 200_000;

export interface SlackUserDirectoryOptions {
  /** How long an answer (including "no such user") is reused; default 5 minutes. */
  ttlMs?: number;
  /** Entries kept; the least recently used goes first when full. Default 2000. */
  maxEntries?: number;
  clock: Clock;
  /**
   * The client users.list is read with: its own, so that Slack's 429 on this Tier 2 method (which pauses a
   * WebClient's whole queue for Retry-After) never holds up users.info or messages. Default: `client`.
   */
  listClient?: Pick<WebClient, 'users'>;
  /** Wait between two users.list pages; default ZONE_PAGE_INTERVAL_MS (Tier 2: about 20 calls a minute). */
  pageIntervalMs?: number;
  /** How the wait between pages is made (tests pass one that returns at once). */
  sleep?: (ms: number) => Promise<void>;
}

function isUserNotFound(err: unknown): boolean {
  return readSlackRefusal(err) === 'user_not_found';
}

export interface SlackUserDirectory extends SlackUserLookup {
  /** The user's time zone from what is in memory (a recent users.info, else users.list), without calling Slack. */
  peekZone(slackUserId: string): string | undefined;
  /**
   * Reads every member's zone with users.list (`teamId` for an org-wide token, which Slack requires), one page every
   * `pageIntervalMs`, until the last or until `stopped()`. Resolves with how many zones are known; a page Slack refuses rejects, and
   * the zones read before it are kept.
   */
  readZones(options?: { teamId?: string; stopped?: () => boolean }): Promise<number>;
}

export function createSlackUserDirectory(client: UsersInfoClient, options: SlackUserDirectoryOptions): SlackUserDirectory {
  // Boxed: "no such user" (null) is an answer worth keeping too.
  const cache = createTtlCache<string, { user: SlackUser | null }>({
    max: options.maxEntries ?? 2000,
    ttlMs: options.ttlMs ?? 5 * 60 * 1000,
    clock: options.clock,
  });
  const oneCallPerUser = createSingleFlight<string, SlackUser | null>();
  const zones = new Map<string, string>();
  const noteZone = (id: string, tz: string | undefined) => {
    if (!tz) return;
    if (zones.size >= MAX_ZONES && !zones.has(id)) return;
    zones.set(id, tz);
  };

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
    peekZone(slackUserId) {
      return cache.get(slackUserId)?.user?.tz ?? zones.get(slackUserId);
    },
    async readZones(readOptions = {}) {
      let cursor: string | undefined;
      const listClient = options.listClient ?? client;
      const interval = options.pageIntervalMs ?? ZONE_PAGE_INTERVAL_MS;
      const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()));
      for (;;) {
        const page = await listClient.users.list({ limit: ZONE_PAGE_SIZE, ...(cursor ? { cursor } : {}), ...(readOptions.teamId ? { team_id: readOptions.teamId } : {}) });
        for (const member of page.members ?? []) {
          if (member.id && !member.deleted && !member.is_bot) noteZone(member.id, member.tz);
        }
        cursor = page.response_metadata?.next_cursor || undefined;
        // A large organization takes many pages at Slack's Tier 2 pace: a shutdown does not wait for the rest.
        if (!cursor || readOptions.stopped?.()) break;
        await sleep(interval);
        if (readOptions.stopped?.()) break;
      }
      return zones.size;
    },
    getUser(slackUserId) {
      const hit = cache.get(slackUserId);
      if (hit) return Promise.resolve(hit.user);
      return oneCallPerUser(slackUserId, async () => {
        const user = await fetchUser(slackUserId);
        cache.set(slackUserId, { user });
        if (user) noteZone(user.id, user.tz);
        return user;
      });
    },
  };
}
