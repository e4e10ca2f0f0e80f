/**
 * What stands between Slack's requests and the listeners, beyond Bolt's own signature check: refusals for what Bolt
 * lets through (timestamps far in the future, bodies that parse to null, payloads missing the fields Slack always
 * sends) and an immediate answer for anything no listener acknowledged, so nothing waits for Slack's 3 s timeout.
 */
import type { ServerResponse } from 'node:http';
import * as querystring from 'node:querystring';
import { type App, HTTPModuleFunctions, type HTTPReceiver, type ReceiverEvent, isValidSlackRequest } from '@slack/bolt';
import type { Clock } from '../clock.js';
import { RoutineBotError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ReplayMemory } from './replay-memory.js';

/** A signed request the app refuses after Bolt parsed it; answered with `status` and an empty body. */
export class RefusedRequestError extends RoutineBotError {
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

export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * A signature covers `v0:<timestamp>:<body>`, and Slack (and Bolt) accept a timestamp up to 5 minutes either side
 * of now, so a signature seen now can come back until at most 10 minutes from now.
 */
export const REPLAY_MEMORY_MS = 2 * MAX_REQUEST_SKEW_SEC * 1000 + 60_000;

/**
 * Checks in front of Bolt's HTTP handling, for holes it leaves: it accepts timestamps any distance in the
 * future (Slack's rule is "more than 5 minutes from now" either way, so a body signed for later could be replayed
 * for hours), and a signed body that parses to `null` (`null` as JSON, `payload=null`) throws outside its error
 * handling: an unhandled rejection and a request left open forever. Both are answered here before Bolt sees them.
 * Bolt itself then checks the signature; replays of a validly signed request are caught after that
 * (`createReplayCheck`, run first among the app's middleware).
 */
export function guardHttpRequests(receiver: HTTPReceiver, deps: { signingSecret: string; clock: Clock; logger: Logger }): void {
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
        if (mayParseToNull(buffered)) {
          try {
            parsed = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
          } catch {
            parsed = undefined; // Bolt answers a malformed body itself (401 unsigned, else 400).
          }
        }
        if (parsed === null) {
          // 400 when signed, 401 when not: what Bolt answers for other bodies it cannot use.
          const signature = req.headers['x-slack-signature'];
          const signed =
            typeof signature === 'string' &&
            isValidSlackRequest({ signingSecret: deps.signingSecret, body: buffered.rawBody.toString(), headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts } });
          refuse(res, signed ? 400 : 401, 'body is null');
          return;
        }
        listener(buffered, res);
      },
      // Too large (413) or cut off: the same answers Bolt gives. The rest of the body is unread, so the connection
      // cannot carry another request: say so, or the client's next request on it meets a reset.
      (err: unknown) => {
        res.setHeader('Connection', 'close');
        refuse(res, HTTPModuleFunctions.isRawBodyError(err) && err.statusCode === 413 ? 413 : 400, 'body could not be read');
      },
    );
  };
}

/**
 * Whether Bolt's parse of this body (HTTPModuleFunctions.parseHTTPRequestBody) could give `null`. A JSON body
 * can (`null`); a form body only through a `payload` field, which Bolt parses as JSON. A slash command's form has no
 * such field, so the guard does not parse every command a second time (Bolt parses it again right after): it looks
 * at the field names alone, decoded as querystring decodes them.
 */
export function mayParseToNull(req: { rawBody: Buffer; headers: Record<string, string | string[] | undefined> }): boolean {
  if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return true;
  const text = req.rawBody.toString();
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    const eq = text.indexOf('=', start);
    const key = text.slice(start, eq === -1 || eq > end ? end : eq);
    if (key === 'payload' || ((key.includes('%') || key.includes('+')) && querystring.unescape(key.replace(/\+/g, ' ')) === 'payload')) return true;
    start = end + 1;
  }
  return false;
}

/** What the HTTP receiver passes into Bolt's context for the replay check: the request's signature. */
export function signatureOf(req: { headers: Record<string, string | string[] | undefined> }): { slackSignature?: string } {
  const signature = req.headers['x-slack-signature'];
  return typeof signature === 'string' ? { slackSignature: signature } : {};
}

