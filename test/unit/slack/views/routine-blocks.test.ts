import { describe, expect, it } from '@jest/globals';
import type { ActionsBlock, Button, Overflow, SectionBlock } from '@slack/types';
import { ACTION_ID } from '../../../../src/slack/ids.js';
import { buildDeliveryText, buildLastRunText, buildRoutineBlocks, buildStatusText, cardMenuValue, readCardMenuValue } from '../../../../src/slack/views/index.js';
import { assertMessageWithinSlackLimits, findBlocksProblems } from '../../../fakes/slack-view-rules.js';
import { blockById, HOSTILE, makeRoutine, mrkdwnTexts } from './fixtures.js';

function buttons(blocks: ReturnType<typeof buildRoutineBlocks>, id: string): Button[] {
  return blockById<ActionsBlock>(blocks, `routine_actions:${id}`).elements.filter((e): e is Button => e.type === 'button');
}

function menu(blocks: ReturnType<typeof buildRoutineBlocks>, id: string): Overflow {
  const found = blockById<ActionsBlock>(blocks, `routine_actions:${id}`).elements.find((e): e is Overflow => e.type === 'overflow');
  if (!found) throw new Error('no menu');
  expect(found.action_id).toBe(ACTION_ID.cardMenu);
  return found;
}

/** The card's controls in order: buttons by action id, the menu as `menu:<choices>`. */
function controls(blocks: ReturnType<typeof buildRoutineBlocks>, id: string): string[] {
  return blockById<ActionsBlock>(blocks, `routine_actions:${id}`).elements.map((e) =>
    e.type === 'overflow' ? `menu:${(e as Overflow).options.map((o) => (o.value ?? '').split(':')[0]).join(',')}` : ((e as Button).action_id ?? ''),
  );
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

  it('has one button (Run now, asking first) and a menu with Edit, Pause and Delete on an active routine', () => {
    const routine = makeRoutine();
    const blocks = buildRoutineBlocks(routine, { context: 'home' });
    expect(controls(blocks, routine.id)).toEqual([ACTION_ID.runNow, 'menu:edit,pause,delete']);
    const [run] = buttons(blocks, routine.id);
    expect(run?.value).toBe(routine.id);
    expect(run?.style).toBeUndefined(); // no column of green buttons in a list
    // Run now delivers to every recipient and uses AI credits: Slack asks first.
    expect(run?.confirm?.text.text).toMatch(/all its recipients.*AI credits/);
    expect(menu(blocks, routine.id).options.map((o) => o.value)).toEqual([`edit:${routine.id}`, `pause:${routine.id}`, `delete:${routine.id}`]);
    expect(menu(blocks, routine.id).options.map((o) => o.text.text)).toEqual(['Edit', 'Pause', 'Delete…']);
    assertMessageWithinSlackLimits({ text: 'x', blocks });
  });

  it('makes the one button primary only where the card stands alone (the created message and view)', () => {
    const routine = makeRoutine();
    expect(buttons(buildRoutineBlocks(routine, { context: 'message' }), routine.id)[0]?.style).toBe('primary');
    expect(buttons(buildRoutineBlocks(makeRoutine({ status: 'paused' }), { context: 'message' }), routine.id)[0]?.style).toBe('primary');
    for (const context of ['home', 'list', 'message'] as const) {
      for (const status of ['active', 'paused', 'disabled'] as const) {
        for (const pausable of [true, false]) {
          const blocks = buildRoutineBlocks(makeRoutine({ status, pausable, omniUrl: 'https://acme.omniapp.co/routines/a1' }), { context });
          const elements = blockById<ActionsBlock>(blocks, `routine_actions:${routine.id}`).elements;
          expect(elements.filter((e) => e.type === 'button').length).toBeLessThanOrEqual(1);
          expect(elements.filter((e) => (e as Button).style === 'primary').length).toBeLessThanOrEqual(1);
          expect(elements.filter((e) => e.type === 'overflow')).toHaveLength(1);
          expect(findBlocksProblems(blocks)).toEqual([]);
        }
      }
    }
  });

  it('offers Resume (not Run now or Pause) on a paused routine, and says nothing runs', () => {
    const routine = makeRoutine({ status: 'paused' });
    const blocks = buildRoutineBlocks(routine, { context: 'list' });
    expect(controls(blocks, routine.id)).toEqual([ACTION_ID.resume, 'menu:edit,delete']);
    expect(buttons(blocks, routine.id)[0]?.value).toBe(routine.id);
    const text = mrkdwnTexts(blocks).join('\n');
    expect(text).toContain(':double_vertical_bar: Paused');
    expect(text).toContain('Next: none while paused');
    expect(text).not.toContain('Mon 12 Jan');
  });

  it("shows Omni's reason on a disabled routine, with no button: only the menu's Edit and Delete", () => {
    const routine = makeRoutine({ status: 'disabled', disabledReason: 'The model <Sales> is no longer shared' });
    const blocks = buildRoutineBlocks(routine, { context: 'home' });
    expect(controls(blocks, routine.id)).toEqual(['menu:edit,delete']);
    expect(buildStatusText(routine)).toBe(':no_entry: Disabled by Omni: The model &lt;Sales&gt; is no longer shared');
    expect(buildStatusText(makeRoutine({ status: 'disabled' }))).toBe(':no_entry: Disabled by Omni');
  });

  it('asks "Delete …?" in place of the button and menu, with Delete (the only thing that deletes) and Keep it', () => {
    const routine = makeRoutine({ name: HOSTILE });
    for (const context of ['home', 'list', 'message'] as const) {
      const blocks = buildRoutineBlocks(routine, { context, confirmDelete: true });
      expect(controls(blocks, routine.id)).toEqual([ACTION_ID.delete, ACTION_ID.keepRoutine]);
      const [del, keep] = buttons(blocks, routine.id);
      expect(del).toMatchObject({ style: 'danger', value: routine.id, text: { text: 'Delete' } });
      expect(del?.confirm).toBeUndefined(); // this press is the confirmation
      expect(keep).toMatchObject({ value: routine.id, text: { text: 'Keep it' } });
      const question = blockById<SectionBlock>(blocks, `routine_confirm:${routine.id}`).text?.text ?? '';
      expect(question).toMatch(/^:wastebasket: Delete \*.*\*\? This can't be undone\.$/);
      expect(question).toContain('&lt;!channel&gt; &amp; co');
      expect(findBlocksProblems(blocks)).toEqual([]);
      assertMessageWithinSlackLimits({ text: 'x', blocks });
    }
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
    expect(buttons(blocks, routine.id)[0]?.confirm?.text.text).toContain('<!channel> & co');
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

  it('hides Pause and Resume where the instance cannot pause, and links to Omni from the menu when it knows the address', () => {
    const active = makeRoutine({ pausable: false, omniUrl: 'https://acme.omniapp.co/routines/a1' });
    const blocks = buildRoutineBlocks(active, { context: 'home' });
    expect(controls(blocks, active.id)).toEqual([ACTION_ID.runNow, 'menu:edit,open,delete']);
    expect(menu(blocks, active.id).options[1]).toEqual({ text: { type: 'plain_text', text: 'Open in Omni' }, value: `open:${active.id}`, url: 'https://acme.omniapp.co/routines/a1' });
    const paused = makeRoutine({ status: 'paused', pausable: false });
    expect(controls(buildRoutineBlocks(paused, { context: 'list' }), paused.id)).toEqual(['menu:edit,delete']);
    const pausedLinked = makeRoutine({ status: 'paused', omniUrl: 'https://acme.omniapp.co/routines/a1' });
    expect(controls(buildRoutineBlocks(pausedLinked, { context: 'list' }), pausedLinked.id)).toEqual([ACTION_ID.resume, 'menu:edit,open,delete']);
  });

  it('reads back only the menu values it writes', () => {
    const id = makeRoutine().id;
    for (const choice of ['edit', 'pause', 'open', 'delete'] as const) expect(readCardMenuValue(cardMenuValue(choice, id))).toEqual({ choice, routineId: id });
    for (const forged of [undefined, '', id, 'run:' + id, 'resume:' + id, 'delete', 'DELETE:' + id, ':' + id]) expect(readCardMenuValue(forged)).toBeNull();
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
