/**
 * createApp: the one place the Bolt App is built. It wires config → store, Omni client, identity, the routines
 * service and the Slack listeners, picks the transport (HTTP by default, Socket Mode with SLACK_APP_TOKEN), and
 * returns start/stop so the process entry and the tests run exactly the same app.
 */
import { performance } from 'node:perf_hooks';
import type { Server } from 'node:http';
import { App, type CodedError, type Context, HTTPModuleFunctions, HTTPReceiver, LogLevel, type Logger as BoltLogger, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { type Clock, systemClock } from './clock.js';
import { type Config, secretValues } from './config.js';
import { createIdentityResolver, describeIdentityProblem } from './identity/index.js';
import { type Logger, createLogger } from './log.js';
import { createOmniCatalog } from './omni/catalog.js';
import { createOmniClient } from './omni/client.js';
import { createInstanceApiReader } from './omni/instance-api.js';
import { createRoutineService } from './routines/service.js';
import { toRoutineView } from './routines/view-model.js';
import { type WatchPass, createRoutineWatcher } from './routines/watch.js';
import { buildOwnerNoticeMessage } from './slack/views/notices.js';
import { type InFlight, createInFlight } from './slack/in-flight.js';
import { registerListeners } from './slack/listeners/index.js';
import { requestLogFields } from './request-context.js';
import { BODY_LIMIT_BYTES, RefusedRequestError, createReplayCheck, guardHttpRequests, installAckGuard, signatureOf } from './slack/request-guards.js';
import { openLocalReplayMemory, storeReplayMemory } from './slack/replay-memory.js';
import { readSlackRefusal } from './slack/slack-errors.js';
import { createSlackUserDirectory } from './slack/slack-user-directory.js';
import { installationFromAuthTest, installationId, servesRequestFrom } from './slack/installation.js';
import { createSlackFetch } from './slack/web-fetch.js';
import { createModalState } from './slack/listeners/open-modal.js';
import { openOmniBudget } from './omni-budget.js';
import { openStore } from './store/index.js';

/** How long one request counts as under way at most (RequestActivity.underWay): Slack's ack window. */
const UNDER_WAY_AT_MOST_MS = 3000;

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** Milliseconds Bolt waits for an ack before answering 404 itself (Slack gives up at 3000). */
  unhandledRequestTimeoutMillis?: number;
  /** Omni client retry/timeout tuning (tests shorten them). */
  omni?: { timeoutMs?: number; retry?: { limit: number; baseDelayMs: number; maxDelayMs: number } };
  /** The owner-notice check's wait between owners (tests pass one that returns at once and counts). */
  watch?: { sleep?: (ms: number) => Promise<void> };
  /** How long one request counts as under way at most (default UNDER_WAY_AT_MOST_MS; tests shorten it). */
  requestUnderWayAtMostMs?: number;
}

export interface RunningApp {
  app: App;
  /** Starts listening; resolves with the HTTP port (HTTP mode) or the health port (Socket Mode). */
  start(port?: number): Promise<number>;
  /** Stops taking requests, lets accepted work finish (up to `graceMs`), then closes the store. */
  stop(graceMs?: number): Promise<void>;
  inFlight: InFlight;
  teamId: string;
  /** One pass of the owner-notice check now (what the timer does every ROUTINE_WATCH_INTERVAL_MINUTES). */
  watchOnce(): Promise<WatchPass>;
}

/**
 * How long an idle keep-alive connection stays open. Longer than any client or proxy in front of the bot keeps one
 * (AWS ALB: 60 s by default), so it is always the client that closes an idle connection, never the bot while a
 * request is already on its way over it, which that request would meet as a reset with no HTTP answer at all. Node's
 * default, 5 s, is shorter than a load balancer's idle timeout, and only 2–3 s longer than fetch's (undici's) reuse
 * window of "server hint − 2 s": a process stalled for a moment on a busy machine closes connections a client is
 * just reusing (docs/slack.md §3.4).
 */
export const HTTP_KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** How often every member's time zone is read again (people travel; the users.info of an identity check corrects a zone for the next open). */
const ZONE_REFRESH_MS = 6 * 60 * 60 * 1000;
/** How long one Slack Web API call may take, from sending it to reading the whole answer. */
const SLACK_CALL_TIMEOUT_MS = 5000;
/** Node wants the headers timeout above the keep-alive timeout, or a reused connection can be cut mid-headers. */
export const HTTP_HEADERS_TIMEOUT_MS = HTTP_KEEP_ALIVE_TIMEOUT_MS + 1000;

