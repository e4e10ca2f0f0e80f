/**
 * Issue 9, item 2: editing a routine over signed HTTP. The Edit button opens the same form (callback_id
 * `routine_edit`, the create form's block ids and live preview) filled from a fresh GET; Save sends only what
 * changed; a change made in Omni meanwhile is never overwritten; a failed save keeps the changes with Try again.
 */
import { describe, expect, it } from '@jest/globals';
import { type Harness, type HarnessOptions, useHarnessPerTest } from '../helpers/app-harness.js';
import { dmText, type FormValues, openHome, readAudit, seedRoutine, submitModal } from '../helpers/routine-ui.js';
import {
  action,
  blockActionsBody,
  buildViewOutput,
  readInitialViewState,
  stateValue,
} from '../helpers/slack-requests.js';
import { until } from '../helpers/until.js';

const startApp = useHarnessPerTest();
const start = (omni: HarnessOptions['omni'] = {}) => startApp({ omni });

type Json = Record<string, unknown>;
const blockIds = (view: { blocks: unknown[] }) => view.blocks.map((b) => (b as { block_id?: string }).block_id);

function seed(harness: Harness): string {
  return seedRoutine(harness, 'Weekly churn', {
    prompt: 'What changed in churn last week?',
    timezone: 'Europe/London',
    destination: { type: 'slack', slackRecipientType: 'channel', recipientId: 'C0001' },
  });
}

/** Presses Edit on the Home tab and returns the filled edit form's view id. */
async function openEdit(harness: Harness, routineId: string): Promise<string> {
  const home = harness.slack.homeViews.get('U0001') ?? (await openHome(harness));
  const triggerId = harness.slack.issueTriggerId();
  const res = await harness.post(blockActionsBody({ source: 'view', triggerId, view: buildViewOutput(home as never), actions: [action.button({ actionId: 'routine_edit', value: routineId })] }));
  expect(res.status).toBe(200);
  const opened = await harness.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, 8000);
  const viewId = (opened.response.view as { id: string }).id;
  // The form (or why it cannot be edited) replaces the loading view once Omni has answered.
  await harness.slack.waitFor('views.update', (c) => c.args.view_id === viewId, 8000);
  await harness.settle();
  return viewId;
}

function stateOf(harness: Harness, viewId: string) {
  return readInitialViewState(harness.slack.views.get(viewId) as never) as Record<string, Record<string, { value?: string | null }>>;
}

/** Submits the edit form as it stands, with `values` changed; returns the ack. */
async function save(harness: Harness, viewId: string, values: FormValues) {
  const res = await submitModal(harness, viewId, values);
  expect(res.status).toBe(200);
  return res.json as { response_action: string; errors?: Record<string, string>; view?: Json };
}

const newPrompt = { prompt: { prompt_input: stateValue.text('What changed in churn last week, by segment?') } };

