/**
 * A fake Slack Web API on a real loopback HTTP server, faithful to what the bot depends on: the wire format
 * @slack/web-api 8 sends (form-encoded, objects JSON-encoded inside the form, Bearer token), trigger ids that are
 * single-use and expire, Block Kit validation with Slack's error shapes, view hashes, response_url limits, and
 * injectable faults (errors, 429 with Retry-After, 5xx, delays, connection resets).
 *
 * Point Bolt at it with `clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } }` and put
 * `fake.responseUrl(id)` into payloads as their response_url.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ViewStateValue } from '@slack/bolt';
import { DateTime } from 'luxon';
import { findBlocksProblems, findViewProblems, LIMITS } from './slack-view-rules.js';

type Json = Record<string, unknown>;

/** Above this many users, users.list without a limit answers `limit_required` (Slack: "for large teams"). */
const USERS_LIST_UNLIMITED_MAX = 500;

export interface FakeSlackUser {
  id: string;
  name: string;
  realName?: string;
  /** Omitted → no `profile.email` (like a user seen without users:read.email, or a bot). */
  email?: string;
  /** IANA zone; Slack always sends one for people. */
  tz?: string;
  isBot?: boolean;
  deleted?: boolean;
  /** The user's workspace (default: the fake's team). In an organization, users of every workspace share one id space. */
  teamId?: string;
}

/** A channel as conversations.info describes it (to a bot with channels:read and groups:read). */
export interface FakeSlackChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  /** Whether the bot is a member (default true). Slack hides a private channel the bot is not in (channel_not_found). */
  botIsMember?: boolean;
}

export interface FakeSlackOptions {
  /** The bot token the fake accepts (default `xoxb-fake-bot-token`). */
  token?: string;
  teamId?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** Added to (and overriding by id) the default users U0001 alice, U0002 bob and the bot user. */
  users?: FakeSlackUser[];
  /** Added to (and overriding by id) the default channel C0001 #general, which the bot is in. */
  channels?: FakeSlackChannel[];
  /**
   * The bot token belongs to an organization-wide install on Enterprise Grid: auth.test answers
   * `is_enterprise_install: true` and the organization's `enterprise_id` (its team_id is then the organization's
   * id too, as seen in Slack's answers for org-level tokens; the bot does not rely on that).
   */
  enterpriseInstall?: { enterpriseId: string };
  /** Trigger lifetime (Slack: 3 s). */
  triggerTtlMs?: number;
  /** The fake's clock, for trigger expiry and timestamps; tests inject one to force expiry deterministically. */
  now?: () => number;
  /** The app-level token `apps.connections.open` accepts (default `xapp-1-A0001-1-fakeapptoken`); it accepts no other. */
  appToken?: string;
  /** The URL `apps.connections.open` answers (a function is called per call: Slack issues a new ticket each time). */
  socketModeUrl?: string | (() => string);
}

export type FakeSlackFault =
  | { error: string }
  | { status: 429; retryAfter?: number }
  | { status: 500 | 502 | 503 }
  | { delayMs: number }
  | { reset: true };

export interface RecordedCall {
  /** Web API method (`views.open`), or `response_url` for posts to a responseUrl(). */
  method: string;
  /** Decoded arguments: form strings, with `view`, `blocks`, `attachments`, `metadata` JSON-decoded. For response_url: the JSON body plus `responseId`. */
  args: Json;
  /** Token the caller sent (Authorization header or `token` field). */
  token: string | undefined;
  /** HTTP status the fake answered with (0 when the connection was reset). */
  status: number;
  /** The JSON body the fake answered with. */
  response: Json;
  fault?: FakeSlackFault;
  at: number;
}

