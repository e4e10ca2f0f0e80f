/**
 * Issue 10 end to end: the short form a busy user finishes in seconds (defaults for model, zone, delivery and name;
 * More options; remembered choices), the delivery rules (DM by default, never a DM as a channel), the quiet preview,
 * and messages whose headline is in their blocks and their notification text. The real app over signed HTTP,
 * the fake Slack Web API and the fake Omni, SQLite on disk.
 */
import { describe, expect, it } from '@jest/globals';
import { startHarness, useHarness } from '../helpers/app-harness.js';
import { chooseDelivery, openHome, openModal, pressMoreOptions, seedRoutine, sendCommand, submitModal, useInModal } from '../helpers/routine-ui.js';
import {
  action,
  blockActionsBody,
  buildViewOutput,
  messageShortcutBody,
  readInitialViewState,
  stateValue,
} from '../helpers/slack-requests.js';
import { until } from '../helpers/until.js';

// Two shared models (Sales, Marketing): without OMNI_DEFAULT_MODEL nothing could be preselected for a new user.
const h = useHarness({ env: { OMNI_DEFAULT_MODEL: 'Sales' } });

type Json = Record<string, unknown>;
type Block = Json & { block_id?: string; type: string };
const blocksOf = (view: { blocks: unknown[] }) => view.blocks as Block[];
const blockIds = (view: { blocks: unknown[] }) => blocksOf(view).map((b) => b.block_id);
const block = (view: { blocks: unknown[] }, id: string) => blocksOf(view).find((b) => b.block_id === id);
const initialOf = (view: { blocks: unknown[] }, id: string) => (block(view, id)?.element as Json | undefined) ?? {};
const firstText = (blocks: unknown[] | undefined) => {
  const first = (blocks ?? [])[0] as { text?: { text?: string } } | undefined;
  return first?.text?.text;
};