describe('Edit', () => {
  it('opens the same form filled from a fresh GET, previews live, and saves only the changed prompt (PATCH instance)', async () => {
    const harness = await start({ updateApi: 'patch' });
    const id = seed(harness);
    await openHome(harness);
    harness.omni.clearRequests();
    const viewId = await openEdit(harness, id);
    // A fresh GET of the routine, not the cached list.
    expect(harness.omni.requests.map((r) => `${r.method} ${r.path}`)).toContain(`GET /v1/ai/routines/${id}`);
    const view = harness.slack.views.get(viewId);
    expect(view?.callback_id).toBe('routine_edit');
    expect(blockIds(view as never)).toEqual(expect.arrayContaining(['name', 'prompt', 'schedule', 'schedule_preview', 'timezone', 'model', 'topic', 'branch', 'delivery', 'channel', 'description']));
    const state = stateOf(harness, viewId);
    expect(state.name?.name_input?.value).toBe('Weekly churn');
    expect(state.prompt?.prompt_input?.value).toBe('What changed in churn last week?');
    expect(state.schedule?.schedule_input?.value).toBe('Mondays at 8:00 AM');
    expect(JSON.stringify(view?.blocks)).toContain('0 8 ? * MON *');

    // The live preview works as in the create form, and keeps the edit mode.
    // Slack's view state holds every input, as typed so far.
    harness.slack.setViewState(viewId, { ...readInitialViewState(view as never), schedule: { schedule_input: stateValue.text('every tuesday at 9am') } } as never);
    await harness.post(
      blockActionsBody({
        source: 'view',
        view: buildViewOutput(harness.slack.views.get(viewId) as never),
        actions: [action.plainTextInput({ actionId: 'schedule_input', blockId: 'schedule', value: 'every tuesday at 9am' })],
      }),
    );
    const previewed = await harness.slack.waitFor('views.update', (c) => c.args.view_id === viewId && JSON.stringify(c.args.view).includes('0 9 ? * TUE *'), 8000);
    expect((previewed.args.view as Json).callback_id).toBe('routine_edit');
    expect(stateOf(harness, viewId).name?.name_input?.value).toBe('Weekly churn');

    harness.omni.clearRequests();
    const ack = await save(harness, viewId, { ...newPrompt, schedule: { schedule_input: stateValue.text('Mondays at 8:00 AM') } });
    expect(ack.errors).toBeUndefined();
    expect(ack.response_action).toBe('update');
    await harness.settle();
    const writes = harness.omni.requests.filter((r) => r.method === 'PATCH' || r.method === 'PUT');
    expect(writes).toHaveLength(1);
    expect(writes[0]?.body).toEqual({ prompt: 'What changed in churn last week, by segment?' });
    expect(harness.omni.routine(id)).toMatchObject({ name: 'Weekly churn', prompt: 'What changed in churn last week, by segment?', schedule: '0 8 ? * MON *' });
    expect(JSON.stringify(harness.slack.views.get(viewId)?.blocks)).toMatch(/changes are saved \(Prompt\)/);
    expect(dmText(harness)).toMatch(/are saved \(Prompt\)/);
    expect(JSON.stringify(harness.slack.homeViews.get('U0001')?.blocks)).toContain('by segment?');
    const audit = (await readAudit(harness)).filter((a) => a.routineId === id);
    expect(audit.map((a) => `${a.action} ${a.outcome}`)).toEqual(['update ok']);
    expect(audit[0]?.request).toMatchObject({ changed: ['prompt'] });
  });

  it('on the documented PUT, sends the required fields from Omni plus the change; a time-zone change is refused inline', async () => {
    const harness = await start({ updateApi: 'put' });
    const id = seed(harness);
    const viewId = await openEdit(harness, id);
    const refused = await save(harness, viewId, { timezone: { timezone_select: stateValue.externalSelect('America/New_York') } });
    expect(refused.response_action).toBe('errors');
    expect(refused.errors?.timezone).toMatch(/can't change the time zone/);
    harness.omni.clearRequests();
    await save(harness, viewId, { name: { name_input: stateValue.text('Monday churn') } });
    await harness.settle();
    const writes = harness.omni.requests.filter((r) => r.method === 'PUT');
    expect(writes.map((w) => w.body)).toEqual([{ name: 'Monday churn', prompt: 'What changed in churn last week?', schedule: '0 8 ? * MON *' }]);
  });

  it('shows invalid input under its field and sends nothing', async () => {
    const harness = await start();
    const id = seed(harness);
    const viewId = await openEdit(harness, id);
    harness.omni.clearRequests();
    const ack = await save(harness, viewId, { schedule: { schedule_input: stateValue.text('every other week') }, name: { name_input: stateValue.text(' ') } });
    expect(ack.response_action).toBe('errors');
    expect(ack.errors?.schedule).toMatch(/week/i);
    // a name left empty is named from the prompt, as on create: not an error
    expect(ack.errors?.name).toBeUndefined();
    await harness.settle();
    expect(harness.omni.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it('never overwrites a change made in Omni meanwhile: says what changed, and Reapply keeps both', async () => {
    const harness = await start({ updateApi: 'patch' });
    const id = seed(harness);
    const viewId = await openEdit(harness, id);
    harness.omni.updateRoutineState(id, { name: 'Renamed in Omni', updatedAt: new Date(Date.now() + 1000).toISOString() } as never);
    harness.omni.clearRequests();
    await save(harness, viewId, newPrompt);
    await harness.settle();
    expect(harness.omni.requests.filter((r) => r.method === 'PATCH' || r.method === 'PUT')).toHaveLength(0);
    expect(harness.omni.routine(id)).toMatchObject({ name: 'Renamed in Omni', prompt: 'What changed in churn last week?' });
    const conflict = JSON.stringify(harness.slack.views.get(viewId)?.blocks);
    expect(conflict).toMatch(/Nothing was saved/);
    expect(conflict).toMatch(/these changed after you opened the form: \*Name\*/);
    expect(dmText(harness)).toContain('routine_edit_reapply');

    // Reapply: the form now holds Omni's new name and the user's prompt; saving sends only the prompt.
    const draftId = (harness.slack.views.get(viewId)?.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'routine_edit_reapply')?.value;
    expect(draftId).toBeTruthy();
    const updatesBefore = harness.slack.callsTo('views.update').length;
    await harness.post(blockActionsBody({ source: 'view', view: buildViewOutput(harness.slack.views.get(viewId) as never), actions: [action.button({ actionId: 'routine_edit_reapply', value: draftId })] }));
    await until(() => harness.slack.callsTo('views.update').slice(updatesBefore).some((c) => c.args.view_id === viewId && (c.args.view as Json).submit !== undefined));
    await harness.settle();
    const refilled = stateOf(harness, viewId);
    expect(refilled.name?.name_input?.value).toBe('Renamed in Omni');
    expect(refilled.prompt?.prompt_input?.value).toBe('What changed in churn last week, by segment?');
    harness.omni.clearRequests();
    await save(harness, viewId, {});
    await harness.settle();
    const writes = harness.omni.requests.filter((r) => r.method === 'PATCH');
    expect(writes.map((w) => w.body)).toEqual([{ prompt: 'What changed in churn last week, by segment?' }]);
    expect(harness.omni.routine(id)).toMatchObject({ name: 'Renamed in Omni', prompt: 'What changed in churn last week, by segment?' });
  });

  it('an Omni failure keeps the changes: Try again reopens the filled form, and saving then works', async () => {
    const harness = await start({ updateApi: 'patch' });
    const id = seed(harness);
    const viewId = await openEdit(harness, id);
    harness.omni.inject({ match: { method: 'PATCH' }, times: 10, fault: { type: 'status', status: 503 } });
    await save(harness, viewId, newPrompt);
    await harness.settle();
    expect(harness.omni.routine(id)?.prompt).toBe('What changed in churn last week?');
    const failed = JSON.stringify(harness.slack.views.get(viewId)?.blocks);
    expect(failed).toMatch(/weren't saved/);
    expect(failed).toContain('routine_retry');
    const home = await openHome(harness);
    expect(JSON.stringify(home.blocks)).toContain('Changes to Weekly churn');
    harness.omni.clearFaults();

    const draftId = (harness.slack.views.get(viewId)?.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'routine_retry')?.value;
    const triggerId = harness.slack.issueTriggerId();
    await harness.post(blockActionsBody({ source: 'message', channelId: 'D0001', triggerId, actions: [action.button({ actionId: 'routine_retry', value: draftId })] }));
    const reopened = await harness.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, 8000);
    const retryViewId = (reopened.response.view as { id: string }).id;
    await harness.slack.waitFor('views.update', (c) => c.args.view_id === retryViewId, 8000);
    await harness.settle();
    expect(harness.slack.views.get(retryViewId)?.callback_id).toBe('routine_edit');
    expect(stateOf(harness, retryViewId).prompt?.prompt_input?.value).toBe('What changed in churn last week, by segment?');
    expect(JSON.stringify(harness.slack.views.get(retryViewId)?.blocks)).toMatch(/Last time this failed: Omni couldn't be reached/);
    await save(harness, retryViewId, {});
    await harness.settle();
    expect(harness.omni.routine(id)?.prompt).toBe('What changed in churn last week, by segment?');
    const audit = (await readAudit(harness)).filter((a) => a.routineId === id).map((a) => `${a.action} ${a.outcome}`);
    expect(audit).toEqual(['update ok', 'update error']);
    // The kept draft is gone once saved.
    expect(JSON.stringify((await openHome(harness)).blocks)).not.toContain('Changes to Weekly churn');
  });

  it("refuses to edit someone else's routine", async () => {
    const harness = await start();
    const bobs = harness.omni.addRoutine(harness.members.bob, { name: 'Bob private', modelId: harness.modelId });
    const viewId = await openEdit(harness, bobs);
    expect(JSON.stringify(harness.slack.views.get(viewId)?.blocks)).toMatch(/isn't one of yours/);
    expect(harness.omni.requests.filter((r) => r.path === `/v1/ai/routines/${bobs}`)).toHaveLength(0);
  });
});
