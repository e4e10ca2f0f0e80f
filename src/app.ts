/**
 * createApp: the one place the Bolt App is built. It wires config → store, Omni client, identity, the routines
 * service and the Slack listeners, picks the transport (HTTP by default, Socket Mode with SLACK_APP_TOKEN), and
 * returns start/stop so the process entry and the tests run exactly the same app.
 */
import { randomUUID } from 'node:crypto';
import type { Server, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger, SocketModeReceiver } from '@slack/bolt';
import type { ExtendedErrorHandler } from '@slack/bolt/dist/App.js';
import { HTTPModuleFunctions, type ReceiverEvent, isValidSlackRequest } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { type Clock, systemClock } from './clock.js';
import { type Config, secretValues } from './config.js';
import { RoutineBotError } from './errors.js';
import { createIdentityResolver, describeIdentityProblem } from './identity/index.js';
import { type Logger, createLogger } from './log.js';
import { createOmniCatalog } from './omni/catalog.js';
import { createOmniClient } from './omni/client.js';
import { createRateBudget } from './omni/rate-budget.js';
import { createRoutineService } from './routines/service.js';
import { type InFlight, createInFlight } from './slack/in-flight.js';
import { registerListeners } from './slack/listeners/index.js';
import { runWithRequestContext } from './request-context.js';
import { createSlackUserDirectory } from './slack/slack-user-directory.js';
import { openStore } from './store/index.js';

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** Milliseconds Bolt waits for an ack before answering 404 itself (Slack gives up at 3000). */
  unhandledRequestTimeoutMillis?: number;
  /** Omni client retry/timeout tuning (tests shorten them). */
  omni?: { timeoutMs?: number; retry?: { limit: number; baseDelayMs: number; maxDelayMs: number } };
}

export interface RunningApp {
  app: App;
  /** Starts listening; resolves with the HTTP port (HTTP mode) or the health port (Socket Mode). */
  start(port?: number): Promise<number>;
  /** Stops taking requests, lets accepted work finish (up to `graceMs`), then closes the store. */
  stop(graceMs?: number): Promise<void>;
  inFlight: InFlight;
  teamId: string;
}

function toBoltLogger(logger: Logger, level: LogLevel): BoltLogger {
  const join = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? `${m.name}: ${m.message}` : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  let current = level;
  return {
    debug: (...m: unknown[]) => logger.debug(join(m), { source: 'bolt' }),
    info: (...m: unknown[]) => logger.info(join(m), { source: 'bolt' }),
    warn: (...m: unknown[]) => logger.warn(join(m), { source: 'bolt' }),
    error: (...m: unknown[]) => logger.error(join(m), { source: 'bolt' }),
    setLevel: (l: LogLevel) => {
      current = l;
    },
    getLevel: () => current,
    setName: () => {},
  };
}

/** A signed request the app refuses after Bolt parsed it; answered with `status` and an empty body. */
class RefusedRequestError extends RoutineBotError {
  readonly code = 'routine_bot_refused_request';
  constructor(
    readonly status: 400 | 401 | 500,
    message: string,
  ) {
    super(message);
  }
}

/** Slack's replay window: Bolt refuses older timestamps; the same bound applies to timestamps ahead of our clock. */
const MAX_REQUEST_SKEW_SEC = 5 * 60;

const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Checks in front of Bolt's HTTP handling, for two holes it leaves: it accepts timestamps any distance in the
 * future (Slack's rule is "more than 5 minutes from now" either way, so a body signed for later could be replayed
 * for hours), and a signed body that parses to `null` (`null` as JSON, `payload=null`) throws outside its error
 * handling: an unhandled rejection and a request left open forever. Both are answered here before Bolt sees them.
 */
