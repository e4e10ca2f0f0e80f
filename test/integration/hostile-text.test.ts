/**
 * Hostile text echoed back (issue 5): broadcasts, mentions, links, `&`, Unicode and 3,000-character fields go
 * through every place the bot shows user text (the created view, the DM, /routine list, the Home tab, inline errors,
 * the "unknown word" reply, the modal). In every mrkdwn text object the user's text arrives escaped, and the fake
 * Slack (which enforces Block Kit limits) accepts every view and message. Also: emails outside
 * ALLOWED_EMAIL_DOMAINS are refused on the server whatever the submitted view state says.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { modalValues, useHarness } from '../helpers/app-harness.js';
import { findSecretsInLogs } from '../helpers/fuzz.js';
import { recordReliability } from '../helpers/reliability.js';
import { openHome, openModal, pressMoreOptions, submitModal } from '../helpers/routine-ui.js';
import { messageShortcutBody, slashCommandBody, stateValue } from '../helpers/slack-requests.js';

const h = useHarness({ env: { ALLOWED_EMAIL_DOMAINS: 'example.com' } });

// After the harness closed: every line the app wrote, shutdown included.
afterAll(() => {
  const leaks = findSecretsInLogs(h.logs, { omniKey: h.config.omni.apiKey, botToken: h.config.slack.botToken, signingSecret: h.config.slack.signingSecret });
  expect(leaks).toEqual([]);
});

const NASTY = '<!channel> <!here> <@U0002> <#C1|x> & <https://evil.example|click> @here 😀👩‍👩‍👧‍👦 مرحبا e\u0301 \u200B\u202Eevil\u202C';
/** Raw markup that must never reach a mrkdwn field from user text. */
const RAW = ['<!channel>', '<!here>', '<@U0002>', '<#C1|x>', '<https://evil.example', ' & '];

type Json = Record<string, unknown>;
function collectMrkdwn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) collectMrkdwn(n, out);
  else if (typeof node === 'object' && node !== null) {
    const o = node as Json;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    for (const v of Object.values(o)) collectMrkdwn(v, out);
  }
  return out;
}

/** Every call the app made: accepted by the fake Slack, and no raw user markup in any mrkdwn text. */
function expectEchoedSafely(minCalls = 1) {
  const calls = h.slack.calls.filter((c) => c.method !== 'users.info' && c.method !== 'conversations.open');
  expect(calls.length).toBeGreaterThanOrEqual(minCalls);
  // Block Kit refusals (a hash_conflict is a newer update winning a race, not a refusal of the content).
  const rejected = calls.filter((c) => /invalid|too_large|too_long/.test(String(c.response.error ?? ''))).map((c) => `${c.method}: ${String(c.response.error)}`);
  expect(rejected).toEqual([]);
  const texts = calls.flatMap((c) => collectMrkdwn(c.args));
  const leaks = texts.filter((t) => RAW.some((r) => t.includes(r)));
  expect(leaks).toEqual([]);
  // Message-level `text` (the notification fallback, rendered as mrkdwn) too.
  const fallbacks = calls.map((c) => c.args.text).filter((t): t is string => typeof t === 'string');
  expect(fallbacks.filter((t) => RAW.some((r) => t.includes(r)))).toEqual([]);
  return texts;
}

/** Opens the modal, shows every field (so each can be typed into and answer with its own error), submits `values`. */
async function submit(values: Record<string, Record<string, unknown>>, onlyBlocks?: (blockId: string) => boolean) {
  const view = await pressMoreOptions(h, (await openModal(h, { text: 'new' })).view.id);
  const res = await submitModal(h, view.id, values, onlyBlocks ? { onlyBlocks } : {});
  expect(res.status).toBe(200);
  await h.settle();
  return { res, view };
}

const base = () => modalValues(h, { name: 'Brief', prompt: 'Summarise the pipeline', timezone: 'UTC', delivery: 'dm' });

