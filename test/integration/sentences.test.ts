/**
 * Issue 12 end to end: a routine made by just saying it, in a DM to the bot or by mentioning it in a channel. The
 * real app over signed HTTP (Events API JSON and interactivity), the fake Slack Web API and the fake Omni, SQLite
 * on disk. The card arrives in the message's thread; only its author's Create creates, exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { FakeMessage, RecordedCall } from '../fakes/fake-slack.js';
import { createApp, type RunningApp } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { SIGNING_SECRET, startHarness, useHarness } from '../helpers/app-harness.js';
import { readAudit } from '../helpers/routine-ui.js';
import {
  action,
  blockActionsBody,
  buildViewOutput,
  eventCallbackBody,
  messageTs,
  postToApp,
  readInitialViewState,
  viewSubmissionBody,
} from '../helpers/slack-requests.js';
import { SENTENCE_EXAMPLES } from '../../src/slack/views/sentence-card.js';
import { scanScheduleInText } from '../../src/schedule/index.js';

const BOT = 'UBOT0001';
const JSON_HEADERS = { 'Content-Type': 'application/json' };

const h = useHarness({
  // Two shared models: the default model is what the form would preselect (OMNI_DEFAULT_MODEL).
  env: { OMNI_DEFAULT_MODEL: 'Sales' },
  slack: {
    channels: [
      { id: 'C0SALES', name: 'sales' },
      { id: 'C0QUIET', name: 'quiet', botIsMember: false },
    ],
  },
});

type Json = Record<string, unknown>;

/** Everything a message shows, blocks and notification text. */
const shown = (m: { text?: string; blocks?: unknown[] }) => `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;

function buttonsOf(m: { blocks?: unknown[] }): Array<{ action_id: string; value?: string; text: { text: string } }> {
  return ((m.blocks ?? []) as Json[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements as Array<{ action_id: string; value?: string; text: { text: string } }>);
}

function dmEvent(text: string, o: { user?: string; ts?: string; threadTs?: string; extra?: Json } = {}) {
  return {
    type: 'message',
    channel_type: 'im',
    channel: 'D0001',
    user: o.user ?? 'U0001',
    text,
    ts: o.ts ?? messageTs(),
    event_ts: o.ts ?? messageTs(),
    ...(o.threadTs ? { thread_ts: o.threadTs } : {}),
    ...o.extra,
  };
}

function mentionEvent(text: string, o: { user?: string; ts?: string; channel?: string; threadTs?: string } = {}) {
  const ts = o.ts ?? messageTs();
  return { type: 'app_mention', channel: o.channel ?? 'C0001', user: o.user ?? 'U0001', text: `<@${BOT}> ${text}`, ts, event_ts: ts, ...(o.threadTs ? { thread_ts: o.threadTs } : {}) };
}

async function sendEvent(event: Json, o: { eventId?: string; headers?: Record<string, string>; timestampSec?: number } = {}) {
  const res = await h.post(eventCallbackBody(event, o.eventId ? { eventId: o.eventId } : {}), {
    headers: { ...JSON_HEADERS, ...o.headers },
    ...(o.timestampSec !== undefined ? { timestampSec: o.timestampSec } : {}),
  });
  expect(res.status).toBe(200);
  return res;
}

/** Sends the event and returns the card the bot posted in reply (the first chat.postMessage in that thread). */
async function sayAndGetCard(event: Json & { channel: string; ts: string; thread_ts?: string }): Promise<{ call: RecordedCall; message: FakeMessage }> {
  await sendEvent(event);
  const thread = event.thread_ts ?? event.ts;
  const call = await h.slack.waitFor('chat.postMessage', (c) => c.args.channel === event.channel && c.args.thread_ts === thread, 8000);
  await h.settle();
  expect(call.response.ok).toBe(true);
  const ts = String(call.response.ts);
  const stored = h.slack.messages(event.channel).find((m) => m.ts === ts);
  if (!stored) throw new Error('card not stored');
  // A copy as it was posted: the fake updates its own message in place on chat.update.
  return { call, message: structuredClone(stored) };
}

async function press(card: FakeMessage, actionId: string, o: { user?: string; triggerId?: string } = {}) {
  const button = buttonsOf(card).find((b) => b.action_id === actionId);
  if (!button) throw new Error(`no ${actionId} button on the card`);
  const res = await h.post(
    blockActionsBody({
      source: 'message',
      userId: o.user ?? 'U0001',
      userName: o.user === 'U0002' ? 'bob' : 'alice',
      channelId: card.channel,
      message: { ts: card.ts, text: card.text, ...(card.blocks ? { blocks: card.blocks } : {}) },
      ...(o.triggerId ? { triggerId: o.triggerId } : {}),
      actions: [action.button({ actionId, blockId: 'sentence_actions', ...(button.value !== undefined ? { value: button.value } : {}), text: button.text.text })],
    }),
  );
  expect(res.status).toBe(200);
  await h.settle();
}

const card = (channel: string, ts: string) => h.slack.messages(channel).find((m) => m.ts === ts && !m.ephemeralTo);

describe('a DM to the bot', () => {
  it('answers in the thread with the schedule in words, next runs in the user zone, prompt, model, #sales, and Create / Edit in form / Cancel; Create creates one routine as the author', async () => {
    const event = dmEvent("every monday at 8am send <#C0SALES|sales> last week's pipeline by rep");
    const { call, message } = await sayAndGetCard(event);
    expect(call.args.thread_ts).toBe(event.ts);
    const text = shown(message);
    expect(text).toContain('Mondays at 8:00 AM');
    // Alice's Slack zone is New York: the next runs are worded there.
    expect(text).toContain('New York time');
    expect(text).toMatch(/Next runs:\*? Mon \d+ \w+ 8:00 AM/);
    expect(text).toContain("send last week's pipeline by rep");
    expect(text).toContain('*Model:* Sales');
    expect(text).toContain('<#C0SALES>');
    expect(buttonsOf(message).map((b) => b.text.text)).toEqual(['Create', 'Edit in form', 'Cancel']);
    // Nothing is created by the sentence alone.
    expect(h.omni.routinesOf(h.members.alice)).toHaveLength(0);
    expect(h.omni.requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    await press(message, 'routine_sentence_create');
    const routines = h.omni.routinesOf(h.members.alice);
    expect(routines).toHaveLength(1);
    expect(routines[0]).toMatchObject({
      prompt: "send last week's pipeline by rep",
      schedule: '0 8 ? * MON *',
      timezone: 'America/New_York',
      destination: { type: 'slack', slackRecipientType: 'channel', recipientId: 'C0SALES' },
    });
    expect(h.omni.routinesOf(h.omni.keyOwnerId)).toHaveLength(0);
    // The card itself now shows the outcome, in place.
    const updated = card('D0001', message.ts);
    expect(updated?.edits).toBeGreaterThanOrEqual(2);
    expect(shown(updated ?? {})).toMatch(/is set up/);
    expect(buttonsOf(updated ?? {}).map((b) => b.action_id)).not.toContain('routine_sentence_create');
    const audit = await readAudit(h);
    expect(audit.filter((a) => a.action === 'create' && a.outcome === 'ok')).toHaveLength(1);

    // A second press of the old Create (a double click that arrived late) creates nothing more.
    await press(message, 'routine_sentence_create');
    expect(h.omni.routinesOf(h.members.alice)).toHaveLength(1);
    expect(h.slack.messages('D0001').some((m) => m.ephemeralTo === 'U0001' && /already created/.test(m.text))).toBe(true);
  });

  it('the event is acked before any of the work: the HTTP answer does not wait for the reply to be posted', async () => {
    const event = dmEvent('every friday at 9am list the week’s churned accounts');
    h.slack.failNext('chat.postMessage', { delayMs: 3000 });
    const res = await sendEvent(event);
    expect(res.text).toBe('');
    // The (slow) reply has not been answered by Slack yet, but the request into the bot is done; the reply is
    // tracked as in-flight work and lands after.
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === event.ts)).toHaveLength(0);
    expect(h.app.inFlight.size()).toBeGreaterThan(0);
    await h.slack.waitFor('chat.postMessage', (c) => c.args.thread_ts === event.ts, 8000);
    await h.settle();
    expect(h.app.inFlight.size()).toBe(0);
  });

  it('a double press at once creates one routine', async () => {
    const { message } = await sayAndGetCard(dmEvent('every tuesday at 10am list the deals that slipped last week'));
    const before = h.omni.routinesOf(h.members.alice).length;
    await Promise.all([press(message, 'routine_sentence_create'), press(message, 'routine_sentence_create')]);
    await h.settle();
    const after = h.omni.routinesOf(h.members.alice);
    expect(after).toHaveLength(before + 1);
    expect(after.filter((r) => r.prompt === 'list the deals that slipped last week')).toHaveLength(1);
  });

  it('a retried event (X-Slack-Retry-Num, same event_id) and the same message twice make one card', async () => {
    const event = dmEvent('every wednesday at 7am count the open support tickets');
    await sendEvent(event, { eventId: 'EvRETRY1' });
    await h.slack.waitFor('chat.postMessage', (c) => c.args.thread_ts === event.ts, 8000);
    await sendEvent(event, { eventId: 'EvRETRY1', headers: { 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_timeout' } });
    await sendEvent(event, { eventId: 'EvRETRY2' });
    await h.settle();
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === event.ts)).toHaveLength(1);
  });

  it('a reply Slack refused the first time is made on Slack’s retry of the event (the message is not marked answered)', async () => {
    const event = dmEvent('every wednesday at 8am count the new leads');
    h.slack.failNext('chat.postMessage', { status: 503 }, 3);
    await sendEvent(event, { eventId: 'EvFAIL1' });
    await h.slack.waitFor('chat.postMessage', (c) => c.args.thread_ts === event.ts, 8000);
    await new Promise((r) => setTimeout(r, 100));
    await h.settle();
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.response.ok === true)).toHaveLength(0);
    // Slack signs its retry anew, seconds later (the same signature twice would be a replay, refused)
    await sendEvent(event, { eventId: 'EvFAIL1', headers: { 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_error' }, timestampSec: Math.floor(Date.now() / 1000) + 2 });
    const ok = await h.slack.waitFor('chat.postMessage', (c) => c.args.thread_ts === event.ts && c.response.ok === true, 8000);
    expect(JSON.stringify(ok.args.blocks)).toContain('count the new leads');
  });

  it('an inexpressible schedule shows the reason and the alternative; Use this applies it in place, then Create works', async () => {
    const { message } = await sayAndGetCard(dmEvent('every other week on monday at 9am post the hiring funnel'));
    const text = shown(message);
    expect(text).toMatch(/skip weeks/);
    expect(text).toContain('every monday at 9am');
    expect(buttonsOf(message).map((b) => b.text.text)).toEqual(['Use this', 'Edit in form', 'Cancel']);

    await press(message, 'routine_sentence_use_alternative');
    const updated = card('D0001', message.ts);
    if (!updated) throw new Error('card gone');
    expect(updated.edits).toBe(1);
    expect(shown(updated)).toContain('Mondays at 9:00 AM');
    expect(buttonsOf(updated).map((b) => b.text.text)).toEqual(['Create', 'Edit in form', 'Cancel']);
    await press(updated, 'routine_sentence_create');
    expect(h.omni.routinesOf(h.members.alice).find((r) => r.prompt === 'post the hiring funnel')).toMatchObject({ schedule: '0 9 ? * MON *' });
  });

  it('Edit in form opens the routine modal filled with what the card shows', async () => {
    const { message } = await sayAndGetCard(dmEvent('every friday at 4pm send <#C0SALES|sales> the closed deals of the week'));
    const triggerId = h.slack.issueTriggerId({ userId: 'U0001' });
    await press(message, 'routine_sentence_edit', { triggerId });
    const open = await h.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, 8000);
    expect(open.response.ok).toBe(true);
    const view = open.args.view as { callback_id: string; blocks: Json[] };
    expect(view.callback_id).toBe('routine_create');
    const initial = (id: string) => (view.blocks.find((b) => b.block_id === id)?.element as Json | undefined) ?? {};
    expect(initial('prompt').initial_value).toBe('send the closed deals of the week');
    expect(initial('schedule').initial_value).toBe('every friday at 4pm');
    expect(initial('channel').initial_conversation).toBe('C0SALES');
    expect(JSON.stringify(initial('model').initial_option)).toContain('Sales');
    // Opening the form creates nothing.
    expect(h.omni.routinesOf(h.members.alice).find((r) => r.prompt === 'send the closed deals of the week')).toBeUndefined();

    // Create in the form: the routine is created once, and the card in the thread is closed with it.
    const viewId = String((open.response.view as { id: string }).id);
    const stored = h.slack.views.get(viewId);
    if (!stored) throw new Error('modal not stored');
    const submit = await h.post(viewSubmissionBody({ view: buildViewOutput(stored as never, { values: readInitialViewState(stored as never) as never }) }));
    expect(submit.status).toBe(200);
    expect(submit.json).toMatchObject({ response_action: 'update' });
    await h.slack.waitFor('chat.update', (c) => c.args.ts === message.ts, 8000);
    await h.settle();
    expect(h.omni.routinesOf(h.members.alice).filter((r) => r.prompt === 'send the closed deals of the week')).toHaveLength(1);
    expect(shown(card('D0001', message.ts) ?? {})).toMatch(/is set up/);
    // The card's old Create now refuses, and so does a second submit of a form opened from it.
    await press(message, 'routine_sentence_create');
    const trigger2 = h.slack.issueTriggerId({ userId: 'U0001' });
    await press(message, 'routine_sentence_edit', { triggerId: trigger2 });
    expect(h.slack.callsTo('views.open').filter((c) => c.args.trigger_id === trigger2)).toHaveLength(0);
    const again = await h.post(viewSubmissionBody({ view: buildViewOutput(stored as never, { values: readInitialViewState(stored as never) as never }) }));
    expect(again.json).toMatchObject({ response_action: 'errors' });
    await h.settle();
    expect(h.omni.routinesOf(h.members.alice).filter((r) => r.prompt === 'send the closed deals of the week')).toHaveLength(1);
  });

  it('Omni refusing the create: the card shows why in place, the draft is kept, Try again reopens the form with it, and the audit says so', async () => {
    const { message } = await sayAndGetCard(dmEvent('every saturday at 10am list the weekend orders'));
    h.omni.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, times: Infinity, fault: { type: 'routine-limit' } });
    try {
      await press(message, 'routine_sentence_create');
    } finally {
      h.omni.clearFaults();
    }
    const updated = card('D0001', message.ts);
    if (!updated) throw new Error('card gone');
    expect(shown(updated)).toMatch(/was not created/);
    expect(shown(updated)).toMatch(/maximum number of active routines/i);
    const retry = buttonsOf(updated).find((b) => b.action_id === 'routine_retry');
    expect(retry?.value).toMatch(/^[0-9a-f-]{36}$/);
    const audit = await readAudit(h);
    expect(audit[0]).toMatchObject({ action: 'create', outcome: 'error' });

    const triggerId = h.slack.issueTriggerId({ userId: 'U0001' });
    const res = await h.post(
      blockActionsBody({ source: 'message', channelId: 'D0001', triggerId, message: { ts: updated.ts }, actions: [action.button({ actionId: 'routine_retry', value: retry?.value ?? '' })] }),
    );
    expect(res.status).toBe(200);
    const open = await h.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, 8000);
    expect(JSON.stringify(open.args.view)).toContain('list the weekend orders');
  });

  it('Cancel closes the card in place; nothing is created and a later Create is refused', async () => {
    const { message } = await sayAndGetCard(dmEvent('every thursday at 11am summarise churn risk'));
    await press(message, 'routine_sentence_cancel');
    expect(shown(card('D0001', message.ts) ?? {})).toContain('Cancelled');
    await press(message, 'routine_sentence_create');
    expect(h.omni.routinesOf(h.members.alice).find((r) => r.prompt === 'summarise churn risk')).toBeUndefined();
  });

  it('a channel the bot is not in is not used: results go to the DM and the card says why', async () => {
    const { message } = await sayAndGetCard(dmEvent('every monday at 9am post to <#C0QUIET|quiet> the weekly numbers'));
    const text = shown(message);
    expect(text).toContain('you, by direct message');
    expect(text).not.toContain('<#C0QUIET>');
    expect(text).toMatch(/not in the channel you named/);
  });

  it('"help" and an unclear sentence get a short guide with three examples that work', async () => {
    const help = await sayAndGetCard(dmEvent('help'));
    for (const example of SENTENCE_EXAMPLES) expect(shown(help.message)).toContain(example.replace(/'/g, "'"));
    const unclear = await sayAndGetCard(dmEvent('can you tell me a joke'));
    expect(shown(unclear.message)).toMatch(/couldn't find when it should run/);
    expect(buttonsOf(unclear.message)).toHaveLength(0);
    // The examples really are read by the engine.
    for (const example of SENTENCE_EXAMPLES) {
      expect(scanScheduleInText(example, { timezone: 'UTC', now: new Date(), minIntervalMinutes: 60 }).found).toBe('schedule');
    }
  });

  it('ignores its own messages, edits and deletions, other bots and replies in threads', async () => {
    const root = messageTs();
    await sendEvent(dmEvent('every monday at 9am the weekly numbers', { user: BOT, extra: { bot_id: 'BBOT0001' } }));
    await sendEvent(dmEvent('every monday at 9am the weekly numbers', { extra: { subtype: 'message_changed' } }));
    await sendEvent({ type: 'message', channel_type: 'im', channel: 'D0001', subtype: 'message_deleted', ts: messageTs(), deleted_ts: root });
    await sendEvent(dmEvent('every monday at 9am the weekly numbers', { user: 'U0009', extra: { bot_id: 'BOTHER01', subtype: 'bot_message' } }));
    await sendEvent(dmEvent('every monday at 9am the weekly numbers', { threadTs: root }));
    await h.settle();
    // (Give any wrongly started answer time to reach Slack.)
    await new Promise((r) => setTimeout(r, 200));
    await h.settle();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });
});

describe('a mention in a channel', () => {
  it('answers in the thread, never echoes other people or @here live, and refuses another user’s press', async () => {
    const event = mentionEvent("every weekday at 9am summarise yesterday's signups <!here> and tell <@U0002>");
    const { call, message } = await sayAndGetCard(event);
    expect(call.args.channel).toBe('C0001');
    expect(call.args.thread_ts).toBe(event.ts);
    const text = shown(message);
    expect(text).toContain('Weekdays at 9:00 AM');
    expect(text).not.toMatch(/<!here>|<!channel>|<@U0002>/);
    expect(text).not.toMatch(/@here/); // only the defused form, with an invisible joiner after the @
    expect(text).toContain('@\u2060here');
    expect(text).toContain('@Bob Brown');
    // No channel named: the results go to the author's DM.
    expect(text).toContain('you, by direct message');

    // Bob presses Create: he is told privately, and nothing happens to the card or in Omni.
    await press(message, 'routine_sentence_create', { user: 'U0002' });
    const refusal = h.slack.messages('C0001').find((m) => m.ephemeralTo === 'U0002');
    expect(refusal?.text).toMatch(/Only the person who asked/);
    expect(card('C0001', message.ts)?.edits).toBe(0);
    expect(h.omni.routinesOf(h.members.bob)).toHaveLength(0);
    expect(h.omni.requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    await press(message, 'routine_sentence_create');
    const created = h.omni.routinesOf(h.members.alice).filter((r) => r.prompt.startsWith("summarise yesterday's signups"));
    expect(created).toHaveLength(1);
    expect(created[0]?.destination).toMatchObject({ type: 'slack', slackRecipientType: 'users', recipientId: 'U0001' });
  });

  it('links, markup and <!channel> in the sentence are shown as text, never as live links or broadcasts', async () => {
    const event = mentionEvent('every weekday at 9am check <https://evil.example/x|our dashboard> and &lt;b&gt;bold&lt;/b&gt; *now* <!channel> <!subteam^S0001|@sales-team>');
    const { message } = await sayAndGetCard(event);
    const text = shown(message);
    expect(text).not.toMatch(/<https?:|<!channel>|<!subteam|<!here>/);
    expect(text).toContain('our dashboard (https://evil.example/x)');
    expect(text).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(text).toContain('@\u2060channel');
    expect(text).not.toMatch(/[^\u2060]@channel/);
  });

  it('a mention inside a thread answers in that thread; the channel it was asked in counts as a channel the bot is in', async () => {
    const root = messageTs();
    const event = mentionEvent('every monday at 8am post in <#C0001|general> the open incidents', { threadTs: root });
    const { call, message } = await sayAndGetCard(event);
    expect(call.args.thread_ts).toBe(root);
    expect(shown(message)).toContain('<#C0001>');
    // conversations.info was not needed: the mention came from that channel.
    expect(h.slack.callsTo('conversations.info')).toHaveLength(0);
  });
});

describe('a card across a restart', () => {
  it('is kept in the store: after the app restarts on the same database, its Create still creates the routine, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routine-bot-sentence-'));
    const first = await startHarness({ dbPath: join(dir, 'bot.db'), env: { OMNI_DEFAULT_MODEL: 'Sales' } });
    let second: RunningApp | undefined;
    try {
      const ts = messageTs();
      await first.post(eventCallbackBody(dmEvent('every monday at 6am list the renewals due this month', { ts })), { headers: JSON_HEADERS });
      const call = await first.slack.waitFor('chat.postMessage', (c) => c.args.thread_ts === ts, 8000);
      await first.settle();
      const posted = structuredClone(first.slack.messages('D0001').find((m) => m.ts === call.response.ts));
      if (!posted) throw new Error('no card before the restart');
      // The process goes away and a new one starts on the same database, against the same Slack and Omni.
      await first.app.stop(5_000);
      second = await createApp(first.config, { logger: createLogger({ level: 'error', sink: () => {} }) });
      const url = `http://127.0.0.1:${await second.start(0)}/slack/events`;
      const value = buttonsOf(posted).find((b) => b.action_id === 'routine_sentence_create')?.value ?? '';
      const pressCreate = () =>
        postToApp(
          url,
          SIGNING_SECRET,
          blockActionsBody({
            source: 'message',
            channelId: 'D0001',
            message: { ts: posted.ts, text: posted.text },
            actions: [action.button({ actionId: 'routine_sentence_create', blockId: 'sentence_actions', value })],
          }),
        );
      expect((await pressCreate()).status).toBe(200);
      await first.slack.waitFor('chat.update', (c) => c.args.ts === posted.ts && JSON.stringify(c.args.blocks).includes('is set up'), 8000);
      await second.inFlight.drain(5_000);
      expect((await pressCreate()).status).toBe(200);
      await second.inFlight.drain(5_000);
      const created = first.omni.routinesOf(first.members.alice);
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ prompt: 'list the renewals due this month', schedule: '0 6 ? * MON *', timezone: 'America/New_York' });
      // The same message delivered again after the restart (a late Slack retry) makes no second card.
      const again = await postToApp(url, SIGNING_SECRET, eventCallbackBody(dmEvent('every monday at 6am list the renewals due this month', { ts })), { headers: JSON_HEADERS });
      expect(again.status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      await second.inFlight.drain(5_000);
      expect(first.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts)).toHaveLength(1);
    } finally {
      await second?.stop(5_000);
      await Promise.all([first.slack.close(), first.omni.close()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
