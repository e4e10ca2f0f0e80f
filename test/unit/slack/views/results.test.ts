import { describe, expect, it } from '@jest/globals';
import type { ActionsBlock, Button } from '@slack/types';
import type { UserFacingFailure } from '../../../../src/routines/types.js';
import { ACTION_ID, BLOCK_ID } from '../../../../src/slack/ids.js';
import { buildCreatedHeadline, buildCreatedMessage, buildCreatedView, buildCreatingView, buildFailureView } from '../../../../src/slack/views/index.js';
import { blockById, blockIds, HOSTILE, makeForm, makeRoutine, mrkdwnTexts, OK_PREVIEW } from './fixtures.js';
import { assertMessageWithinSlackLimits, assertWithinSlackLimits } from '../../../fakes/slack-view-rules.js';

const FAILURE: UserFacingFailure = { code: 'routine_limit', message: "You've reached the routine limit in Omni.", retryable: false };

describe('buildCreatingView', () => {
  it('has no submit, closes with "Close", and summarises name and schedule', () => {
    const view = buildCreatingView(makeForm(), OK_PREVIEW);
    expect(view.submit).toBeUndefined();
    expect(view.close?.text).toBe('Close');
    const text = mrkdwnTexts(view.blocks).join('\n');
    expect(text).toContain('Creating your routine…');
    expect(text).toContain('*Name:* Pipeline brief');
    expect(text).toContain('*Schedule:* Weekdays at 9:00 AM · America/New_York');
    expect(blockIds(view.blocks)).toContain(BLOCK_ID.status);
    assertWithinSlackLimits(view);
  });

  it('falls back to the typed schedule without a preview, escaped', () => {
    const view = buildCreatingView(makeForm({ name: HOSTILE, schedule: '<!here> daily' }), null);
    const text = mrkdwnTexts(view.blocks).join('\n');
    expect(text).toContain('*Schedule:* &lt;!here&gt; daily · America/New_York');
    expect(text).not.toMatch(/<[!@]/);
    assertWithinSlackLimits(view);
  });
});

