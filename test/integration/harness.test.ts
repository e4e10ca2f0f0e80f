/**
 * The test harness itself: a minimal Bolt app over HTTP on 127.0.0.1 talking to the fake Slack, driven by signed
 * requests from test/helpers/slack-requests.ts. If these pass, a failure in a product test is about the product.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, HTTPReceiver, isValidSlackRequest, LogLevel, webApi, type Logger } from '@slack/bolt';
import { startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { findLateAcks, startHarness } from '../helpers/app-harness.js';
import {
  action,
  blockActionsBody,
  blockSuggestionBody,
  buildViewOutput,
  globalShortcutBody,
  messageShortcutBody,
  postToApp,
  readInitialViewState,
  signSlackRequest,
  slashCommandBody,
  slashCommandPayload,
  stateValue,
  viewClosedBody,
  viewSubmissionBody,
} from '../helpers/slack-requests.js';

const SECRET = 'test-signing-secret-0123456789';

const quietLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

function routineModal(privateMetadata = '') {
  return {
    type: 'modal' as const,
    callback_id: 'routine_create',
    title: { type: 'plain_text' as const, text: 'New routine' },
    submit: { type: 'plain_text' as const, text: 'Create' },
    private_metadata: privateMetadata,
    blocks: [
      {
        type: 'input' as const,
        block_id: 'name',
        label: { type: 'plain_text' as const, text: 'Name' },
        element: { type: 'plain_text_input' as const, action_id: 'name_input', initial_value: 'Weekly churn' },
      },
      {
        type: 'input' as const,
        block_id: 'model',
        label: { type: 'plain_text' as const, text: 'Model' },
        element: { type: 'external_select' as const, action_id: 'model_select', min_query_length: 0 },
      },
    ],
  };
}

describe('harness: Bolt 5 HTTPReceiver against the fake Slack', () => {
  let fake: FakeSlack;
  let app: App;
  let appUrl: string;
  /** What the listeners saw, so tests can assert on it without timing. */
  const seen: { openErrors: string[]; shortcutTexts: string[]; closed: string[]; actions: string[] } = {
    openErrors: [],
    shortcutTexts: [],
    closed: [],
    actions: [],
  };

  beforeAll(async () => {
    fake = await startFakeSlack();
    app = new App({
      token: fake.token,
      botId: fake.botId,
      botUserId: fake.botUserId,
      logger: quietLogger,
      receiver: new HTTPReceiver({ signingSecret: SECRET, processBeforeResponse: true, logger: quietLogger }),
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, timeout: 2000 },
    });
    app.command('/routine', async ({ ack, command, client, respond }) => {
      await ack();
      if (command.text === 'reply') {
        await respond({ response_type: 'ephemeral', text: 'Here is your list' });
        return;
      }
      try {
        await client.views.open({ trigger_id: command.trigger_id, view: routineModal(command.channel_id) });
      } catch (e) {
        seen.openErrors.push(e instanceof webApi.WebAPIPlatformError ? e.data.error : String(e));
      }
    });
    app.shortcut('routine_from_message', async ({ ack, shortcut }) => {
      await ack();
      if (shortcut.type === 'message_action') seen.shortcutTexts.push(shortcut.message.text ?? '');
    });
    app.shortcut('routine_new', async ({ ack, shortcut, client }) => {
      await ack();
      await client.views.open({ trigger_id: shortcut.trigger_id, view: routineModal() });
    });
    app.view('routine_create', async ({ ack, view }) => {
      const name = view.state.values.name?.name_input?.value ?? '';
      if (!name.trim()) {
        await ack({ response_action: 'errors', errors: { name: 'Give the routine a name.' } });
        return;
      }
      await ack({
        response_action: 'update',
        view: { type: 'modal', callback_id: 'routine_create', title: { type: 'plain_text', text: 'Creating…' }, blocks: [] },
      });
    });
    app.view({ callback_id: 'routine_create', type: 'view_closed' }, async ({ ack, view }) => {
      await ack();
      seen.closed.push(view.id);
    });
    app.options<'block_suggestion'>('model_select', async ({ ack, options }) => {
      await ack({ options: [{ text: { type: 'plain_text', text: `Model matching ${options.value}` }, value: 'm1' }] });
    });
    app.action('routine_run_now', async ({ ack, action: a }) => {
      await ack();
      if (a.type === 'button') seen.actions.push(a.value ?? '');
    });
    const server = (await app.start(0)) as Server;
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  beforeEach(() => {
    fake.reset();
    seen.openErrors.length = 0;
  });

  it('acks a signed slash command with 200 and opens a valid modal with the trigger id', async () => {
    const triggerId = fake.issueTriggerId();
    const res = await postToApp(appUrl, SECRET, slashCommandBody({ text: '', triggerId, responseUrl: fake.responseUrl('c1') }));
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const call = await fake.waitFor('views.open');
    expect(call.token).toBe(fake.token);
    expect(call.args.trigger_id).toBe(triggerId);
    expect(call.args.team_id).toBe('T0001');
    expect(call.response.ok).toBe(true);
    const view = fake.views.get((call.response.view as { id: string }).id);
    expect(view?.callback_id).toBe('routine_create');
    expect(view?.private_metadata).toBe('C0001');
    expect(fake.openModalStack('U0001')).toEqual([view?.id]);
  });

  it('rejects a wrong signature with 401 and runs nothing', async () => {
    const res = await postToApp(appUrl, 'not-the-secret', slashCommandBody({ triggerId: fake.issueTriggerId() }));
    expect(res.status).toBe(401);
    expect(fake.calls).toHaveLength(0);
  });

  it('rejects a timestamp older than five minutes with 401', async () => {
    const body = slashCommandBody({ triggerId: fake.issueTriggerId() });
    const res = await postToApp(appUrl, SECRET, body, { timestampSec: Math.floor(Date.now() / 1000) - 301 });
    expect(res.status).toBe(401);
    expect(fake.calls).toHaveLength(0);
  });

  it('answers 400 to "; charset=utf-8" (Bolt compares the form Content-Type exactly)', async () => {
    const body = slashCommandBody({ triggerId: fake.issueTriggerId() });
    const res = await postToApp(appUrl, SECRET, body, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
    });
    expect(res.status).toBe(400);
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses a reused trigger id with exchanged_trigger_id', async () => {
    const triggerId = fake.issueTriggerId();
    expect((await postToApp(appUrl, SECRET, slashCommandBody({ triggerId }))).status).toBe(200);
    expect((await postToApp(appUrl, SECRET, slashCommandBody({ triggerId }))).status).toBe(200);
    expect(fake.callsTo('views.open').map((c) => c.response.error ?? 'ok')).toEqual(['ok', 'exchanged_trigger_id']);
    expect(seen.openErrors).toEqual(['exchanged_trigger_id']);
  });

  it('refuses an expired or unknown trigger id', async () => {
    const expired = fake.issueTriggerId();
    fake.expireTriggerId(expired);
    await postToApp(appUrl, SECRET, slashCommandBody({ triggerId: expired }));
    await postToApp(appUrl, SECRET, slashCommandBody({ triggerId: '123.456.deadbeef' }));
    expect(seen.openErrors).toEqual(['expired_trigger_id', 'invalid_trigger_id']);
  });

  it('records respond() posts to the response_url', async () => {
    const res = await postToApp(appUrl, SECRET, slashCommandBody({ text: 'reply', responseUrl: fake.responseUrl('list-1') }));
    expect(res.status).toBe(200);
    expect(fake.responses('list-1')).toEqual([{ response_type: 'ephemeral', text: 'Here is your list' }]);
  });

  it('delivers a message shortcut with the message as Slack sends it', async () => {
    const res = await postToApp(appUrl, SECRET, messageShortcutBody({ message: { text: 'Summarise <#C1|sales> &amp; more' } }));
    expect(res.status).toBe(200);
    expect(seen.shortcutTexts).toEqual(['Summarise <#C1|sales> &amp; more']);
  });

  it('runs a global shortcut → modal → options → submission round trip', async () => {
    const triggerId = fake.issueTriggerId();
    expect((await postToApp(appUrl, SECRET, globalShortcutBody({ triggerId }))).status).toBe(200);
    const opened = await fake.waitFor('views.open');
    const viewId = (opened.response.view as { id: string }).id;
    const stored = fake.views.get(viewId);
    if (!stored) throw new Error('view not stored');

    const suggestion = await postToApp(
      appUrl,
      SECRET,
      blockSuggestionBody({ actionId: 'model_select', blockId: 'model', value: 'sal', view: buildViewOutput({ ...stored }) }),
    );
    expect(suggestion.status).toBe(200);
    expect(suggestion.json).toEqual({ options: [{ text: { type: 'plain_text', text: 'Model matching sal' }, value: 'm1' }] });

    // Untouched fields come back with their initial values (or null); then the user cleared the name.
    expect(readInitialViewState(stored)).toEqual({
      name: { name_input: { type: 'plain_text_input', value: 'Weekly churn' } },
      model: { model_select: { type: 'external_select', selected_option: null } },
    });
    fake.setViewState(viewId, { name: { name_input: stateValue.text('  ') }, model: { model_select: stateValue.externalSelect('m1', 'Sales') } });
    const refused = await postToApp(appUrl, SECRET, viewSubmissionBody({ view: buildViewOutput({ ...stored }) }));
    expect(refused.status).toBe(200);
    expect(refused.json).toEqual({ response_action: 'errors', errors: { name: 'Give the routine a name.' } });

    const hashBefore = stored.hash;
    const accepted = await postToApp(
      appUrl,
      SECRET,
      viewSubmissionBody({ view: buildViewOutput({ ...stored }, { values: { name: { name_input: stateValue.text('Churn') } } }) }),
    );
    expect(accepted.json).toMatchObject({ response_action: 'update' });
    fake.applyViewSubmissionAck(viewId, accepted.text);
    expect(fake.views.get(viewId)?.title).toEqual({ type: 'plain_text', text: 'Creating…' });
    expect(fake.views.get(viewId)?.hash).not.toBe(hashBefore);
  });

  it('delivers view_closed and block_actions from a message', async () => {
    const closed = await postToApp(appUrl, SECRET, viewClosedBody({ view: buildViewOutput({ ...routineModal(), id: 'V42' }) }));
    expect(closed.status).toBe(200);
    expect(seen.closed).toContain('V42');
    const clicked = await postToApp(
      appUrl,
      SECRET,
      blockActionsBody({ source: 'message', actions: [action.button({ actionId: 'routine_run_now', value: 'rt_1' })] }),
    );
    expect(clicked.status).toBe(200);
    expect(seen.actions).toContain('rt_1');
  });
});

