/**
 * Issue 4 over Socket Mode: the real app with SLACK_APP_TOKEN set (no signing secret) against the fake Slack Web API
 * (apps.connections.open), a fake Socket Mode WebSocket server and the fake Omni. Envelopes go down the socket,
 * acks come back on it; nothing reaches the app over HTTP except /healthz on PORT.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, createServer } from 'node:net';
import { startFakeSlack } from '../fakes/fake-slack.js';
import { type FakeSocketMode, startFakeSocketMode } from '../fakes/fake-socket-mode.js';
import { type Harness, startHarness, modalValues } from '../helpers/app-harness.js';
import {
  buildViewOutput,
  readInitialViewState,
  slashCommandPayload,
  viewSubmissionPayload,
  action,
  blockActionsPayload,
  eventCallbackPayload,
} from '../helpers/slack-requests.js';
import { until } from '../helpers/until.js';

const APP_TOKEN = 'xapp-1-A0001-1-socketmodetesttoken5e3d';

let ws: FakeSocketMode;
let h: Harness;
let harnessClosed = false;

/** A port nothing listens on right now (PORT must be a real number: Socket Mode listens on it, not on 0). */
async function findFreePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  ws = await startFakeSocketMode();
  h = await startHarness({
    env: { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: '', PORT: String(await findFreePort()) },
    slack: { appToken: APP_TOKEN, socketModeUrl: () => ws.issueUrl() },
  });
});
afterAll(async () => {
  if (!harnessClosed) await h.close();
  await ws.close();
});

const validValues = () => modalValues(h, { name: 'Socket brief' });

/** Sends /routine over the socket and returns the ack and the modal it opened. */
async function openModalOverSocket() {
  const triggerId = h.slack.issueTriggerId();
  const ack = await ws.send('slash_commands', slashCommandPayload({ triggerId, responseUrl: h.slack.responseUrl(`sm-${triggerId}`) }), {
    envelopeId: `env-cmd-${triggerId.slice(0, 8)}`,
  });
  const call = await h.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId);
  return { ack, call, triggerId };
}

