/**
 * Issue 9, items 1, 3 and 4: the bot follows what the instance's own spec says, never writes from a cache, and says
 * "paused" only when Omni's record says so. One harness per plausible variant of Omni's API (the fake runs each).
 */
import { describe, expect, it } from '@jest/globals';
import { type Harness, type HarnessOptions, modalValues, useHarnessPerTest } from '../helpers/app-harness.js';
import { chooseOnHome, dmText, openHome, openModal, pressOnHome, readAudit, seedRoutine, submitModal } from '../helpers/routine-ui.js';
import { stateValue } from '../helpers/slack-requests.js';

const startApp = useHarnessPerTest();
const start = (omni: HarnessOptions['omni']) => startApp({ omni });

function seed(harness: Harness, name = 'Weekly churn'): string {
  return seedRoutine(harness, name, { prompt: 'What changed in churn?' });
}

/** What the cards offer: their buttons' action ids, and each menu option as `menu:<choice>`. */
const buttonsOf = (view: { blocks: unknown[] }) =>
  (view.blocks as Array<{ elements?: Array<{ type?: string; action_id?: string; options?: Array<{ value: string }> }> }>)
    .flatMap((b) => b.elements ?? [])
    .flatMap((e) => (e.type === 'overflow' ? (e.options ?? []).map((o) => `menu:${o.value.split(':')[0] ?? ''}`) : e.type === 'button' ? [e.action_id] : []));

describe('the documented API (PUT with isActive)', () => {
  it('pauses and resumes with PUT, read back from Omni; sends what Omni holds now, not the cached list', async () => {
    const harness = await start({ updateApi: 'put' });
    const id = seed(harness);
    const home = await openHome(harness); // the list is now cached
    expect(buttonsOf(home)).toEqual(expect.arrayContaining(['menu:pause', 'menu:edit']));
    harness.omni.updateRoutineState(id, { name: 'Renamed in Omni', prompt: 'Changed in Omni' });
    harness.omni.clearRequests();

    await chooseOnHome(harness, { choice: 'pause', routineId: id });
    expect(harness.omni.routine(id)?.disabled).toBe(true);
    const calls = harness.omni.requests.filter((r) => r.path === `/v1/ai/routines/${id}`);
    expect(calls.map((r) => r.method)).toEqual(['GET', 'PUT', 'GET']);
    // The PUT carries the routine as Omni holds it now: the edit made in Omni is not overwritten.
    expect(calls[1]?.body).toEqual({ name: 'Renamed in Omni', prompt: 'Changed in Omni', schedule: '0 8 ? * MON *', isActive: false });
    expect(harness.omni.routine(id)).toMatchObject({ name: 'Renamed in Omni', prompt: 'Changed in Omni' });
    const paused = harness.slack.homeViews.get('U0001');
    expect(JSON.stringify(paused?.blocks)).toContain('Paused');
    expect(buttonsOf(paused as never)).toContain('routine_resume');

    await pressOnHome(harness, 'routine_resume', id);
    expect(harness.omni.routine(id)?.disabled).toBe(false);
    expect(buttonsOf(harness.slack.homeViews.get('U0001') as never)).toContain('menu:pause');
    const audit = await readAudit(harness);
    expect(audit.filter((a) => a.routineId === id).map((a) => `${a.action} ${a.outcome}`)).toEqual(['resume ok', 'pause ok']);
  });

  it('a pause pressed on a routine already paused in Omni sends nothing and says so', async () => {
    const harness = await start({ updateApi: 'put' });
    const id = seed(harness);
    await openHome(harness);
    harness.omni.updateRoutineState(id, { disabled: true });
    harness.omni.clearRequests();
    await pressOnHome(harness, 'routine_pause', id);
    expect(harness.omni.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
    expect(dmText(harness)).toMatch(/already paused/);
  });
});

describe('the SDK API (PATCH, no isActive)', () => {
  it('shows no Pause (button or menu option), and a forged pause is refused with where to do it, sending nothing', async () => {
    const harness = await start({ updateApi: 'patch' });
    const id = seed(harness);
    const home = await openHome(harness);
    expect(buttonsOf(home)).not.toContain('routine_pause');
    expect(buttonsOf(home)).not.toContain('menu:pause');
    expect(buttonsOf(home)).toEqual(['routine_open_modal', 'routine_refresh_home', 'routine_run_now', 'menu:edit', 'menu:open', 'menu:delete']);
    harness.omni.clearRequests();
    await pressOnHome(harness, 'routine_pause', id);
    // The same pause forged as a menu option (this instance's menus never offer it) is refused the same way.
    await chooseOnHome(harness, { value: `pause:${id}` });
    expect(harness.omni.requests.filter((r) => r.method === 'PUT' || r.method === 'PATCH')).toHaveLength(0);
    const said = dmText(harness);
    expect(said).toMatch(/no way to pause or resume routines through its API/);
    // One refusal for the button, one for the menu option (each message carries the words in text and blocks).
    expect(harness.slack.messages('D0001').filter((m) => JSON.stringify(m).includes('no way to pause'))).toHaveLength(2);
    expect(said).toContain(`${harness.omni.url}/routines/${id}|Open in Omni`);
  });
});

describe('an instance that accepts isActive and ignores it', () => {
  it('does not say "paused": it says Omni ignored it, links to Omni, and audits the failure', async () => {
    const harness = await start({ updateApi: 'put-ignores-active' });
    const id = seed(harness);
    await openHome(harness);
    await pressOnHome(harness, 'routine_pause', id);
    expect(harness.omni.routine(id)?.disabled).toBe(false);
    const said = dmText(harness);
    expect(said).toMatch(/still active: this Omni instance ignored the pause/);
    expect(said).not.toMatch(/is paused/);
    expect(said).toContain(`/routines/${id}|Open in Omni`);
    expect(JSON.stringify(harness.slack.homeViews.get('U0001')?.blocks)).toContain('Active');
    const audit = (await readAudit(harness)).filter((a) => a.routineId === id && a.action === 'pause');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: 'error', omniMessage: expect.stringMatching(/still active/) });
  });
});