function guardRequests(receiver: HTTPReceiver, deps: { signingSecret: string; clock: Clock; logger: Logger }): void {
  const listener = receiver.requestListener;
  const refuse = (res: ServerResponse, status: number, reason: string) => {
    deps.logger.warn('request refused', { status, reason });
    res.writeHead(status);
    res.end();
  };
  receiver.requestListener = (req, res) => {
    if (req.method !== 'POST') {
      listener(req, res);
      return;
    }
    const ts = Number(req.headers['x-slack-request-timestamp']);
    if (Number.isFinite(ts) && ts > deps.clock().getTime() / 1000 + MAX_REQUEST_SKEW_SEC) {
      req.resume();
      refuse(res, 401, 'timestamp too far in the future');
      return;
    }
    // Bolt reuses a body already buffered on the request, so reading it here costs one pass.
    HTTPModuleFunctions.bufferIncomingMessage(req, BODY_LIMIT_BYTES).then(
      (buffered) => {
        let parsed: unknown;
        try {
          parsed = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
        } catch {
          parsed = undefined; // Bolt answers a malformed body itself (401 unsigned, else 400).
        }
        if (parsed !== null) {
          listener(buffered, res);
          return;
        }
        const signature = req.headers['x-slack-signature'];
        const body = buffered.rawBody.toString();
        const signed =
          typeof signature === 'string' &&
          isValidSlackRequest({ signingSecret: deps.signingSecret, body, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts } });
        refuse(res, signed ? 400 : 401, 'body is null');
      },
      // Too large (413) or cut off: the same answers Bolt gives. The rest of the body is unread, so the connection
      // cannot carry another request: say so, or the client's next request on it meets a reset.
      (err: unknown) => {
        res.setHeader('Connection', 'close');
        refuse(res, (err as { statusCode?: unknown }).statusCode === 413 ? 413 : 400, 'body could not be read');
      },
    );
  };
}

/**
 * The fields Slack puts in every payload of a type and listeners read without checking: who (a user id), and for a
 * command its text, for a message shortcut the message. A signed body without them is malformed (400), not a crash.
 */
