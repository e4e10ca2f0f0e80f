/**
 * Issue 9, items 7 and 8, and issue 10 item 7: every routine card has one button at most (Run now, which asks first,
 * or Resume) and a menu with Edit, Pause, Open in Omni and Delete (which asks in place first); after every action
 * the card or list that held it shows the routine as it is now, and the Home tab is republished.
 */
import { describe, expect, it } from '@jest/globals';
import { createSteppingClock, modalValues, useHarness } from '../helpers/app-harness.js';
import { action, blockActionsBody, buildViewOutput } from '../helpers/slack-requests.js';
import { cardMenuOption, chooseOnHome, chooseOnMessage, createThroughModal, dmText, listAsText, openHome, pressOnHome, pressOnMessage, seedRoutine } from '../helpers/routine-ui.js';

const h = useHarness({ steppingClock: createSteppingClock() });

type Button = { type?: string; action_id?: string; value?: string; url?: string; style?: string; confirm?: { text: { text: string } }; options?: Array<{ value: string; url?: string }> };
const buttons = (blocks: unknown) => (blocks as Array<{ elements?: Button[] }>).flatMap((b) => b.elements ?? []);
/** A card's controls in order: buttons by action id, its menu as `menu:<choices>`. */
const controls = (blocks: unknown, id: string) =>
  ((blocks as Array<{ block_id?: string; elements?: Button[] }>).find((b) => b.block_id === `routine_actions:${id}`)?.elements ?? []).map((e) =>
    e.type === 'overflow' ? `menu:${(e.options ?? []).map((o) => o.value.replace(`:${id}`, '')).join(',')}` : (e.action_id ?? ''),
  );
const asksToDelete = (blocks: unknown, id: string) => JSON.stringify(blocks).includes(`routine_confirm:${id}`);

describe('routine cards', () => {
  it('every card (Home and /routine list) has one button, Run now, that asks first, and a menu: Edit, Pause, Open in Omni, Delete', async () => {
    const id = seedRoutine(h, 'Card routine');
    const home = await openHome(h);
    const listed = JSON.parse(await listAsText(h)) as { blocks: unknown };
    for (const blocks of [home.blocks, listed.blocks]) {
      expect(controls(blocks, id)).toEqual(['routine_run_now', 'menu:edit,pause,open,delete']);
      expect(cardMenuOption(blocks, id, 'open').url).toBe(`${h.omni.url}/routines/${id}`);
      expect(buttons(blocks).find((b) => b.value === id)?.confirm?.text.text).toMatch(/all its recipients, and the run uses AI credits/);
      // Nothing green in a list: no card has a primary button.
      expect(buttons(blocks).filter((b) => b.style === 'primary' && b.action_id !== 'routine_open_modal')).toEqual([]);
    }
  });

  it('an action pressed in the /routine list replaces the list with a fresh one and republishes Home', async () => {
    const id = seedRoutine(h, 'Listed routine');
    await listAsText(h);
    const key = await chooseOnMessage(h, `pause:${id}`, { ephemeral: true });
    const posts = h.slack.responses(key);
    const replaced = posts.find((p) => p.replace_original === true);
    expect(JSON.stringify(replaced)).toMatch(/Listed routine.*Paused/);
    expect(controls((replaced as { blocks: unknown }).blocks, id)).toEqual(['routine_resume', 'menu:edit,open,delete']);
    expect(JSON.stringify(posts.find((p) => p.replace_original === false))).toMatch(/is paused: Omni confirmed it/);
    expect(JSON.stringify(h.slack.homeViews.get('U0001')?.blocks)).toMatch(/Listed routine.*Paused/);
  });

  it('an action pressed on a routine’s own message updates that card; Delete replaces it', async () => {
    const id = seedRoutine(h, 'Message routine');
    const run = await pressOnMessage(h, 'routine_run_now', id);
    // The card is replaced by the routine as Omni has it (a run's result arrives later, by its own delivery).
    const card = h.slack.responses(run).find((p) => p.replace_original === true);
    expect(JSON.stringify(card)).toMatch(/Message routine.*Active/);
    expect(JSON.stringify(h.slack.responses(run).find((p) => p.replace_original === false))).toMatch(/is running now/);
    // Delete from the menu asks first, in place of the card's controls; only the Delete press deletes.
    const ask = await chooseOnMessage(h, `delete:${id}`);
    const asked = h.slack.responses(ask).find((p) => p.replace_original === true) as { blocks: unknown };
    expect(controls(asked.blocks, id)).toEqual(['routine_delete', 'routine_delete_keep']);
    expect(h.omni.routine(id)).toBeDefined();
    const del = await pressOnMessage(h, 'routine_delete', id);
    const gone = h.slack.responses(del).find((p) => p.replace_original === true);
    expect(gone).toMatchObject({ text: '“Message routine” was deleted.' });
    expect(JSON.stringify(gone)).not.toContain('routine_run_now');
    expect(h.omni.routine(id)).toBeUndefined();
    expect(JSON.stringify(h.slack.homeViews.get('U0001')?.blocks)).not.toContain('Message routine');
  });

  it('an action on Home republishes Home with the routine as Omni has it now', async () => {
    const id = seedRoutine(h, 'Home routine');
    const home = await openHome(h);
    const before = h.slack.callsTo('views.publish').length;
    await chooseOnHome(h, { choice: 'pause', routineId: id });
    expect(h.slack.callsTo('views.publish').length).toBeGreaterThan(before);
    expect(h.omni.routine(id)?.disabled).toBe(true);
    expect(JSON.stringify(h.slack.homeViews.get('U0001')?.blocks)).toMatch(/Home routine.*Paused/);
    expect(controls(h.slack.homeViews.get('U0001')?.blocks, id)).toEqual(['routine_resume', 'menu:edit,open,delete']);
    expect(home.blocks).toBeDefined();
  });
});