describe('the short form', () => {
  it('quick create, then Create with no other input: a routine with every default filled in', async () => {
    const { view } = await openModal(h, { text: "every weekday at 9am summarise yesterday's pipeline", settled: true });
    // Five things to look at, all answered: prompt, schedule, zone (Slack's), DM, the configured model.
    expect(blockIds(view)).toEqual(['prompt', 'schedule', 'schedule_preview', 'schedule_cron', 'timezone', 'delivery', 'delivery_audience', 'model', 'more_options']);
    expect(initialOf(view, 'model').initial_option).toMatchObject({ value: h.modelId, text: { text: 'Sales' } });
    expect((block(view, 'model')?.label as Json).text).toBe('Omni model');
    expect(initialOf(view, 'timezone').initial_option).toMatchObject({ value: 'America/New_York' });
    expect(initialOf(view, 'delivery').initial_option).toMatchObject({ value: 'dm' });
    expect(JSON.stringify(block(view, 'delivery_audience'))).toContain('Only you will see the answers');

    const res = await submitModal(h, view.id);
    expect((res.json as { response_action: string }).response_action).toBe('update');
    await h.settle();
    const created = h.omni.routinesOf(h.members.alice).find((r) => r.prompt === "summarise yesterday's pipeline");
    expect(created).toMatchObject({
      name: "Summarise yesterday's pipeline",
      modelId: h.modelId,
      schedule: '0 9 ? * MON-FRI *',
      timezone: 'America/New_York',
      destination: { type: 'slack', slackRecipientType: 'users', recipientId: 'U0001' },
    });

    // The view and the DM start with the headline, which is also the DM's notification text.
    const headline = /^:white_check_mark: \*Summarise yesterday's pipeline\* is set up: weekdays at 9:00 AM E[SD]T, first run \w{3} \d{1,2} \w{3}, results to you by DM$/;
    expect(firstText(h.slack.views.get(view.id)?.blocks)).toMatch(headline);
    const dm = h.slack.messages('D0001').at(-1);
    expect(dm?.text).toMatch(headline);
    expect(firstText(dm?.blocks)).toBe(dm?.text);
    expect(JSON.stringify(dm?.blocks)).toContain('routine_run_now');
  });

  it('More options shows Name, Topic, Branch and Description and keeps what was typed; a name typed there is used', async () => {
    const { view } = await openModal(h, { settled: true });
    h.slack.setViewState(view.id, {
      prompt: { prompt_input: stateValue.text('Churn by segment, biggest movers first') },
      schedule: { schedule_input: stateValue.text('every monday at 8am') },
    });
    const expanded = await pressMoreOptions(h, view.id);
    expect(blockIds(expanded).slice(-4)).toEqual(['name', 'topic', 'branch', 'description']);
    expect(blockIds(expanded)).not.toContain('more_options');
    // Slack keeps typed values across views.update when block and action ids stay: they are all still there.
    expect(blockIds(expanded)).toEqual(expect.arrayContaining(['prompt', 'schedule', 'timezone', 'delivery', 'model']));
    expect(h.slack.views.get(view.id)?.state.values.prompt?.prompt_input).toMatchObject({ value: 'Churn by segment, biggest movers first' });
    // The name Omni will get unless one is typed, suggested from what was typed.
    expect(JSON.stringify(block(expanded, 'name'))).toContain('Churn by segment, biggest movers first');

    // A later refresh (the schedule preview) keeps them shown.
    const refreshed = await useInModal(
      h,
      view.id,
      action.plainTextInput({ actionId: 'schedule_input', blockId: 'schedule', value: 'every monday at 8am' }),
      (v) => v.includes('Mondays at 8:00 AM'),
    );
    expect(blockIds(refreshed)).toContain('description');

    const res = await submitModal(h, view.id, {
      ...h.slack.views.get(view.id)?.state.values,
      name: { name_input: stateValue.text('Churn brief') },
    } as never);
    expect(res.json).toEqual({ response_action: 'update', view: expect.anything() });
    await h.settle();
    expect(h.omni.routinesOf(h.members.alice).find((r) => r.name === 'Churn brief')).toMatchObject({ schedule: '0 8 ? * MON *' });
  });

  it('remembers model, zone override and kind of delivery per user, and offers them on the next open', async () => {
    const { view: first } = await openModal(h, { userId: 'U0002', channelId: 'C0SALES', channelName: 'sales', settled: true });
    // Bob (Slack zone Europe/Paris) has no remembered choices: DM, the configured model, his Slack zone.
    expect(initialOf(first, 'delivery').initial_option).toMatchObject({ value: 'dm' });
    expect(initialOf(first, 'timezone').initial_option).toMatchObject({ value: 'Europe/Paris' });
    const models = (await h.post(
      (await import('../helpers/slack-requests.js')).blockSuggestionBody({ userId: 'U0002', actionId: 'model_select', blockId: 'model', value: 'mark', view: buildViewOutput(first as never) } as never),
    ).then((r) => r.json)) as { options: Array<{ value: string }> };
    const marketingId = models.options[0]?.value ?? '';
    expect(marketingId).toBeTruthy();

    const withChannel = await chooseDelivery(h, first.id, 'channel', 'U0002');
    // Chosen "Post in a channel" in #sales: that channel is offered, and the line says who will see the answers.
    expect(initialOf(withChannel, 'channel').initial_conversation).toBe('C0SALES');
    expect(JSON.stringify(block(withChannel, 'delivery_audience'))).toContain('Everyone in <#C0SALES> will see answers drawn from your Omni access');
    // Picking another channel updates that line.
    h.slack.setViewState(first.id, { channel: { channel_select: stateValue.conversation('C0777') } });
    const other = await useInModal(h, first.id, { type: 'conversations_select', action_id: 'channel_select', block_id: 'channel', selected_conversation: 'C0777', action_ts: '1.1' } as never, (v) => v.includes('<#C0777>'), 'U0002');
    expect(JSON.stringify(block(other, 'delivery_audience'))).toContain('Everyone in <#C0777>');

    await submitModal(
      h,
      first.id,
      {
        prompt: { prompt_input: stateValue.text('Cash position by entity') },
        schedule: { schedule_input: stateValue.text('every day at 7am') },
        timezone: { timezone_select: stateValue.externalSelect('Europe/London') },
        model: { model_select: stateValue.externalSelect(marketingId, 'Marketing') },
        delivery: { delivery_radio: stateValue.radio('channel') },
        channel: { channel_select: stateValue.conversation('C0777') },
      },
      { userId: 'U0002' },
    );
    await h.settle();
    expect(h.omni.routinesOf(h.members.bob).find((r) => r.prompt === 'Cash position by entity')).toMatchObject({
      modelId: marketingId,
      timezone: 'Europe/London',
      destination: { type: 'slack', slackRecipientType: 'channel', recipientId: 'C0777' },
    });

    // Next time, in another channel: Marketing, London, a channel, and the channel he is in.
    const { view: again } = await openModal(h, { userId: 'U0002', channelId: 'C0OPS', channelName: 'ops', settled: true });
    expect(initialOf(again, 'model').initial_option).toMatchObject({ value: marketingId, text: { text: 'Marketing' } });
    expect(initialOf(again, 'timezone').initial_option).toMatchObject({ value: 'Europe/London' });
    expect(initialOf(again, 'delivery').initial_option).toMatchObject({ value: 'channel' });
    expect(initialOf(again, 'channel').initial_conversation).toBe('C0OPS');

    // Quick create reads the schedule in the remembered zone too.
    const { view: quick } = await openModal(h, { text: 'every day at 7am cash by entity', userId: 'U0002', channelId: 'C0OPS', channelName: 'ops', settled: true });
    expect(initialOf(quick, 'timezone').initial_option).toMatchObject({ value: 'Europe/London' });
    expect(JSON.stringify(block(quick, 'schedule_preview'))).toContain('London time');

    // Typed in a DM, the DM is never offered as the channel.
    const { view: inDm } = await openModal(h, { userId: 'U0002', channelId: 'D0002', channelName: 'directmessage', settled: true });
    expect(initialOf(inDm, 'delivery').initial_option).toMatchObject({ value: 'channel' });
    expect(initialOf(inDm, 'channel')).not.toHaveProperty('initial_conversation');
    expect(JSON.stringify(inDm.blocks)).not.toContain('D0002');
    // And a group DM neither.
    const { view: inGroup } = await openModal(h, { userId: 'U0002', channelId: 'G0TEAM', channelName: 'mpdm-alice--bob-1', settled: true });
    expect(initialOf(inGroup, 'channel')).not.toHaveProperty('initial_conversation');
  });

  it('refuses a DM id as the channel on the server, whatever the view claims', async () => {
    const { view } = await openModal(h, { settled: true });
    const res = await submitModal(h, view.id, {
      prompt: { prompt_input: stateValue.text('x') },
      schedule: { schedule_input: stateValue.text('every day at 9am') },
      delivery: { delivery_radio: stateValue.radio('channel') },
      channel: { channel_select: stateValue.conversation('D0001') },
    });
    const ack = res.json as { response_action: string; errors: Record<string, string> };
    expect(ack.response_action).toBe('errors');
    // The view has no channel input (it shows a DM): the error lands under Deliver to.
    expect(ack.errors.delivery).toMatch(/direct message, not a channel/);
    await h.settle();
    expect(h.omni.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });
});

describe('the preview', () => {
  it('stays quiet while the text cannot be a schedule, then shows words and next runs with the cron small; refusals offer one alternative', async () => {
    const { view } = await openModal(h, { settled: true });
    const type = async (text: string, marker: (v: string) => boolean) => {
      h.slack.setViewState(view.id, { schedule: { schedule_input: stateValue.text(text) } });
      return useInModal(h, view.id, action.plainTextInput({ actionId: 'schedule_input', blockId: 'schedule', value: text }), marker);
    };
    const typing = await type('ev', (v) => v.includes('schedule_preview'));
    const quiet = JSON.stringify(block(typing, 'schedule_preview'));
    expect(quiet).toContain('Say when it should run');
    expect(quiet).not.toMatch(/can't|doesn't|no_entry/);
    expect(blockIds(typing)).not.toContain('schedule_cron');

    const valid = await type('every weekday at 9am', (v) => v.includes('schedule_cron'));
    expect((block(valid, 'schedule_preview')?.text as Json).text).toMatch(/^\*Weekdays at 9:00 AM\*, New York time\nNext runs: /);
    expect(JSON.stringify(block(valid, 'schedule_cron'))).toContain('0 9 ? * MON-FRI *');

    const refused = await type('every 15 minutes', (v) => v.includes(':bulb:'));
    expect(JSON.stringify(block(refused, 'schedule_preview'))).toMatch(/once an hour.*Try _every hour_\./);
    expect(h.omni.requests).toHaveLength(0);
  });
});

describe('messages say what happened, in their blocks', () => {
  it('an unknown subcommand says so first, in blocks and text', async () => {
    const { responseId } = await sendCommand(h, 'frobnicate');
    await until(() => h.slack.responses(responseId).length > 0);
    const reply = h.slack.responses(responseId)[0] as { text: string; blocks: unknown[] };
    expect(firstText(reply.blocks)).toBe('I don’t know “frobnicate”. Here is what I can do:'.replace('’', "'"));
    expect(reply.text.startsWith(firstText(reply.blocks) ?? '-')).toBe(true);
  });

  it('/routine list: the loading reply and the list carry their words in blocks', async () => {
    const { res, responseId } = await sendCommand(h, 'list');
    const ack = res.json as { text: string; blocks: unknown[] };
    expect(firstText(ack.blocks)).toBe(ack.text);
    await until(() => h.slack.responses(responseId).length > 0);
    const list = h.slack.responses(responseId)[0] as { text: string; blocks: unknown[] };
    expect(firstText(list.blocks)).toBe(list.text);
    expect(list.text).toMatch(/^\*Your routines\* \(\d+\)$/);
  });

  it('Run now answers with its words in blocks', async () => {
    const id = seedRoutine(h, 'Runnable');
    const responseUrl = h.slack.responseUrl(`run-${id}`);
    await h.post(blockActionsBody({ source: 'message', channelId: 'D0001', responseUrl, actions: [action.button({ actionId: 'routine_run_now', value: id })] }));
    // the card that held the button is refreshed first; the reply says what happened
    const said = () => (h.slack.responses(`run-${id}`) as Array<{ text: string; blocks: unknown[] }>).find((r) => /is running now/.test(r.text));
    await until(() => said() !== undefined);
    const reply = said() as { text: string; blocks: unknown[] };
    expect(reply.text).toMatch(/Runnable.*is running now/);
    expect(firstText(reply.blocks)).toBe(reply.text);
  });

  it('a failed create: the DM starts with its headline, also its text', async () => {
    h.omni.setAiRoutinesEnabled(false);
    try {
      const { view } = await openModal(h, { text: 'every day at 9am churn by segment', settled: true });
      await submitModal(h, view.id);
      await h.settle();
      const dm = h.slack.messages('D0001').at(-1);
      expect(dm?.text).toMatch(/^:warning: \*Churn by segment\* was not created: /);
      expect(firstText(dm?.blocks)).toBe(dm?.text);
    } finally {
      h.omni.setAiRoutinesEnabled(true);
    }
  });
});

describe('the message shortcut', () => {
  it('names the people a message mentions, never leaving raw ids, and finds the schedule in it', async () => {
    const triggerId = h.slack.issueTriggerId();
    await h.post(
      messageShortcutBody({
        triggerId,
        channelId: 'C0777',
        channelName: 'sales',
        message: { text: '<@U0002> can you post the weekly churn in <#C0777> and <#C0999> every monday at 9am' },
      }),
    );
    const call = await h.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, 8000);
    const view = call.args.view as { blocks: unknown[] };
    const state = readInitialViewState(view as never) as Record<string, Record<string, { value?: string; selected_conversation?: string }>>;
    expect(state.prompt?.prompt_input?.value).toBe('@Bob Brown can you post the weekly churn in #sales and #channel');
    expect(state.schedule?.schedule_input?.value).toBe('every monday at 9am');
    expect(JSON.stringify(view)).not.toMatch(/U0002|C0999/);
    // The message's channel is the destination, shown as chosen.
    expect(initialOf(view, 'delivery').initial_option).toMatchObject({ value: 'channel' });
    expect(state.channel?.channel_select?.selected_conversation).toBe('C0777');
  });

  it('on a message in a DM, delivers by DM instead of taking the DM as a channel', async () => {
    const triggerId = h.slack.issueTriggerId();
    await h.post(messageShortcutBody({ triggerId, channelId: 'D0001', channelName: 'directmessage', message: { text: 'pipeline by rep' } }));
    const call = await h.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, 8000);
    const view = call.args.view as { blocks: unknown[] };
    expect(initialOf(view, 'delivery').initial_option).toMatchObject({ value: expect.not.stringMatching(/^channel$/) });
    expect(JSON.stringify(view)).not.toContain('D0001');
  });
});

