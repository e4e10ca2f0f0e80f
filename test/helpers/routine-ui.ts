/**
 * What a Slack user does with routines, as signed requests to the real app: `/routine` and the routine modal (open,
 * submit, create through it), `/routine list`, opening the Home tab, pressing a routine's button on Home, on a
 * message or in the `/routine list` reply. Also what a test puts in the fake Omni first (seedRoutine).
 */
import { expect } from '@jest/globals';
import { systemClock } from '../../src/clock.js';
import { openStore } from '../../src/store/index.js';
import type { FakeView, RecordedCall } from '../fakes/fake-slack.js';
import { type Harness, modalValues } from './app-harness.js';
import {
  type AppResponse,
  action,
  blockActionsBody,
  buildViewOutput,
  type ElementAction,
  readInitialViewState,
  slashCommandBody,
  stateValue,
  type ViewStateValues,
  viewSubmissionBody,
  type Who,
} from './slack-requests.js';
import { until } from './until.js';

let seq = 0;

/** Whom a request comes from: a user id, or a whole origin (workspace, Enterprise Grid organization, install). */
export type Sender = Pick<Who, 'userId' | 'teamId' | 'enterpriseId' | 'orgInstall'>;

/** What the routine modal helpers need: the app to post to and the fake Slack that records its answers. */
type SlackSide = Pick<Harness, 'slack' | 'post'> & Partial<Pick<Harness, 'settle'>>;

/** A filled-in form state: `{ [block_id]: { [action_id]: value } }`, as in view.state.values. */
export type FormValues = Record<string, Record<string, unknown>>;

export interface CommandOptions extends Sender {
  /** The channel the command is typed in (the app offers it as the destination). */
  channelId?: string;
  channelName?: string;
}

/**
 * `/routine <text>` as `userId` (U0001 by default), with a trigger id the fake Slack issued for that user and a
 * response_url it records; asserts the ack is 200. `responseId` is the key of `h.slack.responses()` for the replies.
 */
export async function sendCommand(h: Pick<Harness, 'slack' | 'post'>, text: string, options: CommandOptions = {}) {
  const userId = options.userId ?? 'U0001';
  const triggerId = h.slack.issueTriggerId({ userId });
  const responseId = `cmd-${triggerId}`;
  const res = await h.post(slashCommandBody({ ...options, text, userId, triggerId, responseUrl: h.slack.responseUrl(responseId) }));
  expect(res.status).toBe(200);
  return { triggerId, res, responseId };
}

export interface OpenModalOptions extends CommandOptions {
  /** What follows `/routine` (empty: the empty form; a sentence: quick create). */
  text?: string;
  /** Waits for the app's follow-up (the user's zone, their Omni account) to land before reading the view. */
  settled?: boolean;
}

/**
 * Opens the routine modal as a user does, with `/routine <text>`: waits for the views.open it caused and asserts
 * Slack accepted it. Returns the stored view (as the fake holds it now), the views.open call and the command's ack.
 */
export async function openModal(
  h: SlackSide,
  options: OpenModalOptions = {},
): Promise<{ view: FakeView; call: RecordedCall; res: AppResponse; responseId: string }> {
  const { text = '', settled = false, ...command } = options;
  const { triggerId, res, responseId } = await sendCommand(h, text, command);
  const call = await h.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, 10_000);
  expect(call.response.ok).toBe(true);
  const viewId = (call.response.view as { id: string }).id;
  if (settled) {
    if (!h.settle) throw new Error('openModal: settled needs a harness that can settle');
    await h.settle();
  }
  const view = h.slack.views.get(viewId);
  if (!view) throw new Error(`view ${viewId} not stored`);
  return { view, call, res, responseId };
}

/**
 * Presses Try again (`routine_retry`) on the failure DM in the user's DM channel (D + the user id without its U),
 * with a trigger id for that user; asserts the ack is 200 and returns the views.open it led to.
 */
export async function pressTryAgain(h: Pick<Harness, 'slack' | 'post'>, draftId: string, userId = 'U0001'): Promise<RecordedCall> {
  const triggerId = h.slack.issueTriggerId({ userId });
  const res = await h.post(
    blockActionsBody({ source: 'message', userId, channelId: `D${userId.slice(1)}`, triggerId, actions: [action.button({ actionId: 'routine_retry', value: draftId })] }),
  );
  expect(res.status).toBe(200);
  return h.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId);
}

export interface SubmitOptions extends Sender {
  /** The workspace the view belongs to, as Slack puts it in the submitted view (an org install's user's team). */
  viewTeamId?: string;
  /** Forges the submitted view: only the blocks whose id this keeps are sent (the state is still the whole form's). */
  onlyBlocks?: (blockId: string) => boolean;
}

/**
 * The raw body of a submission of the stored view `viewId`: what the view shows (its initial values, as Slack sends
 * them back) plus `values` (what the user typed or picked).
 */