/** A view as Slack stores and returns it (the shape of Bolt's `ViewOutput`). */
export interface FakeView {
  id: string;
  team_id: string;
  type: 'modal' | 'home';
  callback_id: string;
  external_id: string;
  private_metadata: string;
  title: Json | null;
  submit: Json | null;
  close: Json | null;
  blocks: Json[];
  state: { values: Record<string, Record<string, ViewStateValue>> };
  hash: string;
  root_view_id: string | null;
  previous_view_id: string | null;
  clear_on_close: boolean;
  notify_on_close: boolean;
  submit_disabled: boolean;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: Json[];
  attachments?: Json[];
  threadTs?: string;
  /** Set for chat.postEphemeral: only this user sees it. */
  ephemeralTo?: string;
  /** Bumped by chat.update. */
  edits: number;
}

export interface FakeSlack {
  /** Base for Bolt's `clientOptions.slackApiUrl`: `http://127.0.0.1:PORT/api/`. */
  readonly apiUrl: string;
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  readonly token: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly appToken: string;
  /** Sets what `apps.connections.open` answers (see FakeSlackOptions.socketModeUrl). */
  setSocketModeUrl(url: string | (() => string) | undefined): void;
  /** Every call, in the order answered (faults included). */
  readonly calls: readonly RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** The first call (already recorded or still to come) to `method` matching `predicate`; rejects after timeoutMs. */
  waitFor(method: string, predicate?: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** A trigger id as Slack would put in a payload: valid once, for `triggerTtlMs`. */
  issueTriggerId(opts?: { userId?: string }): string;
  /** Makes a trigger expire now, whatever the clock says. */
  expireTriggerId(triggerId: string): void;
  /** A response_url for a payload; POSTs to it are recorded as `response_url` calls (at most 5 accepted). */
  responseUrl(id?: string): string;
  /** JSON bodies posted to responseUrl(id), in order. */
  responses(id: string): Json[];
  /** The next `times` calls to `method` get this fault instead of (or, for delayMs, before) their answer. */
  failNext(method: string, fault: FakeSlackFault, times?: number): void;
  /** Every view by id (modals and home tabs). */
  readonly views: ReadonlyMap<string, FakeView>;
  /** The published home tab of each user. */
  readonly homeViews: ReadonlyMap<string, FakeView>;
  /** Messages (including ephemeral ones) in a channel, oldest first; all channels when omitted. */
  messages(channel?: string): FakeMessage[];
  /** Simulates a user typing/choosing: merges into `views.get(id).state.values` (Slack keeps these across updates). */
  setViewState(viewId: string, values: Record<string, Record<string, ViewStateValue>>): void;
  /**
   * Applies what the app acked to a view_submission (the HTTP response body), as Slack would: `update` replaces the
   * view (new hash), `push` stacks a view, `clear` or an empty ack closes it, `errors` changes nothing.
   */
  applyViewSubmissionAck(viewId: string, ackBody: string): void;
  /** The ids of the modals open for a user, root first. */
  openModalStack(userId: string): readonly string[];
  addUser(user: FakeSlackUser): void;
  /** Forgets calls, views, messages, responses, triggers and pending faults (keeps users). */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_USERS: FakeSlackUser[] = [
  { id: 'U0001', name: 'alice', realName: 'Alice Adams', email: 'alice@example.com', tz: 'America/New_York' },
  { id: 'U0002', name: 'bob', realName: 'Bob Brown', email: 'bob@example.com', tz: 'Europe/Paris' },
];

/** Arguments that web-api 8 JSON-encodes inside the form because they are objects or arrays. */
const JSON_ARGS = new Set(['view', 'blocks', 'attachments', 'metadata', 'unfurls']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class ArgError extends Error {
  constructor(
    readonly error: string,
    readonly messages: string[] = [],
  ) {
    super(error);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const token = options.token ?? 'xoxb-fake-bot-token';
  const teamId = options.teamId ?? 'T0001';
  const teamDomain = options.teamDomain ?? 'acme';
  const botUserId = options.botUserId ?? 'UBOT0001';
  const botId = options.botId ?? 'BBOT0001';
  const appId = options.appId ?? 'A0001';
  const triggerTtlMs = options.triggerTtlMs ?? 3000;
  const now = options.now ?? (() => Date.now());
  const appToken = options.appToken ?? 'xapp-1-A0001-1-fakeapptoken';
  let socketModeUrl = options.socketModeUrl;

  const users = new Map<string, FakeSlackUser>();
  for (const u of [...DEFAULT_USERS, { id: botUserId, name: 'routines', realName: 'Routines', isBot: true }, ...(options.users ?? [])]) {
    users.set(u.id, u);
  }

  const channels = new Map<string, FakeSlackChannel>();
  for (const c of [{ id: 'C0001', name: 'general' }, ...(options.channels ?? [])]) channels.set(c.id, c);

  const calls: RecordedCall[] = [];
  const waiters = new Set<{ method: string; predicate: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }>();
  const faults = new Map<string, FakeSlackFault[]>();
  const triggers = new Map<string, { issuedAt: number; used: boolean; expired: boolean; userId: string }>();
  const views = new Map<string, FakeView>();
  const viewOwner = new Map<string, string>();
  const homeViews = new Map<string, FakeView>();
  const stacks = new Map<string, string[]>();
  const messages: FakeMessage[] = [];
  const responses = new Map<string, Json[]>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;
  let lastTsMicros = 0;
  const next = () => ++seq;

  const newViewId = () => `V${String(next()).padStart(10, '0')}`;
  const newHash = () => `${Math.floor(now() / 1000)}.${next().toString(36).padStart(8, '0')}`;
  const newTs = () => {
    lastTsMicros = Math.max(lastTsMicros + 1, now() * 1000);
    return `${Math.floor(lastTsMicros / 1e6)}.${String(lastTsMicros % 1e6).padStart(6, '0')}`;
  };

  function record(call: RecordedCall): void {
    calls.push(call);
    for (const w of [...waiters]) {
      if (w.method === call.method && w.predicate(call)) {
        waiters.delete(w);
        w.resolve(call);
      }
    }
  }

  /** A user as users.info and users.list describe one. */
  function userObject(u: FakeSlackUser): Json {
    const zone = u.tz ?? 'America/Los_Angeles';
    const at = DateTime.fromMillis(now()).setZone(zone);
    return {
      id: u.id,
      team_id: u.teamId ?? teamId,
      name: u.name,
      deleted: u.deleted === true,
      real_name: u.realName ?? u.name,
      tz: zone,
      tz_label: at.offsetNameLong ?? zone,
      tz_offset: at.offset * 60,
      is_bot: u.isBot === true,
      is_app_user: false,
      updated: Math.floor(now() / 1000),
      profile: {
        real_name: u.realName ?? u.name,
        display_name: u.name,
        ...(u.email ? { email: u.email } : {}),
        team: teamId,
      },
    };
  }

  function userOrThrow(id: unknown): FakeSlackUser {
    const user = typeof id === 'string' ? users.get(id) : undefined;
    if (!user) throw new ArgError('user_not_found');
    return user;
  }

  function requireString(args: Json, key: string, error = 'invalid_arguments'): string {
    const v = args[key];
    if (typeof v !== 'string' || v === '') throw new ArgError(error, [`[ERROR] missing required field: ${key} [json-pointer:/${key}]`]);
    return v;
  }

  function consumeTrigger(args: Json): string {
    const id = requireString(args, 'trigger_id');
    const t = triggers.get(id);
    if (!t) throw new ArgError('invalid_trigger_id');
    if (t.used) throw new ArgError('exchanged_trigger_id');
    if (t.expired || now() - t.issuedAt > triggerTtlMs) throw new ArgError('expired_trigger_id');
    t.used = true;
    return t.userId;
  }

  function readView(args: Json, expected: 'modal' | 'home' | 'modal_or_home'): Json {
    const raw = args.view;
    if (raw === undefined) throw new ArgError('invalid_arguments', ['[ERROR] missing required field: view [json-pointer:/view]']);
    if (!isObject(raw)) throw new ArgError('invalid_arguments', ['[ERROR] must provide an object [json-pointer:/view]']);
    if (Buffer.byteLength(JSON.stringify(raw)) > LIMITS.viewBytes) throw new ArgError('view_too_large');
    const problems = findViewProblems(raw, expected);
    if (problems.length > 0) throw new ArgError('invalid_arguments', problems);
    return raw;
  }

  function storeView(view: Json, id: string, prior: FakeView | undefined, links: { root: string | null; previous: string | null }): FakeView {
    const text = (v: unknown) => (isObject(v) ? v : null);
    const blocks = (view.blocks as Json[]).map((b) => structuredClone(b));
    // Slack keeps what the user entered for every block_id/action_id pair that survives an update.
    const values: FakeView['state']['values'] = {};
    if (prior) {
      for (const b of blocks) {
        const blockId = typeof b.block_id === 'string' ? b.block_id : undefined;
        const element = isObject(b.element) ? b.element : isObject(b.accessory) ? b.accessory : undefined;
        const actionId = element && typeof element.action_id === 'string' ? element.action_id : undefined;
        const kept = blockId && actionId ? prior.state.values[blockId]?.[actionId] : undefined;
        if (blockId && actionId && kept) values[blockId] = { ...values[blockId], [actionId]: kept };
      }
    }
    const stored: FakeView = {
      id,
      team_id: teamId,
      type: view.type === 'home' ? 'home' : 'modal',
      callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
      external_id: typeof view.external_id === 'string' ? view.external_id : '',
      private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
      title: text(view.title),
      submit: text(view.submit),
      close: text(view.close),
      blocks,
      state: { values },
      hash: newHash(),
      root_view_id: links.root,
      previous_view_id: links.previous,
      clear_on_close: view.clear_on_close === true,
      notify_on_close: view.notify_on_close === true,
      submit_disabled: view.submit_disabled === true,
      app_id: appId,
      app_installed_team_id: teamId,
      bot_id: botId,
    };
    if (stored.external_id) {
      for (const other of views.values()) {
        if (other.id !== id && other.external_id === stored.external_id) throw new ArgError('duplicate_external_id');
      }
    }
    views.set(id, stored);
    return stored;
  }

  function findView(args: Json): FakeView {
    const viewId = typeof args.view_id === 'string' && args.view_id ? args.view_id : undefined;
    const externalId = typeof args.external_id === 'string' && args.external_id ? args.external_id : undefined;
    if (!viewId && !externalId) {
      throw new ArgError('invalid_arguments', ['[ERROR] must provide view_id or external_id [json-pointer:/view_id]']);
    }
    const found = viewId ? views.get(viewId) : [...views.values()].find((v) => v.external_id === externalId);
    if (!found) throw new ArgError('not_found');
    return found;
  }

  function messageResult(m: FakeMessage): Json {
    return {
      type: 'message',
      text: m.text,
      user: botUserId,
      bot_id: botId,
      app_id: appId,
      team: teamId,
      ts: m.ts,
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.attachments ? { attachments: m.attachments } : {}),
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    };
  }

  function readMessageContent(args: Json, requireSome: boolean): Pick<FakeMessage, 'text' | 'blocks' | 'attachments'> {
    const text = typeof args.text === 'string' ? args.text : '';
    const blocks = args.blocks;
    const attachments = args.attachments;
    if (blocks !== undefined) {
      const problems = findBlocksProblems(blocks);
      if (problems.length > 0) throw new ArgError('invalid_blocks', problems);
    }
    if (attachments !== undefined && !Array.isArray(attachments)) throw new ArgError('invalid_attachments');
    if (requireSome && !text && !(Array.isArray(blocks) && blocks.length) && !(Array.isArray(attachments) && attachments.length)) {
      throw new ArgError('no_text');
    }
    if (text.length > LIMITS.messageText) throw new ArgError('msg_too_long');
    return {
      text,
      ...(Array.isArray(blocks) ? { blocks: blocks as Json[] } : {}),
      ...(Array.isArray(attachments) ? { attachments: attachments as Json[] } : {}),
    };
  }

  const dmChannelOf = (userId: string) => `D${userId.replace(/^[UW]/, '')}`;

  const handlers: Record<string, (args: Json) => Json> = {
    'auth.test': () =>
      options.enterpriseInstall
        ? {
            url: `https://${teamDomain}.enterprise.slack.com/`,
            team: 'Acme Grid',
            user: 'routines',
            team_id: options.enterpriseInstall.enterpriseId,
            user_id: botUserId,
            bot_id: botId,
            enterprise_id: options.enterpriseInstall.enterpriseId,
            is_enterprise_install: true,
          }
        : {
            url: `https://${teamDomain}.slack.com/`,
            team: 'Acme',
            user: 'routines',
            team_id: teamId,
            user_id: botUserId,
            bot_id: botId,
            is_enterprise_install: false,
          },

    'users.info': (args) => ({ user: userObject(userOrThrow(args.user)) }),

    // Cursor pagination as Slack documents it: `limit` (at most 1000; Slack may return fewer), an opaque cursor,
    // `response_metadata.next_cursor` empty on the last page, `invalid_cursor` for a cursor it did not issue, and
    // `limit_required` for a large team asked without a limit. Deleted users and bots are members too.
    'users.list': (args) => {
      const all = [...users.values()];
      const limitArg = args.limit === undefined ? undefined : Number(args.limit);
      if (limitArg === undefined && all.length > USERS_LIST_UNLIMITED_MAX) throw new ArgError('limit_required');
      const limit = limitArg === undefined || !Number.isFinite(limitArg) || limitArg <= 0 ? all.length : Math.min(1000, Math.floor(limitArg));
      let start = 0;
      if (typeof args.cursor === 'string' && args.cursor !== '') {
        const decoded = /^user:(\d+)$/.exec(Buffer.from(args.cursor, 'base64').toString('utf8'));
        if (!decoded) throw new ArgError('invalid_cursor');
        start = Number(decoded[1]);
      }
      const page = all.slice(start, start + limit);
      const next = start + limit < all.length ? Buffer.from(`user:${start + limit}`).toString('base64') : '';
      return { members: page.map(userObject), cache_ts: Math.floor(now() / 1000), response_metadata: { next_cursor: next } };
    },

    'conversations.open': (args) => {
      const ids = typeof args.users === 'string' ? args.users.split(',').map((s) => s.trim()).filter(Boolean) : [];
      if (ids.length === 0) throw new ArgError(typeof args.channel === 'string' ? 'method_not_supported_for_channel_type' : 'users_list_not_supplied');
      ids.forEach(userOrThrow);
      const id = ids.length === 1 ? dmChannelOf(ids[0] ?? '') : `G${ids.map((i) => i.slice(1)).sort().join('')}`;
      return { no_op: false, already_open: false, channel: { id } };
    },

    // Needs channels:read (public) or groups:read (private). A private channel the bot is not in does not exist for it.
    'conversations.info': (args) => {
      const id = requireString(args, 'channel', 'channel_not_found');
      if (/^D/.test(id)) return { channel: { id, is_im: true, is_channel: false, is_group: false, is_mpim: false, is_private: true, is_member: true, is_archived: false } };
      const c = channels.get(id);
      const member = c?.botIsMember !== false;
      if (!c || (c.isPrivate && !member)) throw new ArgError('channel_not_found');
      return {
        channel: {
          id: c.id,
          name: c.name,
          is_channel: !c.isPrivate,
          is_group: c.isPrivate === true,
          is_im: false,
          is_mpim: false,
          is_private: c.isPrivate === true,
          is_archived: c.isArchived === true,
          is_member: member,
          created: 1_600_000_000,
        },
      };
    },

    'chat.postMessage': (args) => {
      let channel = requireString(args, 'channel', 'channel_not_found');
      // Without chat:write.public (not requested) the bot posts only where it is a member.
      if (channels.get(channel)?.botIsMember === false) throw new ArgError('not_in_channel');
      // Posting to a user id lands in the app's DM with that user.
      if (/^[UW]/.test(channel)) channel = dmChannelOf(userOrThrow(channel).id);
      const content = readMessageContent(args, true);
      const m: FakeMessage = { channel, ts: newTs(), ...content, edits: 0, ...(typeof args.thread_ts === 'string' ? { threadTs: args.thread_ts } : {}) };
      messages.push(m);
      return { channel, ts: m.ts, message: messageResult(m) };
    },

    'chat.postEphemeral': (args) => {
      const channel = requireString(args, 'channel', 'channel_not_found');
      const user = userOrThrow(requireString(args, 'user', 'user_not_found'));
      const content = readMessageContent(args, true);
      const m: FakeMessage = { channel, ts: newTs(), ...content, ephemeralTo: user.id, edits: 0 };
      messages.push(m);
      return { message_ts: m.ts };
    },

    'chat.update': (args) => {
      const channel = requireString(args, 'channel', 'channel_not_found');
      const ts = requireString(args, 'ts', 'message_not_found');
      const m = messages.find((x) => x.channel === channel && x.ts === ts && !x.ephemeralTo);
      if (!m) throw new ArgError('message_not_found');
      const content = readMessageContent(args, false);
      if (typeof args.text === 'string') m.text = content.text;
      if (content.blocks) m.blocks = content.blocks;
      if (content.attachments) m.attachments = content.attachments;
      m.edits += 1;
      return { channel, ts, text: m.text, message: messageResult(m) };
    },

    // Socket Mode: only the app-level token is accepted here (handleApi checks it); the URL carries a ticket.
    'apps.connections.open': () => {
      const url = typeof socketModeUrl === 'function' ? socketModeUrl() : socketModeUrl;
      if (!url) throw new ArgError('fake_slack_socket_mode_url_not_set');
      return { url };
    },

    'views.open': (args) => {
      const view = readView(args, 'modal');
      const userId = consumeTrigger(args);
      const id = newViewId();
      const stored = storeView(view, id, undefined, { root: id, previous: null });
      viewOwner.set(id, userId);
      stacks.set(userId, [id]);
      return { view: stored };
    },

    'views.push': (args) => {
      const view = readView(args, 'modal');
      const userId = consumeTrigger(args);
      const stack = stacks.get(userId) ?? [];
      if (stack.length === 0) throw new ArgError('not_found');
      if (stack.length >= 3) throw new ArgError('push_limit_reached');
      const id = newViewId();
      const stored = storeView(view, id, undefined, { root: stack[0] ?? id, previous: stack[stack.length - 1] ?? null });
      viewOwner.set(id, userId);
      stack.push(id);
      return { view: stored };
    },

    'views.update': (args) => {
      const current = findView(args);
      if (typeof args.hash === 'string' && args.hash !== '' && args.hash !== current.hash) throw new ArgError('hash_conflict');
      const view = readView(args, current.type);
      const stored = storeView(view, current.id, current, { root: current.root_view_id, previous: current.previous_view_id });
      return { view: stored };
    },

    'views.publish': (args) => {
      const user = userOrThrow(requireString(args, 'user_id', 'invalid_arguments'));
      const view = readView(args, 'home');
      const current = homeViews.get(user.id);
      if (current && typeof args.hash === 'string' && args.hash !== '' && args.hash !== current.hash) throw new ArgError('hash_conflict');
      const id = current?.id ?? newViewId();
      const stored = storeView(view, id, current, { root: null, previous: null });
      viewOwner.set(id, user.id);
      homeViews.set(user.id, stored);
      return { view: stored };
    },
  };

  function decodeArgs(raw: string, contentType: string): Json {
    if (contentType.startsWith('application/json')) {
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      if (!isObject(parsed)) throw new ArgError('invalid_json');
      return parsed;
    }
    const args: Json = {};
    for (const [key, value] of new URLSearchParams(raw)) {
      if (JSON_ARGS.has(key)) {
        try {
          args[key] = JSON.parse(value) as unknown;
        } catch {
          throw new ArgError('invalid_arguments', [`[ERROR] invalid json [json-pointer:/${key}]`]);
        }
      } else {
        args[key] = value;
      }
    }
    return args;
  }

  function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const raw = await readBody(req);
    const auth = req.headers.authorization;
    let args: Json = {};
    let decodeError: ArgError | undefined;
    try {
      args = decodeArgs(raw, req.headers['content-type'] ?? '');
    } catch (e) {
      decodeError = e instanceof ArgError ? e : new ArgError('invalid_form_data');
    }
    const sentToken = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : typeof args.token === 'string' ? args.token : undefined;
    const base = { method, args, token: sentToken };

    let fault = faults.get(method)?.shift();
    if (fault && 'delayMs' in fault) {
      await delay(fault.delayMs);
      fault = undefined;
    }
    if (fault && 'reset' in fault) {
      record({ ...base, status: 0, response: {}, fault, at: now() });
      req.socket.destroy();
      return;
    }
    if (fault && 'status' in fault) {
      const body = { ok: false, error: fault.status === 429 ? 'ratelimited' : 'internal_error' };
      const headers: Record<string, string> = fault.status === 429 && fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
      record({ ...base, status: fault.status, response: body, fault, at: now() });
      send(res, fault.status, body, headers);
      return;
    }

    let body: Json;
    if (fault && 'error' in fault) body = { ok: false, error: fault.error };
    else if (sentToken === undefined) body = { ok: false, error: 'not_authed' };
    else if (sentToken !== (method === 'apps.connections.open' ? appToken : token)) body = { ok: false, error: 'invalid_auth' };
    else if (decodeError) body = { ok: false, error: decodeError.error, response_metadata: { messages: decodeError.messages } };
    else {
      const handler = handlers[method];
      if (!handler) body = { ok: false, error: 'unknown_method' };
      else {
        try {
          body = { ok: true, ...handler(args) };
        } catch (e) {
          if (!(e instanceof ArgError)) throw e;
          body = { ok: false, error: e.error, ...(e.messages.length ? { response_metadata: { messages: e.messages } } : {}) };
        }
      }
    }
    record({ ...base, status: 200, response: body, ...(fault ? { fault } : {}), at: now() });
    send(res, 200, body);
  }

  async function handleRespond(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const raw = await readBody(req);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const used = responses.get(id) ?? [];
    const args: Json = { ...(isObject(parsed) ? parsed : {}), responseId: id };
    let status = 200;
    let body: Json = { ok: true };
    if (!isObject(parsed)) {
      status = 400;
      body = { ok: false, error: 'invalid_payload' };
    } else if (used.length >= 5) {
      // Slack accepts a response_url five times; later posts fail.
      status = 404;
      body = { ok: false, error: 'used_url' };
    } else {
      const problems = parsed.blocks === undefined ? [] : findBlocksProblems(parsed.blocks);
      if (problems.length > 0) {
        status = 400;
        body = { ok: false, error: 'invalid_blocks', response_metadata: { messages: problems } };
      } else if (!parsed.text && !(Array.isArray(parsed.blocks) && parsed.blocks.length) && parsed.delete_original !== true) {
        status = 400;
        body = { ok: false, error: 'no_text' };
      } else {
        used.push(parsed);
        responses.set(id, used);
      }
    }
    record({ method: 'response_url', args, token: undefined, status, response: body, at: now() });
    send(res, status, body);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    const respond = /^\/respond\/([^/]+)$/.exec(url.pathname);
    const work =
      req.method === 'POST' && api?.[1]
        ? handleApi(req, res, api[1])
        : req.method === 'POST' && respond?.[1]
          ? handleRespond(req, res, decodeURIComponent(respond[1]))
          : Promise.resolve(send(res, 404, { ok: false, error: 'not_found' }));
    work.catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: 'fake_slack_bug', detail: e instanceof Error ? e.message : String(e) });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  let responseSeq = 0;

  return {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    token,
    teamId,
    teamDomain,
    botUserId,
    botId,
    appId,
    appToken,
    setSocketModeUrl(url) {
      socketModeUrl = url;
    },
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    waitFor(method, predicate = () => true, timeoutMs = 2000) {
      const already = calls.find((c) => c.method === method && predicate(c));
      if (already) return Promise.resolve(already);
      return new Promise<RecordedCall>((resolve, reject) => {
        const waiter = {
          method,
          predicate,
          resolve: (c: RecordedCall) => {
            clearTimeout(timer);
            timers.delete(timer);
            resolve(c);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          timers.delete(timer);
          reject(new Error(`fake Slack: no matching ${method} call within ${timeoutMs} ms; calls so far: ${calls.map((c) => c.method).join(', ') || 'none'}`));
        }, timeoutMs);
        timers.add(timer);
        waiters.add(waiter);
      });
    },
    issueTriggerId(opts = {}) {
      const id = `${next()}${String(Math.floor(now() / 1000)).slice(-6)}.${teamId.replace(/\D/g, '') || '1'}.${randomBytes(16).toString('hex')}`;
      triggers.set(id, { issuedAt: now(), used: false, expired: false, userId: opts.userId ?? 'U0001' });
      return id;
    },
    expireTriggerId(triggerId) {
      const t = triggers.get(triggerId);
      if (!t) throw new Error(`fake Slack: unknown trigger ${triggerId}`);
      t.expired = true;
    },
    responseUrl(id = `r${++responseSeq}`) {
      return `${baseUrl}/respond/${encodeURIComponent(id)}`;
    },
    responses: (id) => [...(responses.get(id) ?? [])],
    failNext(method, fault, times = 1) {
      const queue = faults.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push(fault);
      faults.set(method, queue);
    },
    views,
    homeViews,
    messages: (channel) => messages.filter((m) => channel === undefined || m.channel === channel),
    setViewState(viewId, values) {
      const view = views.get(viewId);
      if (!view) throw new Error(`fake Slack: unknown view ${viewId}`);
      for (const [blockId, byAction] of Object.entries(values)) {
        view.state.values[blockId] = { ...view.state.values[blockId], ...structuredClone(byAction) };
      }
    },
    applyViewSubmissionAck(viewId, ackBody) {
      const view = views.get(viewId);
      if (!view) throw new Error(`fake Slack: unknown view ${viewId}`);
      const owner = viewOwner.get(viewId) ?? 'U0001';
      const parsed: unknown = ackBody.trim() ? JSON.parse(ackBody) : {};
      const action = isObject(parsed) ? parsed.response_action : undefined;
      if (action === 'errors') return;
      if (action === 'update' || action === 'push') {
        const next = isObject(parsed) ? parsed.view : undefined;
        const problems = findViewProblems(next, 'modal');
        if (problems.length > 0) throw new Error(`fake Slack: the acked view is invalid:\n${problems.join('\n')}`);
        if (action === 'update') {
          storeView(next as Json, viewId, view, { root: view.root_view_id, previous: view.previous_view_id });
          return;
        }
        const stack = stacks.get(owner) ?? [];
        if (stack.length >= 3) throw new Error('fake Slack: push_limit_reached');
        const id = newViewId();
        storeView(next as Json, id, undefined, { root: stack[0] ?? id, previous: viewId });
        viewOwner.set(id, owner);
        stack.push(id);
        stacks.set(owner, stack);
        return;
      }
      // An empty ack closes this view; `clear` closes the whole stack.
      const stack = stacks.get(owner) ?? [];
      stacks.set(owner, action === 'clear' ? [] : stack.filter((id) => id !== viewId));
    },
    openModalStack: (userId) => [...(stacks.get(userId) ?? [])],
    addUser(user) {
      users.set(user.id, user);
    },
    reset() {
      calls.length = 0;
      faults.clear();
      triggers.clear();
      views.clear();
      viewOwner.clear();
      homeViews.clear();
      stacks.clear();
      messages.length = 0;
      responses.clear();
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
