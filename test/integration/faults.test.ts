/**
 * Issue 5's fault tests: the real app over signed HTTP while the fake Omni and the fake Slack Web API misbehave.
 * For every step of create, run now and delete, and every fault the fakes can inject, the user is told in plain
 * words, nothing is duplicated, the draft survives, and a later retry succeeds. Each proved scenario records a
 * reliability row (docs/reliability.md).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { FakeFault } from '../fakes/fake-omni.js';
import { SIGNING_SECRET, modalValues, useHarness } from '../helpers/app-harness.js';
import { createThroughModal, openHome, openModal, pressTryAgain, seedRoutine, submitModal } from '../helpers/routine-ui.js';
import { recordReliability } from '../helpers/reliability.js';
import { buttonValue, textOf } from '../helpers/text-of.js';
import {
  action,
  blockActionsBody,
  buildViewOutput,
  readInitialViewState,
  slashCommandBody,
} from '../helpers/slack-requests.js';
import { until } from '../helpers/until.js';

/** Short enough to keep the file fast, long enough that an unloaded loopback answer never trips it. */
const OMNI_TIMEOUT_MS = 600;
const SLOW_MS = 1500;
const ROUTINES = '/v1/ai/routines';
const SECTION = 'Faults';

const h = useHarness({
  // The WAF and the app's own budget would throttle this many requests a minute; WAF 429s are injected instead.
  env: { OMNI_RATE_LIMIT_PER_MINUTE: '10000' },
  // A run stays "in progress" long enough that a second trigger meets Omni's 409, as in production.
  omni: { rateLimit: false, runDurationMs: 10 * 60_000 },
  app: { omni: { timeoutMs: OMNI_TIMEOUT_MS, retry: { limit: 2, baseDelayMs: 5, maxDelayMs: 20 } } },
});
afterEach(async () => {
  await h.settle();
  h.omni.clearFaults();
  // The process lives on, the fake found no bug of its own, and no secret reached any log line.
  expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
  expect(h.omni.internalErrors).toEqual([]);
  expectNoSecretInLogs();
});

// ---- helpers ----------------------------------------------------------------------------------------------------

function expectNoSecretInLogs(): void {
  const secrets = [h.omni.apiKey, h.slack.token, SIGNING_SECRET];
  const leaking = h.logs.filter((line) => secrets.some((s) => line.includes(s)));
  expect(leaking).toEqual([]);
}