describe('harness: signSlackRequest', () => {
  it('produces headers Bolt verifies, and only for the exact body and secret', () => {
    const body = slashCommandBody({ text: 'every day at 9am' });
    const ts = Math.floor(Date.now() / 1000);
    const h = signSlackRequest(SECRET, body, ts);
    expect(h['Content-Type']).toBe('application/x-www-form-urlencoded');
    const headers = { 'x-slack-signature': h['X-Slack-Signature'], 'x-slack-request-timestamp': ts };
    expect(isValidSlackRequest({ signingSecret: SECRET, body, headers })).toBe(true);
    expect(isValidSlackRequest({ signingSecret: SECRET, body: `${body}x`, headers })).toBe(false);
    expect(isValidSlackRequest({ signingSecret: 'other', body, headers })).toBe(false);
  });

  it('builds slash command forms with every field Slack sends', () => {
    const fields = Object.fromEntries(new URLSearchParams(slashCommandBody({ text: 'a & b', triggerId: 't1' })));
    expect(fields).toEqual(slashCommandPayload({ text: 'a & b', triggerId: 't1', responseUrl: fields.response_url }));
    expect(Object.keys(fields).sort()).toEqual(
      ['api_app_id', 'channel_id', 'channel_name', 'command', 'is_enterprise_install', 'response_url', 'team_domain', 'team_id', 'text', 'token', 'trigger_id', 'user_id', 'user_name'].sort(),
    );
  });
});

