/**
 * Several replicas on one Postgres (issue 11): three real bot processes (the compiled entry, as `npm start` runs it),
 * each with its own HTTP server, Omni client and caches, sharing one database, the fake Slack and the fake Omni (its
 * WAF on, 60 a minute), with signed requests spread over them as a load balancer would. What must hold across
 * replicas:
 *  - the same submission sent to two replicas at once and retried (re-signed) on a third creates one routine;
 *  - a signed command replayed to another replica is acted on once;
 *  - a change made through one replica drops the other replicas' cached routine list;
 *  - the model list fetched by one replica serves the others;
 *  - a replica SIGKILLed while Omni holds its create leaves the draft on another replica's Home, and a retry on a
 *    third leaves exactly one routine;
 *  - a burst of Omni-spending actions spread over the replicas keeps to one shared budget: no WAF 429, and no span
 *    holds more than the shared windows allow (three budgets of their own would let three times as much through).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type AppProcess, type ProcessFakes, settleProcesses, startAppProcess, startProcessFakes } from '../helpers/app-process.js';
import { until } from '../helpers/until.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { formValues, processFlows } from '../helpers/process-flows.js';
import { buttonValue } from '../helpers/text-of.js';
import { recordReliability } from '../helpers/reliability.js';
import { action, blockActionsBody, blockSuggestionBody, buildViewOutput, slashCommandBody } from '../helpers/slack-requests.js';
import { textOf } from '../helpers/text-of.js';

const ROUTINES = '/v1/ai/routines';

let database: TestDatabase;
let fakes: ProcessFakes;
let flows: ReturnType<typeof processFlows>;
/** Replicas A, B and C. */
let replicas: AppProcess[] = [];
const extra: AppProcess[] = [];
/**
 * The people pressing Run now in the burst: five, three presses each, so that no one meets the per-user share of
 * the budget (half the organization's steady minute) and what limits the burst is the organization's budget.
 */
const BURST_USERS = [1, 2, 3, 4, 5].map((n) => ({ id: `U009${n}`, name: `burst${n}` }));
const burstMembers = new Map<string, string>();
/** Omni model-list requests made while the three replicas started (each warms the list at start). */
let modelRequestsAtStart = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  fakes = await startProcessFakes({ omni: { rateLimit: { perWindow: 60, windowMs: 60_000 } }, slack: { users: BURST_USERS.map(({ id, name }) => ({ id, name, email: `${name}@example.com`, tz: 'UTC' })) } });
  for (const u of BURST_USERS) burstMembers.set(u.id, fakes.omni.addMember({ email: `${u.name}@example.com`, displayName: u.name }));
  fakes.databaseUrl = database.url;
  Object.assign(fakes.env, { DATABASE_URL: database.url, OMNI_RATE_LIMIT_PER_MINUTE: '60', OMNI_REPLICAS: '3', LOG_LEVEL: 'info' });
  flows = processFlows(fakes);
  // One after the other, each settled, as a rolling deploy starts them: the first fetches the model list, the
  // others find it in the shared cache.
  for (let i = 0; i < 3; i += 1) {
    const p = await startAppProcess(fakes.env);
    replicas.push(p);
    await settleProcesses([p]);
  }
  modelRequestsAtStart = fakes.omni.requests.filter((r) => r.path === '/v1/models').length;
}, 90_000);
afterAll(async () => {
  // (when start-up failed, what did start is still stopped, and the failure is the one reported)
  for (const p of [...replicas, ...extra]) await p.stop('SIGKILL');
  if (typeof fakes !== 'undefined') await fakes.close();
  if (typeof database !== 'undefined') await database.drop();
});
beforeEach(async () => {
  await settleProcesses(replicas);
  fakes.slack.reset();
  fakes.omni.clearRequests();
  fakes.omni.clearFaults();
});

