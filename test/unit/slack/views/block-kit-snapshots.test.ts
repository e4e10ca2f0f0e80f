/**
 * Every surface the bot shows, as Block Kit JSON a reviewer can paste into Block Kit Builder
 * (https://app.slack.com/block-kit-builder): modals and the Home tab as whole views, messages as `{ "blocks": … }`
 * (with their notification `text`). The files live in test/snapshots/block-kit/ and this test fails when a builder's
 * output no longer matches them. After an intended change, rewrite them with
 *   UPDATE_BLOCK_KIT_SNAPSHOTS=1 npm test -- block-kit-snapshots
 * and review the diff. A normal run only reads them, so the tree stays clean.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { View } from '@slack/types';
import { checkRoutineForm, previewSchedule } from '../../../../src/routines/check-form.js';
import type { RoutineForm, UserFacingFailure } from '../../../../src/routines/types.js';
import { toBlockErrors } from '../../../../src/slack/listeners/views.js';
import { buildFailureMessage } from '../../../../src/slack/views/failure-message.js';
import {
  buildCreatedMessage,
  buildCreatedView,
  buildCreatingView,
  buildFailureView,
  buildHelpMessage,
  buildHomeView,
  buildRoutineListMessage,
  buildRoutineModal,
  buildTextMessage,
  buildUnknownCommandMessage,
  type ModalMetadata,
} from '../../../../src/slack/views/index.js';
import { buildSentenceCard, buildSentenceGuide } from '../../../../src/slack/views/sentence-card.js';
import { makeForm, makeRoutine } from './fixtures.js';
import { assertMessageWithinSlackLimits, assertWithinSlackLimits } from '../../../fakes/slack-view-rules.js';

const DIR = join('test', 'snapshots', 'block-kit');
const UPDATE = process.env.UPDATE_BLOCK_KIT_SNAPSHOTS === '1';
const NOW = new Date('2026-03-02T15:00:00Z');
const POLICY = { defaultTimezone: 'UTC', minIntervalMinutes: 60, allowedEmailDomains: [] };
const COMMAND: ModalMetadata = { source: 'command', originChannelId: 'C0SALES' };

function modal(form: RoutineForm, metadata: ModalMetadata = COMMAND, extra: Partial<Parameters<typeof buildRoutineModal>[0]> = {}) {
  const view = buildRoutineModal({ form, preview: previewSchedule(form, POLICY, NOW), metadata, now: NOW, ...extra });
  assertWithinSlackLimits(view);
  return view;
}

function message(m: { text: string; blocks: unknown[] }) {
  assertMessageWithinSlackLimits(m);
  return { text: m.text, blocks: m.blocks };
}

function view(v: View) {
  assertWithinSlackLimits(v);
  return v;
}

const EMPTY = makeForm({ name: '', prompt: '', schedule: '', timezone: 'America/New_York', modelId: '', modelName: undefined });
const QUICK = makeForm({ name: '', prompt: "summarise yesterday's pipeline by rep", schedule: 'every weekday at 9am' });
const ACTIVE = makeRoutine({ nextRuns: ['2026-03-03T14:00:00.000Z', '2026-03-04T14:00:00.000Z', '2026-03-05T14:00:00.000Z'] });
const PAUSED = makeRoutine({ id: 'a1b2c3d4-0000-4000-8000-000000000002', name: 'Churn by segment', status: 'paused', nextRuns: [], delivery: { kind: 'dm', userId: 'U0001' } });
const DISABLED = makeRoutine({
  id: 'a1b2c3d4-0000-4000-8000-000000000003',
  name: 'Top accounts',
  status: 'disabled',
  disabledReason: 'The model is no longer shared.',
  nextRuns: [],
  delivery: { kind: 'email', recipients: ['ann@acme.com', 'bo@acme.com'], groupCount: 0 },
  lastRun: { label: 'Failed', state: 'FAILED', completedAt: '2026-03-01T14:01:00.000Z' },
});
const FAILURE: UserFacingFailure = { code: 'routine_limit', message: "You've reached the maximum number of active routines in Omni. Pause or delete one, then try again.", retryable: false };

function inlineErrors() {
  const form = makeForm({ schedule: 'every other week', modelId: '', delivery: 'email', emails: 'not-an-address' });
  const checked = checkRoutineForm(form, POLICY, NOW);
  if (checked.ok) throw new Error('expected errors');
  const shown = modal(form);
  const present = new Set(shown.blocks.map((b) => b.block_id).filter((id): id is string => typeof id === 'string'));
  return { response_action: 'errors', errors: toBlockErrors(checked.errors, present) };
}

const SURFACES: Record<string, () => unknown> = {
  'modal-empty': () => modal(EMPTY, { source: 'global_shortcut' }),
  'modal-quick-create': () => modal(QUICK),
  'modal-typing-schedule': () => modal(makeForm({ name: '', schedule: 'every' })),
  'modal-schedule-refused': () => modal(makeForm({ name: '', schedule: 'every other week' })),
  'modal-deliver-dm': () => modal(makeForm({ name: '', delivery: 'dm' })),
  'modal-deliver-channel': () => modal(makeForm({ name: '', delivery: 'channel', channelId: 'C0SALES' }), { source: 'message_shortcut', originChannelId: 'C0SALES', messageTs: '1700000000.000100' }),
  'modal-deliver-email': () => modal(makeForm({ name: '', delivery: 'email', recipientUserIds: ['U0002'], emails: 'cfo@acme.com' })),
  'modal-more-options': () => modal(makeForm({ name: '' }), { ...COMMAND, moreOptions: true }),
  'modal-account-notice': () => modal(EMPTY, COMMAND, { notice: "Your Slack email carol@elsewhere.com doesn't match any Omni user. Ask your Omni admin to invite you with that email, or ask your Slack admin to link your Omni account." }),
  'modal-retry-draft': () => modal(makeForm({ name: 'Pipeline brief' }), { source: 'retry', draftId: 'draft-42' }, { lastFailure: FAILURE }),
  'ack-inline-errors': inlineErrors,
  'view-creating': () => view(buildCreatingView(QUICK, previewSchedule(QUICK, POLICY, NOW))),
  'view-created': () => view(buildCreatedView(ACTIVE)),
  'view-failed': () => view(buildFailureView({ failure: FAILURE, form: QUICK, draftId: 'draft-42' })),
  'home-routines': () => view(buildHomeView({ routines: [ACTIVE, PAUSED, DISABLED], drafts: [{ id: 'draft-42', name: 'Weekly churn', lastError: FAILURE.message }], omniUrl: 'https://acme.omniapp.co' })),
  'home-empty': () => view(buildHomeView({ routines: [] })),
  'home-loading': () => view(buildHomeView({ loading: true })),
  'home-confirm-delete': () => view(buildHomeView({ routines: [ACTIVE, PAUSED], omniUrl: 'https://acme.omniapp.co', confirmDeleteId: PAUSED.id })),
  'message-created': () => message(buildCreatedMessage(ACTIVE)),
  'message-failed': () => message(buildFailureMessage({ failure: FAILURE, form: makeForm(), draftId: 'draft-42' })),
  'message-list': () => message(buildRoutineListMessage({ routines: [ACTIVE, PAUSED, DISABLED] })),
  'message-list-empty': () => message(buildRoutineListMessage({ routines: [] })),
  'message-help': () => message(buildHelpMessage()),
  'message-unknown-command': () => message(buildUnknownCommandMessage('frobnicate')),
  'message-sentence-card': () =>
    message(buildSentenceCard({ cardId: 'c0ffee00-0000-4000-8000-000000000001', form: makeForm({ name: '', delivery: 'channel', channelId: 'C0SALES' }), preview: previewSchedule(makeForm(), POLICY, NOW) })),
  'message-sentence-card-refused': () => {
    const form = makeForm({ name: '', schedule: 'every other week on monday at 9am', delivery: 'dm' });
    const checked = checkRoutineForm(form, POLICY, NOW);
    return message(buildSentenceCard({ cardId: 'c0ffee00-0000-4000-8000-000000000002', form, preview: previewSchedule(form, POLICY, NOW), problems: checked.ok ? {} : checked.errors }));
  },
  'message-sentence-guide': () => message(buildSentenceGuide('unclear')),
  'message-run-now': () => message(buildTextMessage('“Pipeline brief” is running now; the result goes to its recipients in a few minutes.')),
};

describe('Block Kit snapshots (test/snapshots/block-kit)', () => {
  it.each(Object.keys(SURFACES))('%s matches its committed JSON', (name) => {
    const json = `${JSON.stringify(SURFACES[name]?.(), null, 2)}\n`;
    const file = join(DIR, `${name}.json`);
    if (UPDATE) {
      mkdirSync(DIR, { recursive: true });
      writeFileSync(file, json);
      return;
    }
    if (!existsSync(file)) throw new Error(`${file} is missing: run UPDATE_BLOCK_KIT_SNAPSHOTS=1 npm test -- block-kit-snapshots`);
    expect(json).toBe(readFileSync(file, 'utf8'));
  });
});