describe('buildCreatedView', () => {
  it('shows the routine with its one (primary) button and its menu', () => {
    const routine = makeRoutine();
    const view = buildCreatedView(routine);
    expect(view.title.text).toBe('Routine created');
    expect(view.submit).toBeUndefined();
    const actions = blockById<ActionsBlock>(view.blocks, `routine_actions:${routine.id}`);
    expect((actions.elements as Button[]).map((b) => b.action_id)).toEqual([ACTION_ID.runNow, ACTION_ID.cardMenu]);
    expect((actions.elements[0] as Button).style).toBe('primary');
    assertWithinSlackLimits(view);
  });

  it('asks "Delete …?" in place of the button and menu when asked to, within limits', () => {
    const routine = makeRoutine();
    const view = buildCreatedView(routine, { confirmDelete: true });
    const actions = blockById<ActionsBlock>(view.blocks, `routine_actions:${routine.id}`);
    expect((actions.elements as Button[]).map((b) => b.action_id)).toEqual([ACTION_ID.delete, ACTION_ID.keepRoutine]);
    assertWithinSlackLimits(view);
  });

  it('stays within limits with a 3000-char prompt and a hostile name', () => {
    assertWithinSlackLimits(buildCreatedView(makeRoutine({ name: HOSTILE.repeat(20), prompt: 'p'.repeat(3000) })));
  });

  it('starts with the headline: name, schedule with its zone, first run, where the results go', () => {
    const routine = makeRoutine();
    expect(buildCreatedHeadline(routine)).toBe(
      ':white_check_mark: *Pipeline brief* is set up: weekdays at 9:00 AM EST, first run Mon 12 Jan, results to <#C0SALES>',
    );
    expect(mrkdwnTexts(buildCreatedView(routine).blocks)[0]).toBe(buildCreatedHeadline(routine));
    expect(buildCreatedHeadline(makeRoutine({ delivery: { kind: 'dm', userId: 'U0001' } }))).toMatch(/results to you by DM$/);
    expect(buildCreatedHeadline(makeRoutine({ delivery: { kind: 'email', recipients: ['a@x.com', 'b@x.com'], groupCount: 0 } }))).toMatch(
      /results by email to 2 recipients$/,
    );
    const paused = buildCreatedHeadline(makeRoutine({ nextRuns: [], timezone: 'Europe/London', name: HOSTILE }));
    expect(paused).toMatch(/^:white_check_mark: \*&lt;!channel&gt; &amp; co .*\* is set up: weekdays at 9:00 AM Europe\/London, results to <#C0SALES>$/);
    expect(paused.replace('<#C0SALES>', '')).not.toMatch(/<[!@#h]|@here/);
  });

  it('the message has the same headline as its notification text and first block, then the card', () => {
    const routine = makeRoutine();
    const message = buildCreatedMessage(routine);
    expect(message.text).toBe(buildCreatedHeadline(routine));
    expect(mrkdwnTexts(message.blocks)[0]).toBe(message.text);
    expect(blockIds(message.blocks)).toContain(`routine_actions:${routine.id}`);
    assertMessageWithinSlackLimits(message);
  });
});

describe('buildFailureView', () => {
  it('words the failure, summarises the draft, and offers Try again and Discard with the draft id', () => {
    const view = buildFailureView({ failure: FAILURE, form: makeForm({ delivery: 'channel', channelId: 'C0SALES' }), draftId: 'draft-42' });
    expect(view.submit).toBeUndefined();
    const text = mrkdwnTexts(view.blocks).join('\n');
    expect(text).toContain("You've reached the routine limit in Omni.");
    expect(text).toContain('*Name:* Pipeline brief');
    expect(text).toContain('*Schedule:* every weekday at 9am · America/New_York');
    expect(text).toContain('*Delivery:* <#C0SALES>');
    const buttons = blockById<ActionsBlock>(view.blocks, 'failure_actions').elements as Button[];
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      [ACTION_ID.retry, 'draft-42'],
      [ACTION_ID.discard, 'draft-42'],
    ]);
    expect(buttons[0]?.text.text).toBe('Try again');
    expect(buttons[1]?.text.text).toBe('Discard draft');
    assertWithinSlackLimits(view);
  });

  it('has no buttons without a draft id, and escapes the failure and the form', () => {
    const view = buildFailureView({
      failure: { code: 'invalid_request', message: `Omni said: ${HOSTILE}`, retryable: true },
      form: makeForm({ name: HOSTILE, delivery: 'channel', channelId: '<!channel>' }),
      draftId: '',
    });
    expect(blockIds(view.blocks)).not.toContain('failure_actions');
    for (const text of mrkdwnTexts(view.blocks)) expect(text).not.toMatch(/<[!@h]/);
    expect(mrkdwnTexts(view.blocks).join('\n')).toContain('*Delivery:* Post in a channel');
    assertWithinSlackLimits(view);
  });

  it('stays within limits with 3000-char fields', () => {
    const long = '<&>'.repeat(1000);
    assertWithinSlackLimits(
      buildFailureView({ failure: { code: 'invalid_request', message: long, retryable: true }, form: makeForm({ name: long, schedule: long }), draftId: 'd'.repeat(3000) }),
    );
  });
});

describe('failures whose outcome is unknown', () => {
  it('say "not confirmed" rather than "not created", in the view and in the message', async () => {
    const { buildFailureMessage } = await import('../../../../src/slack/views/failure-message.js');
    const failure: UserFacingFailure = { code: 'ambiguous', message: "Omni didn't confirm whether the routine was created.", retryable: true };
    const view = buildFailureView({ failure, form: makeForm(), draftId: 'd1' });
    const text = mrkdwnTexts(view.blocks).join('\n');
    expect(text).toContain("Omni didn't confirm your routine");
    expect(text).not.toContain("wasn't created");
    expect(view.title.text).toBe('Not confirmed');
    const message = buildFailureMessage({ failure, form: makeForm(), draftId: 'd1' });
    expect(message.text).toContain("wasn't confirmed by Omni");
    const plain = buildFailureMessage({ failure: FAILURE, form: makeForm(), draftId: 'd1' });
    expect(plain.text).toContain('was not created');
    // The headline is the notification text and the first block alike.
    expect(mrkdwnTexts(plain.blocks)[0]).toBe(plain.text);
    expect(mrkdwnTexts(message.blocks)[0]).toBe(message.text);
  });
});
