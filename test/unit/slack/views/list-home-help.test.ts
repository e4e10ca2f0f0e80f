import { describe, expect, it } from '@jest/globals';
import type { ActionsBlock, Button, SectionBlock } from '@slack/types';
import { ACTION_ID } from '../../../../src/slack/ids.js';
import { buildHelpMessage, buildHomeView, buildRoutineListMessage } from '../../../../src/slack/views/index.js';
import { blockById, blockIds, HOSTILE, makeRoutine, makeRoutines, mrkdwnTexts } from './fixtures.js';
import { assertMessageWithinSlackLimits, assertWithinSlackLimits } from './limits.js';

describe('buildRoutineListMessage', () => {
  it('teaches /routine when there are none', () => {
    const message = buildRoutineListMessage({ routines: [] });
    const text = mrkdwnTexts(message.blocks).join('\n');
    expect(text).toContain('You have no routines yet');
    expect(text).toContain("`/routine every weekday at 9am summarise yesterday's pipeline`");
    expect(message.text).toContain('/routine');
    assertMessageWithinSlackLimits(message);
  });

  it('lists each routine with its buttons', () => {
    const message = buildRoutineListMessage({ routines: makeRoutines(3) });
    expect(message.text).toBe('Your routines (3).');
    expect(blockIds(message.blocks)).toEqual(expect.arrayContaining(['routine_actions:routine-000', 'routine_actions:routine-002']));
    assertMessageWithinSlackLimits(message);
  });

  it('stays within 50 blocks with many routines and says how many more', () => {
    const message = buildRoutineListMessage({ routines: makeRoutines(60), truncatedCount: 5 });
    assertMessageWithinSlackLimits(message);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const shown = message.blocks.filter((b) => b.type === 'actions').length;
    expect(shown).toBeGreaterThan(10);
    expect(mrkdwnTexts(message.blocks).join('\n')).toContain(`…and ${65 - shown} more.`);
    expect(message.text).toBe(`Your routines: showing ${shown} of 65.`);
  });

  it('drops a repeated routine instead of repeating a block_id', () => {
    const routine = makeRoutine();
    const message = buildRoutineListMessage({ routines: [routine, routine] });
    expect(message.blocks.filter((b) => b.type === 'actions')).toHaveLength(1);
    assertMessageWithinSlackLimits(message);
  });
});

describe('buildHomeView', () => {
  it('has the header, New routine and Refresh, and the routines', () => {
    const view = buildHomeView({ routines: makeRoutines(2) });
    expect(view.type).toBe('home');
    expect(view.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Your routines' } });
    const top = blockById<ActionsBlock>(view.blocks, 'home_actions').elements as Button[];
    expect(top.map((b) => b.action_id)).toEqual([ACTION_ID.openModal, ACTION_ID.refreshHome]);
    expect(blockIds(view.blocks)).toEqual(expect.arrayContaining(['routine:routine-000', 'routine:routine-001']));
    assertWithinSlackLimits(view);
  });

  it('teaches /routine with three examples when empty', () => {
    const view = buildHomeView({ routines: [] });
    const text = mrkdwnTexts(view.blocks).join('\n');
    expect(text).toContain('You have no routines yet');
    expect(text.match(/`\/routine [^`]+`/g)).toHaveLength(3);
    assertWithinSlackLimits(view);
  });

  it('shows a problem instead of the empty state, escaped', () => {
    const view = buildHomeView({ problem: `I couldn't find your Omni account (${HOSTILE}). Ask your Omni admin.` });
    const problem = blockById<SectionBlock>(view.blocks, 'home_problem').text?.text ?? '';
    expect(problem).toContain("I couldn't find your Omni account (&lt;!channel&gt; &amp; co");
    expect(mrkdwnTexts(view.blocks).join('\n')).not.toContain('You have no routines yet');
    assertWithinSlackLimits(view);
  });

  it('shows a loading state', () => {
    const view = buildHomeView({ loading: true });
    expect(mrkdwnTexts(view.blocks).join('\n')).toContain('Loading your routines…');
    expect(mrkdwnTexts(view.blocks).join('\n')).not.toContain('You have no routines yet');
    assertWithinSlackLimits(view);
  });

  it('lists failed drafts with Try again and Discard', () => {
    const view = buildHomeView({
      routines: [],
      drafts: [
        { id: 'd1', name: HOSTILE, lastError: 'Omni was unavailable.' },
        { id: 'd1', name: 'duplicate' },
      ],
    });
    const buttons = blockById<ActionsBlock>(view.blocks, 'draft_actions:d1').elements as Button[];
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      [ACTION_ID.retry, 'd1'],
      [ACTION_ID.discard, 'd1'],
    ]);
    const text = mrkdwnTexts(view.blocks).join('\n');
    expect(text).toContain('Omni was unavailable.');
    expect(text).not.toMatch(/<[!@]/);
    assertWithinSlackLimits(view);
  });

  it('truncates 60 routines to 100 blocks with a note', () => {
    const view = buildHomeView({ routines: makeRoutines(60), drafts: [{ id: 'd1', name: 'x' }] });
    assertWithinSlackLimits(view);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const shown = view.blocks.filter((b) => b.block_id?.startsWith('routine:')).length;
    expect(shown).toBeGreaterThan(20);
    expect(shown).toBeLessThan(60);
    expect(blockById<{ elements: Array<{ text: string }> }>(view.blocks, 'home_more').elements[0]?.text).toBe(
      `Showing ${shown} of 60 routines. See the rest in Omni.`,
    );
  });

  it('stays within limits with 60 routines of 3000-char hostile fields', () => {
    const long = `${HOSTILE} `.repeat(60).slice(0, 3000);
    const routines = makeRoutines(60).map((r) => ({ ...r, name: long, prompt: long, delivery: { kind: 'email' as const, recipients: [long], groupCount: 0 } }));
    assertWithinSlackLimits(buildHomeView({ routines }));
  });
});

describe('buildHelpMessage', () => {
  it('is short and names every way in and what cannot be done', () => {
    const help = buildHelpMessage();
    assertMessageWithinSlackLimits(help);
    const text = mrkdwnTexts(help.blocks).join('\n');
    for (const expected of ['`/routine new`', '`/routine list`', "`/routine every weekday at 9am summarise yesterday's pipeline`", 'every other week', 'single date', 'New routine', 'Create routine from message']) {
      expect(text).toContain(expected);
    }
    expect(text.length).toBeLessThan(1500);
  });
});