describe('the card menu', () => {
  const omniCalls = () => h.omni.requests.map((r) => `${r.method} ${r.path}`);

  it('Edit opens the edit form filled from Omni', async () => {
    const id = seedRoutine(h, 'Menu edit');
    await openHome(h);
    const triggerId = h.slack.issueTriggerId();
    await chooseOnHome(h, { choice: 'edit', routineId: id }, { triggerId });
    const opened = await h.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, 8000);
    const viewId = (opened.response.view as { id: string }).id;
    await h.slack.waitFor('views.update', (c) => c.args.view_id === viewId, 8000);
    await h.settle();
    const form = h.slack.views.get(viewId) as { callback_id?: string; blocks: unknown[] };
    expect(form.callback_id).toBe('routine_edit');
    expect(JSON.stringify(form.blocks)).toContain('"initial_value":"Menu edit"');
    expect(omniCalls()).toContain(`GET /v1/ai/routines/${id}`);
  });

  it('Pause pauses (read back from Omni); the card then offers Resume as its button, which resumes', async () => {
    const id = seedRoutine(h, 'Menu pause');
    await openHome(h);
    h.omni.clearRequests();
    await chooseOnHome(h, { choice: 'pause', routineId: id });
    expect(h.omni.routine(id)?.disabled).toBe(true);
    // Read back: the routine is fetched again after the update before the bot says it is paused.
    const calls = omniCalls().filter((c) => c.endsWith(`/v1/ai/routines/${id}`));
    expect(calls.at(-1)).toBe(`GET /v1/ai/routines/${id}`);
    expect(calls.some((c) => c.startsWith('PUT') || c.startsWith('PATCH'))).toBe(true);
    const paused = h.slack.homeViews.get('U0001')?.blocks;
    expect(JSON.stringify(paused)).toMatch(/Menu pause.*Paused/);
    expect(controls(paused, id)).toEqual(['routine_resume', 'menu:edit,open,delete']);
    await pressOnHome(h, 'routine_resume', id);
    expect(h.omni.routine(id)?.disabled).toBe(false);
    expect(controls(h.slack.homeViews.get('U0001')?.blocks, id)).toEqual(['routine_run_now', 'menu:edit,pause,open,delete']);
  });

  it('Open in Omni is only acknowledged: Slack opens the link; nothing is asked of Omni or changed in Slack', async () => {
    const id = seedRoutine(h, 'Menu open');
    await openHome(h);
    h.omni.clearRequests();
    const slackCalls = h.slack.calls.length;
    await chooseOnHome(h, { choice: 'open', routineId: id });
    const key = await chooseOnMessage(h, `open:${id}`, { ephemeral: true });
    expect(h.omni.requests).toHaveLength(0);
    expect(h.slack.calls.slice(slackCalls).filter((c) => c.method !== 'auth.test')).toEqual([]);
    expect(h.slack.responses(key)).toEqual([]);
  });

  it('Delete on Home asks in place; Keep it puts the card back; only the Delete press deletes', async () => {
    const id = seedRoutine(h, 'Menu delete');
    const other = seedRoutine(h, 'Stays');
    await openHome(h);
    h.omni.clearRequests();
    await chooseOnHome(h, { choice: 'delete', routineId: id });
    let home = h.slack.homeViews.get('U0001')?.blocks;
    expect(asksToDelete(home, id)).toBe(true);
    expect(JSON.stringify(home)).toContain("Delete *Menu delete*? This can't be undone.");
    expect(controls(home, id)).toEqual(['routine_delete', 'routine_delete_keep']);
    expect(controls(home, other)).toEqual(['routine_run_now', 'menu:edit,pause,open,delete']);
    expect(h.omni.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);

    await pressOnHome(h, 'routine_delete_keep', id);
    home = h.slack.homeViews.get('U0001')?.blocks;
    expect(asksToDelete(home, id)).toBe(false);
    expect(controls(home, id)).toEqual(['routine_run_now', 'menu:edit,pause,open,delete']);
    expect(h.omni.routine(id)).toBeDefined();

    await chooseOnHome(h, { choice: 'delete', routineId: id });
    await pressOnHome(h, 'routine_delete', id);
    expect(h.omni.routine(id)).toBeUndefined();
    expect(h.omni.routine(other)).toBeDefined();
    home = h.slack.homeViews.get('U0001')?.blocks;
    expect(JSON.stringify(home)).not.toContain('Menu delete');
    expect(JSON.stringify(home)).toContain('Stays');
  });

  it('Delete in the /routine list asks in place of that card; Keep it brings the list back; Delete there deletes', async () => {
    const id = seedRoutine(h, 'Listed delete');
    await listAsText(h);
    const ask = await chooseOnMessage(h, `delete:${id}`, { ephemeral: true });
    const asked = h.slack.responses(ask).find((p) => p.replace_original === true) as { blocks: unknown; response_type?: string };
    expect(asked.response_type).toBe('ephemeral');
    expect(controls(asked.blocks, id)).toEqual(['routine_delete', 'routine_delete_keep']);
    expect(h.omni.routine(id)).toBeDefined();
    const keep = await pressOnMessage(h, 'routine_delete_keep', id, { ephemeral: true });
    const kept = h.slack.responses(keep).find((p) => p.replace_original === true) as { blocks: unknown };
    expect(controls(kept.blocks, id)).toEqual(['routine_run_now', 'menu:edit,pause,open,delete']);
    const del = await pressOnMessage(h, 'routine_delete', id, { ephemeral: true });
    expect(h.omni.routine(id)).toBeUndefined();
    expect(JSON.stringify(h.slack.responses(del).find((p) => p.replace_original === true))).not.toContain('Listed delete');
  });

  it("refuses another user's routine and forged or replayed values, changing nothing", async () => {
    const alices = seedRoutine(h, 'Alice only');
    await openHome(h, 'U0002');
    h.omni.clearRequests();
    // Bob chooses Delete and Pause on Alice's routine id: no question shown, nothing sent to Omni but his own list.
    await chooseOnHome(h, { value: `delete:${alices}` }, { userId: 'U0002' });
    expect(asksToDelete(h.slack.homeViews.get('U0002')?.blocks, alices)).toBe(false);
    const onMessage = await chooseOnMessage(h, `delete:${alices}`, { userId: 'U0002' });
    expect(h.slack.responses(onMessage).find((p) => p.replace_original === true)).toBeUndefined();
    expect(JSON.stringify(h.slack.responses(onMessage))).toMatch(/isn't one of yours/);
    await chooseOnHome(h, { value: `pause:${alices}` }, { userId: 'U0002' });
    expect(h.omni.routine(alices)).toMatchObject({ disabled: false });
    expect(h.omni.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
    expect(dmText(h, 'D0002')).toMatch(/isn't one of yours/);

    // Values our menus never send are refused before Omni is asked.
    h.omni.clearRequests();
    for (const forged of [`run:${alices}`, `resume:${alices}`, 'delete:not-a-routine', `delete:${alices}x`, '', 'x'.repeat(150)]) {
      const key = await chooseOnMessage(h, forged);
      expect(JSON.stringify(h.slack.responses(key))).toMatch(/doesn't point at a routine/);
    }
    expect(h.omni.requests).toHaveLength(0);
    expect(h.omni.routine(alices)).toBeDefined();

    // The same signed pause selection twice pauses once.
    const body = blockActionsBody({ source: 'message', actions: [action.overflow({ actionId: 'routine_card_menu', value: `pause:${alices}` })], responseUrl: h.slack.responseUrl('twice') });
    await h.post(body);
    await h.post(body);
    await h.settle();
    expect(h.omni.requests.filter((r) => r.method === 'PUT' || r.method === 'PATCH')).toHaveLength(1);
    expect(h.omni.routine(alices)?.disabled).toBe(true);
  });

  it('in the created view, Delete asks in the view; Keep it restores the card; Delete there shows it deleted', async () => {
    const viewId = await createThroughModal(h, 'Made in Slack', { settled: true, values: modalValues(h, { name: 'Made in Slack', prompt: 'Summarise the pipeline' }) });
    await h.slack.waitFor('views.update', (c) => c.args.view_id === viewId && JSON.stringify(c.args.view).includes('Routine created'), 8000);
    await h.settle();
    const id = h.omni.routinesOf(h.members.alice).find((r) => r.name === 'Made in Slack')?.id ?? '';
    expect(controls(h.slack.views.get(viewId)?.blocks, id)).toEqual(['routine_run_now', 'menu:edit,pause,open,delete']);

    const inView = async (element: ReturnType<typeof action.button>) => {
      await h.post(blockActionsBody({ source: 'view', view: buildViewOutput(h.slack.views.get(viewId) as never), actions: [element] }));
      await h.settle();
      return h.slack.views.get(viewId) as unknown as { title?: { text: string }; blocks: unknown[] };
    };
    let view = await inView(action.overflow({ actionId: 'routine_card_menu', value: `delete:${id}` }));
    expect(controls(view.blocks, id)).toEqual(['routine_delete', 'routine_delete_keep']);
    view = await inView(action.button({ actionId: 'routine_delete_keep', value: id }));
    expect(controls(view.blocks, id)).toEqual(['routine_run_now', 'menu:edit,pause,open,delete']);
    expect(h.omni.routine(id)).toBeDefined();
    await inView(action.overflow({ actionId: 'routine_card_menu', value: `delete:${id}` }));
    view = await inView(action.button({ actionId: 'routine_delete', value: id }));
    expect(h.omni.routine(id)).toBeUndefined();
    expect(view.title?.text).toBe('Routine deleted');
    expect(JSON.stringify(view.blocks)).toContain('*Made in Slack* was deleted.');
  });
});
