/**
 * Issue 9, items 7 and 8: every routine card has Edit and Open in Omni, Run now asks first, and after every action
 * the card or list that held the button shows the routine as it is now, and the Home tab is republished.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Harness } from '../helpers/app-harness.js';
import { listAsText, openHome, pressOnMessage, shareHarness } from '../helpers/routine-ui.js';

const shared = shareHarness({ beforeAll, afterAll, beforeEach });
let h: Harness;
beforeEach(() => {
  h = shared.h;
});

type Button = { action_id?: string; value?: string; url?: string; confirm?: { text: { text: string } } };
const buttons = (blocks: unknown) => (blocks as Array<{ elements?: Button[] }>).flatMap((b) => b.elements ?? []);

function seed(name: string): string {
  return h.omni.addRoutine(h.members.alice, { name, modelId: h.modelId, prompt: 'p', schedule: '0 8 ? * MON *', timezone: 'UTC' });
}

describe('routine cards', () => {
  it('every card (Home and /routine list) has Edit, Open in Omni, and a Run now that asks first', async () => {
    const id = seed('Card routine');
    const home = await openHome(h);
    const listed = JSON.parse(await listAsText(h)) as { blocks: unknown };
    for (const blocks of [home.blocks, listed.blocks]) {
      const mine = buttons(blocks).filter((b) => b.value === id);
      expect(mine.map((b) => b.action_id)).toEqual(['routine_run_now', 'routine_pause', 'routine_edit', 'routine_delete', 'routine_open_in_omni']);
      expect(mine.find((b) => b.action_id === 'routine_open_in_omni')?.url).toBe(`${h.omni.url}/routines/${id}`);
      expect(mine.find((b) => b.action_id === 'routine_run_now')?.confirm?.text.text).toMatch(/all its recipients, and the run uses AI credits/);
    }
  });

  it('an action pressed in the /routine list replaces the list with a fresh one and republishes Home', async () => {
    const id = seed('Listed routine');
    await listAsText(h);
    const key = await pressOnMessage(h, 'routine_pause', id, { ephemeral: true });
    const posts = h.slack.responses(key);
    const replaced = posts.find((p) => p.replace_original === true);
    expect(JSON.stringify(replaced)).toMatch(/Listed routine.*Paused/);
    expect(buttons((replaced as { blocks: unknown }).blocks).filter((b) => b.value === id).map((b) => b.action_id)).toContain('routine_resume');
    expect(JSON.stringify(posts.find((p) => p.replace_original === false))).toMatch(/is paused: Omni confirmed it/);
    expect(JSON.stringify(h.slack.homeViews.get('U0001')?.blocks)).toMatch(/Listed routine.*Paused/);
  });

  it('an action pressed on a routine’s own message updates that card; Delete replaces it', async () => {
    const id = seed('Message routine');
    const run = await pressOnMessage(h, 'routine_run_now', id);
    // The card is replaced by the routine as Omni has it (a run's result arrives later, by its own delivery).
    const card = h.slack.responses(run).find((p) => p.replace_original === true);
    expect(JSON.stringify(card)).toMatch(/Message routine.*Active/);
    expect(JSON.stringify(h.slack.responses(run).find((p) => p.replace_original === false))).toMatch(/is running now/);
    const del = await pressOnMessage(h, 'routine_delete', id);
    const gone = h.slack.responses(del).find((p) => p.replace_original === true);
    expect(gone).toMatchObject({ text: '“Message routine” was deleted.' });
    expect(JSON.stringify(gone)).not.toContain('routine_run_now');
    expect(h.omni.routine(id)).toBeUndefined();
    expect(JSON.stringify(h.slack.homeViews.get('U0001')?.blocks)).not.toContain('Message routine');
  });

  it('an action on Home republishes Home with the routine as Omni has it now', async () => {
    const id = seed('Home routine');
    const home = await openHome(h);
    const before = h.slack.callsTo('views.publish').length;
    const { action, blockActionsBody, buildViewOutput } = await import('../helpers/slack-requests.js');
    await h.post(blockActionsBody({ source: 'view', view: buildViewOutput(home as never), actions: [action.button({ actionId: 'routine_delete', value: id })] }));
    await h.settle();
    expect(h.slack.callsTo('views.publish').length).toBeGreaterThan(before);
    expect(JSON.stringify(h.slack.homeViews.get('U0001')?.blocks)).not.toContain('Home routine');
  });
});
