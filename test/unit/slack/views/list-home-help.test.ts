import { describe, expect, it } from '@jest/globals';
import type { ActionsBlock, Button, SectionBlock } from '@slack/types';
import { ACTION_ID } from '../../../../src/slack/ids.js';
import { readFileSync } from 'node:fs';
import {
  buildHelpMessage,
  buildHomeView,
  buildRoutineListMessage,
  buildTextMessage,
  buildUnknownCommandMessage,
  readHomePage,
} from '../../../../src/slack/views/index.js';
import { blockById, blockIds, HOSTILE, makeRoutine, makeRoutines, mrkdwnTexts } from './fixtures.js';
import { assertMessageWithinSlackLimits, assertWithinSlackLimits } from '../../../fakes/slack-view-rules.js';

describe('buildRoutineListMessage', () => {
  it('teaches /routine when there are none', () => {
    const message = buildRoutineListMessage({ routines: [] });
    const text = mrkdwnTexts(message.blocks).join('\n');
    expect(text).toContain('You have no routines yet');
    expect(text).toContain("`/routine every weekday at 9am summarise yesterday's pipeline`");
    // The notification text is the first block's headline.
    expect(mrkdwnTexts(message.blocks)[0]?.startsWith(message.text)).toBe(true);
    assertMessageWithinSlackLimits(message);
  });

  it('lists each routine with its buttons', () => {
    const message = buildRoutineListMessage({ routines: makeRoutines(3) });
    expect(message.text).toBe('*Your routines* (3)');
    expect(mrkdwnTexts(message.blocks)[0]).toBe(message.text);
    // In a list no card has a green button: the eye goes nowhere in particular.
    expect(message.blocks.flatMap((b) => (b.type === 'actions' ? (b.elements as Button[]) : [])).filter((e) => e.style === 'primary')).toHaveLength(0);
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
    expect(message.text).toBe(`*Your routines*: showing ${shown} of 65`);
    expect(mrkdwnTexts(message.blocks)[0]).toBe(message.text);
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

  it('pages 57 routines by 20, with Previous / Next, a count, a link to Omni, and the page in its metadata', () => {
    const routines = makeRoutines(57);
    const pageOf = (view: ReturnType<typeof buildHomeView>) => view.blocks.filter((b) => b.block_id?.startsWith('routine:')).map((b) => b.block_id);
    const pager = (view: ReturnType<typeof buildHomeView>) => (blockById<ActionsBlock>(view.blocks, 'home_pager').elements as Button[]).map((b) => [b.text.text, b.action_id, b.value]);
    const first = buildHomeView({ routines, omniUrl: 'https://acme.omniapp.co' });
    expect(pageOf(first)).toEqual(routines.slice(0, 20).map((r) => `routine:${r.id}`));
    expect(pager(first)).toEqual([['Next', ACTION_ID.homeNext, '1']]);
    expect(blockById<{ elements: Array<{ text: string }> }>(first.blocks, 'home_pages').elements[0]?.text).toBe(
      'Routines 1–20 of 57, page 1 of 3 · <https://acme.omniapp.co|Open Omni>',
    );
    expect(readHomePage(first.private_metadata)).toBe(0);
    const middle = buildHomeView({ routines, page: 1 });
    expect(pageOf(middle)).toEqual(routines.slice(20, 40).map((r) => `routine:${r.id}`));
    expect(pager(middle)).toEqual([
      ['Previous', ACTION_ID.homePrevious, '0'],
      ['Next', ACTION_ID.homeNext, '2'],
    ]);
    const last = buildHomeView({ routines, page: 99 });
    expect(pageOf(last)).toEqual(routines.slice(40).map((r) => `routine:${r.id}`));
    expect(pager(last)).toEqual([['Previous', ACTION_ID.homePrevious, '1']]);
    expect(readHomePage(last.private_metadata)).toBe(2);
    for (const view of [first, middle, last]) assertWithinSlackLimits(view);
    // Twenty routines or fewer: one page, no pager.
    expect(blockIds(buildHomeView({ routines: makeRoutines(20) }).blocks)).not.toContain('home_pager');
  });

  it('reads the page back from private_metadata, and anything odd as the first page', () => {
    expect(readHomePage('{"page":3}')).toBe(3);
    for (const raw of [undefined, '', 'x', '{"page":-1}', '{"page":1.5}', '{"page":"2"}', 'null']) expect(readHomePage(raw)).toBe(0);
  });

  it('has one primary button at most: New routine at the top, none on the routine cards', () => {
    const view = buildHomeView({ routines: makeRoutines(25) });
    const buttons = view.blocks.flatMap((b) => (b.type === 'actions' ? ((b as ActionsBlock).elements as Button[]) : []));
    expect(buttons.filter((b) => b.style === 'primary').map((b) => b.action_id)).toEqual([ACTION_ID.openModal]);
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
    for (const expected of ['`/routine new`', '`/routine list`', "`/routine every weekday at 9am summarise yesterday's pipeline`", 'every other week', 'single date', 'New Omni routine', 'Create routine from message']) {
      expect(text).toContain(expected);
    }
    expect(text.length).toBeLessThan(1500);
    // The names are the manifest's.
    const manifest = readFileSync('manifest.yml', 'utf8');
    for (const name of ['New Omni routine', 'Create routine from message']) expect(manifest).toContain(`name: ${name}`);
    expect(mrkdwnTexts(help.blocks)[0]?.replaceAll('`', '').startsWith(help.text)).toBe(true);
    // The sentence form comes first: in the notification text, and as the first way in, before the form.
    expect(help.text).toMatch(/Just say it: write to me, or mention me/);
    expect(text.indexOf('A DM to me or a mention')).toBeGreaterThan(-1);
    expect(text.indexOf('A DM to me or a mention')).toBeLessThan(text.indexOf('`/routine` or `/routine new`'));
    expect(text).toContain("every monday at 8am send #sales last week's pipeline by rep");
  });

  it('answers an unknown word by saying so first, in the blocks and the notification text', () => {
    const message = buildUnknownCommandMessage(`frobnicate${HOSTILE}`);
    expect(mrkdwnTexts(message.blocks)[0]).toMatch(/^I don't know “frobnicate&lt;!channel&gt;/);
    expect(message.text.startsWith(mrkdwnTexts(message.blocks)[0] ?? '-')).toBe(true);
    for (const text of mrkdwnTexts(message.blocks)) expect(text).not.toMatch(/<!channel>/);
    assertMessageWithinSlackLimits(message);
  });

  it('puts every short reply in blocks as well as in the text', () => {
    const message = buildTextMessage(':warning: That routine isn’t one of yours.');
    expect(message.text).toBe(':warning: That routine isn’t one of yours.');
    expect(mrkdwnTexts(message.blocks)).toEqual([message.text]);
    assertMessageWithinSlackLimits(message);
  });
});