function hasSlackBasics(body: unknown): boolean {
  const b = body as Record<string, unknown>;
  if (b.type === 'event_callback') return true;
  if (typeof b.command === 'string') return typeof b.user_id === 'string' && typeof b.text === 'string';
  if (!isRecord(b.user) || typeof b.user.id !== 'string') return false;
  if (b.type === 'message_action') return isRecord(b.message);
  if (b.type === 'view_submission' || b.type === 'view_closed') return isSlackView(b.view) && Array.isArray(b.view.blocks);
  if (b.type === 'block_actions') {
    const actions: unknown = b.actions;
    return Array.isArray(actions) && actions.every((a) => isRecord(a) && typeof a.action_id === 'string') && (b.view === undefined || isSlackView(b.view));
  }
  return true;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSlackView = (v: unknown): v is Record<string, unknown> => isRecord(v) && typeof v.id === 'string' && isRecord(v.state) && isRecord(v.state.values);

const BOLT_LEVEL = { debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR } as const;

export async function createApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.logLevel, secrets: secretValues(config) });
  const clientOptions = {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    // Slack's default is 10 retries over 30 minutes; a trigger_id dies in 3 s, so keep retries few and quick.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 },
    timeout: 5000,
    rejectRateLimitedCalls: false,
  };

  // One auth.test at start: it proves the token, and gives the workspace we accept requests from.
  const bootstrapClient = new WebClient(config.slack.botToken, { ...clientOptions, logLevel: LogLevel.ERROR });
  const auth = await bootstrapClient.auth.test();
  const teamId = String(auth.team_id ?? '');
  const botUserId = String(auth.user_id ?? '');
  const botId = String(auth.bot_id ?? '');

  const store = openStore(config.databaseUrl, { clock, logger });
  const budget = createRateBudget({ perMinute: config.omni.rateLimitPerMinute, clock });
  const omni = createOmniClient({
    baseUrl: config.omni.baseUrl,
    apiKey: config.omni.apiKey,
    budget,
    logger: logger.child({ component: 'omni' }),
    clock,
    ...(options.omni?.timeoutMs !== undefined ? { timeoutMs: options.omni.timeoutMs } : {}),
    ...(options.omni?.retry ? { retry: options.omni.retry } : {}),
  });
  const catalog = createOmniCatalog({ client: omni, clock });
  const people = createSlackUserDirectory(bootstrapClient);
  const identity = createIdentityResolver({ store, slackUsers: people, scim: omni, clock, logger: logger.child({ component: 'identity' }) });
  const service = createRoutineService({
    omni,
    identity,
    describeIdentityProblem,
    people,
    store,
    clock,
    logger: logger.child({ component: 'routines' }),
    policy: {
      defaultTimezone: config.defaultTimezone,
      minIntervalMinutes: config.minIntervalMinutes,
      allowedEmailDomains: config.allowedEmailDomains,
    },
  });
  const inFlight = createInFlight(logger);

  let ready = false;
  const healthRoute = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(ready ? 200 : 503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ok: ready }));
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
  if (receiver instanceof HTTPReceiver) guardRequests(receiver, { signingSecret: config.slack.signingSecret ?? '', clock, logger });

  const app = new App({
    receiver,
    logger: boltLogger,
    clientOptions,
    // Requests from any other workspace are refused before a listener runs (Bolt acks them with an empty 200).
    authorize: async (source) => {
      if (source.teamId !== teamId) throw new Error('request from a workspace this app is not installed in');
      return { botToken: config.slack.botToken, botId, botUserId, teamId };
    },
    extendedErrorHandler: true,
  });

  // Every log line written while handling a request, including after the ack, carries its request id.
  const dispatched = new WeakSet<object>();
  const failed = new WeakSet<object>();
  const malformed = new WeakSet<object>();
  app.use(async ({ body, next }) => {
    dispatched.add(body);
    if (!hasSlackBasics(body)) {
      malformed.add(body);
      return;
    }
    const b = body as { type?: string; command?: string; user?: { id?: string }; user_id?: string; event?: { type?: string } };
    const slackUserId = b.user?.id ?? b.user_id;
    const kind = b.type === 'event_callback' ? b.event?.type : (b.type ?? b.command);
    await runWithRequestContext({ requestId: randomUUID().slice(0, 8), ...(slackUserId ? { slackUserId } : {}), ...(kind ? { kind } : {}) }, next);
  });

  const onError: ExtendedErrorHandler = async ({ error, body }) => {
    if (typeof body === 'object' && body !== null) failed.add(body);
    logger.error('listener failed', { err: (error as { original?: unknown }).original ?? error });
  };
  app.error(onError);

  // Bolt leaves a request that nothing acked open until its 3 s timer answers 404 (HTTP), or never answers it at all
  // (Socket Mode: Slack then shows the user a timeout). Answer at once instead. Over HTTP: 400 for a body no Slack
  // payload type matches, 500 when a listener failed before acking, and an empty 200 (ignored) for a known type no
  // listener took (an unknown action, callback id or command). Over Socket Mode there are no statuses: an empty ack.
  const socketMode = !(receiver instanceof HTTPReceiver);
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    const body: unknown = event.body;
    let acked = false;
    const ack = async (response?: Parameters<ReceiverEvent['ack']>[0]) => {
      acked = true;
      await event.ack(response);
    };
    const refuse = async (status: 400 | 500, reason: string) => {
      if (!socketMode) throw new RefusedRequestError(status, reason);
      logger.warn('request refused', { reason });
      if (!acked) await ack();
    };
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(400, 'body is not an object');
    try {
      await processEvent({ ...event, ack });
    } catch (err) {
      // Bolt itself threw before any listener ran: it could not read this payload (e.g. `user: null`).
      if (acked || dispatched.has(body)) throw err;
      return refuse(400, `Bolt could not read the payload (${err instanceof Error ? err.message : 'unknown error'})`);
    }
    if (acked) return undefined;
    if (malformed.has(body)) return refuse(400, 'a Slack payload without the fields Slack always sends');
    if (failed.has(body)) return refuse(500, 'a listener failed before acknowledging');
    if (!dispatched.has(body)) return refuse(400, 'not a Slack payload this app understands');
    return ack();
  };

  registerListeners(app, { config, clock, logger, service, catalog, people, inFlight, teamId });

  let server: Server | undefined;
  return {
    app,
    inFlight,
    teamId,
    async start(port = config.port) {
      const started = (await app.start(port)) as unknown;
      ready = true;
      // Socket Mode's receiver serves /healthz on PORT whatever start() is given.
      if (socketMode) return config.port;
      if (started && typeof (started as Server).address === 'function') {
        server = started as Server;
        const address = server.address();
        return typeof address === 'object' && address ? address.port : port;
      }
      return port;
    },
    async stop(graceMs = 25_000) {
      ready = false;
      await app.stop();
      const left = await inFlight.drain(graceMs);
      if (left > 0) logger.warn('stopped with work still in flight', { left });
      await store.close();
    },
  };
}
