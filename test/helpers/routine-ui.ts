/**
 * What a Slack user does with routines, as signed requests to the real app: `/routine list`, opening the Home tab,
 * pressing a routine's button on Home, on a message or in the `/routine list` reply.
 */
import { expect } from '@jest/globals';
import { systemClock } from '../../src/clock.js';
import { openStore } from '../../src/store/index.js';
import type { Harness } from './app-harness.js';
import { action, blockActionsBody, buildViewOutput, type ElementAction, slashCommandBody } from './slack-requests.js';
import { until } from './until.js';

let seq = 0;

/** `/routine list` as `userId`; returns the ephemeral reply that replaced "Fetching…" (as JSON text). */
export async function listAsText(h: Harness, userId = 'U0001'): Promise<string> {
  const key = `list-${++seq}`;
  const res = await h.post(slashCommandBody({ text: 'list', userId, responseUrl: h.slack.responseUrl(key) }));
  expect(res.status).toBe(200);
  await until(() => h.slack.responses(key).length > 0, `the reply to ${key}`);
  await h.settle();
  return JSON.stringify(h.slack.responses(key).at(-1));
}

/** Opens the Home tab as `userId` and returns the published view. */
export async function openHome(h: Harness, userId = 'U0001') {
  const event = JSON.stringify({
    token: 'x', team_id: 'T0001', api_app_id: 'A0001', type: 'event_callback', event_id: `Ev${++seq}`, event_time: 1,
    event: { type: 'app_home_opened', user: userId, channel: 'D0001', tab: 'home', event_ts: `${seq}.2` },
  });
  const res = await h.post(event, { headers: { 'Content-Type': 'application/json' } });
  expect(res.status).toBe(200);
  await h.settle();
  const home = h.slack.homeViews.get(userId);
  if (!home) throw new Error('no home view published');
  return home;
}

/** Presses a routine button on the Home tab; returns once the app's background work settled. */
export async function pressOnHome(h: Harness, actionId: string, value: string, userId = 'U0001'): Promise<void> {
  const home = h.slack.homeViews.get(userId) ?? (await openHome(h, userId));
  const res = await h.post(blockActionsBody({ userId, source: 'view', view: buildViewOutput(home as never), actions: [action.button({ actionId, value })] }));
  expect(res.status).toBe(200);
  await h.settle();
}

type MenuOption = { text: { type: 'plain_text'; text: string }; value: string; url?: string };

/** The option `choice` (edit, pause, open, delete) of routine `routineId`'s card menu in `blocks`; throws when absent. */
export function cardMenuOption(blocks: unknown, routineId: string, choice: string): MenuOption {
  const actions = (blocks as Array<{ block_id?: string; elements?: Array<{ type?: string; action_id?: string; options?: MenuOption[] }> }>).find(
    (b) => b.block_id === `routine_actions:${routineId}`,
  );
  const menu = actions?.elements?.find((e) => e.type === 'overflow' && e.action_id === 'routine_card_menu');
  const option = menu?.options?.find((o) => o.value === `${choice}:${routineId}`);
  if (!option) throw new Error(`no ${choice} in the menu of ${routineId}`);
  return option;
}

/** Chooses an option of a card menu on the Home tab: `choice` from the card as published, or a forged `value`. */
export async function chooseOnHome(h: Harness, pick: { choice: string; routineId: string } | { value: string }, options: { userId?: string; triggerId?: string } = {}): Promise<void> {
  const userId = options.userId ?? 'U0001';
  const home = h.slack.homeViews.get(userId) ?? (await openHome(h, userId));
  const option = 'value' in pick ? { text: { type: 'plain_text' as const, text: 'Delete…' }, value: pick.value } : cardMenuOption(home.blocks, pick.routineId, pick.choice);
  const res = await h.post(
    blockActionsBody({
      userId,
      source: 'view',
      view: buildViewOutput(home as never),
      ...(options.triggerId ? { triggerId: options.triggerId } : {}),
      actions: [action.overflow({ actionId: 'routine_card_menu', value: option.value, text: option.text.text })],
    }),
  );
  expect(res.status).toBe(200);
  await h.settle();
}

/** Chooses a card menu option (value) on a message (the ephemeral list when `ephemeral`); returns the response_url key. */
export async function chooseOnMessage(h: Harness, value: string, options: { ephemeral?: boolean; userId?: string } = {}): Promise<string> {
  return actOnMessage(h, action.overflow({ actionId: 'routine_card_menu', value }), options);
}

/**
 * Presses a routine button on a message (the ephemeral `/routine list` reply when `ephemeral`, else a DM card);
 * returns the response_url key, whose posts are what replaced the message and what was said.
 */
export async function pressOnMessage(
  h: Harness,
  actionId: string,
  value: string,
  options: { ephemeral?: boolean; userId?: string; triggerId?: string } = {},
): Promise<string> {
  return actOnMessage(h, action.button({ actionId, value }), options);
}

async function actOnMessage(h: Harness, element: ElementAction, options: { ephemeral?: boolean; userId?: string; triggerId?: string }): Promise<string> {
  const key = `press-${++seq}`;
  const res = await h.post(
    blockActionsBody({
      userId: options.userId ?? 'U0001',
      source: 'message',
      channelId: 'D0001',
      isEphemeral: options.ephemeral === true,
      responseUrl: h.slack.responseUrl(key),
      ...(options.triggerId ? { triggerId: options.triggerId } : {}),
      actions: [element],
    }),
  );
  expect(res.status).toBe(200);
  await h.settle();
  return key;
}

/** Everything the app said to `userId` in their DM since the test's reset, as one string. */
export function dmText(h: Harness, channel = 'D0001'): string {
  return JSON.stringify(h.slack.messages(channel));
}

/** The audit log of `slackUserId`, newest first, read from the app's database file. */
export async function readAudit(h: Harness, slackUserId = 'U0001') {
  const store = await openStore(h.config.databaseUrl, { clock: systemClock });
  try {
    return await store.listAudit({ slackUserId, limit: 200 });
  } finally {
    await store.close();
  }
}
