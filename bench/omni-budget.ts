/**
 * Omni requests per user action at steady state, counted from the fake Omni's request log while the bot (a child
 * process) runs the real flows over signed HTTP: opening the modal, typing a schedule (block_actions → live
 * preview), searching models (block_suggestion), and submitting routines for users whose identity is already
 * resolved. Warm-up actions (first model search, each user's first create) are counted apart: they fill the caches.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeRequestRecord } from '../test/fakes/fake-omni.js';
import type { FakeView } from '../test/fakes/fake-slack.js';
import {
  action,
  blockActionsBody,
  blockSuggestionBody,
  buildViewOutput,
  postToApp,
  slashCommandBody,
  stateValue,
  viewSubmissionBody,
} from '../test/helpers/slack-requests.js';
import { BENCH_SIGNING_SECRET, type BenchEnv, type BenchUser, benchRoutineValues } from './lib/bench-env.js';
import type { ChildApp } from './lib/child-app.js';

export interface OmniBudgetFigures {
  perModalOpen: number;
  perScheduleKeystroke: number;
  perModelSearchKeystroke: number;
  perCreatedRoutine: number;
  /** Requests the caches cost once: first model search, first create of each user (identity lookup). */
  warmUp: { firstModelSearch: number; firstCreatePerUser: number };
  counts: { modalOpens: number; scheduleKeystrokes: number; modelSearches: number; creates: number };
  /** Which Omni endpoints the steady-state creates called, e.g. `POST /v1/ai/routines × 10`. */
  createEndpoints: string[];
}

/** Extra time after the last Slack effect for any trailing Omni request to show up in the log. */
const QUIET_MS = 300;

function describeEndpoints(records: readonly FakeRequestRecord[]): string[] {
  const counts = new Map<string, number>();
  for (const r of records) {
    const key = `${r.method} ${r.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} × ${n}`);
}

export async function runOmniBudgetBench(
  env: BenchEnv,
  bot: ChildApp,
  options: { repeats: number; print: (line: string) => void },
): Promise<OmniBudgetFigures> {
  const { slack, omni } = env;
  const post = (body: string) => postToApp(bot.eventsUrl, BENCH_SIGNING_SECRET, body);
  /** Omni requests made while `work` runs (plus a quiet spell after it). */
  const countDuring = async (work: () => Promise<void>): Promise<FakeRequestRecord[]> => {
    const before = omni.requests.length;
    await work();
    await sleep(QUIET_MS);
    return omni.requests.slice(before);
  };

  async function openModal(user: BenchUser): Promise<FakeView> {
    const triggerId = slack.issueTriggerId({ userId: user.id });
    const opened = slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, 10_000);
    const res = await post(slashCommandBody({ userId: user.id, userName: user.name, triggerId }));
    if (res.status !== 200) throw new Error(`/routine answered ${res.status}`);
    const call = await opened;
    const view = slack.views.get((call.response.view as { id?: string } | undefined)?.id ?? '');
    if (!view) throw new Error(`views.open failed: ${String(call.response.error)}`);
    return view;
  }

  let routineSeq = 0;
  async function createRoutine(user: BenchUser): Promise<void> {
    const view = await openModal(user);
    const name = `Bench routine ${++routineSeq}`;
    const values = benchRoutineValues(view, name, env.modelId);
    const told = slack.waitFor('chat.postMessage', (c) => c.args.channel === user.id && String(c.args.text).includes(name), 15_000);
    const res = await post(viewSubmissionBody({ userId: user.id, userName: user.name, view: buildViewOutput(view as never, { values: values as never }) }));
    if (res.status !== 200) throw new Error(`view_submission answered ${res.status}`);
    const message = await told;
    if (!String(message.args.text).includes('is set up')) throw new Error(`create failed: ${String(message.args.text)}`);
  }

  const n = options.repeats;
  const users = env.takeUsers(Math.max(2, Math.ceil(n / 2)));

  // Each user's first create resolves their identity (SCIM) and is not steady state.
  const firstCreates = await countDuring(async () => {
    for (const u of users) await createRoutine(u);
  });
  const creates = await countDuring(async () => {
    for (let i = 0; i < n; i++) await createRoutine(users[i % users.length] as BenchUser);
  });

  const opens = await countDuring(async () => {
    for (let i = 0; i < n; i++) await openModal(users[i % users.length] as BenchUser);
  });

  const user = users[0] as BenchUser;
  const view = await openModal(user);
  const phrases = ['every monday at 9', 'every weekday at 9am', 'first monday of the month at 8:30', 'daily at 7pm', 'every friday 5pm'];
  const typing = await countDuring(async () => {
    for (let i = 0; i < n; i++) {
      const phrase = phrases[i % phrases.length] ?? '';
      slack.setViewState(view.id, { schedule: { schedule_input: stateValue.text(phrase) } });
      const stored = slack.views.get(view.id);
      const before = slack.callsTo('views.update').length;
      const updated = slack.waitFor('views.update', (c) => c.args.view_id === view.id && slack.callsTo('views.update').indexOf(c) >= before, 10_000);
      await post(
        blockActionsBody({
          source: 'view',
          userId: user.id,
          userName: user.name,
          view: buildViewOutput(stored as never),
          actions: [action.plainTextInput({ actionId: 'schedule_input', blockId: 'schedule', value: phrase })],
        }),
      );
      await updated;
    }
  });

  const search = (value: string) =>
    post(blockSuggestionBody({ userId: user.id, userName: user.name, actionId: 'model_select', blockId: 'model', value, view: buildViewOutput(view as never) }));
  // The create flow never searched models, so the first search fills the catalog cache.
  const firstSearch = await countDuring(async () => {
    await search('');
  });
  const keystrokes = ['s', 'sa', 'sal', 'sale', 'sales', 'm', 'ma', 'mar', 'fin', 'fi'];
  const searches = await countDuring(async () => {
    for (let i = 0; i < n; i++) {
      const res = await search(keystrokes[i % keystrokes.length] ?? '');
      if (res.status !== 200) throw new Error(`block_suggestion answered ${res.status}`);
    }
  });
  slack.reset();

  const figures: OmniBudgetFigures = {
    perModalOpen: opens.length / n,
    perScheduleKeystroke: typing.length / n,
    perModelSearchKeystroke: searches.length / n,
    perCreatedRoutine: creates.length / n,
    warmUp: { firstModelSearch: firstSearch.length, firstCreatePerUser: firstCreates.length / users.length },
    counts: { modalOpens: n, scheduleKeystrokes: n, modelSearches: n, creates: n },
    createEndpoints: describeEndpoints(creates),
  };
  options.print(
    `Omni requests: ${figures.perCreatedRoutine.toFixed(2)} per created routine (${n} creates by ${users.length} resolved users: ${figures.createEndpoints.join(', ') || 'none'}), ` +
      `${figures.perModalOpen.toFixed(2)} per modal opened, ${figures.perScheduleKeystroke.toFixed(2)} per schedule keystroke, ${figures.perModelSearchKeystroke.toFixed(2)} per model-search keystroke`,
  );
  options.print(
    `  caches filled once: first model search ${figures.warmUp.firstModelSearch} request(s); a user's first create ${figures.warmUp.firstCreatePerUser.toFixed(1)} (identity lookup + create)`,
  );
  return figures;
}
