/**
 * The process dies during a create: SIGKILL while Omni is still answering, then a restart on the same database.
 * The draft and the audit log survive, the Home tab offers the interrupted draft, and retrying it leaves exactly one
 * routine in Omni, whether or not the killed attempt reached Omni. SIGTERM instead lets the create finish first.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { systemClock } from '../../src/clock.js';
import { openStore } from '../../src/store/index.js';
import { type AppProcess, type ProcessFakes, startAppProcess, startProcessFakes } from '../helpers/app-process.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { recordReliability } from '../helpers/reliability.js';
import { textOf } from '../helpers/text-of.js';
import { action, blockActionsBody, buildViewOutput, readInitialViewState, slashCommandBody, stateValue, viewSubmissionBody } from '../helpers/slack-requests.js';
import { until } from '../helpers/until.js';

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


function buttonValue(blocks: unknown, actionId: string, near?: string): string | undefined {
  const values: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'button' && o.action_id === actionId && typeof o.value === 'string') values.push(o.value);
      else Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return near === undefined ? values[0] : values.find((v) => v === near);
}

const formValues = (name: string, modelId: string) => ({
  name: { name_input: stateValue.text(name) },
  prompt: { prompt_input: stateValue.text(`Weekly churn summary (${name})`) },
  schedule: { schedule_input: stateValue.text('every monday at 8am') },
  timezone: { timezone_select: stateValue.externalSelect('Europe/London') },
  model: { model_select: stateValue.externalSelect(modelId, 'Sales') },
  delivery: { delivery_radio: stateValue.radio('dm') },
});

async function openModal(app: AppProcess): Promise<string> {
  const { slack } = need();
  const triggerId = slack.issueTriggerId();
  expect((await app.post(slashCommandBody({ triggerId }))).status).toBe(200);
  const call = await slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId);
  expect(call.response.ok).toBe(true);
  return (call.response.view as { id: string }).id;
}

/** Submits the view (what it shows, plus `values`); returns once the app acked "Creating…". */
async function submitView(app: AppProcess, viewId: string, values: Record<string, Record<string, unknown>> = {}): Promise<void> {
  const { slack } = need();
  const stored = slack.views.get(viewId);
  if (!stored) throw new Error(`no view ${viewId}`);
  const state = { ...readInitialViewState(stored as never), ...values } as never;
  const res = await app.post(viewSubmissionBody({ view: buildViewOutput(stored as never, { values: state }) }));
  expect(res.status).toBe(200);
  expect(JSON.stringify(res.json)).toMatch(/Creating/);
  slack.applyViewSubmissionAck(viewId, res.text);
}

/** The DM that tells the user `name` is set up (waits for it). */
function waitForCreatedDm(name: string, timeoutMs = 15_000) {
  return need().slack.waitFor('chat.postMessage', (c) => c.status === 200 && String(c.args.text).includes(`*${name}* is set up`), timeoutMs);
}

async function waitForCreatePost(name: string): Promise<void> {
  const { omni } = need();
  await until(() => omni.requests.some((r) => r.method === 'POST' && r.path === ROUTINES && (r.body as { name?: string } | undefined)?.name === name), 'the create to reach the fake Omni', 10_000);
}

async function readStore() {
  const store = await openStore(need().databaseUrl, { clock: systemClock });
  try {
    return { drafts: await store.listDrafts('U0001'), audit: await store.listAudit({ slackUserId: 'U0001', limit: 50 }) };
  } finally {
    await store.close();
  }
}

async function openHome(app: AppProcess, eventId: string) {
  const { slack } = need();
  const before = slack.callsTo('views.publish').length;
  const body = JSON.stringify({
    token: 'x', team_id: 'T0001', api_app_id: 'A0001', type: 'event_callback', event_id: eventId, event_time: 1,
    event: { type: 'app_home_opened', user: 'U0001', channel: 'D0001', tab: 'home', event_ts: '1.2' },
  });
  expect((await app.post(body, { headers: { 'Content-Type': 'application/json' } })).status).toBe(200);
  // The list itself, not the "Loading your routines…" view the app shows first when the list takes over 300 ms
  // (it does on a busy machine).
  const published = () => slack.callsTo('views.publish').slice(before).map((c) => JSON.stringify(c.args.view));
  await until(() => published().some((view) => !view.includes('Loading your routines')), 'the Home tab to be published', 10_000);
  const home = slack.homeViews.get('U0001');
  if (!home) throw new Error('no home view');
  return home;
}

function expectNoSecrets(logs: string[]): void {
  const secrets = need().secrets;
  expect(logs.filter((l) => secrets.some((s) => l.includes(s)))).toEqual([]);
}

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

describe('three replicas on one Postgres: SIGKILL on one during a create (issue 11)', () => {
  it('leaves the draft on another replica’s Home, and a retry on a third leaves exactly one routine', async () => {
    // The WAF is on (60 a minute) and so is the shared budget, as in production.
    fakes = await startProcessFakes({ omni: { rateLimit: { perWindow: 60, windowMs: 60_000 } } });
    const database = await createTestDatabase();
    try {
      fakes.databaseUrl = database.url;
      Object.assign(fakes.env, { DATABASE_URL: database.url, OMNI_RATE_LIMIT_PER_MINUTE: '60', OMNI_REPLICAS: '3' });
      const { slack, omni, members, modelId } = fakes;
      const [a, b, c] = [await start(), await start(), await start()];
      expect(new Set([a, b, c].map((p) => p!.port)).size).toBe(3);

      const name = 'Killed with its replica';
      omni.inject({ match: { method: 'POST', path: ROUTINES }, fault: { type: 'delay', ms: 5000 } });
      const viewId = await openModal(a!);
      await submitView(a!, viewId, formValues(name, modelId));
      await waitForCreatePost(name);
      expect((await a!.stop('SIGKILL')).signal).toBe('SIGKILL');
      omni.clearFaults();

      const draft = (await readStore()).drafts.find((d) => (d.form as { name?: string }).name === name);
      expect(draft?.status).toBe('pending');
      const home = await openHome(b!, 'EvReplicaHome');
      expect(textOf(home.blocks)).toContain(name);
      const draftId = buttonValue(home.blocks, 'routine_retry', draft?.id);
      expect(draftId).toBe(draft?.id);

      const triggerId = slack.issueTriggerId();
      await c!.post(blockActionsBody({ source: 'view', view: buildViewOutput(home as never), triggerId, actions: [action.button({ actionId: 'routine_retry', value: draftId })] }));
      const reopened = await slack.waitFor('views.open', (call) => call.args.trigger_id === triggerId);
      await submitView(c!, (reopened.response.view as { id: string }).id);
      await waitForCreatedDm(name);
      expect(omni.routinesOf(members.alice).filter((r) => r.name === name)).toHaveLength(1);
      expect((await readStore()).drafts.filter((d) => d.id === draftId)).toHaveLength(0);
      expect(omni.requests.filter((r) => r.status === 429)).toEqual([]);
      for (const p of [a!, b!, c!]) expectNoSecrets(p.logs);
      recordReliability({
        section: 'Replicas',
        check: 'three bot processes on one Postgres; the one holding a create is SIGKILLed while Omni holds the answer',
        result: 'the draft (pending) was on another replica’s Home; the retry on a third found the routine the killed attempt created: 1 routine; 0 WAF 429s',
        lost: 'nothing',
      });
    } finally {
      for (const p of running.splice(0)) await p.stop('SIGKILL');
      await database.drop();
    }
  }, 90_000);
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