/**
 * With a replay memory, a validly signed request is acted on once across all replicas: a second arrival of the same
 * signature (a replay within the 5-minute window, or the same request sent to two replicas) goes no further, and
 * the ack guard answers it with an empty 200. Run after Bolt checked the signature (so only signed requests are
 * claimed), before any listener. Slack's own retries of an event (`X-Slack-Retry-Num`) carry a new signature but
 * the same `event_id`, so events are also claimed by their id: a retry of an event some replica already took is
 * dropped; a retry of one no replica saw is handled. A listener that could not do an event's work (a reply Slack
 * refused) calls `releaseEvent`, so Slack's retry of that event is handled. If the memory cannot answer, the request
 * is handled (availability first: creates are still guarded by their own idempotency keys). Resolves whether the
 * request is to be handled.
 */
export function createReplayCheck(
  replay: ReplayMemory,
): (request: { signature: string; body: unknown; retryNum: number | undefined; logger: Logger }) => Promise<{ handle: boolean; releaseEvent?: () => Promise<void> }> {
  return async ({ signature, body, retryNum, logger }) => {
    try {
      if (!(await replay.claim(`slack-signature:${signature}`, REPLAY_MEMORY_MS))) {
        logger.warn('replayed request ignored', { reason: 'signature already acted on' });
        return { handle: false };
      }
      const eventId = isRecord(body) && body.type === 'event_callback' && typeof body.event_id === 'string' ? body.event_id : undefined;
      if (eventId === undefined) return { handle: true };
      const key = `slack-event:${eventId}`;
      if (!(await replay.claim(key, REPLAY_MEMORY_MS))) {
        logger.info('event already handled', { eventId, retryNum });
        return { handle: false };
      }
      return { handle: true, releaseEvent: () => replay.release(key) };
    } catch (err) {
      logger.warn('replay memory unavailable; handling the request', { error: err instanceof Error ? err.message : String(err) });
      return { handle: true };
    }
  };
}

/**
 * The fields Slack puts in every payload of a type and listeners read without checking: who (a user id), and for a
 * command its text, for a message shortcut the message, for an event its type (Bolt matches it against the event
 * listener's pattern with .match()). A signed body without them is malformed (400), not a crash.
 */
function hasSlackBasics(body: unknown): boolean {
  const b = body as Record<string, unknown>;
  if (b.type === 'event_callback') return isRecord(b.event) && typeof b.event.type === 'string';
  if (typeof b.command === 'string') return typeof b.user_id === 'string' && typeof b.text === 'string';
  // Interactivity payloads always name their type (Bolt classifies some by other fields, e.g. `actions`).
  if (typeof b.type !== 'string' || !isRecord(b.user) || typeof b.user.id !== 'string') return false;
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

export interface AckGuard {
  /** Called first for every payload Bolt dispatches; false = malformed, stop here (answered 400 / empty ack). */
  accept(body: unknown): boolean;
  /** Called by the error handler: a listener failed on this payload. */
  markFailed(body: unknown): void;
}

/**
 * Bolt leaves a request that nothing acked open until its 3 s timer answers 404 (HTTP), or never answers it at all
 * (Socket Mode: Slack then shows the user a timeout). Answer at once instead. Over HTTP: 400 for a body no Slack
 * payload type matches, 500 when a listener failed before acking, and an empty 200 (ignored) for a known type no
 * listener took (an unknown action, callback id or command). Over Socket Mode there are no statuses: an empty ack.
 */
export function installAckGuard(app: App, options: { socketMode: boolean; logger: Logger }): AckGuard {
  const dispatched = new WeakSet<object>();
  const failed = new WeakSet<object>();
  const malformed = new WeakSet<object>();
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    const body: unknown = event.body;
    let acked = false;
    const ack = async (response?: Parameters<ReceiverEvent['ack']>[0]) => {
      acked = true;
      await event.ack(response);
    };
    const refuse = async (status: 400 | 500, reason: string) => {
      if (!options.socketMode) throw new RefusedRequestError(status, reason);
      options.logger.warn('request refused', { reason });
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
  return {
    accept(body) {
      if (typeof body !== 'object' || body === null) return false;
      dispatched.add(body);
      if (hasSlackBasics(body)) return true;
      malformed.add(body);
      return false;
    },
    markFailed(body) {
      if (typeof body === 'object' && body !== null) failed.add(body);
    },
  };
}