/** Plain words: no status codes, no JSON, no stack, no error class names, no wire details. */
function expectPlainWords(text: string): void {
  expect(text.trim().length).toBeGreaterThan(20);
  expect(text).not.toMatch(/\b[45]\d\d\b/);
  expect(text).not.toMatch(/[{}]/);
  expect(text).not.toMatch(/\n\s*at \S+ \(|\.ts:\d+/);
  expect(text).not.toMatch(/Error\b|ECONN|ETIMEDOUT|socket hang up|Injected|Internal Server|Too Many Requests|\/v1\/|\/api\/|\b(?:GET|POST|DELETE|PUT) \//);
  expect(text).not.toContain('undefined');
}

const formValues = (name: string) => modalValues(h, { name, prompt: `Summarise yesterday's pipeline by rep (${name})` });

/** Creates `name` through the modal as `userId`, filled with formValues; returns the view id (which shows the outcome). */
const create = (name: string, userId = 'U0001') => createThroughModal(h, name, { userId, values: formValues(name) });

const dmOf = (userId: string) => `D${userId.slice(1)}`;
const named = (name: string, membershipId = h.members.alice) => h.omni.routinesOf(membershipId).filter((r) => r.name === name);
const createPosts = () => h.omni.requests.filter((r) => r.method === 'POST' && r.path === ROUTINES);

/** The last DM the bot sent the user that mentions `name`. */
function lastDmAbout(name: string, userId = 'U0001') {
  const message = h.slack.messages(dmOf(userId)).filter((m) => `${m.text}\n${textOf(m.blocks)}`.includes(name)).at(-1);
  if (!message) throw new Error(`no DM about ${name}`);
  return { text: `${message.text}\n${textOf(message.blocks)}`, blocks: message.blocks ?? [] };
}

/** Asserts the created outcome: one routine, the view shows it with its buttons, the DM says so. */
function expectToldCreated(viewId: string, name: string, membershipId = h.members.alice, userId = 'U0001'): void {
  expect(named(name, membershipId)).toHaveLength(1);
  const view = h.slack.views.get(viewId);
  expect(textOf(view?.blocks)).toMatch(/set up/);
  expect(textOf(view?.blocks)).toContain(name);
  const dm = lastDmAbout(name, userId);
  expect(dm.text).toMatch(/is set up/);
  expect(buttonValue(dm.blocks, 'routine_run_now')).toBe(named(name, membershipId)[0]?.id);
}

/**
 * Asserts the failed outcome (plain words in the view and the DM, Try again in both), then proves the draft: Try
 * again from the DM reopens the filled modal; with the fault cleared, submitting it creates exactly one routine.
 */
async function expectFailedThenRetryCreates(
  viewId: string,
  name: string,
  words: RegExp,
  options: { membershipId?: string; userId?: string; before?: number } = {},
): Promise<{ shown: string }> {
  const membershipId = options.membershipId ?? h.members.alice;
  const userId = options.userId ?? 'U0001';
  const failedView = h.slack.views.get(viewId);
  const shown = textOf(failedView?.blocks);
  expect(shown).toMatch(words);
  expectPlainWords(shown);
  const draftInView = buttonValue(failedView?.blocks, 'routine_retry');
  expect(draftInView).toBeTruthy();
  const dm = lastDmAbout(name, userId);
  expect(dm.text).toMatch(words);
  expectPlainWords(dm.text);
  const draftId = buttonValue(dm.blocks, 'routine_retry');
  expect(draftId).toBe(draftInView);
  expect(named(name, membershipId)).toHaveLength(options.before ?? 0);

  h.omni.clearFaults();
  const reopened = await pressTryAgain(h, draftId ?? '', userId);
  expect(reopened.response.ok).toBe(true);
  const reopenedId = (reopened.response.view as { id: string }).id;
  const state = readInitialViewState(h.slack.views.get(reopenedId) as never) as Record<string, Record<string, { value?: string | null }>>;
  expect(state.name?.name_input?.value).toBe(name);
  expect(state.schedule?.schedule_input?.value).toBe('every weekday at 9am');

  const submitted = await submitModal(h, reopenedId, {}, { userId });
  expect(submitted.status).toBe(200);
  expect((submitted.json as { response_action?: string }).response_action).toBe('update');
  await h.settle();
  expectToldCreated(reopenedId, name, membershipId, userId);
  return { shown: shown.split('\n').find((l) => words.test(l)) ?? shown };
}

const short = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 90);

// ---- create ---------------------------------------------------------------------------------------------------

interface CreateCase {
  label: string;
  fault: FakeFault;
  times: number;
  /** 'created': the client recovers on its own; 'failed': the user is told, keeps the draft, and retries. */
  outcome: 'created' | 'failed';
  words?: RegExp;
}

const ACTED = 'acted on';
const CREATE_CASES: CreateCase[] = [
  { label: 'Omni answers 500 once (not acted on)', fault: { type: 'status', status: 500 }, times: 1, outcome: 'created' },
  { label: 'Omni answers 503 every time', fault: { type: 'status', status: 503 }, times: Infinity, outcome: 'failed', words: /didn't confirm|try again/i },
  { label: `Omni answers 500 after it ${ACTED} the create`, fault: { type: 'status-after', status: 500 }, times: Infinity, outcome: 'created' },
  { label: `Omni answers slower than the client timeout, after it ${ACTED} the create`, fault: { type: 'delay', ms: SLOW_MS }, times: Infinity, outcome: 'created' },
  { label: 'Omni is slower than the client timeout and acts late', fault: { type: 'delay-before', ms: SLOW_MS }, times: 1, outcome: 'created' },
  { label: 'Omni resets the connection before acting, once', fault: { type: 'reset-before' }, times: 1, outcome: 'created' },
  { label: 'Omni resets the connection before acting, every time', fault: { type: 'reset-before' }, times: Infinity, outcome: 'failed', words: /didn't confirm/i },
  { label: `Omni resets the connection after it ${ACTED} the create`, fault: { type: 'reset-after' }, times: Infinity, outcome: 'created' },
  { label: 'WAF 429 with Retry-After, once', fault: { type: 'waf429', retryAfter: 1 }, times: 1, outcome: 'created' },
  { label: 'WAF 429 without Retry-After, once', fault: { type: 'waf429' }, times: 1, outcome: 'created' },
  { label: 'WAF 429 with Retry-After, every time', fault: { type: 'waf429', retryAfter: 1 }, times: Infinity, outcome: 'failed', words: /too many requests/i },
  { label: 'WAF 429 without Retry-After, every time', fault: { type: 'waf429' }, times: Infinity, outcome: 'failed', words: /too many requests/i },
  { label: 'the per-user routine limit', fault: { type: 'routine-limit' }, times: Infinity, outcome: 'failed', words: /maximum number of active routines/i },
];

describe('create, with Omni failing on the create request', () => {
  it.each(CREATE_CASES.map((c, i) => [c.label, c, i] as const))('%s', async (_label, c, i) => {
    const name = `Create fault ${i + 1}`;
    h.omni.inject({ match: { method: 'POST', path: ROUTINES }, times: c.times, fault: c.fault });
    const viewId = await create(name);
    const sends = createPosts().length;
    if (c.outcome === 'created') {
      expectToldCreated(viewId, name);
      recordReliability({
        section: SECTION,
        check: `create: ${c.label}`,
        result: `recovered without a duplicate (${named(name).length} routine, ${sends} create request${sends === 1 ? '' : 's'}), user told "set up"`,
        lost: 'nothing',
      });
      return;
    }
    const { shown } = await expectFailedThenRetryCreates(viewId, name, c.words ?? /./);
    recordReliability({
      section: SECTION,
      check: `create: ${c.label}`,
      result: `user told "${short(shown)}"; draft kept; Try again reopened it filled; after the fault, 1 routine (no duplicate)`,
      lost: 'nothing',
    });
  });
});

describe('create, when the client cannot tell whether Omni created it', () => {
  it('Omni acted but never answered and the look-up failed too: Try again finds it instead of creating a second', async () => {
    const name = 'Unconfirmed create';
    h.omni.inject({ match: { method: 'POST', path: ROUTINES }, times: Infinity, fault: { type: 'reset-after' } });
    h.omni.inject({ match: { method: 'GET', path: ROUTINES }, times: Infinity, fault: { type: 'status', status: 502 } });
    const viewId = await create(name);
    // It exists in Omni although the user was told Omni did not confirm it; only one create was sent.
    expect(createPosts()).toHaveLength(1);
    const { shown } = await expectFailedThenRetryCreates(viewId, name, /didn't confirm/, { before: 1 });
    // The retry sent no second create: it found the routine the first attempt made.
    expect(createPosts()).toHaveLength(1);
    recordReliability({
      section: SECTION,
      check: 'create: Omni acted, the answer was lost and the look-up failed too',
      result: `user told "${short(shown)}"; Try again found the routine instead of sending a second create (1 routine, 1 create request)`,
      lost: 'nothing',
    });
  });
});

describe('create, when Omni acts only after the client gave up and looked', () => {
  it('a timed-out create is not sent again blind: the late routine is found by Try again, never duplicated', async () => {
    const name = 'Very slow create';
    // Held past the timeout and past the look-up the client makes after it (timeout + 2 s), then created.
    const lateMs = OMNI_TIMEOUT_MS + 2900;
    h.omni.inject({ match: { method: 'POST', path: ROUTINES }, fault: { type: 'delay-before', ms: lateMs } });
    const viewId = await create(name);
    expect(createPosts()).toHaveLength(1);
    // Omni's queue finally runs the create the client stopped waiting for.
    await until(() => named(name).length > 0, 'the late create');
    const { shown } = await expectFailedThenRetryCreates(viewId, name, /didn't confirm/, { before: 1 });
    expect(createPosts()).toHaveLength(1);
    recordReliability({
      section: SECTION,
      check: 'create: Omni runs the create only after the client timed out and looked for it',
      result: `not re-sent blind; user told "${short(shown)}"; Try again found the late routine (1 routine, 1 create request)`,
      lost: 'nothing',
    });
  });
});

describe('create, with the identity lookup (SCIM) failing', () => {
  const cases: Array<[string, FakeFault, string, string]> = [
    ['SCIM answers 500', { type: 'status', status: 500 }, 'U0031', 'dave'],
    ['SCIM answers slower than the client timeout', { type: 'delay-before', ms: SLOW_MS }, 'U0032', 'erin'],
  ];
  it.each(cases)('%s: plain words, the draft kept, the retry creates one', async (label, fault, userId, who) => {
    h.slack.addUser({ id: userId, name: who, email: `${who}@example.com`, tz: 'UTC' });
    const membershipId = h.omni.addMember({ email: `${who}@example.com`, displayName: who });
    h.omni.inject({ match: { method: 'GET', path: '/scim/v2/users' }, times: Infinity, fault });
    const name = `Identity fault ${who}`;
    const viewId = await create(name, userId);
    expect(createPosts()).toHaveLength(0);
    const { shown } = await expectFailedThenRetryCreates(viewId, name, /could not look up your Omni account/, { membershipId, userId });
    recordReliability({
      section: SECTION,
      check: `create: ${label} during the identity lookup`,
      result: `nothing sent to Omni; user told "${short(shown)}"; draft kept; retry created 1 routine`,
      lost: 'nothing',
    });
  });
});

// ---- run now ------------------------------------------------------------------------------------------------

let clickSeq = 0;
/** Presses a routine button on the bot's DM (as the user would) and returns what the bot answered. */
async function clickOnMessage(actionId: string, routineId: string, userId = 'U0001'): Promise<string> {
  const tag = `click-${(clickSeq += 1)}`;
  const res = await h.post(
    blockActionsBody({ source: 'message', userId, channelId: dmOf(userId), responseUrl: h.slack.responseUrl(tag), actions: [action.button({ actionId, value: routineId })] }),
  );
  expect(res.status).toBe(200);
  await h.settle();
  await until(() => h.slack.responses(tag).length > 0, `the answer to ${actionId}`);
  // What the user reads: the blocks when there are any (Slack then uses `text` only for the notification).
  return textOf(h.slack.responses(tag).map((r) => (Array.isArray(r.blocks) && r.blocks.length > 0 ? r.blocks : r.text)));
}

interface ActionCase {
  label: string;
  fault: FakeFault;
  times: number;
  /** Runs Omni holds after the first click. */
  runs: number;
  /** What the first click tells the user. */
  first: RegExp;
}

const RUN_OK = /is running now/;
const RUN_CASES: ActionCase[] = [
  { label: 'Omni answers 500 (not acted on)', fault: { type: 'status', status: 500 }, times: 1, runs: 0, first: /didn't confirm the run started/ },
  { label: `Omni answers 500 after it ${ACTED} the trigger`, fault: { type: 'status-after', status: 500 }, times: 1, runs: 1, first: /didn't confirm the run started/ },
  { label: `Omni answers slower than the client timeout, after it ${ACTED} the trigger`, fault: { type: 'delay', ms: SLOW_MS }, times: 1, runs: 1, first: /didn't confirm the run started/ },
  { label: 'Omni resets the connection before acting', fault: { type: 'reset-before' }, times: 1, runs: 0, first: /didn't confirm the run started/ },
  { label: `Omni resets the connection after it ${ACTED} the trigger`, fault: { type: 'reset-after' }, times: 1, runs: 1, first: /didn't confirm the run started/ },
  { label: 'WAF 429 with Retry-After, once', fault: { type: 'waf429', retryAfter: 1 }, times: 1, runs: 1, first: RUN_OK },
  { label: 'WAF 429 without Retry-After, once', fault: { type: 'waf429' }, times: 1, runs: 1, first: RUN_OK },
  { label: 'WAF 429 every time', fault: { type: 'waf429', retryAfter: 1 }, times: Infinity, runs: 0, first: /too many requests/i },
];

describe('run now, with Omni failing on the trigger', () => {
  it.each(RUN_CASES.map((c, i) => [c.label, c, i] as const))('%s', async (_label, c, i) => {
    const id = seedRoutine(h, `Run fault ${i + 1}`);
    const triggers = () => h.omni.requests.filter((r) => r.method === 'POST' && r.path === `${ROUTINES}/${id}/trigger`);
    h.omni.inject({ match: { method: 'POST', path: /\/trigger$/ }, times: c.times, fault: c.fault });

    const first = await clickOnMessage('routine_run_now', id);
    expect(first).toMatch(c.first);
    expectPlainWords(first);
    expect(h.omni.routine(id)?.runs).toHaveLength(c.runs);
    // Never two runs from one click: only WAF refusals (which Omni's application never saw) are sent again.
    const reachedOmni = triggers().filter((r) => r.fault !== 'waf429');
    expect(reachedOmni.length).toBeLessThanOrEqual(1);

    // The user presses Run now again once Omni is healthy: one run in all, or Omni's own "already running".
    h.omni.clearFaults();
    const second = await clickOnMessage('routine_run_now', id);
    expect(h.omni.routine(id)?.runs).toHaveLength(1);
    expect(second).toMatch(c.runs === 1 ? /already running/ : RUN_OK);
    expectPlainWords(second);
    recordReliability({
      section: SECTION,
      check: `run now: ${c.label}`,
      result: `${triggers().length} trigger requests over 2 clicks, ${c.runs} run after the first click, 1 run in all; user told "${short(first)}"`,
      lost: 'nothing',
    });
  });
});

// ---- delete ---------------------------------------------------------------------------------------------------

const DELETED = /was deleted/;
const DELETE_CASES: Array<ActionCase & { left: number }> = [
  { label: 'Omni answers 500 once (not acted on)', fault: { type: 'status', status: 500 }, times: 1, runs: 0, left: 0, first: DELETED },
  { label: `Omni answers 500 after it ${ACTED} the delete`, fault: { type: 'status-after', status: 500 }, times: 1, runs: 0, left: 0, first: DELETED },
  { label: `Omni answers slower than the client timeout, after it ${ACTED} the delete`, fault: { type: 'delay', ms: SLOW_MS }, times: 1, runs: 0, left: 0, first: DELETED },
  { label: 'Omni resets the connection before acting', fault: { type: 'reset-before' }, times: 1, runs: 0, left: 0, first: DELETED },
  { label: `Omni resets the connection after it ${ACTED} the delete`, fault: { type: 'reset-after' }, times: 1, runs: 0, left: 0, first: DELETED },
  { label: 'WAF 429 with Retry-After, once', fault: { type: 'waf429', retryAfter: 1 }, times: 1, runs: 0, left: 0, first: DELETED },
  { label: 'WAF 429 without Retry-After, once', fault: { type: 'waf429' }, times: 1, runs: 0, left: 0, first: DELETED },
  { label: 'Omni answers 503 every time', fault: { type: 'status', status: 503 }, times: Infinity, runs: 0, left: 1, first: /try again/i },
  { label: 'WAF 429 every time', fault: { type: 'waf429' }, times: Infinity, runs: 0, left: 1, first: /too many requests/i },
  { label: `Omni answers 500 every time, although it ${ACTED} the first delete`, fault: { type: 'status-after', status: 500 }, times: Infinity, runs: 0, left: 0, first: /try again/i },
  { label: 'Omni resets every connection after acting', fault: { type: 'reset-after' }, times: Infinity, runs: 0, left: 0, first: /try again/i },
];

describe('delete, with Omni failing on the delete', () => {
  it.each(DELETE_CASES.map((c, i) => [c.label, c, i] as const))('%s', async (_label, c, i) => {
    const name = `Delete fault ${i + 1}`;
    const id = seedRoutine(h, name);
    h.omni.inject({ match: { method: 'DELETE', path: `${ROUTINES}/${id}` }, times: c.times, fault: c.fault });

    const first = await clickOnMessage('routine_delete', id);
    expect(first).toMatch(c.first);
    expectPlainWords(first);
    expect(h.omni.routinesOf(h.members.alice).filter((r) => r.id === id)).toHaveLength(c.left);

    // Pressing Delete again once Omni is healthy: deleted, and never an error for a routine that is in fact gone.
    h.omni.clearFaults();
    const second = await clickOnMessage('routine_delete', id);
    expect(second).toMatch(DELETED);
    expect(second).not.toMatch(/:warning:/);
    expect(h.omni.routine(id)).toBeUndefined();
    recordReliability({
      section: SECTION,
      check: `delete: ${c.label}`,
      result: `user told "${short(first)}"${c.first === DELETED ? '' : `, then "${short(second)}" on the retry`}; routine gone, no error shown for it`,
      lost: 'nothing',
    });
  });

  it('an ambiguous delete retried after the Home tab refreshed (the routine no longer listed) says it was deleted', async () => {
    // Bob, whose Home lists only this routine.
    const name = 'Delete then Home';
    const id = seedRoutine(h, name, { owner: h.members.bob, schedule: '0 9 ? * * *' });
    h.omni.inject({ match: { method: 'DELETE', path: `${ROUTINES}/${id}` }, times: Infinity, fault: { type: 'reset-after' } });
    const home = await openHome(h, 'U0002');
    expect(textOf(home.blocks)).toContain(name);
    // Delete from Home: Omni deletes it but the answer never arrives; the Home is republished from a fresh list.
    await h.post(
      blockActionsBody({ source: 'view', userId: 'U0002', view: buildViewOutput(home as never), actions: [action.button({ actionId: 'routine_delete', value: id })] }),
    );
    await h.settle();
    expect(h.omni.routine(id)).toBeUndefined();
    expect(textOf(h.slack.homeViews.get('U0002')?.blocks)).not.toContain(name);
    const failed = h.slack.messages('D0002').at(-1)?.text ?? '';
    expect(failed).toMatch(/try again/i);
    expectPlainWords(failed);
    // Bob presses Delete on an older message: not "isn't one of yours", but "was deleted".
    h.omni.clearFaults();
    const again = await clickOnMessage('routine_delete', id, 'U0002');
    expect(again).toMatch(DELETED);
    expect(again).not.toMatch(/isn't one of yours/);
    // Someone else's routine id is still refused, and stays.
    const alices = seedRoutine(h, 'Alice keeps this');
    expect(await clickOnMessage('routine_delete', alices, 'U0002')).toMatch(/isn't one of yours/);
    expect(h.omni.routine(alices)).toBeDefined();
    recordReliability({
      section: SECTION,
      check: 'delete: acted on but unanswered, pressed again after the Home tab stopped listing it',
      result: `user told "${short(failed)}", then "${short(again)}"; another user's routine id still refused`,
      lost: 'nothing',
    });
  });
});

// ---- Slack Web API failures -------------------------------------------------------------------------------------

describe('Slack Web API failures', () => {
  it('views.update answering 429 with Retry-After: the create lands once and the view still shows it', async () => {
    h.slack.failNext('views.update', { status: 429, retryAfter: 1 });
    const name = 'Slack 429 on update';
    const viewId = await create(name);
    const updates = h.slack.callsTo('views.update').filter((c) => c.args.view_id === viewId);
    expect(updates.map((c) => c.status)).toEqual([429, 200]);
    expectToldCreated(viewId, name);
    recordReliability({ section: SECTION, check: 'create: Slack views.update answers 429 with Retry-After', result: `retried after the wait (${updates.length} calls); 1 routine; view and DM show it`, lost: 'nothing' });
  });

  it('chat.postMessage answering 429 with Retry-After: the DM still arrives, one routine', async () => {
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const name = 'Slack 429 on message';
    const viewId = await create(name);
    const posts = h.slack.callsTo('chat.postMessage');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expectToldCreated(viewId, name);
    recordReliability({ section: SECTION, check: 'create: Slack chat.postMessage answers 429 with Retry-After', result: `retried after the wait (${posts.length} calls); 1 routine; DM arrived`, lost: 'nothing' });
  });

  it('views.update answering 429 without Retry-After: not retried blindly, the DM still tells the user', async () => {
    h.slack.failNext('views.update', { status: 429 });
    const name = 'Slack bare 429 on update';
    await create(name);
    expect(named(name)).toHaveLength(1);
    expect(lastDmAbout(name).text).toMatch(/is set up/);
    expect(h.logs.some((l) => l.includes('views.update failed'))).toBe(true);
    recordReliability({ section: SECTION, check: 'create: Slack views.update answers 429 without Retry-After', result: '1 routine; the DM told the user; the failure logged', lost: 'nothing' });
  });

  it('views.update failing with not_found (the user closed the modal): the DM still arrives', async () => {
    h.slack.failNext('views.update', { error: 'not_found' });
    const name = 'Closed modal';
    await create(name);
    expect(named(name)).toHaveLength(1);
    const dm = lastDmAbout(name);
    expect(dm.text).toMatch(/is set up/);
    expect(buttonValue(dm.blocks, 'routine_run_now')).toBe(named(name)[0]?.id);
    recordReliability({ section: SECTION, check: 'create: views.update fails with not_found (modal closed)', result: '1 routine; the DM with its buttons arrived', lost: 'nothing' });
  });

  it('views.update failing while Omni also fails: the DM carries the failure and the draft', async () => {
    h.slack.failNext('views.update', { error: 'not_found' });
    h.omni.inject({ match: { method: 'POST', path: ROUTINES }, fault: { type: 'routine-limit' } });
    const name = 'Closed modal, limit';
    await create(name);
    const dm = lastDmAbout(name);
    expect(dm.text).toMatch(/maximum number of active routines/);
    expect(buttonValue(dm.blocks, 'routine_retry')).toBeTruthy();
    expect(named(name)).toHaveLength(0);
    recordReliability({ section: SECTION, check: 'create: Omni refuses and views.update fails', result: 'the DM told the user and kept the draft one click away', lost: 'nothing' });
  });

  it("an Omni failure during a create is logged with the submission's request id, by the client and by the use case", async () => {
    const before = h.logs.length;
    h.omni.inject({ match: { method: 'POST', path: ROUTINES }, fault: { type: 'routine-limit' } });
    await create('Logged with its request');
    await h.settle();
    const lines = h.logs.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    const clientLine = lines.find((l) => l.msg === 'omni request failed' && l.method === 'POST');
    const useCaseLine = lines.find((l) => l.msg === 'omni create failed');
    // Both belong to the view submission that asked: same request id, user and kind of payload.
    expect(clientLine).toMatchObject({ slackUserId: 'U0001', kind: 'view_submission', failure: 'http', requestId: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(useCaseLine).toMatchObject({ slackUserId: 'U0001', kind: 'view_submission', requestId: clientLine?.requestId });
  });

  it('views.open failing (expired_trigger_id): no crash, nothing created, the user told, logged without secrets', async () => {
    const before = h.logs.length;
    const triggerId = h.slack.issueTriggerId();
    h.slack.expireTriggerId(triggerId);
    const res = await h.post(slashCommandBody({ triggerId }));
    expect(res.status).toBe(200);
    const call = await h.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId);
    expect(call.response.error).toBe('expired_trigger_id');
    await h.settle();
    await until(() => h.logs.slice(before).some((l) => l.includes('expired_trigger_id')), 'the error log line');
    const logged = h.logs.slice(before).filter((l) => l.includes('expired_trigger_id'));
    expect(logged.some((l) => /"level":"(warn|error)"/.test(l))).toBe(true);
    // The line belongs to the request: it carries that request's id, user and kind (work after the ack included).
    const warned = JSON.parse(logged.find((l) => l.includes('views.open failed')) ?? '{}') as Record<string, unknown>;
    expect(warned).toMatchObject({ slackUserId: 'U0001', kind: '/routine', requestId: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(h.omni.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
    // The user pressed and nothing opened: they hear why, in words.
    await until(() => h.slack.messages(dmOf('U0001')).some((m) => m.text.includes("didn't let me open the routine form")), 'the DM');
    // The next command opens the modal as usual.
    await openModal(h);
    recordReliability({ section: SECTION, check: 'views.open fails with expired_trigger_id', result: 'no crash; nothing sent to Omni; the user told by DM; one log line, no secret; the next /routine opened the modal', lost: 'nothing' });
  });
});

describe('after every fault above', () => {
  it('a plain create still works, once, with no secret in any log line', async () => {
    const name = 'After the storm';
    const viewId = await create(name);
    expectToldCreated(viewId, name);
    expect(createPosts()).toHaveLength(1);
    expect(h.logs.length).toBeGreaterThan(100);
    recordReliability({
      section: SECTION,
      check: 'the process after every fault of this file',
      result: `still up; a plain create cost 1 create request; ${h.logs.length} log lines, none with the Omni key or a Slack secret`,
      lost: 'nothing',
    });
  });
});
