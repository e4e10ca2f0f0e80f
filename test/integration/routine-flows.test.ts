/**
 * Issue 4's flows end to end: the real app over signed HTTP, the fake Slack Web API, the fake Omni, SQLite on disk.
 */
import { describe, expect, it } from '@jest/globals';
import { modalValues, useHarness } from '../helpers/app-harness.js';
import { chooseDelivery, openHome, openModal, pressTryAgain, submissionBody, submitModal } from '../helpers/routine-ui.js';
import { buttonValue } from '../helpers/text-of.js';
import { recordReliability } from '../helpers/reliability.js';
import {
  action,
  blockActionsBody,
  blockSuggestionBody,
  buildViewOutput,
  globalShortcutBody,
  interactivityBody,
  messageShortcutBody,
  readInitialViewState,
  slashCommandBody,
  stateValue,
  viewSubmissionBody,
} from '../helpers/slack-requests.js';
import { until } from '../helpers/until.js';

const h = useHarness();

type Json = Record<string, unknown>;
const blockIds = (view: { blocks: unknown[] }) => view.blocks.map((b) => (b as { block_id?: string }).block_id);

const zoneOf = (v: { blocks: unknown[] }) =>
  (v.blocks.find((b) => (b as Json).block_id === 'timezone') as { element: { initial_option?: { value: string } } }).element.initial_option?.value;