describe('Socket Mode transport', () => {
  it('opened the connection with the app-level token, on the URL Slack returned, and serves /healthz on PORT', async () => {
    expect(h.config.slack.mode).toBe('socket');
    expect(h.config.slack.signingSecret).toBeUndefined();
    const opens = h.slack.callsTo('apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]?.token).toBe(APP_TOKEN);
    expect(opens[0]?.response).toMatchObject({ ok: true, url: expect.stringMatching(new RegExp(`^${ws.baseUrl}/link/\\?ticket=`)) });
    // The bot token is for the Web API only; the app token never goes anywhere else.
    expect(h.slack.calls.filter((c) => c.method !== 'apps.connections.open').every((c) => c.token === h.slack.token)).toBe(true);
    expect(ws.connectionsOpened).toBe(1);
    expect(ws.openConnections).toBe(1);
    expect(ws.refusedHandshakes).toEqual([]);

    const health = await fetch(`${h.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, inFlight: expect.any(Number) });
    expect(h.baseUrl).toBe(`http://127.0.0.1:${h.config.port}`);
  });

  it('/routine: acks the slash_commands envelope on the socket and opens the routine modal', async () => {
    const { ack, call } = await openModalOverSocket();
    expect(ack.envelope_id).toMatch(/^env-cmd-/);
    expect(Object.keys(ack).sort()).toEqual(['envelope_id', 'payload']);
    expect(call.response.ok).toBe(true);
    expect((call.args.view as { callback_id?: string }).callback_id).toBe('routine_create');
    // Opening the modal needs no Omni call (the trigger id dies in 3 s); the model list and the instance's API
    // spec are read once at start.
    expect(h.omni.requests.filter((r) => r.path !== '/v1/models' && r.path !== '/openapi.json')).toHaveLength(0);
  });

  it('/routine help: the answer travels in the ack payload (no response_url, no Web API call)', async () => {
    h.slack.reset();
    const ack = await ws.send('slash_commands', slashCommandPayload({ text: 'help' }), { envelopeId: 'env-help' });
    expect(ack.envelope_id).toBe('env-help');
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(ack.payload)).toContain('/routine list');
    // (users.info may still arrive: the previous test's modal filling in the user's time zone in the background.)
    expect(h.slack.calls.filter((c) => c.method !== 'users.info')).toHaveLength(0);
  });

  it('view_submission over the socket: the ack carries response_action update, and the routine is created as alice', async () => {
    await h.settle();
    h.slack.reset();
    h.omni.clearRequests();
    const { call } = await openModalOverSocket();
    const viewId = (call.response.view as { id: string }).id;
    const stored = h.slack.views.get(viewId);
    if (!stored) throw new Error('view not stored');
    const values = { ...readInitialViewState(stored as never), ...validValues() } as never;
    const envelopeId = 'env-submit-1';
    const ack = await ws.send('interactive', viewSubmissionPayload({ view: buildViewOutput(stored as never, { values }) }), { envelopeId });
    expect(ack.envelope_id).toBe(envelopeId);
    expect(ack.payload?.response_action).toBe('update');
    expect(JSON.stringify(ack.payload?.view)).toMatch(/Creating/);
    h.slack.applyViewSubmissionAck(viewId, JSON.stringify(ack.payload));

    await h.settle();
    const routines = h.omni.routinesOf(h.members.alice);
    expect(routines).toHaveLength(1);
    expect(routines[0]).toMatchObject({ name: 'Socket brief', schedule: '0 9 ? * MON-FRI *', timezone: 'America/New_York' });
    expect(h.omni.routinesOf(h.omni.keyOwnerId)).toHaveLength(0);
    expect(JSON.stringify(h.slack.views.get(viewId)?.blocks)).toContain('Socket brief');
  });

  it('events_api: app_home_opened is acked with an empty payload and publishes the Home tab', async () => {
    const ack = await ws.send('events_api', {
      token: 'legacy-verification-token',
      team_id: 'T0001',
      api_app_id: 'A0001',
      type: 'event_callback',
      event_id: 'Ev0SOCKET1',
      event_time: 1_700_000_000,
      authorizations: [{ enterprise_id: null, team_id: 'T0001', user_id: 'UBOT0001', is_bot: true, is_enterprise_install: false }],
      event: { type: 'app_home_opened', user: 'U0001', channel: 'D0001', tab: 'home', event_ts: '1700000000.000100' },
    });
    expect(ack.payload).toEqual({});
    const publish = await h.slack.waitFor('views.publish', (c) => c.args.user_id === 'U0001', 5000);
    expect(publish.response.ok).toBe(true);
    expect(JSON.stringify(h.slack.homeViews.get('U0001')?.blocks)).toContain('Socket brief');
  });

  it('events_api: a DM to the bot is acked at once and answered with a routine card in its thread; Create over the socket creates it as alice', async () => {
    await h.settle();
    h.slack.reset();
    const ts = '1700000100.000100';
    const ack = await ws.send(
      'events_api',
      eventCallbackPayload({ type: 'message', channel_type: 'im', channel: 'D0001', user: 'U0001', text: 'every thursday at 3pm list the stalled deals', ts, event_ts: ts }),
      { envelopeId: 'env-dm-1' },
    );
    expect(ack).toEqual({ envelope_id: 'env-dm-1', payload: {} });
    const post = await h.slack.waitFor('chat.postMessage', (c) => c.args.thread_ts === ts, 8000);
    await h.settle();
    const card = h.slack.messages('D0001').find((m) => m.ts === post.response.ts);
    if (!card) throw new Error('no card');
    expect(JSON.stringify(card.blocks)).toContain('Thursdays at 3:00 PM');
    const create = (card.blocks ?? []).flatMap((b) => ((b as { elements?: Array<{ action_id?: string; value?: string }> }).elements ?? [])).find((e) => e.action_id === 'routine_sentence_create');
    if (!create?.value) throw new Error('no Create button');
    const pressAck = await ws.send(
      'interactive',
      blockActionsPayload({
        source: 'message',
        channelId: 'D0001',
        message: { ts: card.ts, text: card.text },
        actions: [action.button({ actionId: 'routine_sentence_create', blockId: 'sentence_actions', value: create.value })],
      }),
      { envelopeId: 'env-dm-create' },
    );
    expect(pressAck.envelope_id).toBe('env-dm-create');
    await h.settle();
    expect(h.omni.routinesOf(h.members.alice).filter((r) => r.prompt === 'list the stalled deals')).toHaveLength(1);
    expect(JSON.stringify(h.slack.messages('D0001').find((m) => m.ts === card.ts)?.blocks)).toMatch(/is set up/);
  });

  it('acks envelopes from another workspace and runs nothing for them', async () => {
    await h.settle();
    h.slack.reset();
    h.omni.clearRequests();
    const before = h.omni.routinesOf(h.members.alice).length;
    const logsBefore = h.logs.length;

    const triggerId = h.slack.issueTriggerId();
    const cmdAck = await ws.send('slash_commands', slashCommandPayload({ teamId: 'T9999', teamDomain: 'other', triggerId }), { envelopeId: 'env-foreign-cmd' });
    expect(cmdAck).toEqual({ envelope_id: 'env-foreign-cmd', payload: {} });

    // A complete, valid submission, only from T9999: it would create a routine if it got through.
    const { call } = await openModalOverSocket();
    const viewId = (call.response.view as { id: string }).id;
    const stored = h.slack.views.get(viewId);
    const values = { ...readInitialViewState(stored as never), ...validValues() } as never;
    const submitAck = await ws.send(
      'interactive',
      viewSubmissionPayload({ teamId: 'T9999', view: buildViewOutput(stored as never, { values, teamId: 'T9999' }) }),
      { envelopeId: 'env-foreign-submit' },
    );
    expect(submitAck).toEqual({ envelope_id: 'env-foreign-submit', payload: {} });
    await h.settle();

    // Only the T0001 command opened a modal; the foreign trigger id was never exchanged; Omni saw nothing.
    expect(h.slack.callsTo('views.open').map((c) => c.args.trigger_id)).toEqual([call.args.trigger_id]);
    expect(h.slack.callsTo('views.open').some((c) => c.args.trigger_id === triggerId)).toBe(false);
    expect(h.omni.requests).toHaveLength(0);
    expect(h.omni.routinesOf(h.members.alice)).toHaveLength(before);
    const refusals = h.logs.slice(logsBefore).filter((l) => l.includes('Authorization of incoming event did not succeed'));
    expect(refusals).toHaveLength(2);
  });

  it('acks at once what no listener takes: an unknown command, an unknown button, a payload missing its user', async () => {
    const unknownCommand = await ws.send('slash_commands', slashCommandPayload({ command: '/other' } as never), { envelopeId: 'env-unknown-cmd' });
    expect(unknownCommand).toEqual({ envelope_id: 'env-unknown-cmd', payload: {} });
    const unknownButton = await ws.send(
      'interactive',
      blockActionsPayload({ source: 'message', actions: [action.button({ actionId: 'no_such_action', value: 'x' })] }),
      { envelopeId: 'env-unknown-action' },
    );
    expect(unknownButton).toEqual({ envelope_id: 'env-unknown-action', payload: {} });
    const noUser = await ws.send('interactive', { type: 'block_actions', team: { id: 'T0001' }, actions: [] }, { envelopeId: 'env-no-user' });
    expect(noUser).toEqual({ envelope_id: 'env-no-user', payload: {} });
  });

  it('never writes the app-level token (or the bot token) to the log', () => {
    expect(h.logs.length).toBeGreaterThan(0);
    expect(h.logs.some((l) => l.includes('apps.connections.open') || l.includes('WebSocket'))).toBe(true);
    expect(h.logs.filter((l) => l.includes(APP_TOKEN) || l.includes(h.slack.token))).toEqual([]);
  });

  it('keeps the heartbeat: pongs our pings, and our pongs keep its own pings from dropping the link', async () => {
    expect(await ws.ping('are-you-there')).toBe('are-you-there');
    // Counted since the connection opened (the tests above ran meanwhile). The client pings every clientPingTimeout/3 (≈1.7 s) and closes the link at its 4th ping if no pong ever came.
    await until(() => ws.pingsFromClient >= 4, () => `the client's 4th ping (it pinged ${ws.pingsFromClient} times)`, 10_000);
    // A close sent right after that 4th ping would reach us before the pong to this ping (one TCP stream).
    expect(await ws.ping('still-there')).toBe('still-there');
    expect(ws.openConnections).toBe(1);
    expect(ws.closed).toEqual([]);
  });

  it('Slack asks to reconnect (disconnect message): the client closes cleanly, opens a fresh URL and keeps working', async () => {
    h.slack.reset();
    ws.sendDisconnect('refresh_requested');
    expect(await ws.waitForClose(1)).toEqual({ connection: 1, code: 1000, reason: '', initiatedBy: 'client', clean: true });
    // socket-mode waits clientPingTimeout (5 s) × consecutive failures before reconnecting.
    await ws.waitForConnections(2, 10_000);
    const [reopen] = h.slack.callsTo('apps.connections.open');
    expect(reopen?.token).toBe(APP_TOKEN);
    expect(ws.openConnections).toBe(1);
    expect(ws.refusedHandshakes).toEqual([]);
    const { ack, call } = await openModalOverSocket();
    expect(ack.payload).toEqual({});
    expect(call.response.ok).toBe(true);
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
  });

  it('stop() closes the socket with a clean 1000 close handshake and frees PORT', async () => {
    const port = h.config.port;
    harnessClosed = true;
    await h.close();
    const closed = await ws.waitForClose(2);
    expect(closed).toEqual({ connection: 2, code: 1000, reason: '', initiatedBy: 'client', clean: true });
    expect(ws.openConnections).toBe(0);
    expect(ws.connectionsOpened).toBe(2);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});

/** Raw RFC 6455 against a fresh fake (so its connections never mix with the app's): the fake is trustworthy. */
describe('the fake Socket Mode server', () => {
  // RFC 6455 §1.3's worked example: this key must be answered with this accept value.
  const RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
  const RFC_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

  /** Opens a TCP connection, sends an upgrade request for `url`, and collects everything the server sends. */
  async function upgrade(url: string) {
    const { hostname, port, pathname, search } = new URL(url);
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      [`GET ${pathname}${search} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${RFC_KEY}`, 'Sec-WebSocket-Version: 13', '', ''].join('\r\n'),
    );
    const received = () => Buffer.concat(chunks);
    return {
      socket,
      ended,
      received,
      /** What the fake sent so far, once it matches `check`. */
      until: async (check: (b: Buffer) => boolean) => {
        await until(() => check(received()), () => `something matching from the fake; got ${JSON.stringify(received().toString('latin1'))}`, 3000);
        return received();
      },
    };
  }

  it('answers the handshake per RFC 6455, greets with hello, refuses reused or unknown tickets, and closes 1002 on an unmasked frame', async () => {
    const fake = await startFakeSocketMode({ appId: 'A0TEST' });
    try {
      const url = fake.issueUrl();
      const c = await upgrade(url);
      const afterHead = await c.until((b) => b.includes('\r\n\r\n') && b.length > b.indexOf('\r\n\r\n') + 4);
      const headEnd = afterHead.indexOf('\r\n\r\n');
      const head = afterHead.subarray(0, headEnd).toString('latin1');
      expect(head.split('\r\n')[0]).toBe('HTTP/1.1 101 Switching Protocols');
      expect(head).toContain(`Sec-WebSocket-Accept: ${RFC_ACCEPT}`);
      expect(head.toLowerCase()).not.toContain('sec-websocket-extensions');
      // First frame: FIN + text, unmasked, the hello message (over 125 bytes: a 16-bit extended length).
      const frameAt = (b: Buffer) => b.subarray(headEnd + 4);
      const frame = frameAt(await c.until((b) => frameAt(b).length >= 4 && frameAt(b).length >= 4 + frameAt(b).readUInt16BE(2)));
      expect(frame[0]).toBe(0x81);
      expect(frame[1]).toBe(126);
      const hello = JSON.parse(frame.subarray(4, 4 + frame.readUInt16BE(2)).toString('utf8')) as Record<string, unknown>;
      expect(hello).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0TEST' } });
      expect(hello.debug_info).toMatchObject({ host: expect.any(String) });
      await fake.waitForConnections(1);

      const again = await upgrade(url);
      await again.ended;
      expect(again.received().toString('latin1')).toMatch(/^HTTP\/1\.1 401 /);
      const unknown = await upgrade(`${fake.baseUrl}/link/?ticket=not-issued`);
      await unknown.ended;
      expect(unknown.received().toString('latin1')).toMatch(/^HTTP\/1\.1 401 /);
      expect(fake.refusedHandshakes).toEqual(['ticket already used', 'unknown ticket']);

      // An unmasked client frame is a protocol error (RFC 6455 §5.1): close 1002, then the link drops.
      const before = c.received().length;
      c.socket.write(Buffer.concat([Buffer.from([0x81, 2]), Buffer.from('hi')]));
      await c.ended;
      const close = c.received().subarray(before);
      expect(close[0]).toBe(0x88);
      expect(close.readUInt16BE(2)).toBe(1002);
      expect(await fake.waitForClose(1)).toMatchObject({ connection: 1, initiatedBy: 'server', clean: false });
    } finally {
      await fake.close();
    }
  });

  it('apps.connections.open in the fake Slack takes only the app-level token', async () => {
    const slack = await startFakeSlack({ appToken: 'xapp-1-A0001-1-only', socketModeUrl: 'ws://127.0.0.1:1/link/?ticket=t' });
    try {
      const open = (token?: string) =>
        fetch(`${slack.apiUrl}apps.connections.open`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
          body: '',
        }).then((r) => r.json() as Promise<Record<string, unknown>>);
      expect(await open('xapp-1-A0001-1-only')).toEqual({ ok: true, url: 'ws://127.0.0.1:1/link/?ticket=t' });
      expect(await open(slack.token)).toEqual({ ok: false, error: 'invalid_auth' });
      expect(await open('xapp-1-A0001-1-other')).toEqual({ ok: false, error: 'invalid_auth' });
      expect(await open()).toEqual({ ok: false, error: 'not_authed' });
      // …and the app-level token opens nothing else.
      const auth = await fetch(`${slack.apiUrl}auth.test`, { method: 'POST', headers: { Authorization: 'Bearer xapp-1-A0001-1-only' } });
      expect(await auth.json()).toEqual({ ok: false, error: 'invalid_auth' });
    } finally {
      await slack.close();
    }
  });
});
