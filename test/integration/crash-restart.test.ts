/**
 * The process dies during a create: SIGKILL while Omni is still answering, then a restart on the same database.
 * The draft and the audit log survive, the Home tab offers the interrupted draft, and retrying it leaves exactly one
 * routine in Omni, whether or not the killed attempt reached Omni. SIGTERM instead lets the create finish first.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { type AppProcess, type ProcessFakes, startAppProcess, startProcessFakes } from '../helpers/app-process.js';
import { formValues, processFlows } from '../helpers/process-flows.js';
import { buttonValue } from '../helpers/text-of.js';
import { recordReliability } from '../helpers/reliability.js';
import { textOf } from '../helpers/text-of.js';
import { action, blockActionsBody, buildViewOutput, readInitialViewState } from '../helpers/slack-requests.js';

const SECTION = 'Crash and restart';
const ROUTINES = '/v1/ai/routines';

let fakes: ProcessFakes | undefined;
const running: AppProcess[] = [];

afterEach(async () => {
  for (const p of running.splice(0)) await p.stop('SIGKILL');
  await fakes?.close();
  fakes = undefined;
});

function need(): ProcessFakes {
  if (!fakes) throw new Error('fakes not started');
  return fakes;
}

async function start(): Promise<AppProcess> {
  const p = await startAppProcess(need().env);
  running.push(p);
  return p;
}


const flows = () => processFlows(need());
const openModal = (app: AppProcess) => flows().openModal(app);
const submitView = (app: AppProcess, viewId: string, values?: Record<string, Record<string, unknown>>) => flows().submitView(app, viewId, values);
const waitForCreatedDm = (name: string, timeoutMs?: number) => flows().waitForCreatedDm(name, timeoutMs);
const openHome = (app: AppProcess, eventId: string) => flows().openHome(app, eventId);
const expectNoSecrets = (logs: string[]) => flows().expectNoSecrets(logs);
const waitForCreatePost = (name: string) => flows().waitForCreatePost(name);
const readStore = () => flows().readStore();

describe('SIGKILL during a create, then a restart on the same database', () => {
  it.each([
    ['reached Omni (Omni created it, its answer never came back)', { type: 'delay' as const, ms: 5000 }, true],
    ['never reached Omni (the request was still queued when the process died)', { type: 'delay-before' as const, ms: 60_000 }, false],
  ])('the first attempt %s: draft and audit intact, Home offers the draft, the retry leaves 1 routine', async (label, fault, acted) => {
    fakes = await startProcessFakes();
    const { slack, omni, members, modelId } = fakes;
    const first = await start();

    // A create that completes, so the audit log has something to keep.
    const okView = await openModal(first);
    await submitView(first, okView, formValues('Before the crash', modelId));
    await waitForCreatedDm('Before the crash');

    // The create that the kill interrupts: Omni holds its answer (the fake decides whether it acted).
    const name = acted ? 'Interrupted after Omni acted' : 'Interrupted before Omni acted';
    omni.inject({ match: { method: 'POST', path: ROUTINES }, fault });
    const viewId = await openModal(first);
    await submitView(first, viewId, formValues(name, modelId));
    await waitForCreatePost(name);
    const killed = await first.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    expect(omni.routinesOf(members.alice).filter((r) => r.name === name)).toHaveLength(acted ? 1 : 0);
    expectNoSecrets(first.logs);

    // On disk: the draft (still "pending", the form as typed) and the earlier audit entry.
    const onDisk = await readStore();
    const draft = onDisk.drafts.find((d) => (d.form as { name?: string }).name === name);
    expect(draft?.status).toBe('pending');
    expect((draft?.form as { prompt?: string }).prompt).toBe(`Weekly churn summary (${name})`);
    expect(onDisk.audit.filter((e) => e.action === 'create' && e.outcome === 'ok')).toHaveLength(1);

    // Restart on the same database; the Home tab offers the interrupted draft.
    omni.clearFaults();
    const second = await start();
    const home = await openHome(second, `EvHome-${acted ? 'a' : 'b'}`);
    const homeText = textOf(home.blocks);
    expect(homeText).toContain(name);
    expect(homeText).toMatch(/Interrupted/);
    const draftId = buttonValue(home.blocks, 'routine_retry', draft?.id);
    expect(draftId).toBe(draft?.id);

    // Try again from Home → the filled modal → submit → exactly one routine, whatever the killed attempt did.
    const triggerId = slack.issueTriggerId();
    await second.post(
      blockActionsBody({ source: 'view', view: buildViewOutput(home as never), triggerId, actions: [action.button({ actionId: 'routine_retry', value: draftId })] }),
    );
    const reopened = await slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId);
    const reopenedId = (reopened.response.view as { id: string }).id;
    const state = readInitialViewState(slack.views.get(reopenedId) as never) as Record<string, Record<string, { value?: string | null }>>;
    expect(state.name?.name_input?.value).toBe(name);
    await submitView(second, reopenedId);
    await waitForCreatedDm(name);
    expect(omni.routinesOf(members.alice).filter((r) => r.name === name)).toHaveLength(1);
    expect(omni.routinesOf(members.alice)).toHaveLength(2);

    const after = await readStore();
    expect(after.drafts.filter((d) => d.id === draftId)).toHaveLength(0);
    expect(after.audit.filter((e) => e.action === 'create' && e.outcome === 'ok')).toHaveLength(2);
    expectNoSecrets(second.logs);
    recordReliability({
      section: SECTION,
      check: `SIGKILL during a create that ${label}`,
      result: `draft (pending) and audit log intact on restart; Home offered the draft; the retry left 1 routine (${acted ? 'found the one the killed attempt created' : 'created it'})`,
      lost: 'nothing',
    });
  }, 60_000);
});

describe('SIGTERM during a create', () => {
  it('finishes the create before exiting, and tells the user', async () => {
    fakes = await startProcessFakes();
    const { omni, members, modelId, slack } = fakes;
    const app = await start();
    omni.inject({ match: { method: 'POST', path: ROUTINES }, fault: { type: 'delay', ms: 1500 } });
    const name = 'Stopped gracefully';
    const viewId = await openModal(app);
    await submitView(app, viewId, formValues(name, modelId));
    await waitForCreatePost(name);
    const exit = await app.stop('SIGTERM');
    expect(exit.code).toBe(0);
    // The create was still in flight when the signal came (other background work may be too, e.g. the modal's follow-up).
    const stopping = app.logs.find((l) => l.includes('stopping: finishing accepted work'));
    expect(Number((JSON.parse(stopping ?? '{}') as { inFlight?: number }).inFlight)).toBeGreaterThanOrEqual(1);
    // Before exiting it showed the result and sent the DM.
    expect(omni.routinesOf(members.alice).filter((r) => r.name === name)).toHaveLength(1);
    expect(textOf(slack.views.get(viewId)?.blocks)).toMatch(/set up/);
    const dm = slack.callsTo('chat.postMessage').find((c) => c.status === 200 && String(c.args.text).includes(`*${name}* is set up`));
    expect(dm).toBeDefined();
    const onDisk = await readStore();
    expect(onDisk.drafts).toHaveLength(0);
    expect(onDisk.audit.filter((e) => e.action === 'create' && e.outcome === 'ok')).toHaveLength(1);
    expectNoSecrets(app.logs);
    recordReliability({
      section: SECTION,
      check: 'SIGTERM while Omni is still answering a create',
      result: 'the create finished (1 routine), the view and the DM told the user, exit code 0, no draft left',
      lost: 'nothing',
    });
  }, 30_000);
});