function toBoltLogger(logger: Logger, level: LogLevel): BoltLogger {
  const join = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? `${m.name}: ${m.message}` : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  // Bolt logs objects at debug level on every request: skip serialising them unless debug is configured. Bolt and
  // WebClient call setLevel (WebClient sets INFO on a logger it is given); that changes nothing: our configured level
  // decides what is written, and getLevel reports it, so the patched WebClient (patches/) builds its debug copies of
  // requests and responses exactly when they would be written.
  const debugOn = level === LogLevel.DEBUG;
  return {
    debug: (...m: unknown[]) => {
      if (debugOn) logger.debug(join(m), { source: 'bolt' });
    },
    info: (...m: unknown[]) => logger.info(join(m), { source: 'bolt' }),
    warn: (...m: unknown[]) => logger.warn(join(m), { source: 'bolt' }),
    error: (...m: unknown[]) => logger.error(join(m), { source: 'bolt' }),
    setLevel: () => {},
    getLevel: () => level,
    setName: () => {},
  };
}

const BOLT_LEVEL = { debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR } as const;

/**
 * The store, the Omni budget and the replay memory, opened in that order. When one fails, those already opened are
 * closed before its error is thrown; `close` closes all three (replay memory first).
 */
async function openState(config: Config, deps: { clock: Clock; logger: Logger }) {
  const { clock, logger } = deps;
  const store = await openStore(config.databaseUrl, { clock, logger });
  const omniBudget = await openOmniBudget(config, { clock, logger }).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  const replay =
    store.kind === 'postgres'
      ? storeReplayMemory(store)
      : await openLocalReplayMemory({ store, clock, logger: logger.child({ component: 'replay' }) }).catch(async (err: unknown) => {
          await omniBudget.close();
          await store.close();
          throw err;
        });
  return {
    store,
    omniBudget,
    replay,
    async close() {
      await replay.close();
      await omniBudget.close();
      await store.close();
    },
  };
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.logLevel, secrets: secretValues(config) });
  const slackFetch = createSlackFetch(SLACK_CALL_TIMEOUT_MS);
  const clientOptions = {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    // Slack's default is 10 retries over 30 minutes; a trigger_id dies in 3 s, so keep retries few and quick.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 },
    // Each call's time limit is kept by the fetch, whose timer ends with the call (web-api's `timeout` option ties a
    // timer and an abort signal to every call of Node's fetch: see src/slack/web-fetch.ts).
    timeout: 0,
    fetch: slackFetch,
    rejectRateLimitedCalls: false,
  };

  // One auth.test at start: it proves the token, and gives the workspace we accept requests from. It is a round trip
  // to Slack, and opening the database (file, migrations, the replay memory read back) does not depend on it: both run
  // at once. When either fails, what the other opened is closed before the error is thrown (the token's error first,
  // as when the token was checked before the database was opened).
  const bootstrapClient = new WebClient(config.slack.botToken, { ...clientOptions, logLevel: LogLevel.ERROR });
  const [authResult, stateResult] = await Promise.allSettled([bootstrapClient.auth.test(), openState(config, { clock, logger })]);
  let auth: Awaited<ReturnType<WebClient['auth']['test']>>;
  let installation: ReturnType<typeof installationFromAuthTest>;
  try {
    if (authResult.status === 'rejected') throw authResult.reason;
    auth = authResult.value;
    installation = installationFromAuthTest(auth);
  } catch (err) {
    slackFetch.close();
    if (stateResult.status === 'fulfilled') await stateResult.value.close();
    throw err;
  }
  if (stateResult.status === 'rejected') {
    slackFetch.close();
    throw stateResult.reason;
  }
  const { store, omniBudget, replay } = stateResult.value;
  const teamId = installationId(installation);
  const botUserId = String(auth.user_id ?? '');
  const botId = String(auth.bot_id ?? '');
  const { budget } = omniBudget;
  const omni = createOmniClient({
    baseUrl: config.omni.baseUrl,
    apiKey: config.omni.apiKey,
    budget,
    logger: logger.child({ component: 'omni' }),
    clock,
    ...(options.omni?.timeoutMs !== undefined ? { timeoutMs: options.omni.timeoutMs } : {}),
    ...(options.omni?.retry ? { retry: options.omni.retry } : {}),
  });
  // On Postgres (replicas), model and topic lists fetched by one replica serve the others.
  const catalog = createOmniCatalog({ client: omni, clock, logger, ...(store.kind === 'postgres' ? { shared: store } : {}) });
  // The instance's own spec says how to update and pause routines; read at start and daily, never on a request.
  const instanceApi = createInstanceApiReader({ readSpec: () => omni.readApiSpec(), clock, logger: logger.child({ component: 'omni' }) });
  // users.list has a client of its own: a 429 on it pauses only that client's queue.
  const people = createSlackUserDirectory(bootstrapClient, { clock, listClient: new WebClient(config.slack.botToken, { ...clientOptions, logLevel: LogLevel.ERROR }) });
  const identity = createIdentityResolver({ store, slackUsers: people, scim: omni, clock, logger: logger.child({ component: 'identity' }) });
  const service = createRoutineService({
    omni,
    identity,
    describeIdentityProblem,
    people,
    store,
    ...(store.kind === 'postgres' ? { sharedLists: store } : {}),
    clock,
    logger: logger.child({ component: 'routines' }),
    policy: {
      defaultTimezone: config.defaultTimezone,
      minIntervalMinutes: config.minIntervalMinutes,
      allowedEmailDomains: config.allowedEmailDomains,
    },
    instanceApi,
    omniBaseUrl: config.omni.baseUrl,
  });
  let stopRefreshing: (() => void) | undefined;
  const watcher = createRoutineWatcher({
    omni,
    store,
    clock,
    logger: logger.child({ component: 'watch' }),
    requestsPerMinute: config.omni.rateLimitPerMinute,
    view: (record) => toRoutineView(record, clock(), { pausable: instanceApi.current().pause !== null, omniBaseUrl: config.omni.baseUrl }),
    notify: async (notice) => {
      const message = buildOwnerNoticeMessage(notice);
      await bootstrapClient.chat.postMessage({ channel: notice.slackUserId, text: message.text, blocks: message.blocks, unfurl_links: false });
    },
    ...(options.watch?.sleep ? { sleep: options.watch.sleep } : {}),
  });
  let stopWatching: (() => void) | undefined;
  let stopReadingZones: (() => void) | undefined;
  const inFlight = createInFlight(logger);

  let ready = false;
  const healthRoute = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(ready ? 200 : 503, { 'Content-Type': 'application/json' });
      // inFlight: accepted work still running (a draining replica shows what it waits for).
      res.end(JSON.stringify({ ok: ready, inFlight: inFlight.size() }));
    },
  };
  const boltLogger = toBoltLogger(logger.child({ component: 'bolt' }), BOLT_LEVEL[config.logLevel]);
  const receiver =
    config.slack.mode === 'socket'
      ? new SocketModeReceiver({
          appToken: config.slack.appToken ?? '',
          customRoutes: [healthRoute],
          logger: boltLogger,
          // The health route is served on PORT; apps.connections.open goes to SLACK_API_URL like every other call.
          installerOptions: { port: config.port, clientOptions: { ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}) } },
        })
      : new HTTPReceiver({
          signingSecret: config.slack.signingSecret ?? '',
          endpoints: '/slack/events',
          customRoutes: [healthRoute],
          logger: boltLogger,
          processBeforeResponse: false,
          unhandledRequestTimeoutMillis: options.unhandledRequestTimeoutMillis ?? 3001,
          // Slack's payloads are small; refuse anything near Bolt's 4 MB default early.
          bodyLimit: BODY_LIMIT_BYTES,
          // The signature, for the replay check that runs once Bolt has verified it.
          customPropertiesExtractor: signatureOf,
          processEventErrorHandler: async (args) => {
            if (!(args.error instanceof RefusedRequestError)) return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
            logger.warn('request refused', { status: args.error.status, reason: args.error.message });
            if (!args.response.headersSent) {
              args.response.writeHead(args.error.status);
              args.response.end();
            }
            return true;
          },
        });
  if (receiver instanceof HTTPReceiver) {
    guardHttpRequests(receiver, {
      signingSecret: config.slack.signingSecret ?? '',
      clock,
      logger,
    });
  }

  const app = new App({
    receiver,
    logger: boltLogger,
    clientOptions,
    // Bolt's default conversation store is an in-memory map it reads (and wraps the listener chain for) on every
    // request; nothing here uses context.conversation.
    convoStore: false,
    // Requests from any other workspace (or organization) are refused before a listener runs (Bolt acks them with
    // an empty 200).
    authorize: async (source) => {
      if (!servesRequestFrom(installation, source)) throw new Error('request from a workspace this app is not installed in');
      return {
        botToken: config.slack.botToken,
        botId,
        botUserId,
        ...(source.teamId ? { teamId: source.teamId } : {}),
        ...(source.enterpriseId ? { enterpriseId: source.enterpriseId } : {}),
      };
    },
    extendedErrorHandler: true,
  });

  const guard = installAckGuard(app, { socketMode: config.slack.mode === 'socket', logger });
  // When the last request came in, and how many are still being handled (scheduling only: the modal's follow-up
  // fills wait for a quiet moment).
  let lastRequestAt = 0;
  let underWay = 0;
  // Every request gets its own logger, whose lines carry its request id; listeners take it from the context
  // (forRequest) and pass it on, also to work that continues after the ack.
  // A signed request is acted on once: by every replica through the store, or by the one SQLite process in memory.
  const firstArrival = createReplayCheck(replay);
  app.use(async ({ body, context, next }) => {
    lastRequestAt = performance.now();
    if (!guard.accept(body)) return;
    const requestLog = logger.child({ ...requestLogFields(body) });
    context.requestLog = requestLog;
    // Over HTTP only (Socket Mode delivers each envelope to one connection). A replay stops here; the ack guard
    // answers it with an empty 200.
    const signature = context.slackSignature;
    if (typeof signature === 'string') {
      const arrival = await firstArrival({ signature, body, retryNum: context.retryNum, logger: requestLog });
      if (!arrival.handle) return;
      if (arrival.releaseEvent) context.releaseEvent = arrival.releaseEvent;
    }
    // Counted until its listeners finish, or for UNDER_WAY_AT_MOST_MS: past Slack's 3 s a request is no longer
    // racing a trigger id, and a handler that waits on Omni for longer must not hold other users' fills back.
    underWay += 1;
    let counted = true;
    const uncount = () => {
      if (counted) underWay -= 1;
      counted = false;
    };
    const timer = setTimeout(uncount, options.requestUnderWayAtMostMs ?? UNDER_WAY_AT_MOST_MS);
    timer.unref();
    try {
      await next();
    } finally {
      clearTimeout(timer);
      uncount();
    }
  });
  // With extendedErrorHandler, Bolt passes the request's body and context along (its handler types are not exported
  // publicly).
  app.error(async ({ error, body, context }: { error: CodedError; body: unknown; context?: Context }) => {
    guard.markFailed(body);
    const log = (context?.requestLog as Logger | undefined) ?? logger;
    log.error('listener failed', { err: error.original ?? error });
  });

  registerListeners(app, { config, clock, logger, service, catalog, people, inFlight, teamId, botUserId, instanceApi, modals: createModalState({ lastRequestAt: () => lastRequestAt, underWay: () => underWay }) });

  let server: Server | undefined;
  return {
    app,
    inFlight,
    teamId,
    watchOnce: () => watcher.runOnce(),
    async start(port = config.port) {
      const started = (await app.start(port)) as unknown;
      ready = true;
      // One Omni request now, so the first person to open the model picker does not wait for it inside Slack's 3 s.
      inFlight.run('warm the model list', () => catalog.searchModels(''));
      inFlight.run('read the Omni instance spec', () => instanceApi.refresh());
      // Every member's time zone, so a first-time user's form opens in their zone with no Slack call around the
      // open. An org-wide token must name a workspace for users.list; there users.info answers as before.
      if (installation.kind === 'workspace') {
        const readZones = () =>
          people.readZones({ stopped: () => !ready }).then(
            (known) => logger.info('read the Slack time zones', { known }),
            (err: unknown) => logger.warn('could not read every Slack time zone; users.info fills them in', { error: readSlackRefusal(err) ?? String(err) }),
          );
        inFlight.run('read the Slack time zones', readZones);
        const zoneTimer = setInterval(() => inFlight.run('read the Slack time zones', readZones), ZONE_REFRESH_MS);
        zoneTimer.unref();
        stopReadingZones = () => clearInterval(zoneTimer);
      }
      stopRefreshing = instanceApi.startRefreshing();
      if (config.watchIntervalMinutes > 0) stopWatching = watcher.start(config.watchIntervalMinutes * 60_000);
      // Socket Mode's receiver serves /healthz on PORT whatever start() is given.
      if (config.slack.mode === 'socket') return config.port;
      if (started && typeof (started as Server).address === 'function') {
        server = started as Server;
        server.keepAliveTimeout = HTTP_KEEP_ALIVE_TIMEOUT_MS;
        server.headersTimeout = HTTP_HEADERS_TIMEOUT_MS;
        const address = server.address();
        return typeof address === 'object' && address ? address.port : port;
      }
      return port;
    },
    async stop(graceMs = 25_000) {
      ready = false;
      stopRefreshing?.();
      stopWatching?.();
      stopReadingZones?.();
      await watcher.settled();
      await app.stop();
      const left = await inFlight.drain(graceMs);
      if (left > 0) logger.warn('stopped with work still in flight', { left });
      await replay.close();
      await omniBudget.close();
      await store.close();
      slackFetch.close();
    },
  };
}