describe('an instance without Slack delivery', () => {
  it('refuses Slack delivery inline under Delivery, before anything is sent', async () => {
    const harness = await start({ slackDestinations: false });
    const { view } = await openModal(harness, { settled: true });
    harness.omni.clearRequests();
    const res = await submitModal(harness, view.id, { ...modalValues(harness), name: { name_input: stateValue.text('Slack please') } });
    const ack = res.json as { response_action: string; errors: Record<string, string> };
    expect(ack.response_action).toBe('errors');
    expect(ack.errors.delivery).toMatch(/email only/);
    await harness.settle();
    expect(harness.omni.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('pauses and resumes as its spec says (the documented PUT)', async () => {
    const harness = await start({ slackDestinations: false });
    const id = seed(harness);
    await openHome(harness);
    await pressOnHome(harness, 'routine_pause', id);
    expect(harness.omni.routine(id)?.disabled).toBe(true);
    await pressOnHome(harness, 'routine_resume', id);
    expect(harness.omni.routine(id)?.disabled).toBe(false);
  });
});

describe('when the spec cannot be read', () => {
  it('uses the documented PUT, which works on a documented instance', async () => {
    const harness = await start({ updateApi: 'put', spec: 'missing' });
    expect(harness.logs.some((l) => l.includes("could not read the Omni instance's spec"))).toBe(true);
    const id = seed(harness);
    await openHome(harness);
    await pressOnHome(harness, 'routine_pause', id);
    expect(harness.omni.routine(id)?.disabled).toBe(true);
  });

  it('on a PATCH-only instance the documented PUT is refused: the user is told plainly, nothing claims success', async () => {
    const harness = await start({ updateApi: 'patch', spec: 'garbage' });
    const id = seed(harness);
    await openHome(harness);
    await pressOnHome(harness, 'routine_pause', id);
    expect(harness.omni.routine(id)?.disabled).toBe(false);
    const said = dmText(harness);
    expect(said).toMatch(/doesn't offer that through its API \(HTTP 405\)/);
    expect(said).not.toMatch(/is paused/);
  });
});