describe('harness: fake Slack Web API', () => {
  let fake: FakeSlack;
  let client: InstanceType<typeof webApi.WebClient>;
  let clock = 1_700_000_000_000;

  beforeAll(async () => {
    fake = await startFakeSlack({ now: () => clock, users: [{ id: 'U0003', name: 'carol', tz: 'Asia/Tokyo' }] });
    client = new webApi.WebClient(fake.token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quietLogger, rejectRateLimitedCalls: true });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const platformError = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      if (e instanceof webApi.WebAPIPlatformError) return e.data;
      throw e;
    }
    throw new Error('expected a platform error');
  };

  it('checks the token: wrong → invalid_auth, none → not_authed', async () => {
    const wrong = new webApi.WebClient('xoxb-wrong', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quietLogger });
    expect((await platformError(wrong.auth.test())).error).toBe('invalid_auth');
    const none = new webApi.WebClient(undefined, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quietLogger });
    expect((await platformError(none.auth.test())).error).toBe('not_authed');
    const ok = await client.auth.test();
    expect(ok).toMatchObject({ ok: true, team_id: 'T0001', user_id: fake.botUserId, bot_id: fake.botId });
  });

  it('answers users.info with email and tz, and user_not_found for strangers', async () => {
    const res = await client.users.info({ user: 'U0001' });
    expect(res.user).toMatchObject({ id: 'U0001', tz: 'America/New_York', is_bot: false, deleted: false, profile: { email: 'alice@example.com' } });
    const carol = await client.users.info({ user: 'U0003' });
    expect(carol.user?.profile?.email).toBeUndefined();
    expect(carol.user?.tz_offset).toBe(9 * 3600);
    expect((await platformError(client.users.info({ user: 'U9999' }))).error).toBe('user_not_found');
  });

  it('opens DMs and records posted, ephemeral and updated messages per channel', async () => {
    const dm = await client.conversations.open({ users: 'U0002' });
    expect(dm.channel?.id).toMatch(/^D/);
    const posted = await client.chat.postMessage({ channel: dm.channel?.id ?? '', text: 'hi', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }] });
    await client.chat.postEphemeral({ channel: 'C0001', user: 'U0001', text: 'only you' });
    await client.chat.update({ channel: dm.channel?.id ?? '', ts: posted.ts ?? '', text: 'edited' });
    expect(fake.messages(dm.channel?.id)).toMatchObject([{ text: 'edited', edits: 1 }]);
    expect(fake.messages('C0001')).toMatchObject([{ text: 'only you', ephemeralTo: 'U0001' }]);
    expect((await platformError(client.chat.postMessage({ channel: 'C0001', text: '' }))).error).toBe('no_text');
    expect((await platformError(client.chat.update({ channel: 'C0001', ts: '1.2', text: 'x' }))).error).toBe('message_not_found');
    const badBlocks = await platformError(client.chat.postMessage({ channel: 'C0001', text: 'x', blocks: [{ type: 'section' } as never] }));
    expect(badBlocks.error).toBe('invalid_blocks');
  });

  describe('view validation (invalid_arguments with Slack-style messages)', () => {
    const input = (blockId: string, element: Record<string, unknown> = { type: 'plain_text_input', action_id: 'a' }) => ({
      type: 'input',
      block_id: blockId,
      label: { type: 'plain_text', text: 'Label' },
      element,
    });
    const modal = (over: Record<string, unknown>) => ({
      type: 'modal',
      title: { type: 'plain_text', text: 'Title' },
      submit: { type: 'plain_text', text: 'Save' },
      blocks: [input('b1')],
      ...over,
    });
    const option = (text: string, value = 'v') => ({ text: { type: 'plain_text', text }, value });

    it.each([
      ['a 25-character title', modal({ title: { type: 'plain_text', text: 'x'.repeat(25) } }), '/view/title/text'],
      ['a mrkdwn title', modal({ title: { type: 'mrkdwn', text: 'x' } }), '/view/title/type'],
      ['a 25-character submit', modal({ submit: { type: 'plain_text', text: 'x'.repeat(25) } }), '/view/submit/text'],
      ['no submit with an input block', modal({ submit: undefined }), '/view/submit'],
      ['101 blocks', modal({ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }), '/view/blocks'],
      ['duplicate block ids', modal({ blocks: [input('same'), input('same')] }), '/view/blocks/1/block_id'],
      ['a 256-character block id', modal({ blocks: [input('b'.repeat(256))] }), '/view/blocks/0/block_id'],
      ['3001 characters of private_metadata', modal({ private_metadata: 'm'.repeat(3001) }), '/view/private_metadata'],
      ['a 256-character callback_id', modal({ callback_id: 'c'.repeat(256) }), '/view/callback_id'],
      ['max_length 3001', modal({ blocks: [input('b', { type: 'plain_text_input', action_id: 'a', max_length: 3001 })] }), '/view/blocks/0/element/max_length'],
      ['a 76-character option', modal({ blocks: [input('b', { type: 'static_select', action_id: 'a', options: [option('o'.repeat(76))] })] }), '/view/blocks/0/element/options/0/text/text'],
      ['a 151-character option value', modal({ blocks: [input('b', { type: 'static_select', action_id: 'a', options: [option('o', 'v'.repeat(151))] })] }), '/view/blocks/0/element/options/0/value'],
      ['101 options', modal({ blocks: [input('b', { type: 'static_select', action_id: 'a', options: Array.from({ length: 101 }, (_, i) => option(`o${i}`, `v${i}`)) })] }), '/view/blocks/0/element/options'],
      ['an initial option that is not an option', modal({ blocks: [input('b', { type: 'static_select', action_id: 'a', options: [option('o')], initial_option: option('p', 'w') })] }), '/view/blocks/0/element/initial_option'],
      ['section text of 3001 characters', modal({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3001) } }] }), '/view/blocks/0/text/text'],
      ['an input label of 2001 characters', modal({ blocks: [{ ...input('b'), label: { type: 'plain_text', text: 'l'.repeat(2001) } }] }), '/view/blocks/0/label/text'],
      ['a mrkdwn label', modal({ blocks: [{ ...input('b'), label: { type: 'mrkdwn', text: 'l' } }] }), '/view/blocks/0/label/type'],
      ['verbatim on plain_text', modal({ blocks: [{ type: 'section', text: { type: 'plain_text', text: 'x', verbatim: true } }] }), '/view/blocks/0/text/verbatim'],
      ['an empty text', modal({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '' } }] }), '/view/blocks/0/text/text'],
      ['a button inside an input', modal({ blocks: [input('b', { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'x' } })] }), '/view/blocks/0/element'],
      ['an unknown block type', modal({ blocks: [{ type: 'carousel' }] }), '/view/blocks/0'],
      ['a home view', modal({ type: 'home' }), '/view/type'],
    ])('refuses %s', async (_what, view, pointer) => {
      const data = await platformError(client.views.open({ trigger_id: fake.issueTriggerId(), view: view as never }));
      expect(data.error).toBe('invalid_arguments');
      expect(data.response_metadata?.messages?.some((m) => m.startsWith('[ERROR] ') && m.endsWith(`[json-pointer:${pointer}]`))).toBe(true);
    });

    it('accepts the limits themselves', async () => {
      const view = modal({
        title: { type: 'plain_text', text: 't'.repeat(24) },
        submit: { type: 'plain_text', text: 's'.repeat(24) },
        close: { type: 'plain_text', text: 'c'.repeat(24) },
        private_metadata: 'm'.repeat(3000),
        callback_id: 'c'.repeat(255),
        blocks: [
          input('b'.repeat(255), { type: 'plain_text_input', action_id: 'a', max_length: 3000, multiline: true, dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] } }),
          input('sel', { type: 'static_select', action_id: 'a', options: Array.from({ length: 100 }, (_, i) => option(`${i}`.padEnd(75, 'o'), `${i}`.padEnd(150, 'v'))) }),
          { type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3000), verbatim: true } },
          ...Array.from({ length: 97 }, () => ({ type: 'divider' })),
        ],
      });
      const res = await client.views.open({ trigger_id: fake.issueTriggerId(), view: view as never });
      expect(res.ok).toBe(true);
    });

    it('refuses a view over 250 kB with view_too_large', async () => {
      const big = modal({ blocks: Array.from({ length: 90 }, () => ({ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(2900) } })) });
      expect((await platformError(client.views.open({ trigger_id: fake.issueTriggerId(), view: big as never }))).error).toBe('view_too_large');
    });
  });

  it('expires triggers by the injected clock', async () => {
    const triggerId = fake.issueTriggerId();
    clock += 3001;
    const data = await platformError(client.views.open({ trigger_id: triggerId, view: routineModal() }));
    expect(data.error).toBe('expired_trigger_id');
  });

  it('keeps a hash per view: stale hash → hash_conflict, unknown view → not_found, input survives updates', async () => {
    const opened = await client.views.open({ trigger_id: fake.issueTriggerId(), view: routineModal() });
    const id = opened.view?.id ?? '';
    const firstHash = opened.view?.hash ?? '';
    fake.setViewState(id, { name: { name_input: stateValue.text('typed by the user') } });
    const updated = await client.views.update({ view_id: id, hash: firstHash, view: routineModal('v2') });
    expect(updated.view?.hash).not.toBe(firstHash);
    expect(fake.views.get(id)?.state.values.name?.name_input?.value).toBe('typed by the user');
    expect(fake.views.get(id)?.private_metadata).toBe('v2');
    expect((await platformError(client.views.update({ view_id: id, hash: firstHash, view: routineModal() }))).error).toBe('hash_conflict');
    expect((await platformError(client.views.update({ view_id: 'V404', view: routineModal() }))).error).toBe('not_found');
    // Without a hash the update always wins.
    expect((await client.views.update({ view_id: id, view: routineModal('v3') })).ok).toBe(true);
  });

  it('stacks at most three modals with views.push', async () => {
    await client.views.open({ trigger_id: fake.issueTriggerId(), view: routineModal() });
    await client.views.push({ trigger_id: fake.issueTriggerId(), view: routineModal() });
    await client.views.push({ trigger_id: fake.issueTriggerId(), view: routineModal() });
    expect(fake.openModalStack('U0001')).toHaveLength(3);
    expect((await platformError(client.views.push({ trigger_id: fake.issueTriggerId(), view: routineModal() }))).error).toBe('push_limit_reached');
  });

  it('publishes one home view per user with a stable id and a checked hash', async () => {
    const home = { type: 'home' as const, blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'Your routines' } }] };
    const first = await client.views.publish({ user_id: 'U0001', view: home });
    const second = await client.views.publish({ user_id: 'U0001', view: home, hash: first.view?.hash ?? '' });
    expect(second.view?.id).toBe(first.view?.id);
    expect(fake.homeViews.get('U0001')?.hash).toBe(second.view?.hash);
    expect((await platformError(client.views.publish({ user_id: 'U0001', view: home, hash: first.view?.hash ?? '' }))).error).toBe('hash_conflict');
    expect((await platformError(client.views.publish({ user_id: 'U0001', view: routineModal() as never }))).error).toBe('invalid_arguments');
  });

  it('injects faults: platform error, 429 with Retry-After, 500, connection reset, delay', async () => {
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    expect((await platformError(client.chat.postMessage({ channel: 'C1', text: 'x' }))).error).toBe('channel_not_found');

    fake.failNext('views.update', { status: 429, retryAfter: 7 });
    await expect(client.views.update({ view_id: 'V1', view: routineModal() })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });

    fake.failNext('users.info', { status: 500 });
    await expect(client.users.info({ user: 'U0001' })).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 500 });

    fake.failNext('auth.test', { reset: true });
    await expect(client.auth.test()).rejects.toMatchObject({ code: 'slack_webapi_request_error' });

    fake.failNext('auth.test', { delayMs: 20 });
    expect((await client.auth.test()).ok).toBe(true);

    // Each fault is used once; the next call is normal again.
    expect((await client.chat.postMessage({ channel: 'C1', text: 'x' })).ok).toBe(true);
    expect(fake.calls.filter((c) => c.fault).map((c) => c.method)).toEqual(['chat.postMessage', 'views.update', 'users.info', 'auth.test']);
  });

  it('accepts a response_url five times, like Slack', async () => {
    const url = fake.responseUrl('five');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: `n${i}` }) });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    expect(fake.responses('five')).toHaveLength(5);
  });

  it('waitFor resolves on a later call and rejects with what it saw on timeout', async () => {
    const waiting = fake.waitFor('chat.postMessage', (c) => c.args.text === 'second');
    await client.chat.postMessage({ channel: 'C1', text: 'first' });
    await client.chat.postMessage({ channel: 'C1', text: 'second' });
    expect((await waiting).args.text).toBe('second');
    await expect(fake.waitFor('views.open', undefined, 10)).rejects.toThrow(/no matching views.open call.*chat.postMessage/);
  });
});

describe('harness: findLateAcks (what replaces wall-clock checks of the 3 s ack)', () => {
  it('sees an ack that came after Bolt gave up: the request was answered 404 and Bolt logged it', async () => {
    const h = await startHarness({ app: { unhandledRequestTimeoutMillis: 50 } });
    try {
      const ok = await h.post(slashCommandBody({ text: 'help' }));
      expect(ok.status).toBe(200);
      expect(findLateAcks(h.logs)).toEqual([]);
      // Every request held well past the receiver's (shortened) ack timer before the app sees it.
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const bolt = h.app.app;
      const processEvent = bolt.processEvent.bind(bolt);
      bolt.processEvent = async (event) => {
        await held;
        return processEvent(event);
      };
      const late = h.post(slashCommandBody({ text: 'help' }));
      const res = await late;
      release();
      await h.settle();
      expect(res.status).toBe(404);
      expect(findLateAcks(h.logs).length).toBeGreaterThanOrEqual(1);
    } finally {
      await h.close();
    }
  });
});