describe('hostile text is echoed safely', () => {
  it('a routine named and described with markup and Unicode: the created view, the DM, /routine list and Home', async () => {
    const name = `${NASTY}`.slice(0, 250);
    const prompt = `${NASTY} `.repeat(60).slice(0, 3000);
    const description = `${NASTY} `.repeat(30).slice(0, 1000);
    await submit({ ...base(), name: { name_input: stateValue.text(name) }, prompt: { prompt_input: stateValue.text(prompt) }, description: { description_input: stateValue.text(description) } });
    const created = h.omni.routinesOf(h.members.alice).find((r) => r.name === name.trim());
    expect(created?.prompt).toBe(prompt.trim());
    const responseUrl = h.slack.responseUrl('list');
    await h.post(slashCommandBody({ text: 'list', responseUrl }));
    await openHome(h);
    await h.slack.waitFor('response_url', (c) => c.args.responseId === 'list');
    const methods = new Set(h.slack.calls.map((c) => c.method));
    expect([...methods]).toEqual(expect.arrayContaining(['views.open', 'views.update', 'chat.postMessage', 'response_url', 'views.publish']));
    const texts = expectEchoedSafely(5);
    // The name shows, escaped, not dropped.
    expect(texts.some((t) => t.includes('&lt;!channel&gt;'))).toBe(true);
  });

  it('3,000-character fields and markup in every field: inline errors only, all escaped, nothing sent to Omni', async () => {
    const long = `${NASTY} `.repeat(70).slice(0, 3000);
    const { res } = await submit({
      ...base(),
      name: { name_input: stateValue.text(long) },
      prompt: { prompt_input: stateValue.text(`${long}x`) },
      schedule: { schedule_input: stateValue.text(long) },
      description: { description_input: stateValue.text(long) },
      timezone: { timezone_select: stateValue.externalSelect(NASTY) },
    });
    const ack = res.json as { response_action: string; errors: Record<string, string> };
    expect(ack.response_action).toBe('errors');
    expect(Object.keys(ack.errors)).toEqual(expect.arrayContaining(['name', 'prompt', 'schedule', 'description', 'timezone']));
    expect(Object.values(ack.errors).filter((e) => RAW.some((r) => e.includes(r)) || e.length > 2000)).toEqual([]);
    expect(h.omni.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expectEchoedSafely(1);
  });

  it('the unknown-word reply, quick create and the message shortcut', async () => {
    const responseUrl = h.slack.responseUrl('unknown');
    await h.post(slashCommandBody({ text: '<!channel>&<@U0002>', responseUrl }));
    await h.slack.waitFor('response_url', (c) => c.args.responseId === 'unknown');
    // Slash command text arrives as Slack markup: read as plain text (`@channel`), then escaped and defused.
    const reply = JSON.stringify(h.slack.responses('unknown'));
    expect(reply).toContain('@\u2060channel&amp;@U0002');
    expect(RAW.filter((r) => reply.includes(r))).toEqual([]);
    await openModal(h, { text: `every weekday at 9am ${NASTY} ${'x'.repeat(2900)}` });
    const triggerId = h.slack.issueTriggerId();
    await h.post(messageShortcutBody({ triggerId, message: { text: `${NASTY} `.repeat(80) } }));
    await h.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId);
    await h.settle();
    expectEchoedSafely(3);
    recordReliability({ section: 'Hostile input', check: 'markup, Unicode and 3,000-character fields echoed in views, DM, list, Home, errors, help', result: 'every mrkdwn field escaped; fake Slack accepted every view and message' });
  });
});

describe('emails outside ALLOWED_EMAIL_DOMAINS (example.com) are refused server-side', () => {
  const email = (emails: string, extra: Record<string, Record<string, unknown>> = {}) => ({
    ...base(),
    delivery: { delivery_radio: stateValue.radio('email') },
    emails: { emails_input: stateValue.email(emails) },
    ...extra,
  });
  const creates = () => h.omni.requests.filter((r) => r.method === 'POST' && r.path === '/v1/ai/routines');

  it('typed addresses, look-alike domains and mailto disguises: inline error, no create', async () => {
    for (const typed of ['evil@attacker.com', 'a@EXAMPLE.com.attacker.com', 'alice@example.com@evil.com', '<mailto:evil@attacker.com|alice@example.com>', 'bob@example.com, evil@attacker.com', 'x@sub.example.com']) {
      const { res } = await submit(email(typed));
      const ack = res.json as { response_action?: string; errors?: Record<string, string> };
      expect({ typed, action: ack.response_action }).toEqual({ typed, action: 'errors' });
    }
    expect(creates()).toEqual([]);
  });

  it('Slack users whose Slack email is outside the domain: refused before Omni, the draft kept', async () => {
    h.slack.addUser({ id: 'U0077', name: 'mallory', email: 'mallory@attacker.com', tz: 'UTC' });
    await submit(email('', { name: { name_input: stateValue.text(NASTY) }, recipients: { recipients_select: stateValue.users(['U0002', 'U0077']) } }));
    expect(creates()).toEqual([]);
    expect(JSON.stringify(h.slack.messages('D0001'))).toMatch(/may only email example\.com/);
    // The failure view, the DM (with its notification text) and the Home tab's saved drafts echo the name escaped.
    await openHome(h);
    expect(JSON.stringify(h.slack.homeViews.get('U0001')?.blocks)).toContain('&lt;!channel&gt;');
    expectEchoedSafely(4);
  });

  it('forged recipient ids carrying markup are refused, and the refusal echoes them inertly', async () => {
    const { res } = await submit(email('', { recipients: { recipients_select: stateValue.users(['<!channel>', 'U0002>|<!here']) } }));
    const ack = res.json as { response_action: string; errors: Record<string, string> };
    expect(ack.response_action).toBe('errors');
    expect(Object.values(ack.errors).join(' ')).toContain('Pick people from the list.');
    expect(creates()).toEqual([]);
    expectEchoedSafely(1);
  });

  it("delivery 'email' with the email blocks missing from the forged view: refused, no create", async () => {
    await submit(email('evil@attacker.com'), (blockId) => !['emails', 'recipients'].includes(blockId));
    await submit(email('evil@attacker.com'), (blockId) => !['emails', 'recipients', 'delivery'].includes(blockId));
    expect(creates()).toEqual([]);
  });

  it('an address inside the domain goes through (the refusals above are about the domain)', async () => {
    await submit(email('bob@example.com', { name: { name_input: stateValue.text('Emailed') } }));
    expect(creates()).toHaveLength(1);
    const all = h.omni.routinesOf(h.members.alice).flatMap((r) => (r.destination.type === 'email' ? r.destination.recipientEmails : []));
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((e) => !e.toLowerCase().endsWith('@example.com'))).toEqual([]);
  });
});