describe('the Home tab', () => {
  it('shows "Loading" at once when Omni is slow, then 20 routines a page with Next and Previous, and no green button on cards', async () => {
    h.slack.addUser({ id: 'U0097', name: 'erin', realName: 'Erin Eve', email: 'erin@example.com', tz: 'UTC' });
    const erin = h.omni.addMember({ email: 'erin@example.com', displayName: 'Erin Eve' });
    for (let i = 0; i < 45; i++) {
      seedRoutine(h, `Erin ${String(i).padStart(2, '0')}`, { owner: erin });
    }
    h.omni.inject({ match: { method: 'GET', path: '/v1/ai/routines' }, times: 1, fault: { type: 'delay-before', ms: 700 } });
    const home = await openHome(h, 'U0097');
    const publishes = h.slack.callsTo('views.publish').filter((c) => c.args.user_id === 'U0097');
    expect(publishes.map((c) => JSON.stringify(c.args.view).includes('Loading your routines'))).toEqual([true, false]);

    const names = (view: { blocks: unknown[] }): string[] => JSON.stringify(view.blocks).match(/Erin \d\d/g) ?? [];
    expect(new Set(names(home)).size).toBe(20);
    expect(JSON.stringify(home.blocks)).toContain('Routines 1–20 of 45, page 1 of 3');
    const primary = blocksOf(home).flatMap((b) => (b.type === 'actions' ? (b.elements as Json[]) : [])).filter((e) => e.style === 'primary');
    expect(primary.map((e) => e.action_id)).toEqual(['routine_open_modal']);

    const published = (marker: string) =>
      h.slack.waitFor('views.publish', (c) => c.args.user_id === 'U0097' && c.status === 200 && JSON.stringify(c.args.view).includes(marker), 8000);
    await h.post(blockActionsBody({ source: 'view', userId: 'U0097', view: buildViewOutput(home as never), actions: [action.button({ actionId: 'routine_home_next', value: '1' })] }));
    await published('Routines 21–40 of 45, page 2 of 3');
    const second = h.slack.homeViews.get('U0097') ?? home;
    expect(names(second).filter((n) => names(home).includes(n))).toEqual([]);
    // An action on that page (Refresh) republishes the same page.
    h.slack.reset();
    await h.post(blockActionsBody({ source: 'view', userId: 'U0097', view: buildViewOutput(second as never), actions: [action.button({ actionId: 'routine_refresh_home', value: 'refresh' })] }));
    await published('Routines 21–40 of 45, page 2 of 3');
  });
});

