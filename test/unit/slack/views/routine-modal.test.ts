import { interpretSchedule } from '../../../../src/schedule/index.js';
import { describe, expect, it } from '@jest/globals';
import type { InputBlock } from '@slack/types';
import { ACTION_ID, BLOCK_ID, INPUT_BLOCK_ID } from '../../../../src/slack/ids.js';
import {
  buildRoutineModal,
  buildSchedulePreviewText,
  readModalMetadata,
  writeModalMetadata,
  type ModalMetadata,
} from '../../../../src/slack/views/index.js';
import { blockById, blockIds, HOSTILE, makeForm, mrkdwnTexts, OK_PREVIEW, REFUSED_PREVIEW } from './fixtures.js';
import { assertWithinSlackLimits } from '../../../fakes/slack-view-rules.js';

const META: ModalMetadata = { source: 'command', originChannelId: 'C0ORIGIN' };
const NOW = new Date('2026-01-12T12:00:00Z');

function element(block: InputBlock): Record<string, unknown> {
  return block.element as unknown as Record<string, unknown>;
}

describe('buildRoutineModal', () => {
  it('is the routine_create modal: the short form first, More options for the rest', () => {
    const view = buildRoutineModal({ form: makeForm({ name: '', delivery: 'channel' }), preview: OK_PREVIEW, metadata: META, now: NOW });
    expect(view.callback_id).toBe('routine_create');
    expect(view.title.text).toBe('New routine');
    expect(view.submit?.text).toBe('Create');
    expect(view.close?.text).toBe('Cancel');
    expect(view.notify_on_close ?? false).toBe(false);
    expect(blockIds(view.blocks)).toEqual([
      'prompt',
      'schedule',
      'schedule_preview',
      'schedule_cron',
      'timezone',
      'delivery',
      'channel',
      'delivery_audience',
      'model',
      'more_options',
    ]);
    // Prompt, schedule, zone, delivery (with its channel) and model: nothing else is asked for.
    expect(view.blocks.filter((b) => b.type === 'input' && !(b as InputBlock).optional).map((b) => b.block_id)).toEqual(['prompt', 'schedule', 'timezone', 'delivery', 'channel', 'model']);
    assertWithinSlackLimits(view);
  });

  it('shows Name, Topic, Branch and Description after More options, or at once when the form holds one of them', () => {
    const tail = (v: { blocks: Parameters<typeof blockIds>[0] }) => blockIds(v.blocks).slice(-4);
    const more = buildRoutineModal({ form: makeForm({ name: '' }), metadata: { ...META, moreOptions: true } });
    expect(tail(more)).toEqual(['name', 'topic', 'branch', 'description']);
    expect(blockIds(more.blocks)).not.toContain('more_options');
    expect(readModalMetadata(more.private_metadata ?? '').moreOptions).toBe(true);
    for (const held of [{ name: 'Mine' }, { topicName: 'pipeline' }, { branchId: 'b-1' }, { description: 'd' }]) {
      const view = buildRoutineModal({ form: makeForm({ name: '', ...held }), metadata: META });
      expect(tail(view)).toEqual(['name', 'topic', 'branch', 'description']);
      // Once shown they stay shown, even if emptied: the metadata carries it to every rebuild.
      expect(readModalMetadata(view.private_metadata ?? '').moreOptions).toBe(true);
    }
    const short = buildRoutineModal({ form: makeForm({ name: '' }), metadata: META });
    const button = blockById<{ elements: Array<Record<string, unknown>> }>(short.blocks, 'more_options').elements[0];
    expect(button).toMatchObject({ type: 'button', action_id: ACTION_ID.moreOptions, text: { text: 'More options' } });
    expect(readModalMetadata(short.private_metadata ?? '').moreOptions).toBeUndefined();
  });

  it('makes Name optional, suggesting the name the prompt would give', () => {
    const view = buildRoutineModal({ form: makeForm({ name: '', prompt: "summarise yesterday's pipeline" }), metadata: { ...META, moreOptions: true } });
    const name = blockById<InputBlock>(view.blocks, 'name');
    expect(name.optional).toBe(true);
    expect(element(name)).not.toHaveProperty('initial_value');
    expect(element(name).placeholder).toMatchObject({ text: "Summarise yesterday's pipeline" });
    expect(name.hint?.text).toMatch(/Leave it empty/);
  });

  it('labels the model "Omni model" with a hint saying what it is', () => {
    const model = blockById<InputBlock>(buildRoutineModal({ form: makeForm(), metadata: META }).blocks, 'model');
    expect(model.label.text).toBe('Omni model');
    expect(model.hint?.text).toMatch(/the data the AI answers from/i);
  });

  it('gives each input the action id of ids.ts, and keeps them across rebuilds', () => {
    const first = buildRoutineModal({ form: makeForm({ delivery: 'channel' }), metadata: META });
    const second = buildRoutineModal({ form: makeForm({ delivery: 'email' }), preview: OK_PREVIEW, metadata: META });
    const actionIds = (blocks: typeof first.blocks) =>
      Object.fromEntries(
        blocks.filter((b): b is InputBlock => b.type === 'input').map((b) => [b.block_id, element(b).action_id]),
      );
    const a = actionIds(first.blocks);
    const b = actionIds(second.blocks);
    for (const key of ['name', 'prompt', 'schedule', 'timezone', 'model', 'topic', 'branch', 'delivery', 'description'] as const) {
      expect(a[INPUT_BLOCK_ID[key]]).toBe(ACTION_ID[key]);
      expect(b[INPUT_BLOCK_ID[key]]).toBe(ACTION_ID[key]);
    }
    expect(a[INPUT_BLOCK_ID.channel]).toBe(ACTION_ID.channel);
    expect(b[INPUT_BLOCK_ID.recipients]).toBe(ACTION_ID.recipients);
    expect(b[INPUT_BLOCK_ID.emails]).toBe(ACTION_ID.emails);
  });

  it('preserves what the form holds as initial values', () => {
    const form = makeForm({
      description: 'For the sales leads',
      topicName: 'order_items',
      branchId: 'b-1',
      branchName: 'dev branch',
    });
    const view = buildRoutineModal({ form, metadata: META, now: NOW });
    expect(element(blockById<InputBlock>(view.blocks, 'name')).initial_value).toBe('Pipeline brief');
    expect(element(blockById<InputBlock>(view.blocks, 'prompt')).initial_value).toBe(form.prompt);
    expect(element(blockById<InputBlock>(view.blocks, 'schedule')).initial_value).toBe('every weekday at 9am');
    expect(element(blockById<InputBlock>(view.blocks, 'description')).initial_value).toBe('For the sales leads');
    expect(element(blockById<InputBlock>(view.blocks, 'timezone')).initial_option).toEqual({
      text: { type: 'plain_text', text: 'America/New_York (UTC\u221205:00)', emoji: false },
      value: 'America/New_York',
    });
    expect(element(blockById<InputBlock>(view.blocks, 'model')).initial_option).toMatchObject({
      text: { text: 'Sales' },
      value: form.modelId,
    });
    expect(element(blockById<InputBlock>(view.blocks, 'topic')).initial_option).toMatchObject({ value: 'order_items' });
    expect(element(blockById<InputBlock>(view.blocks, 'branch')).initial_option).toMatchObject({
      text: { text: 'dev branch' },
      value: 'b-1',
    });
    assertWithinSlackLimits(view);
  });

  it('leaves empty fields without initial values and asks for a model before topics', () => {
    const view = buildRoutineModal({
      form: makeForm({ name: '', prompt: '', schedule: '', timezone: '', modelId: '', modelName: undefined }),
      metadata: { source: 'global_shortcut', moreOptions: true },
    });
    expect(element(blockById<InputBlock>(view.blocks, 'name'))).not.toHaveProperty('initial_value');
    expect(element(blockById<InputBlock>(view.blocks, 'timezone'))).not.toHaveProperty('initial_option');
    expect(element(blockById<InputBlock>(view.blocks, 'model'))).not.toHaveProperty('initial_option');
    expect(blockById<InputBlock>(view.blocks, 'topic').hint?.text).toBe('Pick a model first.');
    expect(blockById<InputBlock>(view.blocks, 'branch').hint?.text).toBe('Pick a model first.');
    assertWithinSlackLimits(view);
  });

  it("preselects the user's zone when the form has none, labelled by name alone without a clock", () => {
    const view = buildRoutineModal({ form: makeForm({ timezone: '' }), metadata: META, userTimezone: 'Europe/London' });
    expect(element(blockById<InputBlock>(view.blocks, 'timezone')).initial_option).toMatchObject({
      text: { text: 'Europe/London' },
      value: 'Europe/London',
    });
  });

  it('configures the selects and the live schedule input', () => {
    const view = buildRoutineModal({ form: makeForm(), metadata: META });
    const schedule = blockById<InputBlock>(view.blocks, 'schedule');
    expect(schedule.dispatch_action).toBe(true);
    expect(element(schedule)).toMatchObject({
      type: 'plain_text_input',
      placeholder: { text: 'every weekday at 9am' },
      dispatch_action_config: { trigger_actions_on: ['on_enter_pressed', 'on_character_entered'] },
    });
    for (const id of ['timezone', 'model', 'topic', 'branch']) {
      expect(element(blockById<InputBlock>(view.blocks, id))).toMatchObject({ type: 'external_select', min_query_length: 0 });
    }
    expect(blockById<InputBlock>(view.blocks, 'model').dispatch_action).toBe(true);
    expect(blockById<InputBlock>(view.blocks, 'delivery').dispatch_action).toBe(true);
    expect(blockById<InputBlock>(view.blocks, 'topic').optional).toBe(true);
    expect(blockById<InputBlock>(view.blocks, 'branch').optional).toBe(true);
    expect(blockById<InputBlock>(view.blocks, 'description').optional).toBe(true);
    expect(blockById<InputBlock>(view.blocks, 'name').optional).toBe(true);
    expect(element(blockById<InputBlock>(view.blocks, 'name')).max_length).toBe(255);
    expect(element(blockById<InputBlock>(view.blocks, 'prompt'))).toMatchObject({ multiline: true, max_length: 3000 });
  });

  describe('delivery', () => {
    it('channel: a channels-only select showing the form\'s channel, and who will see the answers', () => {
      const view = buildRoutineModal({ form: makeForm({ delivery: 'channel', channelId: 'C0SALES' }), metadata: META });
      const radio = element(blockById<InputBlock>(view.blocks, 'delivery'));
      expect(blockById<InputBlock>(view.blocks, 'delivery').label.text).toBe('Deliver to');
      expect(radio.initial_option).toEqual({ text: { type: 'plain_text', text: 'Post in a channel', emoji: false }, value: 'channel' });
      expect((radio.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['dm', 'channel', 'email']);
      expect(blockById<InputBlock>(view.blocks, 'channel').dispatch_action).toBe(true);
      expect(element(blockById<InputBlock>(view.blocks, 'channel'))).toEqual({
        type: 'conversations_select',
        action_id: ACTION_ID.channel,
        placeholder: { type: 'plain_text', text: 'Pick a channel' },
        filter: { include: ['public', 'private'], exclude_bot_users: true },
        initial_conversation: 'C0SALES',
      });
      expect(mrkdwnTexts(view.blocks)).toContain(':busts_in_silhouette: Everyone in <#C0SALES> will see answers drawn from your Omni access.');
      assertWithinSlackLimits(view);
    });

    it('channel: never preselects a DM, nor the conversation the picker happens to be in', () => {
      const dm = buildRoutineModal({ form: makeForm({ delivery: 'channel', channelId: 'D0001' }), metadata: META });
      const select = element(blockById<InputBlock>(dm.blocks, 'channel'));
      expect(select).not.toHaveProperty('initial_conversation');
      expect(select).not.toHaveProperty('default_to_current_conversation');
      expect(mrkdwnTexts(dm.blocks).join('\n')).toContain('Everyone in the channel you pick will see');
      expect(mrkdwnTexts(dm.blocks).join('\n')).not.toContain('D0001');
    });

    it('dm (the default): one line saying only the user sees the answers, no recipient field', () => {
      const view = buildRoutineModal({ form: makeForm({ delivery: 'dm' }), metadata: META });
      const ids = blockIds(view.blocks);
      expect(ids).not.toContain('channel');
      expect(ids).not.toContain('recipients');
      expect(ids).not.toContain('emails');
      expect(mrkdwnTexts(view.blocks).join('\n')).toContain('Only you will see the answers');
      expect(element(blockById<InputBlock>(view.blocks, 'delivery')).initial_option).toMatchObject({ value: 'dm' });
      expect(element(blockById<InputBlock>(buildRoutineModal({ form: makeForm({ delivery: undefined as never }), metadata: META }).blocks, 'delivery')).initial_option).toMatchObject({ value: 'dm' });
      assertWithinSlackLimits(view);
    });

    it('email: people (max 100, kept) and extra addresses (kept)', () => {
      const users = Array.from({ length: 120 }, (_, i) => `U${i}`);
      const view = buildRoutineModal({
        form: makeForm({ delivery: 'email', recipientUserIds: users, emails: 'a@x.com, b@x.com' }),
        metadata: META,
      });
      expect(blockIds(view.blocks)).not.toContain('channel');
      const recipients = blockById<InputBlock>(view.blocks, 'recipients');
      expect(recipients.optional).toBe(true);
      expect(element(recipients)).toMatchObject({ type: 'multi_users_select', max_selected_items: 100 });
      expect(element(recipients).initial_users).toEqual(users.slice(0, 100));
      const emails = blockById<InputBlock>(view.blocks, 'emails');
      expect(emails.optional).toBe(true);
      // Slack cannot mark "one of these two" required: the line above them and the hint say it.
      expect(emails.hint?.text).toMatch(/at least one is needed/);
      expect(mrkdwnTexts(view.blocks).join('\n')).toMatch(/Add at least one person or one address/);
      expect(element(emails)).toMatchObject({
        multiline: true,
        initial_value: 'a@x.com, b@x.com',
        placeholder: { text: 'Extra addresses, separated by commas' },
      });
      assertWithinSlackLimits(view);
    });

    it('email with nobody chosen yet has no initial_users (Slack refuses an empty list)', () => {
      const view = buildRoutineModal({ form: makeForm({ delivery: 'email' }), metadata: META });
      expect(element(blockById<InputBlock>(view.blocks, 'recipients'))).not.toHaveProperty('initial_users');
    });
  });

  describe('schedule preview', () => {
    it('shows the schedule in words and the next runs, with the cron and zone id in a small line under them', () => {
      const view = buildRoutineModal({ form: makeForm(), preview: OK_PREVIEW, metadata: META });
      const preview = blockById<{ type: string; text: { text: string } }>(view.blocks, BLOCK_ID.schedulePreview);
      expect(preview.type).toBe('section');
      expect(preview.text.text).toBe('*Weekdays at 9:00 AM*, New York time\nNext runs: Mon 12 Jan 9:00 AM, Tue 13 Jan 9:00 AM, Wed 14 Jan 9:00 AM');
      const cron = blockById<{ type: string; elements: Array<{ text: string }> }>(view.blocks, 'schedule_cron');
      expect(cron.type).toBe('context');
      expect(cron.elements[0]?.text).toBe('Omni cron `0 9 ? * MON-FRI *` · America/New_York');
      expect(blockIds(view.blocks).indexOf('schedule_cron')).toBe(blockIds(view.blocks).indexOf(BLOCK_ID.schedulePreview) + 1);
    });

    it('stays quiet while the text cannot be a schedule yet, and has no cron line', () => {
      const typing = { input: 'ev', ok: false as const, error: { code: 'not_a_schedule' as const, message: "That doesn't look like a schedule. Say when it should run, for example:", alternative: 'every weekday at 9am' } };
      expect(buildSchedulePreviewText(typing)).toBe(buildSchedulePreviewText(null));
      expect(buildSchedulePreviewText(typing)).not.toMatch(/can't|doesn't|no_entry/);
      const view = buildRoutineModal({ form: makeForm({ schedule: 'ev' }), preview: typing, metadata: META });
      expect(blockIds(view.blocks)).not.toContain('schedule_cron');
      expect(blockById<{ type: string }>(view.blocks, BLOCK_ID.schedulePreview).type).toBe('context');
    });

    it('names the words it could not read inside a schedule instead of staying quiet', () => {
      const unread = interpretSchedule('every monday at 9 for the sales team', { timezone: 'UTC', now: new Date('2026-01-15T12:00:00Z') });
      expect(unread.ok).toBe(false);
      expect(buildSchedulePreviewText(unread)).toContain('for the sales team');
      const typing = interpretSchedule('every ban', { timezone: 'UTC', now: new Date('2026-01-15T12:00:00Z') });
      expect(buildSchedulePreviewText(typing)).toBe(buildSchedulePreviewText(null));
    });

    it('shows what a convention filled in as assumed', () => {
      const morning = interpretSchedule('every weekday morning', { timezone: 'UTC', now: new Date('2026-01-15T12:00:00Z') });
      expect(buildSchedulePreviewText(morning)).toContain('Assumed: “morning” read as 9:00 AM');
    });

    it('formats next runs in the preview zone even when given in UTC, and lists warnings', () => {
      const text = buildSchedulePreviewText({
        ...OK_PREVIEW,
        timezone: 'Europe/London',
        nextRuns: ['2026-03-30T01:30:00.000Z'],
        warnings: ['1:30 AM does not exist on 29 Mar (clocks go forward)'],
      });
      expect(text).toContain('Next runs: Mon 30 Mar 2:30 AM');
      expect(text.startsWith('*Weekdays at 9:00 AM*, London time')).toBe(true);
      expect(text).toContain(':warning: 1:30 AM does not exist on 29 Mar (clocks go forward)');
    });

    it('explains a refusal with its reason and one alternative', () => {
      expect(buildSchedulePreviewText(REFUSED_PREVIEW)).toBe(":bulb: Omni schedules can't skip weeks. Try _every Monday at 9am_.");
    });

    it('teaches what to type when there is no preview yet', () => {
      expect(buildSchedulePreviewText(null)).toContain('_every weekday at 9am_');
      expect(buildSchedulePreviewText(undefined)).toBe(buildSchedulePreviewText(null));
    });

    it('escapes what the user typed when it comes back in a refusal', () => {
      const text = buildSchedulePreviewText({ ...REFUSED_PREVIEW, error: { ...REFUSED_PREVIEW.error, message: `"${HOSTILE}" is not a schedule.` } });
      expect(text).not.toMatch(/<[!@#h]/);
      expect(text).toContain('&lt;!channel&gt; &amp; co');
    });
  });

  describe('hostile and long input', () => {
    it('puts typed text into plain_text initial values unchanged, cut to each max_length', () => {
      const long = 'x'.repeat(5000);
      const view = buildRoutineModal({
        form: makeForm({ name: HOSTILE, prompt: long, description: long, schedule: long, emails: long, delivery: 'email' }),
        metadata: META,
        preview: OK_PREVIEW,
        notice: long,
        lastFailure: long,
      });
      expect(element(blockById<InputBlock>(view.blocks, 'name')).initial_value).toBe(HOSTILE);
      const prompt = element(blockById<InputBlock>(view.blocks, 'prompt')).initial_value as string;
      expect(prompt.length).toBeLessThanOrEqual(3000);
      expect(prompt.endsWith('…')).toBe(true);
      assertWithinSlackLimits(view);
    });

    it('keeps a 3000-character prompt whole', () => {
      const prompt = 'p'.repeat(3000);
      const view = buildRoutineModal({ form: makeForm({ prompt }), preview: OK_PREVIEW, metadata: META, now: NOW });
      expect(element(blockById<InputBlock>(view.blocks, 'prompt')).initial_value).toBe(prompt);
      assertWithinSlackLimits(view);
    });

    it('clamps over-long model, topic and branch labels to option limits', () => {
      const view = buildRoutineModal({
        form: makeForm({ modelName: 'M'.repeat(200), topicName: 't'.repeat(120), branchId: 'b'.repeat(40) }),
        metadata: META,
      });
      assertWithinSlackLimits(view);
      expect((element(blockById<InputBlock>(view.blocks, 'topic')).initial_option as { value: string }).value).toHaveLength(120);
    });
  });

  describe('reopened from a failed draft', () => {
    it('shows the last failure and field errors at the top, escaped', () => {
      const view = buildRoutineModal({
        form: makeForm({ name: HOSTILE }),
        metadata: { source: 'retry', draftId: 'draft-1' },
        lastFailure: { code: 'model_not_found', message: 'You have no access to the model Sales.', retryable: false },
        errors: { schedule: `"${HOSTILE}" is not a schedule`, emails: 'x@evil.com is outside allowed domains' },
      });
      expect(view.blocks[0]?.block_id).toBe('last_failure');
      const text = mrkdwnTexts([view.blocks[0]])[0] ?? '';
      expect(text).toContain('*Last time this failed:* You have no access to the model Sales.');
      expect(text).toContain('• *Schedule:* "&lt;!channel&gt; &amp; co');
      expect(text).toContain('• *Email addresses:* x@evil.com is outside allowed domains');
      expect(text).not.toMatch(/<[!@]/);
      assertWithinSlackLimits(view);
    });

    it('shows nothing extra without a failure or errors', () => {
      const view = buildRoutineModal({ form: makeForm(), metadata: META, errors: {} });
      expect(blockIds(view.blocks)).not.toContain('last_failure');
    });
  });
});

describe('modal metadata', () => {
  it('round-trips through private_metadata', () => {
    const metadata: ModalMetadata = { source: 'message_shortcut', originChannelId: 'C1', messageTs: '1700000000.000100', draftId: 'd1', moreOptions: true };
    const view = buildRoutineModal({ form: makeForm(), metadata });
    expect(readModalMetadata(view.private_metadata ?? '')).toEqual(metadata);
  });

  it('never throws on garbage and keeps whatever fields are good', () => {
    expect(readModalMetadata('')).toEqual({ source: 'command' });
    expect(readModalMetadata('not json')).toEqual({ source: 'command' });
    expect(readModalMetadata('null')).toEqual({ source: 'command' });
    expect(readModalMetadata('[1,2]')).toEqual({ source: 'command' });
    expect(readModalMetadata(JSON.stringify({ source: 'nope', originChannelId: 42, draftId: 'd2' }))).toEqual({
      source: 'command',
      draftId: 'd2',
    });
  });

  it('stays short even with absurd values', () => {
    const raw = writeModalMetadata({ source: 'retry', originChannelId: 'C'.repeat(5000), draftId: 'd'.repeat(5000) });
    expect(raw.length).toBeLessThan(3000);
    expect(readModalMetadata(raw)).toEqual({ source: 'retry' });
  });
});

describe('account notice', () => {
  it('shows a problem with the user’s Omni account at the top, escaped, and keeps every input', () => {
    const notice = `Your Slack email ${HOSTILE} doesn't match any Omni user. Ask your Omni admin.`;
    const view = buildRoutineModal({ form: makeForm({ delivery: 'channel' }), metadata: { source: 'command' }, notice });
    expect(blockIds(view.blocks)[0]).toBe('account_notice');
    const text = mrkdwnTexts(view.blocks).join('\n');
    expect(text).toContain(':warning: Your Slack email');
    expect(text).not.toMatch(/<!channel>/);
    expect(blockIds(view.blocks)).toEqual(expect.arrayContaining(Object.values(INPUT_BLOCK_ID).filter((id) => !['recipients', 'emails'].includes(id))));
    assertWithinSlackLimits(view);
    expect(blockIds(buildRoutineModal({ form: makeForm(), metadata: { source: "command" } }).blocks)).not.toContain('account_notice');
  });
});
