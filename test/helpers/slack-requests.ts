/**
 * Requests exactly as Slack sends them to the app: real v0 HMAC signatures, the exact Content-Type Bolt compares
 * against, slash command forms and `payload=` interactivity bodies with the fields Slack includes
 * (docs/slack.md §3.1, §3.2). Defaults describe one workspace: team T0001 (acme), user U0001
 * (alice), channel C0001 (general), app A0001; override any of them per call.
 */
import { createHmac } from 'node:crypto';
import type {
  BlockAction,
  BlockSuggestion,
  GlobalShortcut,
  MessageShortcut,
  SlashCommand,
  ViewClosedAction,
  ViewOutput,
  ViewStateValue,
  ViewSubmitAction,
} from '@slack/bolt';

export const SLACK_DEFAULTS = {
  teamId: 'T0001',
  teamDomain: 'acme',
  userId: 'U0001',
  userName: 'alice',
  channelId: 'C0001',
  channelName: 'general',
  apiAppId: 'A0001',
  botId: 'BBOT0001',
  /** The deprecated verification token Slack still puts in payloads (Bolt ignores it). */
  verificationToken: 'legacy-verification-token',
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Signing and sending

export interface SlackRequestHeaders {
  'Content-Type': 'application/x-www-form-urlencoded';
  'X-Slack-Request-Timestamp': string;
  'X-Slack-Signature': string;
}

/**
 * Headers Slack sends with a request: a v0 signature over `v0:<timestamp>:<raw body>` (HMAC-SHA256, hex) and the
 * Content-Type WITHOUT charset: Bolt compares it exactly and would JSON.parse (→ 400) anything else.
 */
export function signSlackRequest(secret: string, rawBody: string, timestampSec = Math.floor(Date.now() / 1000)): SlackRequestHeaders {
  const signature = createHmac('sha256', secret).update(`v0:${timestampSec}:${rawBody}`).digest('hex');
  return {
    'Content-Type': 'application/x-www-form-urlencoded',
    'X-Slack-Request-Timestamp': String(timestampSec),
    'X-Slack-Signature': `v0=${signature}`,
  };
}

export interface PostToAppOptions {
  /** Signs with this timestamp (unix seconds) instead of now: stale-request tests. */
  timestampSec?: number;
  /** Replaces or adds headers after signing (e.g. a wrong signature, a charset, a retry header). */
  headers?: Record<string, string>;
  /** Gives up after this long (default 10 s) so a hanging app fails the test instead of the suite. */
  timeoutMs?: number;
}

export interface AppResponse {
  status: number;
  headers: Headers;
  /** The raw body (Bolt answers an empty ack with ''). */
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON (an empty ack, a plain text ack). */
  json: unknown;
}

/** POSTs a signed raw body to the app (`appUrl` is the full endpoint, e.g. http://127.0.0.1:PORT/slack/events). */
export async function postToApp(appUrl: string, secret: string, rawBody: string, opts: PostToAppOptions = {}): Promise<AppResponse> {
  const headers = { ...signSlackRequest(secret, rawBody, opts.timestampSec), ...opts.headers };
  const res = await fetch(appUrl, {
    method: 'POST',
    headers,
    body: rawBody,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces

export interface Who {
  teamId?: string;
  teamDomain?: string;
  userId?: string;
  userName?: string;
  apiAppId?: string;
  /** The request comes from a workspace of this Enterprise Grid organization. */
  enterpriseId?: string;
  /** …to an organization-wide install of the app (then interactive payloads carry `team: null`). */
  orgInstall?: boolean;
}

function who(o: Who) {
  return {
    teamId: o.teamId ?? SLACK_DEFAULTS.teamId,
    teamDomain: o.teamDomain ?? SLACK_DEFAULTS.teamDomain,
    userId: o.userId ?? SLACK_DEFAULTS.userId,
    userName: o.userName ?? SLACK_DEFAULTS.userName,
    apiAppId: o.apiAppId ?? SLACK_DEFAULTS.apiAppId,
    enterpriseId: o.enterpriseId,
    orgInstall: o.orgInstall === true,
  };
}

/** `team`, `enterprise` and `is_enterprise_install` of an interactive payload, as Slack sends them for `w`. */
function interactiveOrigin(w: ReturnType<typeof who>) {
  return {
    // An org-wide install gets `team: null`; the user's workspace is still in `user.team_id`.
    team: w.orgInstall ? null : { id: w.teamId, domain: w.teamDomain, ...(w.enterpriseId ? { enterprise_id: w.enterpriseId } : {}) },
    ...(w.enterpriseId ? { enterprise: { id: w.enterpriseId, name: 'Acme Grid' } } : {}),
    is_enterprise_install: w.orgInstall,
  };
}

let fallbackSeq = 0;
/** A trigger id shaped like Slack's; a fake Slack only accepts ids it issued (`fake.issueTriggerId()`). */
function placeholderTriggerId(): string {
  fallbackSeq += 1;
  return `${1000 + fallbackSeq}.1.${'0'.repeat(24)}${String(fallbackSeq).padStart(8, '0')}`;
}

function actionTs(): string {
  const us = Date.now() * 1000;
  return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
}

/** `payload=<JSON>` form body, the way Slack posts interactivity. */
export function interactivityBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

// ---------------------------------------------------------------------------------------------------------------
// Slash command

export interface SlashCommandOptions extends Who {
  text?: string;
  command?: string;
  channelId?: string;
  channelName?: string;
  triggerId?: string;
  responseUrl?: string;
}

/** The form fields of a slash command, in Slack's order (values as Slack sends them: strings). */
export function slashCommandPayload(o: SlashCommandOptions = {}): SlashCommand {
  const w = who(o);
  return {
    token: SLACK_DEFAULTS.verificationToken,
    team_id: w.teamId,
    team_domain: w.teamDomain,
    ...(w.enterpriseId ? { enterprise_id: w.enterpriseId, enterprise_name: 'Acme Grid' } : {}),
    channel_id: o.channelId ?? SLACK_DEFAULTS.channelId,
    channel_name: o.channelName ?? SLACK_DEFAULTS.channelName,
    user_id: w.userId,
    user_name: w.userName,
    command: o.command ?? '/routine',
    text: o.text ?? '',
    api_app_id: w.apiAppId,
    is_enterprise_install: String(w.orgInstall),
    response_url: o.responseUrl ?? `https://hooks.slack.com/commands/${w.teamId}/1/placeholder`,
    trigger_id: o.triggerId ?? placeholderTriggerId(),
  };
}

/** The raw form body of a slash command (what to sign and POST). */
export function slashCommandBody(o: SlashCommandOptions = {}): string {
  const fields = Object.entries(slashCommandPayload(o)).filter((e): e is [string, string] => typeof e[1] === 'string');
  return new URLSearchParams(fields).toString();
}

// ---------------------------------------------------------------------------------------------------------------
// Shortcuts

export interface ShortcutMessage {
  text?: string;
  user?: string;
  ts?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  files?: unknown[];
  botId?: string;
  threadTs?: string;
}

export interface MessageShortcutOptions extends Who {
  callbackId?: string;
  triggerId?: string;
  responseUrl?: string;
  channelId?: string;
  channelName?: string;
  message?: ShortcutMessage;
}

/** `message_action`: a message shortcut on a message (text, blocks, attachments, files as the message had them). */
export function messageShortcutPayload(o: MessageShortcutOptions = {}): MessageShortcut {
  const w = who(o);
  const m = o.message ?? { text: 'hello' };
  const ts = m.ts ?? '1700000000.000100';
  return {
    type: 'message_action',
    token: SLACK_DEFAULTS.verificationToken,
    action_ts: actionTs(),
    ...interactiveOrigin(w),
    user: { id: w.userId, name: w.userName, username: w.userName, team_id: w.teamId },
    channel: { id: o.channelId ?? SLACK_DEFAULTS.channelId, name: o.channelName ?? SLACK_DEFAULTS.channelName },
    callback_id: o.callbackId ?? 'routine_from_message',
    trigger_id: o.triggerId ?? placeholderTriggerId(),
    response_url: o.responseUrl ?? `https://hooks.slack.com/app/${w.teamId}/1/placeholder`,
    message_ts: ts,
    message: {
      type: 'message',
      ts,
      text: m.text ?? '',
      ...(m.botId ? { bot_id: m.botId, subtype: 'bot_message' } : { user: m.user ?? 'U0002' }),
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.attachments ? { attachments: m.attachments } : {}),
      ...(m.files ? { files: m.files, upload: false } : {}),
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
      team: w.teamId,
    },
  };
}

export function messageShortcutBody(o: MessageShortcutOptions = {}): string {
  return interactivityBody(messageShortcutPayload(o));
}

export interface GlobalShortcutOptions extends Who {
  callbackId?: string;
  triggerId?: string;
}

/** `shortcut`: a global shortcut (no channel, no response_url). */
export function globalShortcutPayload(o: GlobalShortcutOptions = {}): GlobalShortcut {
  const w = who(o);
  return {
    type: 'shortcut',
    token: SLACK_DEFAULTS.verificationToken,
    action_ts: actionTs(),
    ...interactiveOrigin(w),
    user: { id: w.userId, username: w.userName, team_id: w.teamId },
    callback_id: o.callbackId ?? 'routine_new',
    trigger_id: o.triggerId ?? placeholderTriggerId(),
  };
}

export function globalShortcutBody(o: GlobalShortcutOptions = {}): string {
  return interactivityBody(globalShortcutPayload(o));
}

// ---------------------------------------------------------------------------------------------------------------
// View state and views as Slack sends them back

export type ViewStateValues = Record<string, Record<string, ViewStateValue>>;

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });

/** Value objects of `view.state.values[block_id][action_id]`, one per element type, shaped as Slack sends them. */
export const stateValue = {
  text: (value: string | null, type = 'plain_text_input'): ViewStateValue => ({ type, value }),
  email: (value: string | null): ViewStateValue => ({ type: 'email_text_input', value }),
  staticSelect: (value: string | null, text = value ?? ''): ViewStateValue => ({
    type: 'static_select',
    selected_option: value === null ? null : { text: plain(text), value },
  }),
  externalSelect: (value: string | null, text = value ?? ''): ViewStateValue => ({
    type: 'external_select',
    selected_option: value === null ? null : { text: plain(text), value },
  }),
  radio: (value: string | null, text = value ?? ''): ViewStateValue => ({
    type: 'radio_buttons',
    selected_option: value === null ? null : { text: plain(text), value },
  }),
  checkboxes: (values: Array<string | { value: string; text: string }>): ViewStateValue => ({
    type: 'checkboxes',
    selected_options: values.map((v) => (typeof v === 'string' ? { text: plain(v), value: v } : { text: plain(v.text), value: v.value })),
  }),
  user: (id: string | null): ViewStateValue => ({ type: 'users_select', selected_user: id }),
  users: (ids: string[]): ViewStateValue => ({ type: 'multi_users_select', selected_users: ids }),
  conversation: (id: string | null): ViewStateValue => ({ type: 'conversations_select', selected_conversation: id }),
  channel: (id: string | null): ViewStateValue => ({ type: 'channels_select', selected_channel: id }),
  date: (date: string | null): ViewStateValue => ({ type: 'datepicker', selected_date: date }),
  time: (time: string | null, timezone?: string): ViewStateValue =>
    ({ type: 'timepicker', selected_time: time, ...(timezone ? { timezone } : {}) }) as ViewStateValue,
} as const;

/** `{ values }` from a `{ [block_id]: { [action_id]: value-object } }` map (deep-copied). */
export function buildViewState(values: ViewStateValues = {}): { values: ViewStateValues } {
  return { values: structuredClone(values) };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The state Slack would submit for a view nobody touched: every input block, with its element's initial_* value
 * (Slack sends initial values back on submit) or null / [] when it has none, as Slack does.
 */
export function readInitialViewState(view: { blocks?: unknown[] }): ViewStateValues {
  const values: ViewStateValues = {};
  for (const block of view.blocks ?? []) {
    if (!isObject(block) || block.type !== 'input' || typeof block.block_id !== 'string' || !isObject(block.element)) continue;
    const el = block.element;
    if (typeof el.action_id !== 'string' || typeof el.type !== 'string') continue;
    const option = (o: unknown) => (isObject(o) && isObject(o.text) && typeof o.value === 'string' ? { text: plain(String(o.text.text)), value: o.value } : null);
    let v: ViewStateValue | undefined;
    switch (el.type) {
      case 'plain_text_input':
      case 'email_text_input':
      case 'url_text_input':
      case 'number_input':
        v = { type: el.type, value: typeof el.initial_value === 'string' ? el.initial_value : null };
        break;
      case 'static_select':
      case 'external_select':
      case 'radio_buttons':
        v = { type: el.type, selected_option: option(el.initial_option) };
        break;
      case 'multi_static_select':
      case 'multi_external_select':
      case 'checkboxes':
        v = { type: el.type, selected_options: Array.isArray(el.initial_options) ? el.initial_options.map(option).filter((o) => o !== null) : [] };
        break;
      case 'users_select':
        v = { type: el.type, selected_user: typeof el.initial_user === 'string' ? el.initial_user : null };
        break;
      case 'multi_users_select':
        v = { type: el.type, selected_users: Array.isArray(el.initial_users) ? (el.initial_users as string[]) : [] };
        break;
      case 'conversations_select':
        v = { type: el.type, selected_conversation: typeof el.initial_conversation === 'string' ? el.initial_conversation : null };
        break;
      case 'channels_select':
        v = { type: el.type, selected_channel: typeof el.initial_channel === 'string' ? el.initial_channel : null };
        break;
      case 'datepicker':
        v = { type: el.type, selected_date: typeof el.initial_date === 'string' ? el.initial_date : null };
        break;
      case 'timepicker':
        v = { type: el.type, selected_time: typeof el.initial_time === 'string' ? el.initial_time : null };
        break;
      default:
        v = undefined;
    }
    if (v) values[block.block_id] = { [el.action_id]: v };
  }
  return values;
}

export interface ViewOutputOptions {
  id?: string;
  hash?: string;
  teamId?: string;
  values?: ViewStateValues;
}

/**
 * A view as Slack sends it inside payloads (Bolt's ViewOutput). Give it a view the fake stored (`fake.views.get(id)`,
 * which already has id/hash/state) or a view your builder made (then id/hash are invented); `values` replaces state.
 */
export function buildViewOutput(view: Json & { blocks?: unknown[] }, o: ViewOutputOptions = {}): ViewOutput {
  const stored = isObject(view.state) && isObject(view.state.values) ? (view.state.values as ViewStateValues) : {};
  const id = o.id ?? (typeof view.id === 'string' ? view.id : 'V0000000999');
  const teamId = o.teamId ?? (typeof view.team_id === 'string' ? view.team_id : SLACK_DEFAULTS.teamId);
  return {
    id,
    team_id: teamId,
    app_installed_team_id: teamId,
    app_id: typeof view.app_id === 'string' ? view.app_id : SLACK_DEFAULTS.apiAppId,
    bot_id: typeof view.bot_id === 'string' ? view.bot_id : SLACK_DEFAULTS.botId,
    type: typeof view.type === 'string' ? view.type : 'modal',
    callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
    external_id: typeof view.external_id === 'string' ? view.external_id : '',
    private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
    title: (isObject(view.title) ? view.title : plain('')) as ViewOutput['title'],
    submit: (isObject(view.submit) ? view.submit : null) as ViewOutput['submit'],
    close: (isObject(view.close) ? view.close : null) as ViewOutput['close'],
    blocks: structuredClone(view.blocks ?? []) as ViewOutput['blocks'],
    state: buildViewState(o.values ?? stored),
    hash: o.hash ?? (typeof view.hash === 'string' ? view.hash : '1700000000.abcdefgh'),
    root_view_id: typeof view.root_view_id === 'string' ? view.root_view_id : id,
    previous_view_id: typeof view.previous_view_id === 'string' ? view.previous_view_id : null,
    clear_on_close: view.clear_on_close === true,
    notify_on_close: view.notify_on_close === true,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// block_actions

/** One element of `actions[]`. */
export type ElementAction = BlockAction['actions'][number];

export const action = {
  button: (o: { actionId: string; blockId?: string; value?: string; text?: string }): ElementAction => ({
    type: 'button',
    action_id: o.actionId,
    block_id: o.blockId ?? 'actions',
    text: plain(o.text ?? 'Button'),
    ...(o.value !== undefined ? { value: o.value } : {}),
    action_ts: actionTs(),
  }),
  /** An overflow menu option chosen: Slack sends the option (text and value) as `selected_option`, also for a link. */
  overflow: (o: { actionId: string; blockId?: string; value: string; text?: string }): ElementAction => ({
    type: 'overflow',
    action_id: o.actionId,
    block_id: o.blockId ?? 'actions',
    selected_option: { text: plain(o.text ?? 'Option'), value: o.value },
    action_ts: actionTs(),
  }),
  plainTextInput: (o: { actionId: string; blockId: string; value: string }): ElementAction => ({
    type: 'plain_text_input',
    action_id: o.actionId,
    block_id: o.blockId,
    value: o.value,
    action_ts: actionTs(),
  }),
  staticSelect: (o: { actionId: string; blockId: string; value: string; text?: string }): ElementAction => ({
    type: 'static_select',
    action_id: o.actionId,
    block_id: o.blockId,
    selected_option: { text: plain(o.text ?? o.value), value: o.value },
    action_ts: actionTs(),
  }),
  externalSelect: (o: { actionId: string; blockId: string; value: string; text?: string }): ElementAction => ({
    type: 'external_select',
    action_id: o.actionId,
    block_id: o.blockId,
    selected_option: { text: plain(o.text ?? o.value), value: o.value },
    action_ts: actionTs(),
  }),
  radio: (o: { actionId: string; blockId: string; value: string; text?: string }): ElementAction => ({
    type: 'radio_buttons',
    action_id: o.actionId,
    block_id: o.blockId,
    selected_option: { text: plain(o.text ?? o.value), value: o.value },
    action_ts: actionTs(),
  }),
  usersSelect: (o: { actionId: string; blockId: string; users: string[] }): ElementAction => ({
    type: 'multi_users_select',
    action_id: o.actionId,
    block_id: o.blockId,
    selected_users: o.users,
    action_ts: actionTs(),
  }),
} as const;

interface BlockActionsCommon extends Who {
  actions: ElementAction[];
  triggerId?: string;
}

export type BlockActionsOptions = BlockActionsCommon &
  (
    | {
        /** From a modal or the App Home: the view as Slack sends it (see buildViewOutput). */
        source: 'view';
        view: ViewOutput;
      }
    | {
        /** From a message (also an ephemeral one): channel, message, response_url. */
        source: 'message';
        channelId?: string;
        channelName?: string;
        message?: { ts?: string; text?: string; blocks?: unknown[] };
        isEphemeral?: boolean;
        responseUrl?: string;
      }
  );

/** `block_actions`: a button, select or dispatching input used in a modal, the App Home, or a message. */
export function blockActionsPayload(o: BlockActionsOptions): BlockAction {
  const w = who(o);
  const common = {
    type: 'block_actions' as const,
    token: SLACK_DEFAULTS.verificationToken,
    api_app_id: w.apiAppId,
    ...interactiveOrigin(w),
    user: { id: w.userId, username: w.userName, name: w.userName, team_id: w.teamId },
    trigger_id: o.triggerId ?? placeholderTriggerId(),
    actions: o.actions,
  };
  if (o.source === 'view') {
    // Slack sends no response_url for actions in views; Bolt's type says string, so the cast states the truth.
    return {
      ...common,
      container: { type: 'view', view_id: o.view.id },
      view: o.view,
      state: o.view.state,
    } as unknown as BlockAction;
  }
  const channelId = o.channelId ?? SLACK_DEFAULTS.channelId;
  const ts = o.message?.ts ?? '1700000000.000200';
  return {
    ...common,
    container: { type: 'message', message_ts: ts, channel_id: channelId, is_ephemeral: o.isEphemeral === true },
    channel: { id: channelId, name: o.channelName ?? SLACK_DEFAULTS.channelName },
    ...(o.isEphemeral
      ? {}
      : {
          message: {
            type: 'message',
            ts,
            text: o.message?.text ?? '',
            user: 'UBOT0001',
            bot_id: SLACK_DEFAULTS.botId,
            ...(o.message?.blocks ? { blocks: o.message.blocks } : {}),
          },
        }),
    state: { values: {} },
    response_url: o.responseUrl ?? `https://hooks.slack.com/actions/${w.teamId}/1/placeholder`,
  };
}

export function blockActionsBody(o: BlockActionsOptions): string {
  return interactivityBody(blockActionsPayload(o));
}

// ---------------------------------------------------------------------------------------------------------------
// block_suggestion (external_select options load)

export interface BlockSuggestionOptions extends Who {
  actionId: string;
  blockId: string;
  /** What the user typed in the select. */
  value: string;
  /** The modal the select is in (omit for a select in a message). */
  view?: ViewOutput;
  channelId?: string;
}

export function blockSuggestionPayload(o: BlockSuggestionOptions): BlockSuggestion {
  const w = who(o);
  return {
    type: 'block_suggestion',
    token: SLACK_DEFAULTS.verificationToken,
    api_app_id: w.apiAppId,
    ...interactiveOrigin(w),
    user: { id: w.userId, name: w.userName, team_id: w.teamId },
    action_id: o.actionId,
    block_id: o.blockId,
    value: o.value,
    action_ts: actionTs(),
    ...(o.view
      ? { container: { type: 'view', view_id: o.view.id }, view: o.view }
      : {
          container: { type: 'message', message_ts: '1700000000.000300', channel_id: o.channelId ?? SLACK_DEFAULTS.channelId, is_ephemeral: false },
          channel: { id: o.channelId ?? SLACK_DEFAULTS.channelId, name: SLACK_DEFAULTS.channelName },
        }),
  };
}

export function blockSuggestionBody(o: BlockSuggestionOptions): string {
  return interactivityBody(blockSuggestionPayload(o));
}

// ---------------------------------------------------------------------------------------------------------------
// view_submission / view_closed

export interface ViewSubmissionOptions extends Who {
  /** The submitted view (see buildViewOutput); its state is what the user entered. */
  view: ViewOutput;
  triggerId?: string;
  /** Present when an input conversations_select had response_url_enabled. */
  responseUrls?: ViewSubmitAction['response_urls'];
}

export function viewSubmissionPayload(o: ViewSubmissionOptions): ViewSubmitAction {
  const w = who(o);
  return {
    type: 'view_submission',
    token: SLACK_DEFAULTS.verificationToken,
    api_app_id: w.apiAppId,
    ...interactiveOrigin(w),
    user: { id: w.userId, name: w.userName, team_id: w.teamId },
    trigger_id: o.triggerId ?? placeholderTriggerId(),
    view: o.view,
    response_urls: o.responseUrls ?? [],
  };
}

export function viewSubmissionBody(o: ViewSubmissionOptions): string {
  return interactivityBody(viewSubmissionPayload(o));
}

export interface ViewClosedOptions extends Who {
  view: ViewOutput;
  /** True when the whole stack was closed. */
  isCleared?: boolean;
}

/** `view_closed` (only sent for views with notify_on_close: true). */
export function viewClosedPayload(o: ViewClosedOptions): ViewClosedAction {
  const w = who(o);
  return {
    type: 'view_closed',
    token: SLACK_DEFAULTS.verificationToken,
    api_app_id: w.apiAppId,
    ...interactiveOrigin(w),
    user: { id: w.userId, name: w.userName, team_id: w.teamId },
    view: o.view,
    is_cleared: o.isCleared === true,
  };
}

export function viewClosedBody(o: ViewClosedOptions): string {
  return interactivityBody(viewClosedPayload(o));
}

// ---------------------------------------------------------------------------------------------------------------
// Events API (JSON bodies: post them with Content-Type application/json)

export interface EventCallbackOptions extends Who {
  /** Slack's id of the event delivery; a retry of the same delivery carries the same id. */
  eventId?: string;
  botUserId?: string;
}

let eventSeq = 0;

/** An `event_callback` envelope around `event`, as Slack posts it to the Events API request URL. */
export function eventCallbackPayload(event: Record<string, unknown>, o: EventCallbackOptions = {}): Record<string, unknown> {
  const w = who(o);
  eventSeq += 1;
  return {
    token: SLACK_DEFAULTS.verificationToken,
    team_id: w.teamId,
    ...(w.enterpriseId ? { enterprise_id: w.enterpriseId } : {}),
    api_app_id: w.apiAppId,
    type: 'event_callback',
    event_id: o.eventId ?? `Ev${String(eventSeq).padStart(8, '0')}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: w.enterpriseId ?? null, team_id: w.teamId, user_id: o.botUserId ?? 'UBOT0001', is_bot: true, is_enterprise_install: w.orgInstall }],
    event,
  };
}

export function eventCallbackBody(event: Record<string, unknown>, o: EventCallbackOptions = {}): string {
  return JSON.stringify(eventCallbackPayload(event, o));
}

/** A message ts Slack could have given (unique per call). */
export function messageTs(): string {
  eventSeq += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(eventSeq).padStart(6, '0')}`;
}
