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
    failure: buildFailureView({ failure: { code: 'x', message: long, retryable: false }, form: makeForm({ name: long }), draftId: 'd1' }),
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
