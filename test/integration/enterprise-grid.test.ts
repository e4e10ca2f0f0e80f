/**
 * Enterprise Grid: an organization-wide install serves every workspace of its organization, with one bot token and
 * user ids that may start with W; requests from another organization, or from a workspace outside any
 * organization, are refused before a listener runs. A workspace install inside an organization still serves only
 * its own workspace.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type Harness, modalValues, startHarness } from '../helpers/app-harness.js';
import { openModal, submitModal } from '../helpers/routine-ui.js';
import { slashCommandBody } from '../helpers/slack-requests.js';

const ORG = 'E0001';
// Alice works in the Sales workspace, Bob in Support: both in organization E0001, with org-level W ids.
const ALICE = { userId: 'W0001', teamId: 'T0101', enterpriseId: ORG, orgInstall: true };
const BOB = { userId: 'W0002', teamId: 'T0202', enterpriseId: ORG, orgInstall: true };

/** `/routine new` as `who`; the views.open it caused, or undefined when none came. */
async function openModalAs(h: Harness, who: Record<string, unknown>) {
  const triggerId = h.slack.issueTriggerId();
  const res = await h.post(slashCommandBody({ ...who, text: 'new', triggerId }));
  expect(res.status).toBe(200);
  await h.settle();
  return h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggerId);
}

describe('an organization-wide install', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      slack: {
        enterpriseInstall: { enterpriseId: ORG },
        users: [
          { id: 'W0001', name: 'alice', realName: 'Alice Adams', email: 'alice@example.com', tz: 'Europe/London', teamId: 'T0101' },
          { id: 'W0002', name: 'bob', realName: 'Bob Brown', email: 'bob@example.com', tz: 'America/Chicago', teamId: 'T0202' },
        ],
      },
    });
  });
  afterAll(async () => h.close());
  beforeEach(async () => {
    await h.settle();
    h.slack.reset();
    h.omni.clearRequests();
  });

  it('creates a routine for a W user of one workspace, as that user’s Omni membership', async () => {
    const { view } = await openModal(h, { ...ALICE, text: 'new' });
    const res = await submitModal(h, view.id, modalValues(h, { name: 'Org-wide brief', delivery: 'dm' }), { ...ALICE, viewTeamId: ALICE.teamId });
    expect(res.status).toBe(200);
    await h.slack.waitFor('chat.postMessage', (c) => c.args.channel === 'W0001' && String(c.args.text).includes('*Org-wide brief* is set up'), 10_000);
    await h.settle();
    const created = h.omni.routinesOf(h.members.alice).filter((r) => r.name === 'Org-wide brief');
    expect(created).toHaveLength(1);
    expect(h.omni.routinesOf(h.members.bob).filter((r) => r.name === 'Org-wide brief')).toHaveLength(0);
  });

  it('serves a user of another workspace of the same organization, as that user', async () => {
    const key = 'bob-list';
    const res = await h.post(slashCommandBody({ ...BOB, text: 'list', responseUrl: h.slack.responseUrl(key) }));
    expect(res.status).toBe(200);
    // "Fetching…" first, then the list replaces it.
    await h.slack.waitFor('response_url', (c) => c.args.responseId === key && !JSON.stringify(c.args).includes('Fetching'), 10_000);
    await h.settle();
    // Bob's list is Bob's: the routine Alice made is not in it.
    const reply = JSON.stringify(h.slack.responses(key));
    expect(reply).not.toContain('Org-wide brief');
    expect(h.slack.responses(key).length).toBeGreaterThan(0);
    const listed = h.omni.requests.filter((r) => r.method === 'GET' && r.path === '/v1/ai/routines');
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((r) => r.query?.userId === h.members.bob)).toBe(true);
  });

  it('refuses a request from another organization, and one from a workspace outside any organization', async () => {
    expect(await openModalAs(h, { ...ALICE, enterpriseId: 'E0999' })).toBeUndefined();
    expect(await openModalAs(h, { userId: 'U0001', teamId: 'T0001' })).toBeUndefined();
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    expect(h.logs.some((l) => l.includes('not installed in'))).toBe(true);
  });
});

describe('a workspace install inside an organization', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('serves its own workspace and refuses the organization’s other workspaces', async () => {
    expect((await openModalAs(h, { userId: 'U0001', teamId: 'T0001', enterpriseId: ORG }))?.response.ok).toBe(true);
    expect(await openModalAs(h, { userId: 'U0001', teamId: 'T0202', enterpriseId: ORG })).toBeUndefined();
  });
});