describe('an end user with no Omni account', () => {
  it('is told to ask their Slack admin, never shown the admin command, which goes to the log', async () => {
    h.slack.addUser({ id: 'U0098', name: 'dan', realName: 'Dan Doe', email: 'dan@elsewhere.com', tz: 'Europe/London' });
    const { view } = await openModal(h, { userId: 'U0098', settled: true });
    await h.slack.waitFor('views.update', (c) => c.args.view_id === view.id && JSON.stringify(c.args.view).includes('account_notice'), 8000);
    const notice = JSON.stringify(block(h.slack.views.get(view.id) ?? view, 'account_notice'));
    expect(notice).toContain('ask your Slack admin to link your Omni account');
    expect(notice).not.toMatch(/npx|routine-bot|users link/);
    expect(h.logs.some((l) => l.includes('npx routine-bot users link U0098 <membership-id>'))).toBe(true);
  });
});

describe('a cold model list', () => {
  it('opens the form at once without waiting for Omni, then preselects the model when the list arrives', async () => {
    // A separate app whose first model-list request to Omni takes a second (the warm-up at start is that request).
    const cold = await startHarness({
      env: { OMNI_DEFAULT_MODEL: 'Sales' },
      beforeStart: ({ omni }) => omni.inject({ match: { method: 'GET', path: /\/v1\/models$/ }, times: 1, fault: { type: 'delay-before', ms: 1000 } }),
    });
    try {
      const { call: opened } = await openModal(cold);
      const viewId = (opened.response.view as { id: string }).id;
      expect(initialOf(opened.args.view as { blocks: unknown[] }, 'model')).not.toHaveProperty('initial_option');
      const filled = await cold.slack.waitFor('views.update', (c) => c.args.view_id === viewId && JSON.stringify(c.args.view).includes(cold.modelId), 8000);
      expect(filled.response.ok).toBe(true);
      expect(initialOf(cold.slack.views.get(viewId) ?? { blocks: [] }, 'model').initial_option).toMatchObject({ value: cold.modelId, text: { text: 'Sales' } });
    } finally {
      await cold.close();
    }
  });
});
