/**
 * The modal's follow-up (a newcomer's zone filled in, and the warning for someone Omni does not know) waits for the
 * app to be free of other requests, so that it never competes with an open still to come (whose trigger id is
 * expiring); and no single slow request holds it back for longer than Slack's ack window.
 */
import { describe, expect, it } from '@jest/globals';
import type { Harness } from '../helpers/app-harness.js';
import { useHarnessPerTest } from '../helpers/app-harness.js';
import { openModal } from '../helpers/routine-ui.js';
import { slashCommandBody } from '../helpers/slack-requests.js';
import { until } from '../helpers/until.js';

const start = useHarnessPerTest();

const zoneOf = (v: { blocks: unknown[] }) =>
  (v.blocks.find((b) => (b as Record<string, unknown>).block_id === 'timezone') as { element: { initial_option?: { value: string } } }).element.initial_option?.value;

/** Nora joined after the app started: her zone is not known, so her form's follow-up fills it in. */
function addNora(h: Harness) {
  h.slack.addUser({ id: 'U0NORA', name: 'nora', realName: 'Nora', email: 'nora@example.com', tz: 'Asia/Tokyo' });
  h.omni.addMember({ email: 'nora@example.com', displayName: 'Nora' });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a newcomer's modal follow-up", () => {
  it('waits while another request is still being handled', async () => {
    const h = await start();
    addNora(h);
    // Bob's quick create looks up his zone before its open, and Slack is slow to answer: his command is under way
    // (no views.open yet) for the whole time Nora's form opens. Her follow-up must not use that moment.
    h.slack.failNext('users.info', { delayMs: 600 });
    const bob = h.post(slashCommandBody({ text: 'every monday at 8am send the churn report', userId: 'U0002', triggerId: h.slack.issueTriggerId({ userId: 'U0002' }) }));
    // Bob's command reaches the app first (its users.info is then held for 600 ms).
    await sleep(150);
    const nora = await openModal(h, { userId: 'U0NORA' });
    expect((await bob).status).toBe(200);
    await h.slack.waitFor('views.update', (c) => c.args.view_id === nora.view.id);
    const order = h.slack.calls.map((c) => `${c.method}:${String(c.args.user ?? c.args.trigger_id ?? c.args.view_id)}`);
    const bobOpened = h.slack.calls.findIndex((c) => c.method === 'views.open' && c.args.trigger_id !== nora.call.args.trigger_id);
    const noraLookedUp = h.slack.calls.findIndex((c) => c.method === 'users.info' && c.args.user === 'U0NORA');
    expect(bobOpened).toBeGreaterThanOrEqual(0);
    expect({ order, noraLookedUpAfterBobsOpen: noraLookedUp > bobOpened }).toEqual({ order, noraLookedUpAfterBobsOpen: true });
    expect(zoneOf(h.slack.views.get(nora.view.id) ?? nora.view)).toBe('Asia/Tokyo');
  });

  it('is not held back longer than the cap by a request that waits on Omni', async () => {
    // The cap is Slack's 3 s ack window; shortened here so that a 1.2 s Omni answer outlasts it.
    const h = await start({ app: { requestUnderWayAtMostMs: 300 } });
    addNora(h);
    const responseUrl = h.slack.responseUrl('bob-list');
    h.omni.inject({ match: { method: 'GET', path: '/v1/ai/routines' }, fault: { type: 'delay-before', ms: 1200 }, times: 1 });
    const bob = h.post(slashCommandBody({ text: 'list', userId: 'U0002', triggerId: h.slack.issueTriggerId({ userId: 'U0002' }), responseUrl }));
    await sleep(100);
    const nora = await openModal(h, { userId: 'U0NORA' });
    expect((await bob).status).toBe(200);
    await h.slack.waitFor('views.update', (c) => c.args.view_id === nora.view.id);
    // Bob's list was still waiting on Omni when Nora's form was filled in.
    expect(h.slack.responses('bob-list').filter((r) => JSON.stringify(r).includes('Fetching'))).toHaveLength(h.slack.responses('bob-list').length);
    await until(() => h.slack.responses('bob-list').some((r) => !JSON.stringify(r).includes('Fetching')), "Bob's list");
    expect(zoneOf(h.slack.views.get(nora.view.id) ?? nora.view)).toBe('Asia/Tokyo');
  });

  it('runs one newcomer\'s follow-up at a time, each after the opens', async () => {
    const h = await start();
    const newcomers = ['U0NEW1', 'U0NEW2', 'U0NEW3'];
    for (const [i, id] of newcomers.entries()) {
      h.slack.addUser({ id, name: `new${i}`, realName: `New ${i}`, email: `new${i}@example.com`, tz: 'Asia/Tokyo' });
      h.omni.addMember({ email: `new${i}@example.com`, displayName: `New ${i}` });
    }
    // Slack is slow to answer each follow-up's users.info: fills side by side would all ask before any update.
    h.slack.failNext('users.info', { delayMs: 150 }, newcomers.length);
    const opened = await Promise.all(newcomers.map((userId) => openModal(h, { userId })));
    for (const { view } of opened) await h.slack.waitFor('views.update', (c) => c.args.view_id === view.id);
    const fills = h.slack.calls
      .filter((c) => (c.method === 'users.info' && newcomers.includes(String(c.args.user))) || (c.method === 'views.update' && opened.some((o) => o.view.id === c.args.view_id)))
      .map((c) => (c.method === 'users.info' ? 'lookup' : 'update'));
    expect(fills).toEqual(['lookup', 'update', 'lookup', 'update', 'lookup', 'update']);
    for (const { view } of opened) expect(zoneOf(h.slack.views.get(view.id) ?? view)).toBe('Asia/Tokyo');
  });
});
