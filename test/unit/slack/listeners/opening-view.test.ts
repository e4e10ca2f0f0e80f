/**
 * The opening form is built once per minute for the same inputs and sent as serialised text (open-modal.ts). What
 * must hold: what is sent is exactly what building it anew gives, for every input, and time moves it on.
 */
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../../src/config.js';
import { buildFilledModal, buildOpeningView, createModalState } from '../../../../src/slack/listeners/open-modal.js';
import type { ListenerDeps } from '../../../../src/slack/listeners/deps.js';
import { EMPTY_FORM, type RoutineForm } from '../../../../src/routines/types.js';

const config = loadConfig({
  SLACK_BOT_TOKEN: 'xoxb-test',
  SLACK_SIGNING_SECRET: 'secret',
  OMNI_BASE_URL: 'https://acme.omniapp.co',
  OMNI_API_KEY: 'omni_test_key_0123456789abcdef',
  DEFAULT_TIMEZONE: 'UTC',
});

/** The parts of the deps the opening view reads; one app = one ModalState. */
function depsAt(time: { now: Date }): ListenerDeps {
  return { config, clock: () => new Date(time.now), modals: createModalState() } as unknown as ListenerDeps;
}

const form = (over: Partial<RoutineForm> = {}): RoutineForm => ({ ...EMPTY_FORM, modelId: 'm1', modelName: 'Sales', ...over });
const fresh = (deps: ListenerDeps, f: RoutineForm, metadata: Parameters<typeof buildFilledModal>[2], options = {}) => JSON.stringify(buildFilledModal(deps, f, metadata, options));

describe('the opening view', () => {
  it('is what building the form anew gives, whatever differs between two opens', () => {
    const time = { now: new Date('2026-03-07T12:00:10Z') };
    const deps = depsAt(time);
    const cases: Array<[RoutineForm, Parameters<typeof buildFilledModal>[2], { userTimezone?: string; lastFailure?: string }]> = [
      [form(), { source: 'command' }, {}],
      [form(), { source: 'command', originChannelId: 'C0001' }, {}],
      [form(), { source: 'command', originChannelId: 'C0002' }, {}],
      [form(), { source: 'command', originChannelId: 'C0002' }, { userTimezone: 'Asia/Tokyo' }],
      [form({ timezone: 'Europe/Paris' }), { source: 'command' }, { userTimezone: 'Asia/Tokyo' }],
      [form({ delivery: 'email' }), { source: 'command' }, {}],
      [form({ modelId: 'm2', modelName: 'Marketing' }), { source: 'global_shortcut' }, {}],
      [form({ prompt: 'the weekly churn' }), { source: 'message_shortcut', messageTs: '1.2' }, {}],
      [form(), { source: 'retry', draftId: 'd1' }, { lastFailure: 'Omni did not answer.' }],
    ];
    for (const [f, metadata, options] of cases) {
      // Twice: built, then remembered; both must be the fresh build.
      expect(buildOpeningView(deps, f, metadata, options)).toBe(fresh(deps, f, metadata, options));
      expect(buildOpeningView(deps, f, metadata, options)).toBe(fresh(deps, f, metadata, options));
    }
  });

  it('moves on with time: the zone label after a DST change shows the new offset', () => {
    // New York springs forward at 2026-03-08 07:00 UTC.
    const time = { now: new Date('2026-03-08T06:59:30Z') };
    const deps = depsAt(time);
    const before = buildOpeningView(deps, form(), { source: 'command' }, { userTimezone: 'America/New_York' });
    expect(before).toContain('UTC\u221205:00');
    time.now = new Date('2026-03-08T07:00:05Z');
    const after = buildOpeningView(deps, form(), { source: 'command' }, { userTimezone: 'America/New_York' });
    expect(after).toContain('UTC\u221204:00');
    expect(after).toBe(fresh(deps, form(), { source: 'command' }, { userTimezone: 'America/New_York' }));
  });

  it('counts a typed schedule’s next runs from now, every time', () => {
    const time = { now: new Date('2026-03-09T08:59:50Z') };
    const deps = depsAt(time);
    const withSchedule = form({ schedule: 'every day at 9am' });
    const first = buildOpeningView(deps, withSchedule, { source: 'command' }, {});
    time.now = new Date('2026-03-09T09:00:20Z');
    const second = buildOpeningView(deps, withSchedule, { source: 'command' }, {});
    expect(second).toBe(fresh(deps, withSchedule, { source: 'command' }, {}));
    expect(second).not.toBe(first);
  });

  it('is remembered per app: another app’s configuration builds its own', () => {
    const time = { now: new Date('2026-03-09T10:00:00Z') };
    const paris = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret', OMNI_BASE_URL: 'https://acme.omniapp.co', OMNI_API_KEY: 'omni_test_key_0123456789abcdef', DEFAULT_TIMEZONE: 'Europe/Paris' });
    const utcApp = depsAt(time);
    const parisApp = { ...depsAt(time), config: paris } as ListenerDeps;
    buildOpeningView(utcApp, form(), { source: 'command' }, {});
    expect(buildOpeningView(parisApp, form(), { source: 'command' }, {})).toContain('Europe/Paris');
  });
});