describe('three bot processes on one Postgres', () => {
  it('creates one routine from a submission sent to two replicas at once and retried on a third', async () => {
    const [a, b, c] = replicas as [AppProcess, AppProcess, AppProcess];
    const name = 'Across replicas';
    const viewId = await flows.openModal(a);
    const body = flows.submissionBody(viewId, formValues(name, fakes.modelId));
    const ts = Math.floor(Date.now() / 1000);
    const [first, second] = await Promise.all([a.post(body, { timestampSec: ts }), b.post(body, { timestampSec: ts })]);
    // Slack retries with a new timestamp (a new signature): the replay memory cannot match it, the submission key does.
    const retried = await c.post(body, { timestampSec: ts - 2 });
    expect([first.status, second.status, retried.status]).toEqual([200, 200, 200]);
    await flows.waitForCreatedDm(name);
    await settleProcesses(replicas);
    expect(fakes.omni.routinesOf(fakes.members.alice).filter((r) => r.name === name)).toHaveLength(1);
    expect(fakes.omni.requests.filter((r) => r.method === 'POST' && r.path === ROUTINES)).toHaveLength(1);
    recordReliability({
      section: 'Replicas',
      check: 'one submission sent to two bot processes at once and retried on a third',
      result: '1 routine created in Omni, 1 create request',
    });
  }, 60_000);

  it('acts once on a signed command replayed to another replica', async () => {
    const [a, b] = replicas as [AppProcess, AppProcess];
    const triggerId = fakes.slack.issueTriggerId();
    const body = slashCommandBody({ text: 'new', triggerId });
    const ts = Math.floor(Date.now() / 1000);
    const replayedLines = () => b.logs.filter((l) => l.includes('replayed request ignored')).length;
    const before = replayedLines();
    expect((await a.post(body, { timestampSec: ts })).status).toBe(200);
    await fakes.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, 10_000);
    // The very same bytes, timestamp and signature, as someone who captured the request would send them.
    const replayed = await b.post(body, { timestampSec: ts });
    expect(replayed.status).toBe(200);
    expect(replayed.text).toBe('');
    await until(() => replayedLines() > before, 'replica B logging the replay', 10_000);
    await settleProcesses(replicas);
    expect(fakes.slack.callsTo('views.open')).toHaveLength(1);
  }, 60_000);

  it('drops every replica’s cached routine list when one replica changes a routine', async () => {
    const [a, b] = replicas as [AppProcess, AppProcess];
    const { omni, slack } = fakes;
    const routine = omni.addRoutine(fakes.members.alice, { name: 'Shared list', modelId: fakes.modelId, prompt: 'p', schedule: '0 9 ? * * *', timezone: 'UTC' });
    const listRequests = () => omni.requests.filter((r) => r.method === 'GET' && r.path === ROUTINES).length;
    const homeOfA = async () => {
      const published = slack.callsTo('views.publish').length;
      const refresh = blockActionsBody({ source: 'view', view: buildViewOutput({ type: 'home', blocks: [] }), actions: [action.button({ actionId: 'routine_refresh_home' })] });
      expect((await a.post(refresh)).status).toBe(200);
      // The list itself, not the "Loading your routines…" view shown first when the list takes over 300 ms.
      const lists = () => slack.callsTo('views.publish').slice(published).filter((c) => !JSON.stringify(c.args.view).includes('Loading your routines'));
      await until(() => lists().length > 0, 'a Home publish with the list', 10_000);
      await settleProcesses(replicas);
      return textOf(lists().at(-1)?.args);
    };
    expect(await homeOfA()).toContain('Shared list');
    const listedOnce = listRequests();
    // Replica B deletes it (B reads it first to check ownership, then deletes).
    const responseUrl = slack.responseUrl('del');
    await b.post(blockActionsBody({ source: 'message', actions: [action.button({ actionId: 'routine_delete', value: routine })], responseUrl }));
    await until(() => omni.routine(routine) === undefined, 'the delete', 10_000);
    await settleProcesses(replicas);
    // A's list is seconds old (Refresh would reuse it, and its TTL is 2 minutes), but B's change dropped it: A lists
    // again and no longer shows it.
    const before = listRequests();
    expect(before).toBeGreaterThanOrEqual(listedOnce);
    expect(await homeOfA()).not.toContain('Shared list');
    expect(listRequests()).toBe(before + 1);
  }, 60_000);

  it('lets one replica’s model list serve the others', async () => {
    // Each replica warmed its list at start: the first one fetched it, the others found it in the shared cache.
    expect(modelRequestsAtStart).toBe(1);
    const view = buildViewOutput({ type: 'modal', callback_id: 'routine_create', blocks: [] });
    for (const replica of replicas) {
      const res = await replica.post(blockSuggestionBody({ actionId: 'model_select', blockId: 'model', value: 'Sal', view }));
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.json)).toContain('Sales');
    }
    expect(fakes.omni.requests.filter((r) => r.path === '/v1/models')).toHaveLength(0);
  });

  it('leaves the draft of a replica SIGKILLed during a create on another replica’s Home; a retry on a third leaves one routine', async () => {
    const [, b, c] = replicas as [AppProcess, AppProcess, AppProcess];
    const { slack, omni } = fakes;
    // A fourth process, so the others keep serving: it is the one killed.
    const doomed = await startAppProcess(fakes.env);
    extra.push(doomed);
    await settleProcesses([doomed]);
    const name = 'Killed with its replica';
    omni.inject({ match: { method: 'POST', path: ROUTINES }, fault: { type: 'delay', ms: 5000 } });
    const viewId = await flows.openModal(doomed);
    await flows.submitView(doomed, viewId, formValues(name, fakes.modelId));
    await flows.waitForCreatePost(name);
    expect((await doomed.stop('SIGKILL')).signal).toBe('SIGKILL');
    omni.clearFaults();

    const draft = (await flows.readStore()).drafts.find((d) => (d.form as { name?: string }).name === name);
    expect(draft?.status).toBe('pending');
    const home = await flows.openHome(b, 'EvReplicaHome');
    expect(textOf(home.blocks)).toContain(name);
    const draftId = buttonValue(home.blocks, 'routine_retry', draft?.id);
    expect(draftId).toBe(draft?.id);

    const triggerId = slack.issueTriggerId();
    await c.post(blockActionsBody({ source: 'view', view: buildViewOutput(home as never), triggerId, actions: [action.button({ actionId: 'routine_retry', value: draftId })] }));
    const reopened = await slack.waitFor('views.open', (call) => call.args.trigger_id === triggerId, 10_000);
    await flows.submitView(c, (reopened.response.view as { id: string }).id);
    await flows.waitForCreatedDm(name);
    expect(omni.routinesOf(fakes.members.alice).filter((r) => r.name === name)).toHaveLength(1);
    expect((await flows.readStore()).drafts.filter((d) => d.id === draftId)).toHaveLength(0);
    expect(omni.requests.filter((r) => r.status === 429)).toEqual([]);
    for (const p of [...replicas, doomed]) flows.expectNoSecrets(p.logs);
    recordReliability({
      section: 'Replicas',
      check: 'three bot processes on one Postgres; the one holding a create is SIGKILLed while Omni holds the answer',
      result: 'the draft (pending) was on another replica’s Home; the retry on a third found the routine the killed attempt created: 1 routine; 0 WAF 429s',
      lost: 'nothing',
    });
  }, 90_000);

  // Last: it spends the shared budget the other checks need.
  it('keeps a burst of Run now spread over three replicas to one shared budget: no WAF 429, at most two windows’ worth in any 6 s', async () => {
    const { omni, slack } = fakes;
    // Each Run now resolves its presser once (SCIM), reads the routine, triggers it and refreshes Home: 15 of them,
    // five to a replica, ask for several 6-second windows of 5 requests.
    const presser = (i: number) => BURST_USERS[i % BURST_USERS.length]!;
    const routines = Array.from({ length: 15 }, (_, i) =>
      omni.addRoutine(burstMembers.get(presser(i).id)!, { name: `Burst ${i}`, modelId: fakes.modelId, prompt: 'p', schedule: '0 9 ? * * *', timezone: 'UTC' }),
    );
    const started = Date.now();
    const acks = await Promise.all(
      routines.map((routine, i) =>
        replicas[i % 3]!.post(
          blockActionsBody({
            userId: presser(i).id,
            userName: presser(i).name,
            source: 'message',
            actions: [action.button({ actionId: 'routine_run_now', value: routine })],
            responseUrl: slack.responseUrl(`burst-${i}`),
          }),
        ),
      ),
    );
    expect(acks.map((a) => a.status)).toEqual(routines.map(() => 200));
    // Every press either runs its routine or is told Omni is busy (the budget refuses a wait it can't serve in time):
    // none is lost and none runs twice.
    const runs = (routine: string) => omni.routine(routine)?.runs.length ?? 0;
    const told = (i: number) => JSON.stringify(slack.responses(`burst-${i}`)).includes('Omni is busy right now');
    await until(() => routines.every((r, i) => runs(r) === 1 || told(i)), 'every press answered', 90_000);
    await settleProcesses(replicas, 60_000);
    expect(routines.filter((r) => runs(r) > 1)).toEqual([]);
    // how many run before the budget says "busy" depends on the machine's pace; some always do
    expect(routines.filter((r) => runs(r) === 1).length).toBeGreaterThanOrEqual(1);
    const sent = omni.requests.filter((r) => r.at >= started);
    expect(sent.filter((r) => r.status === 429)).toEqual([]);
    // Windows of 6 s hold 5 each (60 a minute) across all replicas: any 6-second span touches at most two of them.
    // Three budgets of their own would let up to 30 through.
    const most = (spanMs: number) => {
      const times = sent.map((r) => r.at).sort((x, y) => x - y);
      let best = 0;
      for (let i = 0, j = 0; i < times.length; i += 1) {
        while (times[i]! - times[j]! >= spanMs) j += 1;
        best = Math.max(best, i - j + 1);
      }
      return best;
    };
    expect(most(6000)).toBeLessThanOrEqual(10);
    expect(most(60_000)).toBeLessThanOrEqual(60);
    recordReliability({
      section: 'Replicas',
      check: '15 Run now spread over 3 bot processes at once (Omni WAF 60/min on)',
      result: `${sent.length} Omni requests in ${Math.round((Date.now() - started) / 1000)} s, 0 WAF 429s, at most ${most(6000)} in any 6 s and ${most(60_000)} in any 60 s`,
    });
  }, 150_000);
});
