// A second opinion: every builder's output through the rules the fake Slack Web API enforces (written separately
// from limits.ts), so the two readings of Slack's reference have to agree on our views.
import { describe, expect, it } from '@jest/globals';
import { findBlocksProblems, findViewProblems } from '../../../fakes/slack-view-rules.js';
import {
  buildCreatedView,
  buildCreatingView,
  buildFailureView,
  buildHelpMessage,
  buildHomeView,
  buildRoutineBlocks,
  buildRoutineListMessage,
  buildRoutineModal,
} from '../../../../src/slack/views/index.js';
import { HOSTILE, makeForm, makeRoutine, makeRoutines, OK_PREVIEW, REFUSED_PREVIEW } from './fixtures.js';

const long = `${HOSTILE} `.repeat(100).slice(0, 3000);
const NOW = new Date('2026-01-12T12:00:00Z');

describe('view builders against the fake Slack rules', () => {
  const modals = {
    'modal, channel': buildRoutineModal({ form: makeForm(), preview: OK_PREVIEW, metadata: { source: 'command', originChannelId: 'C1' }, now: NOW }),
    'modal, dm, refused': buildRoutineModal({ form: makeForm({ delivery: 'dm' }), preview: REFUSED_PREVIEW, metadata: { source: 'home' } }),
    'modal, email, long': buildRoutineModal({
      form: makeForm({ delivery: 'email', name: long, prompt: long, emails: long, description: long, recipientUserIds: ['U1', 'U2'] }),
      metadata: { source: 'retry', draftId: 'd1' },
      lastFailure: long,
      errors: { schedule: long },
    }),
    creating: buildCreatingView(makeForm({ name: long }), OK_PREVIEW),
    created: buildCreatedView(makeRoutine({ name: long, prompt: long })),
    failure: buildFailureView({ failure: { code: 'invalid_request', message: long, retryable: false }, form: makeForm({ name: long }), draftId: 'd1' }),
  };

  it.each(Object.entries(modals))('%s has no problems', (_name, view) => {
    expect(findViewProblems(view, 'modal')).toEqual([]);
  });

  it('home views have no problems', () => {
    for (const view of [
      buildHomeView({ routines: makeRoutines(60), drafts: [{ id: 'd1', name: long, lastError: long }] }),
      buildHomeView({ routines: [] }),
      buildHomeView({ loading: true }),
      buildHomeView({ problem: long }),
    ]) {
      expect(findViewProblems(view, 'home')).toEqual([]);
    }
  });

  it('home views and lists asking "Delete …?" on one card have no problems', () => {
    const routines = makeRoutines(60);
    const confirmDeleteId = routines[3]?.id ?? '';
    expect(findViewProblems(buildHomeView({ routines, confirmDeleteId }), 'home')).toEqual([]);
    expect(findBlocksProblems(buildRoutineListMessage({ routines, confirmDeleteId }).blocks)).toEqual([]);
    expect(findViewProblems(buildCreatedView(makeRoutine({ name: long }), { confirmDelete: true }), 'modal')).toEqual([]);
  });

  it('refuses overflow menus the way Slack does: 2 to 5 plain-text options, text ≤ 75, value ≤ 150, url ≤ 3000', () => {
    const option = (i: number, extra: Record<string, unknown> = {}) => ({ text: { type: 'plain_text', text: `Option ${i}` }, value: `v${i}`, ...extra });
    const withMenu = (options: unknown[]) => [{ type: 'actions', block_id: 'a', elements: [{ type: 'overflow', action_id: 'm', options }] }];
    expect(findBlocksProblems(withMenu([option(1), option(2, { url: 'https://example.com/x' })]))).toEqual([]);
    expect(findBlocksProblems(withMenu([1, 2, 3, 4, 5].map((i) => option(i))))).toEqual([]);
    const refused = (options: unknown[]) => findBlocksProblems(withMenu(options)).join('\n');
    expect(refused([option(1)])).toMatch(/at least 2 items.*options/);
    expect(refused([1, 2, 3, 4, 5, 6].map((i) => option(i)))).toMatch(/no more than 5 items/);
    expect(refused([option(1, { text: { type: 'plain_text', text: 'x'.repeat(76) } }), option(2)])).toMatch(/options\/0\/text\/text/);
    expect(refused([option(1, { text: { type: 'mrkdwn', text: '*x*' } }), option(2)])).toMatch(/options\/0\/text\/type/);
    expect(refused([option(1, { value: 'v'.repeat(151) }), option(2)])).toMatch(/options\/0\/value/);
    expect(refused([option(1, { url: `https://example.com/${'x'.repeat(3000)}` }), option(2)])).toMatch(/options\/0\/url/);
    expect(refused([option(1, { confirm: { title: { type: 'plain_text', text: 'Sure?' } } }), option(2)])).toMatch(/options\/0\/confirm/);
    // A url is for overflow options only.
    const select = [{ type: 'actions', block_id: 'a', elements: [{ type: 'static_select', action_id: 's', options: [option(1, { url: 'https://example.com' })] }] }];
    expect(findBlocksProblems(select).join('\n')).toMatch(/url is only allowed in overflow menus/);
  });

  it('messages have no problems', () => {
    for (const message of [
      buildRoutineListMessage({ routines: makeRoutines(60) }),
      buildRoutineListMessage({ routines: [] }),
      buildHelpMessage(),
      { blocks: buildRoutineBlocks(makeRoutine({ status: 'disabled', disabledReason: long }), { context: 'message' }) },
    ]) {
      expect(findBlocksProblems(message.blocks)).toEqual([]);
    }
  });
});
