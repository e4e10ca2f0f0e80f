import { describe, expect, it } from '@jest/globals';
import type { ActionsBlock, Button, SectionBlock } from '@slack/types';
import { ACTION_ID } from '../../../../src/slack/ids.js';
import { buildDeliveryText, buildLastRunText, buildRoutineBlocks, buildStatusText } from '../../../../src/slack/views/index.js';
import { blockById, HOSTILE, makeRoutine, mrkdwnTexts } from './fixtures.js';
import { assertMessageWithinSlackLimits } from './limits.js';

function buttons(blocks: ReturnType<typeof buildRoutineBlocks>, id: string): Button[] {
  return blockById<ActionsBlock>(blocks, `routine_actions:${id}`).elements as Button[];
}

describe('buildRoutineBlocks', () => {
  it('shows name, schedule in words with zone, next runs in the zone, delivery and last run', () => {
    const routine = makeRoutine({ lastRun: { completedAt: '2026-01-09T14:01:00.000Z', label: 'Delivered', state: 'COMPLETE' } });
    const blocks = buildRoutineBlocks(routine, { context: 'message' });
    const text = blockById<SectionBlock>(blocks, `routine:${routine.id}`).text?.text ?? '';
    expect(text.split('\n')).toEqual([
      '*Pipeline brief*  :large_green_circle: Active',
      ':calendar: Weekdays at 9:00 AM · America/New_York',
      'Next: Mon 12 Jan 9:00 AM, Tue 13 Jan 9:00 AM, Wed 14 Jan 9:00 AM',
      ':outbox_tray: Posted in <#C0SALES>',
      'Last run: Delivered · 9 Jan 9:01 AM',
    ]);
    expect(mrkdwnTexts(blocks).join('\n')).toContain("Summarise yesterday's pipeline by region");
    assertMessageWithinSlackLimits({ text: 'x', blocks });
  });

  it('has Run now, Pause and a confirmed Delete on an active routine, each carrying the routine id', () => {
    const routine = makeRoutine();
    const list = buttons(buildRoutineBlocks(routine, { context: 'home' }), routine.id);
    expect(list.map((b) => b.action_id)).toEqual([ACTION_ID.runNow, ACTION_ID.pause, ACTION_ID.edit, ACTION_ID.delete]);
    expect(list.every((b) => b.value === routine.id)).toBe(true);
    // Run now delivers to every recipient and uses AI credits: Slack asks first.
    expect(list[0]?.confirm?.text.text).toMatch(/all its recipients.*AI credits/);
    const del = list[3];
    expect(del?.style).toBe('danger');
    expect(del?.confirm?.text).toEqual({ type: 'plain_text', text: "Delete Pipeline brief? This can't be undone.", emoji: true });
    expect(del?.confirm?.style).toBe('danger');
  });

  it('offers Resume (not Run now or Pause) on a paused routine, and says nothing runs', () => {
    const routine = makeRoutine({ status: 'paused' });
    const blocks = buildRoutineBlocks(routine, { context: 'list' });
    expect(buttons(blocks, routine.id).map((b) => b.action_id)).toEqual([ACTION_ID.resume, ACTION_ID.edit, ACTION_ID.delete]);
    const text = mrkdwnTexts(blocks).join('\n');
    expect(text).toContain(':double_vertical_bar: Paused');
    expect(text).toContain('Next: none while paused');
    expect(text).not.toContain('Mon 12 Jan');
  });

  it("shows Omni's reason on a disabled routine and only offers Delete", () => {
    const routine = makeRoutine({ status: 'disabled', disabledReason: 'The model <Sales> is no longer shared' });
    const blocks = buildRoutineBlocks(routine, { context: 'home' });
    expect(buttons(blocks, routine.id).map((b) => b.action_id)).toEqual([ACTION_ID.edit, ACTION_ID.delete]);
    expect(buildStatusText(routine)).toBe(':no_entry: Disabled by Omni: The model &lt;Sales&gt; is no longer shared');
    expect(buildStatusText(makeRoutine({ status: 'disabled' }))).toBe(':no_entry: Disabled by Omni');
  });

  it('says "Not run yet" without a last run', () => {
    expect(buildLastRunText(makeRoutine())).toBe('Not run yet');
    expect(buildLastRunText(makeRoutine({ lastRun: { label: 'Failed', state: 'ERROR' } }))).toBe('Last run: Failed');
  });

  it('escapes a hostile name everywhere in mrkdwn and keeps it literal in the plain_text confirm', () => {
    const routine = makeRoutine({ name: HOSTILE, prompt: HOSTILE, delivery: { kind: 'email', recipients: [HOSTILE], groupCount: 0 } });
    const blocks = buildRoutineBlocks(routine, { context: 'message' });
    for (const text of mrkdwnTexts(blocks)) {
      expect(text).not.toMatch(/<[!@#h]/);
      expect(text).not.toMatch(/(^|[^\u2060])@here/);
    }
    expect(mrkdwnTexts(blocks).join('\n')).toContain('&lt;!channel&gt; &amp; co &lt;@U1&gt;');
    expect(buttons(blocks, routine.id)[3]?.confirm?.text.text).toContain('<!channel> & co');
    assertMessageWithinSlackLimits({ text: 'x', blocks });
  });

  it('cuts 3000-character fields and ids to Slack limits', () => {
    const long = '&<'.repeat(1500);
    const routine = makeRoutine({ id: 'i'.repeat(3000), name: long, prompt: long, scheduleText: long, delivery: { kind: 'email', recipients: [long, long], groupCount: 3 }, disabledReason: long });
    for (const context of ['message', 'home', 'list'] as const) {
      assertMessageWithinSlackLimits({ text: 'x', blocks: buildRoutineBlocks(routine, { context }) });
      assertMessageWithinSlackLimits({ text: 'x', blocks: buildRoutineBlocks({ ...routine, status: 'disabled' }, { context }) });
    }
  });

  it('hides Pause and Resume where the instance cannot pause, and links to Omni when it knows the address', () => {
    const active = makeRoutine({ pausable: false, omniUrl: 'https://acme.omniapp.co/routines/a1' });
    const list = buttons(buildRoutineBlocks(active, { context: 'home' }), active.id);
    expect(list.map((b) => b.action_id)).toEqual([ACTION_ID.runNow, ACTION_ID.edit, ACTION_ID.delete, ACTION_ID.openInOmni]);
    expect(list[3]?.url).toBe('https://acme.omniapp.co/routines/a1');
    const paused = makeRoutine({ status: 'paused', pausable: false });
    expect(buttons(buildRoutineBlocks(paused, { context: 'list' }), paused.id).map((b) => b.action_id)).toEqual([ACTION_ID.edit, ACTION_ID.delete]);
  });

  it('leaves the prompt out of compact lists', () => {
    const routine = makeRoutine();
    expect(buildRoutineBlocks(routine, { context: 'list' }).map((b) => b.type)).toEqual(['section', 'actions']);
    expect(buildRoutineBlocks(routine, { context: 'home' }).map((b) => b.type)).toEqual(['section', 'context', 'actions']);
  });
});

describe('buildDeliveryText', () => {
  it('says "other" for a destination the bot does not know', () => {
    expect(buildDeliveryText({ kind: 'other', omniType: 'teams' })).toBe('Delivery: other (set up in Omni)');
  });
  it('renders channel and DM ids as mentions, only when they are ids', () => {
    expect(buildDeliveryText({ kind: 'channel', channelId: 'C0SALES' })).toBe('Posted in <#C0SALES>');
    expect(buildDeliveryText({ kind: 'dm', userId: 'U0001' })).toBe('Sent as a DM to <@U0001>');
    expect(buildDeliveryText({ kind: 'channel', channelId: '<!channel>' })).toBe('Posted in a channel');
  });
  it('lists a few addresses as escaped text and counts the rest', () => {
    const text = buildDeliveryText({ kind: 'email', recipients: ['a@x.com', 'b@x.com', 'c@x.com', '<!here>@x.com'], groupCount: 2 });
    expect(text).toBe('Emailed to a@x.com, b@x.com, c@x.com and 3 more');
    expect(buildDeliveryText({ kind: 'email', recipients: ['<!channel>'], groupCount: 0 })).toBe('Emailed to &lt;!channel&gt;');
  });
});