describe('/routine', () => {
  it('opens the routine modal with the contract block ids, before any Omni call', async () => {
    const { view, call } = await openModal(h);
    expect(view.callback_id).toBe('routine_create');
    // The short form: prompt, schedule, zone, delivery (a DM by default), model; the rest behind More options.
    expect(blockIds(view)).toEqual(['prompt', 'schedule', 'schedule_preview', 'timezone', 'delivery', 'delivery_audience', 'model', 'more_options']);
    expect(h.omni.requests).toHaveLength(0);
    // The user's Slack zone is the default (alice is in New York), known from the users.list the app read after
    // it started: her first open shows it, with no Slack call before the open and no views.update after it.
    expect(zoneOf(call.args.view as { blocks: unknown[] })).toBe('America/New_York');
    await h.settle();
    expect(h.slack.calls.map((c) => c.method)).toEqual(['views.open', 'users.info']);
    const again = await openModal(h);
    expect(zoneOf(again.view)).toBe('America/New_York');
    await h.settle();
    // After (never before) the first open, one identity lookup checks alice can create routines; then it is cached.
    expect(h.omni.requests.map((r) => r.path)).toEqual(['/scim/v2/users']);
    expect(h.slack.callsTo('views.update')).toHaveLength(0);
  });

  it("someone who joined after the start: the form opens at once in the configured zone, then in theirs once Slack answers", async () => {
    h.slack.addUser({ id: 'U0NEW', name: 'nina', realName: 'Nina', email: 'nina@example.com', tz: 'Asia/Tokyo' });
    h.omni.addMember({ email: 'nina@example.com', displayName: 'Nina' });
    const { view, call } = await openModal(h, { userId: 'U0NEW' });
    expect(zoneOf(call.args.view as { blocks: unknown[] })).toBe('UTC');
    const filled = await h.slack.waitFor('views.update', (c) => c.args.view_id === view.id);
    expect(filled.response.ok).toBe(true);
    expect(zoneOf(h.slack.views.get(view.id) ?? view)).toBe('Asia/Tokyo');
    await h.settle();
    const again = await openModal(h, { userId: 'U0NEW' });
    expect(zoneOf(again.view)).toBe('Asia/Tokyo');
  });

  it('answers help inline and unknown words with help', async () => {
    const help = await h.post(slashCommandBody({ text: 'help' }));
    expect(help.status).toBe(200);
    expect(JSON.stringify(help.json)).toContain('/routine list');
    const responseUrl = h.slack.responseUrl('unknown-word');
    const unknown = await h.post(slashCommandBody({ text: 'frobnicate', responseUrl }));
    expect(unknown.status).toBe(200);
    await h.settle();
    await until(() => h.slack.responses('unknown-word').length > 0);
    expect(JSON.stringify(h.slack.responses('unknown-word')[0])).toContain('frobnicate');
  });

  it('quick create pre-fills the schedule and prompt, and creates nothing until submitted', async () => {
    const { view } = await openModal(h, { text: "every weekday at 9am summarise yesterday's pipeline" });
    const state = readInitialViewState(view as never) as Record<string, Record<string, { value?: string }>>;
    expect(state.schedule?.schedule_input?.value).toBe('every weekday at 9am');
    expect(state.prompt?.prompt_input?.value).toBe("summarise yesterday's pipeline");
    expect(JSON.stringify(view.blocks)).toContain('0 9 ? * MON-FRI *');
    expect(h.omni.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('quick create turns escaped mentions and links (should_escape) into words in the prompt', async () => {
    const { view } = await openModal(h, { text: 'every monday at 8am send <@U0002|bob> the churn from <#C0777|sales> &amp; <https://omni.example/d/1|the dashboard>' });
    const state = readInitialViewState(view as never) as Record<string, Record<string, { value?: string }>>;
    expect(state.schedule?.schedule_input?.value).toBe('every monday at 8am');
    expect(state.prompt?.prompt_input?.value).toBe('send @bob the churn from #sales & the dashboard (https://omni.example/d/1)');
  });
});

describe('shortcuts', () => {
  it('the message shortcut turns the message into a readable prompt and defaults delivery to that channel', async () => {
    const triggerId = h.slack.issueTriggerId();
    const res = await h.post(
      messageShortcutBody({
        triggerId,
        channelId: 'C0777',
        message: { text: 'Hey <@U0002|bob>, post *weekly* churn from <https://omni.example/d/1|the dashboard> in <#C0777|sales> &amp; more' },
      } as never),
    );
    expect(res.status).toBe(200);
    const call = await h.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, 8000);
    const view = h.slack.views.get((call.response.view as { id: string }).id);
    const state = readInitialViewState(view as never) as Record<string, Record<string, { value?: string; selected_conversation?: string }>>;
    const prompt = state.prompt?.prompt_input?.value ?? '';
    expect(prompt).toContain('@bob');
    expect(prompt).toContain('the dashboard (https://omni.example/d/1)');
    expect(prompt).toContain('#sales');
    expect(prompt).toContain('& more');
    expect(prompt).not.toContain('<');
    expect(state.channel?.channel_select?.selected_conversation).toBe('C0777');
  });

  it('the global shortcut opens the empty modal', async () => {
    const triggerId = h.slack.issueTriggerId();
    expect((await h.post(globalShortcutBody({ triggerId }))).status).toBe(200);
    const call = await h.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, 8000);
    expect((call.args.view as Json).callback_id).toBe('routine_create');
  });
});

describe('modal interactions', () => {
  it('previews the schedule as the user types, without calling Omni', async () => {
    const { view } = await openModal(h);
    h.slack.setViewState(view.id, { schedule: { schedule_input: stateValue.text('first monday of the month at 8:30') } });
    const stored = h.slack.views.get(view.id);
    const res = await h.post(
      blockActionsBody({
        source: 'view',
        view: buildViewOutput(stored as never),
        actions: [action.plainTextInput({ actionId: 'schedule_input', blockId: 'schedule', value: 'first monday of the month at 8:30' })],
      }),
    );
    expect(res.status).toBe(200);
    const update = await h.slack.waitFor('views.update', (c) => c.args.view_id === view.id);
    expect(update.response.ok).toBe(true);
    expect(JSON.stringify(update.args.view)).toContain('30 8 ? * MON#1 *');
    expect(h.omni.requests).toHaveLength(0);
  });

  it('lists time zones and models; model searches cost no Omni request (the list was fetched once at start)', async () => {
    const { view } = await openModal(h);
    const tz = await h.post(blockSuggestionBody({ actionId: 'timezone_select', blockId: 'timezone', value: 'london', view: buildViewOutput(view as never) } as never));
    expect(JSON.stringify(tz.json)).toContain('Europe/London');
    for (const q of ['', 's', 'sa', 'sal', 'sale', 'sales', 'mark']) {
      const res = await h.post(blockSuggestionBody({ actionId: 'model_select', blockId: 'model', value: q, view: buildViewOutput(view as never) } as never));
      expect(res.status).toBe(200);
      if (q === 'sales') expect(JSON.stringify(res.json)).toContain(h.modelId);
    }
    expect(h.omni.requests.filter((r) => r.path.includes('/models'))).toHaveLength(0);
  });
});

describe('submitting the modal', () => {
  it('shows inline errors for a refused schedule and a bad email, and calls nothing', async () => {
    const { view } = await openModal(h);
    const res = await submitModal(h, view.id, {
      ...modalValues(h),
      schedule: { schedule_input: stateValue.text('every other week') },
    });
    expect(res.status).toBe(200);
    const ack = res.json as { response_action: string; errors: Record<string, string> };
    expect(ack.response_action).toBe('errors');
    expect(ack.errors.schedule).toMatch(/week/i);
    expect(h.omni.requests).toHaveLength(0);
  });

  const REFUSALS: Array<[string, Record<string, Record<string, unknown>>, string, RegExp]> = [
    ['a schedule that skips weeks', { schedule: { schedule_input: stateValue.text('every other week') } }, 'schedule', /week/i],
    ['a schedule more often than hourly', { schedule: { schedule_input: stateValue.text('every 15 minutes') } }, 'schedule', /Try:/],
    ['a one-off time', { schedule: { schedule_input: stateValue.text('tomorrow at 3pm') } }, 'schedule', /Try:/],
    ['an event, not a schedule', { schedule: { schedule_input: stateValue.text('whenever a deal closes') } }, 'schedule', /instead: every weekday at 9am/],
    ['a prompt over 3,000 characters (forged)', { prompt: { prompt_input: stateValue.text('x'.repeat(3001)) } }, 'prompt', /3000/],
    ['no model', { model: { model_select: stateValue.externalSelect(null) } }, 'model', /model/i],
    ['a zone that does not exist (forged)', { timezone: { timezone_select: stateValue.externalSelect('Mars/Olympus') } }, 'timezone', /time zone/i],
    ['no channel', { channel: { channel_select: stateValue.conversation(null) } }, 'channel', /channel/i],
    ['a DM as the channel (forged)', { channel: { channel_select: stateValue.conversation('D0001') } }, 'channel', /direct message, not a channel/],
  ];
  it.each(REFUSALS)('refuses %s inline, under its field, and calls nothing', async (_label, values, block, message) => {
    const { view } = await openModal(h);
    // modalValues delivers to a channel: show the channel picker first, as choosing "Post in a channel" does.
    await chooseDelivery(h, view.id, 'channel');
    const res = await submitModal(h, view.id, { ...modalValues(h), ...values });
    const ack = res.json as { response_action: string; errors: Record<string, string> };
    expect(ack.response_action).toBe('errors');
    expect(ack.errors[block]).toMatch(message);
    await h.settle();
    expect(h.omni.requests.filter((r) => r.path !== '/scim/v2/users')).toHaveLength(0);
  });

  it('refuses bad email recipients inline: syntax, none at all, more than 100', async () => {
    const email = { delivery: { delivery_radio: stateValue.radio('email') } };
    const cases: Array<[string, string]> = [
      ['not-an-address, ok@example.com', 'emails'],
      ['', 'recipients'],
      [Array.from({ length: 101 }, (_, i) => `p${i}@example.com`).join(','), 'recipients'],
    ];
    for (const [typed, block] of cases) {
      const { view } = await openModal(h);
      // Switch delivery to email first, as a user would: the view then has the recipients and emails inputs.
      await chooseDelivery(h, view.id, 'email');
      const res = await submitModal(h, view.id, { ...modalValues(h), ...email, emails: { emails_input: stateValue.text(typed) } });
      const ack = res.json as { response_action: string; errors: Record<string, string> };
      expect(ack.response_action).toBe('errors');
      expect(Object.keys(ack.errors)).toContain(block);
    }
    expect(h.omni.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('creates the routine as the submitting user: Creating…, then the result in the view and a DM', async () => {
    const { view } = await openModal(h);
    const res = await submitModal(h, view.id, modalValues(h));
    expect((res.json as { response_action: string }).response_action).toBe('update');
    expect(JSON.stringify((res.json as { view: unknown }).view)).toMatch(/Creating/);
    await h.settle();
    const routines = h.omni.routinesOf(h.members.alice);
    expect(routines).toHaveLength(1);
    expect(routines[0]).toMatchObject({
      name: 'Pipeline brief',
      schedule: '0 9 ? * MON-FRI *',
      timezone: 'America/New_York',
      destination: { type: 'slack', slackRecipientType: 'channel', recipientId: 'C0001' },
    });
    expect(h.omni.routinesOf(h.omni.keyOwnerId)).toHaveLength(0);
    const updated = h.slack.views.get(view.id);
    expect(JSON.stringify(updated?.blocks)).toContain('Pipeline brief');
    const dm = h.slack.messages('D0001');
    expect(dm.length).toBeGreaterThan(0);
    expect(JSON.stringify(dm.at(-1))).toContain('routine_run_now');
  });

  it('answers a forged submission whose blocks hold nulls with field errors, not a 500 (fuzz seed 625667184)', async () => {
    const { view } = await openModal(h);
    const stored = h.slack.views.get(view.id);
    const output = buildViewOutput(stored as never, { values: { name: { name_input: stateValue.text('') } } });
    const res = await h.post(viewSubmissionBody({ view: { ...output, blocks: [null, ...output.blocks] as never } }));
    expect(res.status).toBe(200);
    expect((res.json as { response_action?: string }).response_action).toBe('errors');
  });

  it('a double submit creates one routine', async () => {
    const { view } = await openModal(h);
    const body = submissionBody(h.slack, view.id, { ...modalValues(h), name: { name_input: stateValue.text('Twice') } });
    const [a, b] = await Promise.all([h.post(body), h.post(body)]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    await h.settle();
    expect(h.omni.routinesOf(h.members.alice).filter((r) => r.name === 'Twice')).toHaveLength(1);
    recordReliability({ section: 'Duplicates', check: 'the same modal submitted twice at once', result: '1 routine created in Omni' });
  });

  it('keeps the draft when Omni refuses, and Try again reopens the filled modal', async () => {
    h.omni.setAiRoutinesEnabled(false);
    try {
      const { view } = await openModal(h);
      await submitModal(h, view.id, { ...modalValues(h), name: { name_input: stateValue.text('Kept draft') } });
      await h.settle();
      const failed = h.slack.views.get(view.id);
      const text = JSON.stringify(failed?.blocks);
      expect(text).toMatch(/not turned on/);
      expect(text).toContain('routine_retry');
      const dm = h.slack.messages('D0001').at(-1);
      const draftId = buttonValue(dm?.blocks, 'routine_retry');
      expect(draftId).toBeTruthy();
      const reopened = await pressTryAgain(h, draftId ?? '');
      expect(JSON.stringify(reopened.args.view)).toContain('Kept draft');
      expect(h.omni.routinesOf(h.members.alice).filter((r) => r.name === 'Kept draft')).toHaveLength(0);
    } finally {
      h.omni.setAiRoutinesEnabled(true);
    }
  });

  it('Discard in the failure view drops the draft; Try again then says it is gone', async () => {
    h.omni.setAiRoutinesEnabled(false);
    try {
      const { view } = await openModal(h);
      await submitModal(h, view.id, { ...modalValues(h), name: { name_input: stateValue.text('Throw away') } });
      await h.settle();
      const failed = h.slack.views.get(view.id);
      const draftId = buttonValue(failed?.blocks, 'routine_discard') ?? '';
      expect(draftId).toBeTruthy();
      await h.post(blockActionsBody({ source: 'view', view: buildViewOutput(failed as never), actions: [action.button({ actionId: 'routine_discard', value: draftId })] }));
      await h.slack.waitFor('views.update', (c) => c.args.view_id === view.id && JSON.stringify(c.args.view).includes('Draft discarded'), 8000);
      const responseUrl = h.slack.responseUrl(`retry-${draftId}`);
      await h.post(blockActionsBody({ source: 'message', channelId: 'D0001', responseUrl, actions: [action.button({ actionId: 'routine_retry', value: draftId })] }));
      await until(() => JSON.stringify(h.slack.responses(`retry-${draftId}`)).includes('no longer available'));
    } finally {
      h.omni.setAiRoutinesEnabled(true);
    }
  });

  it('tells a Slack user with no Omni account what to ask their admin', async () => {
    h.slack.addUser({ id: 'U0099', name: 'carol', email: 'carol@elsewhere.com', tz: 'Europe/London' });
    const { view } = await openModal(h, { userId: 'U0099' });
    // Told as soon as the form opens, before typing anything into it.
    await h.slack.waitFor('views.update', (c) => c.args.view_id === view.id && JSON.stringify(c.args.view).includes('account_notice'), 8000);
    expect(JSON.stringify(h.slack.views.get(view.id)?.blocks)).toMatch(/carol@elsewhere\.com/);
    await submitModal(h, view.id, modalValues(h), { userId: 'U0099' });
    await h.settle();
    expect(JSON.stringify(h.slack.views.get(view.id)?.blocks)).toMatch(/admin/i);
  });
});

describe('listing and managing routines', () => {
  it('/routine list and the Home tab show the user’s own routines; buttons act only on their own', async () => {
    const mine = h.omni.addRoutine(h.members.alice, { name: 'Alice weekly', modelId: h.modelId, prompt: 'p', schedule: '0 8 ? * MON *', timezone: 'Europe/London' });
    const bobs = h.omni.addRoutine(h.members.bob, { name: 'Bob daily', modelId: h.modelId, prompt: 'p', schedule: '0 9 ? * * *', timezone: 'UTC' });

    const responseUrl = h.slack.responseUrl('list-1');
    const list = await h.post(slashCommandBody({ text: 'list', responseUrl }));
    expect(list.status).toBe(200);
    await until(() => h.slack.responses('list-1').length > 0);
    const listed = JSON.stringify(h.slack.responses('list-1'));
    expect(listed).toContain('Alice weekly');
    expect(listed).toContain('Mondays at 8:00 AM');
    expect(listed).not.toContain('Bob daily');

    const home = await openHome(h);
    expect(JSON.stringify(home.blocks)).toContain('Alice weekly');

    // Pause from Home: Omni gets the pause, the home is republished, the audit log has it.
    const homeView = buildViewOutput(home as never);
    await h.post(blockActionsBody({ source: 'view', view: homeView, actions: [action.button({ actionId: 'routine_pause', value: mine })] }));
    await h.settle();
    expect(h.omni.routine(mine)?.disabled).toBe(true);

    // Bob's routine id pressed by Alice: refused, untouched.
    await h.post(blockActionsBody({ source: 'view', view: homeView, actions: [action.button({ actionId: 'routine_delete', value: bobs })] }));
    await h.settle();
    expect(h.omni.routine(bobs)).toBeDefined();
    expect(JSON.stringify(h.slack.messages('D0001'))).toMatch(/isn't one of yours/);

    // Delete her own (the confirm dialog is Slack's; the click arrives after it).
    await h.post(blockActionsBody({ source: 'view', view: homeView, actions: [action.button({ actionId: 'routine_delete', value: mine })] }));
    await h.settle();
    expect(h.omni.routine(mine)).toBeUndefined();
  });
});

describe('transport', () => {
  it('serves /healthz and ignores other workspaces', async () => {
    const health = await fetch(`${h.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const triggerId = h.slack.issueTriggerId();
    const res = await h.post(slashCommandBody({ teamId: 'T9999', triggerId }));
    expect(res.status).toBe(200);
    await h.settle();
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    expect(interactivityBody({})).toBeTruthy();
  });
});
