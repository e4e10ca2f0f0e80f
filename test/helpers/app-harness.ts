/**
 * The real app, started over HTTP on 127.0.0.1 against the fake Slack Web API and the fake Omni, with a temporary
 * SQLite file. Requests are signed for real. Every log line is captured so tests can assert no secret leaks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import { type AppOptions, type RunningApp, createApp } from '../../src/app.js';
import { type Config, loadConfig, secretValues } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { type FakeOmni, type FakeOmniOptions, startFakeOmni } from '../fakes/fake-omni.js';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from '../fakes/fake-slack.js';
import { type AppResponse, type PostToAppOptions, type ViewStateValues, postToApp, stateValue } from '../helpers/slack-requests.js';

export const SIGNING_SECRET = 'harness-signing-secret-5f2a9c';

export interface Harness {
  slack: FakeSlack;
  omni: FakeOmni;
  app: RunningApp;
  config: Config;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** POSTs a raw form body to /slack/events, signed with the app's secret. */
  post(rawBody: string, opts?: PostToAppOptions): Promise<AppResponse>;
  /** Every log line the app wrote. */
  logs: string[];
  /** Membership ids of the seeded Omni users (alice@example.com → U0001, bob@example.com → U0002). */
  members: { alice: string; bob: string };
  modelId: string;
  dbPath: string;
  /** Waits until the app's background work (post-ack Omni calls) has settled. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  omni?: FakeOmniOptions;
  slack?: FakeSlackOptions;
  app?: AppOptions;
  /** Reuse this database file (restart tests). */
  dbPath?: string;
  /** Runs after the fakes are seeded and before the app starts (e.g. to make Omni slow for the app's first calls). */
  beforeStart?: (fakes: { slack: FakeSlack; omni: FakeOmni }) => void;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const slack = await startFakeSlack(options.slack);
  const omni = await startFakeOmni({ rateLimit: { perWindow: 60, windowMs: 60_000 }, ...options.omni });
  const alice = omni.addMember({ email: 'alice@example.com', displayName: 'Alice Adams' });
  const bob = omni.addMember({ email: 'bob@example.com', displayName: 'Bob Brown' });
  const modelId = omni.addModel('Sales');
  omni.addModel('Marketing');
  omni.addTopic(modelId, 'order_items', { label: 'Order items' });
  omni.addTopic(modelId, 'pipeline');
  omni.addBranch(modelId, 'dev-branch');

  options.beforeStart?.({ slack, omni });
  const dir = options.dbPath ? undefined : mkdtempSync(join(tmpdir(), 'routine-bot-it-'));
  const dbPath = options.dbPath ?? join(dir ?? '', 'bot.db');
  const config = loadConfig({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    OMNI_BASE_URL: omni.url,
    OMNI_API_KEY: omni.apiKey,
    DATABASE_URL: `sqlite:${dbPath}`,
    DEFAULT_TIMEZONE: 'UTC',
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', secrets: secretValues(config), sink: (line) => logs.push(line) });
  const app = await createApp(config, {
    logger,
    omni: { timeoutMs: 1500, retry: { limit: 2, baseDelayMs: 5, maxDelayMs: 20 } },
    ...options.app,
  });
  // Socket Mode serves /healthz on PORT (Bolt's SocketModeReceiver ignores the port given to start).
  const port = await app.start(config.slack.mode === 'socket' ? config.port : 0);
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    slack,
    omni,
    app,
    config,
    baseUrl,
    logs,
    members: { alice, bob },
    modelId,
    dbPath,
    post: (rawBody, opts) => postToApp(`${baseUrl}/slack/events`, SIGNING_SECRET, rawBody, opts),
    settle: async () => {
      await app.inFlight.drain(10_000);
    },
    async close() {
      await app.stop(5_000);
      await Promise.all([slack.close(), omni.close()]);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A clock ahead of the system's by a step per test. The bot reuses a list fetched seconds ago (one Omni request
 * however often Refresh is pressed); tests that share one app move past it, so each reads what it seeded.
 */
export function createSteppingClock(stepMs = 10 * 60_000) {
  let offsetMs = 0;
  return { clock: () => new Date(Date.now() + offsetMs), step: () => void (offsetMs += stepMs) };
}

export type SteppingClock = ReturnType<typeof createSteppingClock>;

/**
 * One app for a whole test file: started before its first test, closed after its last. Before each test the app's
 * background work settles and the fakes forget the last test (Slack's calls and faults, Omni's requests and
 * faults); with `steppingClock` the app runs on that clock, which also steps before each test. Returns the harness,
 * to use in hooks and tests (it exists once the file's tests start).
 */
export function useHarness(options: HarnessOptions & { steppingClock?: SteppingClock } = {}): Harness {
  const { steppingClock, ...harnessOptions } = options;
  let current: Harness | undefined;
  const started = (): Harness => {
    if (!current) throw new Error('useHarness: the app starts in beforeAll; use the harness in hooks and tests');
    return current;
  };
  beforeAll(async () => {
    current = await startHarness(steppingClock ? { ...harnessOptions, app: { ...harnessOptions.app, clock: steppingClock.clock } } : harnessOptions);
    await current.settle();
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(async () => {
    const h = started();
    await h.settle();
    steppingClock?.step();
    h.slack.reset();
    h.omni.clearRequests();
    h.omni.clearFaults();
  });
  return new Proxy({} as Harness, { get: (_target, key) => Reflect.get(started(), key) });
}

/** For files whose tests each need their own app: `start` it in the test (settled after start); closed after the test. */
export function useHarnessPerTest(): (options?: HarnessOptions) => Promise<Harness> {
  let current: Harness | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (options) => {
    current = await startHarness(options);
    // Work the app starts in the background (the Omni spec, the model list) is done before the test goes on.
    await current.settle();
    return current;
  };
}

/**
 * The state of a correctly filled routine modal (what a user's typing and picking produce), for a harness: a
 * weekday 9am schedule on the seeded model, delivered to channel C0001 or as a DM. Override any field after it.
 */
export function modalValues(
  h: Pick<Harness, 'modelId'>,
  o: { name?: string; prompt?: string; timezone?: string; delivery?: 'channel' | 'dm' } = {},
): ViewStateValues {
  const delivery = o.delivery ?? 'channel';
  return {
    name: { name_input: stateValue.text(o.name ?? 'Pipeline brief') },
    prompt: { prompt_input: stateValue.text(o.prompt ?? "Summarise yesterday's pipeline by rep") },
    schedule: { schedule_input: stateValue.text('every weekday at 9am') },
    timezone: { timezone_select: stateValue.externalSelect(o.timezone ?? 'America/New_York') },
    model: { model_select: stateValue.externalSelect(h.modelId, 'Sales') },
    delivery: { delivery_radio: stateValue.radio(delivery) },
    ...(delivery === 'channel' ? { channel: { channel_select: stateValue.conversation('C0001') } } : {}),
  };
}

/**
 * Log lines in which Bolt says a request was not acknowledged in time. Bolt's HTTP receiver answers such a request
 * 404 after `unhandledRequestTimeoutMillis` (3001 ms, Slack's 3 s) and logs this; a listener that acks later gets
 * ReceiverMultipleAckError. So "the app acknowledged within Slack's 3 s" is asserted on what happened (the expected
 * status, and none of these lines), not on a wall clock that a loaded machine can stretch.
 */
export function findLateAcks(logs: readonly string[]): string[] {
  return logs.filter((line) => line.includes('not acknowledged within 3 seconds') || line.includes('ReceiverMultipleAckError'));
}
