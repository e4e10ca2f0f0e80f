/**
 * What a user does, sent to a real bot process (test/helpers/app-process.ts) and observed at the fake Slack: open the
 * create modal, submit it, open the Home tab. Shared by the crash-and-restart and the replicas suites.
 */
import { expect } from '@jest/globals';
import { systemClock } from '../../src/clock.js';
import { openStore } from '../../src/store/index.js';
import type { AppProcess, ProcessFakes } from './app-process.js';
import { until } from './until.js';
import { type FormValues, openModal as openRoutineModal, submissionBody as submissionBodyOf } from './routine-ui.js';
import { eventCallbackBody, stateValue } from './slack-requests.js';

const ROUTINES = '/v1/ai/routines';

/** The create form filled in for `name` (a DM delivery, every Monday at 8 in London). */
export const formValues = (name: string, modelId: string) => ({
  name: { name_input: stateValue.text(name) },
  prompt: { prompt_input: stateValue.text(`Weekly churn summary (${name})`) },
  schedule: { schedule_input: stateValue.text('every monday at 8am') },
  timezone: { timezone_select: stateValue.externalSelect('Europe/London') },
  model: { model_select: stateValue.externalSelect(modelId, 'Sales') },
  delivery: { delivery_radio: stateValue.radio('dm') },
});

export function processFlows(fakes: ProcessFakes) {
  const { slack } = fakes;

  /** `/routine` on `app`; returns the id of the modal it opened. */
  async function openModal(app: AppProcess): Promise<string> {
    return (await openRoutineModal({ slack, post: (body, opts) => app.post(body, opts) })).view.id;
  }

  /** The raw body of a submission of the stored view `viewId` (what it shows, plus `values`). */
  function submissionBody(viewId: string, values: FormValues = {}): string {
    return submissionBodyOf(slack, viewId, values);
  }

  /** Submits the view to `app`; returns once the app acked "Creating…". */
  async function submitView(app: AppProcess, viewId: string, values: Record<string, Record<string, unknown>> = {}): Promise<void> {
    const res = await app.post(submissionBody(viewId, values));
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toMatch(/Creating/);
    slack.applyViewSubmissionAck(viewId, res.text);
  }

  /** The DM that tells the user `name` is set up (waits for it). */
  function waitForCreatedDm(name: string, timeoutMs = 15_000) {
    return slack.waitFor('chat.postMessage', (c) => c.status === 200 && String(c.args.text).includes(`*${name}* is set up`), timeoutMs);
  }

  /** Sends app_home_opened for U0001 to `app` and returns the Home view it published. */
  async function openHome(app: AppProcess, eventId: string) {
    const before = slack.callsTo('views.publish').length;
    const body = eventCallbackBody({ type: 'app_home_opened', user: 'U0001', channel: 'D0001', tab: 'home', event_ts: '1.2' }, { eventId });
    expect((await app.post(body, { headers: { 'Content-Type': 'application/json' } })).status).toBe(200);
    // The list itself, not the "Loading your routines…" view the app shows first when the list takes over 300 ms
    // (it does on a busy machine).
    const published = () => slack.callsTo('views.publish').slice(before).map((c) => JSON.stringify(c.args.view));
    await until(() => published().some((view) => !view.includes('Loading your routines')), 'the Home tab to be published', 10_000);
    const home = slack.homeViews.get('U0001');
    if (!home) throw new Error('no home view');
    return home;
  }

  /** No line any process wrote holds a secret. */
  function expectNoSecrets(logs: string[]): void {
    expect(logs.filter((l) => fakes.secrets.some((s) => l.includes(s)))).toEqual([]);
  }

  /** Resolves once the create of `name` has reached the fake Omni. */
  function waitForCreatePost(name: string): Promise<void> {
    const isCreate = (r: (typeof fakes.omni.requests)[number]) => r.method === 'POST' && r.path === ROUTINES && (r.body as { name?: string } | undefined)?.name === name;
    return until(() => fakes.omni.requests.some(isCreate), 'the create reaching the fake Omni', 10_000);
  }

  /** U0001's drafts and audit log, read from the processes' database. */
  async function readStore() {
    const store = await openStore(fakes.databaseUrl, { clock: systemClock });
    try {
      return { drafts: await store.listDrafts('U0001'), audit: await store.listAudit({ slackUserId: 'U0001', limit: 50 }) };
    } finally {
      await store.close();
    }
  }

  return { waitForCreatePost, readStore, openModal, submissionBody, submitView, waitForCreatedDm, openHome, expectNoSecrets };
}