export function submissionBody(slack: Harness['slack'], viewId: string, values: FormValues = {}, options: SubmitOptions = {}): string {
  const { viewTeamId, onlyBlocks, ...sender } = options;
  const stored = slack.views.get(viewId);
  if (!stored) throw new Error(`no view ${viewId}`);
  const state = { ...readInitialViewState(stored as never), ...values } as ViewStateValues;
  const sent = onlyBlocks ? { ...stored, blocks: stored.blocks.filter((b) => onlyBlocks(String((b as { block_id?: unknown }).block_id))) } : stored;
  return viewSubmissionBody({ ...sender, view: buildViewOutput(sent as never, { values: state, ...(viewTeamId ? { teamId: viewTeamId } : {}) }) });
}

/**
 * Submits the modal as it stands plus `values`, as a user pressing its submit button; when the app answered 200,
 * applies its ack to the fake's view as Slack would (update, errors, close). Returns the ack.
 */
export async function submitModal(h: Pick<Harness, 'slack' | 'post'>, viewId: string, values: FormValues = {}, options: SubmitOptions = {}): Promise<AppResponse> {
  const res = await h.post(submissionBody(h.slack, viewId, values, options));
  if (res.status === 200) h.slack.applyViewSubmissionAck(viewId, res.text);
  return res;
}

/**
 * Creates routine `name` the way a user does: opens the modal, submits it filled in (`modalValues` for `name`, or
 * `values`), asserts the app took it ("Creating…" in place of the form), and waits for the app's work to settle.
 * Returns the view id, which then shows the outcome.
 */
export async function createThroughModal(
  h: Harness,
  name: string,
  options: Sender & { text?: string; values?: FormValues; settled?: boolean } = {},
): Promise<string> {
  const { text, values, settled, ...sender } = options;
  const { view } = await openModal(h, { ...sender, ...(text !== undefined ? { text } : {}), ...(settled ? { settled } : {}) });
  const res = await submitModal(h, view.id, values ?? modalValues(h, { name }), sender);
  expect(res.status).toBe(200);
  expect((res.json as { response_action?: string }).response_action).toBe('update');
  await h.settle();
  return view.id;
}

/**
 * Uses a dispatching element in the open modal (a radio, a button, typing into the schedule), as Slack sends it: the
 * view with every input's value (the untouched initial ones included) and `element`. Waits for the views.update of
 * that view whose new view satisfies `updated` (given as JSON text); returns the view as the fake holds it then.
 */
export async function useInModal(
  h: Pick<Harness, 'slack' | 'post'>,
  viewId: string,
  element: ElementAction,
  updated: (viewJson: string) => boolean,
  userId = 'U0001',
): Promise<FakeView> {
  const stored = h.slack.views.get(viewId);
  if (!stored) throw new Error(`no view ${viewId}`);
  const values = { ...readInitialViewState(stored as never), ...stored.state.values } as ViewStateValues;
  const res = await h.post(blockActionsBody({ source: 'view', userId, view: buildViewOutput(stored as never, { values }), actions: [element] }));
  expect(res.status).toBe(200);
  await h.slack.waitFor('views.update', (c) => c.args.view_id === viewId && updated(JSON.stringify(c.args.view)), 8000);
  const view = h.slack.views.get(viewId);
  if (!view) throw new Error(`view ${viewId} gone`);
  return view;
}

/** Picks how the answers are delivered in the open modal, as a user would; returns the view once it shows that kind's fields. */
export async function chooseDelivery(h: Pick<Harness, 'slack' | 'post'>, viewId: string, kind: 'channel' | 'dm' | 'email', userId = 'U0001'): Promise<FakeView> {
  const shows = { channel: 'channel_select', dm: 'Only you will see', email: 'emails_input' }[kind];
  h.slack.setViewState(viewId, { delivery: { delivery_radio: stateValue.radio(kind) } });
  return useInModal(h, viewId, action.radio({ actionId: 'delivery_radio', blockId: 'delivery', value: kind }), (v) => v.includes(shows), userId);
}

/** Presses "More options" in the open routine modal; returns the view once it shows Name, Topic, Branch and Description. */
export async function pressMoreOptions(h: Pick<Harness, 'slack' | 'post'>, viewId: string, userId = 'U0001'): Promise<FakeView> {
  return useInModal(h, viewId, action.button({ actionId: 'routine_more_options', blockId: 'more_options', value: 'more' }), (v) => v.includes('description_input'), userId);
}

/** Puts a routine straight into the fake Omni (no request): `owner`'s (alice by default), weekly on Mondays at 8 UTC. */
export function seedRoutine(
  h: Pick<Harness, 'omni' | 'members' | 'modelId'>,
  name: string,
  fields: Omit<Parameters<Harness['omni']['addRoutine']>[1], 'name' | 'modelId'> & { owner?: string } = {},
): string {
  const { owner = h.members.alice, ...rest } = fields;
  return h.omni.addRoutine(owner, { name, modelId: h.modelId, prompt: 'p', schedule: '0 8 ? * MON *', timezone: 'UTC', ...rest });
}

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
    event: { type: 'app_home_opened', user: userId, channel: `D${userId.slice(1)}`, tab: 'home', event_ts: `${seq}.2` },
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
