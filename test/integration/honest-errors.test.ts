/**
 * Issue 9, items 5 and 6: odd records never hide the list, and every failure the review found is worded for the
 * person who can act on it. The real app over signed HTTP, against the fake Slack and the fake Omni.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { createSteppingClock, useHarness } from '../helpers/app-harness.js';
import { createThroughModal, dmText, listAsText, openHome, pressOnHome, seedRoutine } from '../helpers/routine-ui.js';

const time = createSteppingClock();
const h = useHarness({ steppingClock: time });
beforeEach(() => {
  for (const r of h.omni.routinesOf(h.members.alice)) h.omni.setRawRecord(r.id, undefined);
});

/** Creates `name` through the modal and returns what the view and the DM said. */
async function createAndRead(name: string): Promise<string> {
  const viewId = await createThroughModal(h, name, { settled: true });
  return JSON.stringify(h.slack.views.get(viewId)?.blocks) + dmText(h);
}

describe('tolerant reading (item 5)', () => {
  it('lists a page holding an unknown destination, nulls and an unreadable record, without totalRecords', async () => {
    const odd = seedRoutine(h, 'Teams routine');
    const nulls = seedRoutine(h, 'Nulls routine');
    const normal = seedRoutine(h, 'Normal routine');
    h.omni.setRawRecord(odd, { destination: { type: 'msteams', webhook: 'x' } });
    h.omni.setRawRecord(nulls, { description: null, topicName: null, lastRun: null, disabled: null, systemDisabledReason: 5, recipientCount: 'one', destination: { type: 'slack', recipientId: 'C0001', slackRecipientType: 'group' } });
    // The records as the fake serves them (the odd shapes above included).
    const records = h.omni.routinesOf(h.members.alice).map((r) => h.omni.publicRecord(r.id));
    // A page as an Omni that leaves totalRecords out would send it, plus one record with no id at all.
    h.omni.inject({
      match: { method: 'GET', path: '/v1/ai/routines' },
      times: 2,
      fault: { type: 'status', status: 200, body: { pageInfo: { hasNextPage: false, nextCursor: null, pageSize: 100 }, records: [...records, { name: 'no id' }] } },
    });
    const listed = await listAsText(h);
    for (const name of ['Teams routine', 'Nulls routine', 'Normal routine']) expect(listed).toContain(name);
    expect(listed).toContain('Delivery: other');
    expect(listed).not.toContain('no id');
    const home = await openHome(h);
    expect(JSON.stringify(home.blocks)).toContain('Normal routine');
    expect(JSON.stringify(home.blocks)).toContain('Delivery: other');
    expect(h.logs.some((l) => l.includes('skipped records without an id'))).toBe(true);
    for (const id of [odd, nulls, normal]) h.omni.setRawRecord(id, undefined);
  });
});

describe('honest errors (item 6)', () => {
  it('a 429 on create without the WAF header and without words says both possibilities, not "routine limit"', async () => {
    h.omni.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, fault: { type: 'status', status: 429, body: { status: 429 } } });
    const said = await createAndRead('Unclear 429');
    expect(said).toMatch(/without saying why/);
    expect(said).not.toMatch(/You've reached the maximum/);
    expect(said).toContain('routine_retry');
    // Never retried blind: one POST.
    expect(h.omni.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a 429 on create worded as the routine limit says so', async () => {
    h.omni.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, fault: { type: 'routine-limit' } });
    expect(await createAndRead('Limit 429')).toMatch(/maximum number of active routines/);
  });

  it('a 404 on list (membership gone) forgets the mapping, looks the user up again, and says what to ask', async () => {
    await listAsText(h); // caches alice's identity
    time.step();
    h.omni.clearRequests();
    h.omni.inject({ match: { method: 'GET', path: '/v1/ai/routines' }, fault: { type: 'status', status: 404, body: { detail: `User with id ${h.members.alice} does not exist`, status: 404 } } });
    const listed = await listAsText(h);
    expect(listed).not.toMatch(/no longer exists/);
    expect(listed).toMatch(/Omni no longer knows the account/);
    // The identity was re-checked with SCIM after the 404.
    const paths = h.omni.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths.indexOf('GET /scim/v2/users')).toBeGreaterThan(paths.indexOf('GET /v1/ai/routines'));
  });

  it('a bare 404 on list is read as the membership, never as a deleted routine', async () => {
    seedRoutine(h, 'Still here');
    h.omni.inject({ match: { method: 'GET', path: '/v1/ai/routines' }, fault: { type: 'status', status: 404, body: { detail: 'Not found', status: 404 } } });
    const listed = await listAsText(h);
    expect(listed).toMatch(/Omni no longer knows the account/);
    expect(listed).not.toMatch(/routine no longer exists/);
  });

  const RUN_FAULTS: Array<[string, number, string, RegExp]> = [
    ['400 (cannot run as configured)', 400, 'Routine cannot run: model is no longer accessible', /can't run this routine as it is set up.*model is no longer accessible/],
    ['405 (not offered)', 405, 'Method not allowed', /doesn't offer that through its API \(HTTP 405\)/],
    ['409 (a run in progress)', 409, 'A run is already in progress for this routine', /already running/],
  ];
  it.each(RUN_FAULTS)('Run now answered %s is worded for the user, never "Omni rejected the routine"', async (_label, status, detail, words) => {
    const id = seedRoutine(h, `Run ${status}`);
    await openHome(h);
    h.omni.inject({ match: { method: 'POST', path: `/v1/ai/routines/${id}/trigger` }, fault: { type: 'status', status, body: { detail, status } } });
    await pressOnHome(h, 'routine_run_now', id);
    const said = dmText(h);
    expect(said).toMatch(words);
    expect(said).not.toMatch(/Omni rejected the routine/);
  });

  it('a personal key: SCIM and routine calls both say the bot needs an organization key', async () => {
    const id = seedRoutine(h, 'Personal key');
    await listAsText(h); // alice's identity is cached while the key still works
    time.step();
    h.omni.setKeyScope('user');
    try {
      // A known user: the routine call itself is refused as user-scoped.
      await pressOnHome(h, 'routine_run_now', id);
      expect(dmText(h)).toMatch(/needs an organization API key/);
      expect(dmText(h)).not.toMatch(/ask your Omni admin to check your permissions/i);
      expect(h.logs.some((l) => l.includes('set OMNI_API_KEY to an organization API key'))).toBe(true);
      // A user the bot has not seen: the SCIM lookup is refused for the same reason.
      h.slack.addUser({ id: 'U0042', name: 'dave', email: 'bob@example.com', tz: 'UTC' });
      const listed = await listAsText(h, 'U0042');
      expect(listed).toMatch(/needs an Omni organization API key/);
      expect(listed).not.toMatch(/did not answer/);
    } finally {
      h.omni.setKeyScope('organization');
    }
  });

  it('Run now on a routine Omni already paused says so, and sends no trigger', async () => {
    const id = seedRoutine(h, 'Paused elsewhere');
    await openHome(h);
    h.omni.updateRoutineState(id, { disabled: true });
    h.omni.clearRequests();
    await pressOnHome(h, 'routine_run_now', id);
    expect(dmText(h)).toMatch(/paused in Omni/);
    expect(h.omni.requests.filter((r) => r.path.endsWith('/trigger'))).toHaveLength(0);
  });

  it('a list refused because AI routines are off says what to ask the admin', async () => {
    h.omni.setAiRoutinesEnabled(false);
    try {
      expect(await listAsText(h)).toMatch(/not turned on/);
    } finally {
      h.omni.setAiRoutinesEnabled(true);
    }
  });
});
