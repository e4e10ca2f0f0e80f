/**
 * The Omni REST client: one got instance (prefixUrl, bearer key, JSON, timeout, got's own retry off), every
 * answer parsed with zod, every failure turned into an OmniApiError by a `beforeError` hook, and every request
 * paying one token of the process-wide rate budget. Retries are ours and explicit:
 *  - idempotent requests (GET, PUT, PATCH, DELETE) retry on WAF throttling, 5xx, timeouts and network errors;
 *  - POSTs (create, run now) retry only what cannot have reached Omni's application (WAF 429s, refused
 *    connections). After an ambiguous create failure we look for the routine before sending again (never after
 *    a timeout: the first request may still be running at Omni).
 * @see docs/omni-api.md (§1.4 rate limit and retries, §2 routines, §8 how the bot uses Omni)
 */
import got, { type Got, type RequestError } from 'got';
import type { z } from 'zod';
import { systemClock, type Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { OmniApiError, readOmniMessage, resolveOmniReason, type OmniOperation } from './errors.js';
import type { RateBudget } from './rate-budget.js';
import {
  CreatedSchema,
  DeletedSchema,
  ModelListSchema,
  RoutineCreateBodySchema,
  RoutineListSchema,
  RoutineSchema,
  RoutineUpdateBodySchema,
  hasMorePages,
  ScimGroupListSchema,
  ScimUserListSchema,
  TopicListSchema,
  TriggeredSchema,
  WhoamiSchema,
  ApiSpecSchema,
  type OmniGroup,
  type OmniModel,
  type OmniTopic,
  type OmniUser,
  type Routine,
  type RoutineCreateBody,
} from './schemas.js';
import { isSameRoutine } from './same-routine.js';
import type { OmniClient } from './types.js';

export interface OmniRetryPolicy {
  /** Retries after the first attempt. */
  limit: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface OmniClientOptions {
  /** The address users log in with, e.g. https://acme.omniapp.co (no /api). */
  baseUrl: string;
  apiKey: string;
  /** The request budget: the in-process bucket, or the budget shared by every replica (shared-budget.ts). */
  budget: Pick<RateBudget, 'acquire' | 'pauseUntil'>;
  logger: Logger;
  clock?: Clock;
  /** Per attempt, the whole request (connect to last byte). */
  timeoutMs?: number;
  retry?: OmniRetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  /** The longest one call may spend waiting for tokens and backoff before it gives up. */
  maxWaitMs?: number;
  /** Pause before looking for a routine after a create timed out: the server may still be finishing it. */
  recoveryDelayMs?: number;
  /** Jitter source, in [0, 1). */
  random?: () => number;
}

/**
 * Three retries cover a WAF minute with Omni's recommended backoff; more would keep a Slack user waiting for
 * nothing. The 5-second floor for WAF throttling without Retry-After follows docs/omni-api.md §1.4.
 */
export const DEFAULT_RETRY: OmniRetryPolicy = { limit: 3, baseDelayMs: 1000, maxDelayMs: 30_000 };
const WAF_FLOOR_MS = 5000;
/** A routine found by the post-failure lookup must have been created this recently (by our clock). */
const RECOVERY_WINDOW_MS = 10 * 60_000;
const RECOVERY_PAGE_SIZE = 50;
const MAX_PAGES = 100;
/** Errors that mean the connection never carried the request, so even a POST is safe to send again. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestSpec<S extends z.ZodType> {
  operation: OmniOperation;
  method: HttpMethod;
  /** Below /api, no leading slash; path segments already encoded. */
  path: string;
  /** Pre-encoded query string (without '?'), so SCIM filters keep %20 rather than '+'. */
  query?: string;
  json?: unknown;
  schema: S;
  /** The Omni membership the request acts for: its per-user share of the budget. */
  user?: string;
}

interface GotContext {
  operation?: OmniOperation;
  path?: string;
}

export function createOmniClient(options: OmniClientOptions): OmniClient {
  const clock = options.clock ?? systemClock;
  const retry = options.retry ?? DEFAULT_RETRY;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const recoveryDelayMs = options.recoveryDelayMs ?? 2000;
  const { budget, logger } = options;
  const redact = createKeyRedactor(options.apiKey);
  const now = () => clock().getTime();

  const http: Got = got.extend({
    prefixUrl: `${options.baseUrl.replace(/\/+$/, '')}/api/`,
    headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json', 'user-agent': 'omni-routine-bot' },
    responseType: 'text',
    timeout: { request: options.timeoutMs ?? 10_000 },
    retry: { limit: 0 },
    followRedirect: false,
    hooks: { beforeError: [(error) => convertGotError(error, redact)] },
  });

  /** One attempt: a token, one HTTP exchange, a parsed body. Throws only OmniApiError. */
  async function sendOnce<S extends z.ZodType>(spec: RequestSpec<S>, deadline: number, attempt: number): Promise<z.output<S>> {
    const where = { method: spec.method, path: `/${spec.path}` };
    try {
      await budget.acquire(deadline, spec.user);
    } catch (err) {
      if (err instanceof OmniApiError) throw err.withChanges(where);
      throw err;
    }
    const started = now();
    let body: string;
    try {
      const response = await http(spec.query ? `${spec.path}?${spec.query}` : spec.path, {
        method: spec.method,
        ...(spec.json !== undefined ? { json: spec.json } : {}),
        context: { operation: spec.operation, path: where.path } satisfies GotContext,
      });
      body = response.body;
    } catch (err) {
      const error = err instanceof OmniApiError ? err : sanitizeUnknownError(err, where);
      logger.warn('omni request failed', {
        ...where,
        attempt,
        status: error.status,
        kind: error.kind,
        reason: error.reason,
        ms: now() - started,
      });
      throw error;
    }
    logger.debug('omni request', { ...where, attempt, ms: now() - started });
    let data: unknown;
    try {
      data = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      throw new OmniApiError({ ...where, kind: 'invalid_response', reason: 'unexpected_response', omniMessage: 'not JSON' });
    }
    const parsed = spec.schema.safeParse(data);
    if (!parsed.success) {
      const fields = parsed.error.issues.slice(0, 5).map((i) => i.path.join('.') || '(root)');
      throw new OmniApiError({
        ...where,
        kind: 'invalid_response',
        reason: 'unexpected_response',
        omniMessage: `unexpected fields: ${[...new Set(fields)].join(', ')}`,
      });
    }
    return parsed.data as z.output<S>;
  }

  function isRetryable(err: OmniApiError, idempotent: boolean): boolean {
    if (err.kind === 'rate_limited') return true; // the WAF blocks before the app: nothing was acted on
    if (err.kind === 'http' && err.status === 429 && err.reason === 'rate_limited') return true;
    if (err.kind === 'network') return idempotent || !err.maybeActedOn;
    if (err.kind === 'timeout') return idempotent;
    if (err.kind === 'http' && err.status !== undefined && err.status >= 500) return idempotent;
    return false;
  }

  function computeDelay(err: OmniApiError, retryNumber: number): number {
    if (err.retryAfterSeconds !== undefined) return Math.min(err.retryAfterSeconds * 1000, retry.maxDelayMs);
    const exponential = retry.baseDelayMs * 2 ** (retryNumber - 1);
    const jittered = exponential * (0.5 + 0.5 * random()); // spread callers that failed together
    const floored = err.wafThrottled ? Math.max(jittered, WAF_FLOOR_MS) : jittered;
    return Math.round(Math.min(floored, retry.maxDelayMs));
  }

  /**
   * Runs `attemptOnce` until it succeeds, fails for good, runs out of retries, or the next wait would pass the
   * deadline. `attemptOnce` may turn an error into a result (DELETE's 404 on a retry).
   */
  async function withRetries<T>(
    idempotent: boolean,
    deadline: number,
    attemptOnce: (attempt: number) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await attemptOnce(attempt);
      } catch (err) {
        if (!(err instanceof OmniApiError) || attempt > retry.limit || !isRetryable(err, idempotent)) throw err;
        const delay = computeDelay(err, attempt);
        // Other callers share the key's WAF bucket: stop them too rather than let them hammer it.
        if (err.wafThrottled) budget.pauseUntil(now() + delay);
        if (now() + delay > deadline) throw err;
        logger.info('omni retry', { method: err.method, path: err.path, attempt, delayMs: delay, kind: err.kind, status: err.status });
        await sleep(delay);
      }
    }
  }

  function request<S extends z.ZodType>(spec: RequestSpec<S>, deadline = now() + maxWaitMs): Promise<z.output<S>> {
    const idempotent = spec.method !== 'POST';
    return withRetries(idempotent, deadline, (attempt) => sendOnce(spec, deadline, attempt));
  }

  const routinesPath = (routineId?: string) =>
    routineId === undefined ? 'v1/ai/routines' : `v1/ai/routines/${encodeURIComponent(routineId)}`;
  const userQuery = (userId: string, extra: Record<string, string | number | undefined> = {}) =>
    buildQuery({ userId, ...extra });

  async function listRoutines(userId: string, opts: { cursor?: string; pageSize?: number } = {}, deadline?: number) {
    const page = await request(
      {
        operation: 'listRoutines',
        method: 'GET',
        path: routinesPath(),
        user: userId, query: userQuery(userId, { cursor: opts.cursor, pageSize: opts.pageSize }),
        schema: RoutineListSchema,
      },
      deadline,
    );
    // One record the bot cannot read at all must not hide the others; the admin learns of it from the log.
    if (page.skipped > 0) logger.warn('omni list: skipped records without an id', { skipped: page.skipped });
    return page;
  }

  async function listModels(params: Record<string, string>): Promise<OmniModel[]> {
    const all: OmniModel[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const result = await request({
        operation: 'listModels',
        method: 'GET',
        path: 'v1/models',
        query: buildQuery({ ...params, pageSize: 100, cursor }),
        schema: ModelListSchema,
      });
      all.push(...result.records);
      const next = result.pageInfo.nextCursor;
      if (!hasMorePages(result.pageInfo) || !next || seen.has(next)) break;
      seen.add(next);
      cursor = next;
    }
    return all;
  }

  /** After an ambiguous create: the routine we just sent, if Omni has it. */
  async function findJustCreated(userId: string, body: RoutineCreateBody, deadline: number): Promise<Routine | undefined> {
    const page = await listRoutines(userId, { pageSize: RECOVERY_PAGE_SIZE }, deadline);
    const since = now() - RECOVERY_WINDOW_MS;
    const matches = page.records.filter((r) => {
      const created = Date.parse(r.createdAt);
      return (
        Number.isFinite(created) && created >= since && isSameRoutine(r, body)
      );
    });
    matches.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    return matches[0];
  }

  return {
    whoami: () => request({ operation: 'whoami', method: 'GET', path: 'v1/whoami', schema: WhoamiSchema }),

    listRoutines: (userId, opts) => listRoutines(userId, opts),

    async listAllRoutines(userId, opts = {}) {
      const max = opts.max ?? 1000;
      const all: Routine[] = [];
      const seen = new Set<string>();
      let cursor: string | undefined;
      while (all.length < max) {
        const page = await listRoutines(userId, { pageSize: Math.min(100, max - all.length), ...(cursor ? { cursor } : {}) });
        all.push(...page.records);
        const next = page.pageInfo.nextCursor;
        if (!hasMorePages(page.pageInfo) || !next || seen.has(next)) break;
        seen.add(next);
        cursor = next;
      }
      return all.slice(0, max);
    },

    getRoutine: (userId, routineId) =>
      request({
        operation: 'getRoutine',
        method: 'GET',
        path: routinesPath(routineId),
        user: userId, query: userQuery(userId),
        schema: RoutineSchema,
      }),

    async createRoutine(userId, input) {
      const where = { method: 'POST', path: `/${routinesPath()}` };
      const checked = RoutineCreateBodySchema.safeParse(input);
      if (!checked.success) throw invalidInput(where, checked.error);
      const body = checked.data;
      const deadline = now() + maxWaitMs;
      const spec = { operation: 'createRoutine' as const, method: 'POST' as const, path: routinesPath(), user: userId, query: userQuery(userId), json: body, schema: CreatedSchema };
      let ambiguous: OmniApiError | undefined;
      // At most two sends that may reach Omni's application: the first, and one more only after a lookup
      // proved the first did not create anything.
      for (let send = 1; send <= 2; send += 1) {
        try {
          const created = await request(spec, deadline);
          return { id: created.id, recovered: false };
        } catch (err) {
          if (!(err instanceof OmniApiError) || !err.maybeActedOn) throw err;
          ambiguous = err;
        }
        if (ambiguous.kind === 'timeout' && recoveryDelayMs > 0) await sleep(recoveryDelayMs);
        let found: Routine | undefined;
        try {
          found = await findJustCreated(userId, body, Math.max(deadline, now() + maxWaitMs));
        } catch (lookupError) {
          logger.warn('omni create: lookup after an ambiguous failure failed', {
            ...where,
            reason: lookupError instanceof OmniApiError ? lookupError.reason : 'unknown',
          });
          break; // cannot know: never send again blind
        }
        if (found) {
          logger.info('omni create: recovered a routine created by an attempt that seemed to fail', { ...where, routineId: found.id });
          return { id: found.id, recovered: true };
        }
        // A timed-out request may still be queued at Omni and create the routine later, after our look-up: only
        // a failure that ended the exchange (reset, 5xx) is safe to send again. The caller's retry looks again.
        if (send === 2 || now() >= deadline || ambiguous.kind === 'timeout') break;
        logger.info('omni create: not created by the failed attempt; sending once more', { ...where, kind: ambiguous.kind });
      }
      const last = ambiguous ?? new OmniApiError({ ...where, kind: 'network', reason: 'ambiguous', maybeActedOn: true });
      throw last.withChanges({
        reason: 'ambiguous',
        maybeActedOn: true,
        message: `Omni did not confirm the routine was created, and it could not be found afterwards; it may or may not exist (${last.message})`,
      });
    },

    // PUT and PATCH are both idempotent (the same body twice leaves the same state), so they retry like a GET.
    // Which method and which fields the instance takes is the caller's decision, from the instance's own spec.
    async updateRoutine(userId, routineId, body, method = 'PATCH') {
      const checked = RoutineUpdateBodySchema.safeParse(body);
      if (!checked.success) throw invalidInput({ method, path: `/${routinesPath(routineId)}` }, checked.error);
      return request({
        operation: 'updateRoutine',
        method,
        path: routinesPath(routineId),
        user: userId, query: userQuery(userId),
        json: checked.data,
        schema: RoutineSchema,
      });
    },

    async readApiSpec() {
      return request({ operation: 'readApiSpec', method: 'GET', path: 'openapi.json', schema: ApiSpecSchema });
    },

    // DELETE is retried like a GET: deleting twice leaves the same state. A 404 on a retry means an earlier
    // attempt (or someone else) already deleted it, which is what the caller wanted.
    deleteRoutine(userId, routineId) {
      const deadline = now() + maxWaitMs;
      const spec = {
        operation: 'deleteRoutine' as const,
        method: 'DELETE' as const,
        path: routinesPath(routineId),
        user: userId, query: userQuery(userId),
        schema: DeletedSchema,
      };
      return withRetries(true, deadline, async (attempt) => {
        try {
          const result = await sendOnce(spec, deadline, attempt);
          return { deleted: true as const, id: result.id, alreadyDeleted: false };
        } catch (err) {
          if (attempt > 1 && err instanceof OmniApiError && err.status === 404 && err.reason === 'not_found') {
            return { deleted: true as const, id: routineId, alreadyDeleted: true };
          }
          throw err;
        }
      });
    },

    async triggerRoutine(userId, routineId) {
      try {
        return await request({
          operation: 'triggerRoutine',
          method: 'POST',
          path: `${routinesPath(routineId)}/trigger`,
          user: userId, query: userQuery(userId),
          schema: TriggeredSchema,
        });
      } catch (err) {
        // No run-history endpoint exists to look the run up, so an ambiguous trigger stays ambiguous.
        if (err instanceof OmniApiError && err.maybeActedOn) {
          throw err.withChanges({
            reason: 'ambiguous',
            message: `Omni did not confirm the run started; it may or may not be running (${err.message})`,
          });
        }
        throw err;
      }
    },

    listSharedModels: () => listModels({ modelKind: 'SHARED' }),

    listBranches: (modelId) => listModels({ modelKind: 'BRANCH', baseModelId: modelId }),

    async listTopics(modelId, branchId) {
      const result = await request({
        operation: 'listTopics',
        method: 'GET',
        path: `v1/models/${encodeURIComponent(modelId)}/topic`,
        query: buildQuery({ branch_id: branchId }),
        schema: TopicListSchema,
      });
      return result.topics.map(
        (t): OmniTopic => ({
          name: t.name,
          label: t.label ?? undefined,
          description: t.description ?? undefined,
          hidden: t.hidden === true,
        }),
      );
    },

    async findUsersByEmail(email) {
      const filter = `userName eq "${email.replace(/["\\]/g, '')}"`;
      const result = await request({
        operation: 'findUsersByEmail',
        method: 'GET',
        path: 'scim/v2/users',
        query: buildQuery({ filter, count: 100 }),
        schema: ScimUserListSchema,
      });
      return result.Resources.map(
        (u): OmniUser => ({
          id: u.id,
          userName: u.userName,
          active: u.active,
          ...(u.displayName ? { displayName: u.displayName } : {}),
          emails: u.emails.map((e) => e.value),
        }),
      );
    },

    async listGroups() {
      const all: OmniGroup[] = [];
      let startIndex = 1;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const result = await request({
          operation: 'listGroups',
          method: 'GET',
          path: 'scim/v2/groups',
          query: buildQuery({ startIndex, count: 100 }),
          schema: ScimGroupListSchema,
        });
        all.push(...result.Resources);
        const total = result.totalResults ?? all.length;
        if (result.Resources.length === 0 || all.length >= total) break;
        startIndex += result.Resources.length;
      }
      return all;
    },
  };
}

/**
 * Removes the key (and anything shaped like an Omni key) from text Omni sent back. Not the log redactor: its
 * bearer pattern would also eat Omni's own "Bearer <token>" wording.
 */
function createKeyRedactor(apiKey: string): (text: string) => string {
  return (text) => {
    const exact = apiKey.length >= 6 ? text.split(apiKey).join('[redacted]') : text;
    return exact.replace(/omni_(?:osk|pat)_[A-Za-z0-9]+/g, '[redacted]');
  };
}

/** `a=1&b=x%20y`: encodeURIComponent throughout, undefined values left out. */
function buildQuery(params: Record<string, string | number | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

function invalidInput(where: { method: string; path: string }, error: z.ZodError): OmniApiError {
  const fields = [...new Set(error.issues.map((i) => i.path.join('.') || '(body)'))];
  return new OmniApiError({
    ...where,
    kind: 'invalid_input',
    reason: 'invalid_request',
    omniMessage: `invalid ${fields.join(', ')}`,
  });
}

/** Anything got threw without passing through the hook (it should not happen): keep only the code. */
function sanitizeUnknownError(err: unknown, where: { method: string; path: string }): OmniApiError {
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : undefined;
  return new OmniApiError({ ...where, kind: 'network', reason: 'unavailable', networkCode: code, maybeActedOn: where.method !== 'GET' });
}

function readHeader(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The `beforeError` hook: a got error (which holds the request options, headers included) becomes an
 * OmniApiError holding plain facts only, with no `cause`. Total: it must never throw, or got would wrap the
 * failure in a new RequestError carrying the options again.
 */
function convertGotError(error: RequestError, redact: (text: string) => string): OmniApiError {
  try {
    const options = error.options;
    const context = (options?.context ?? {}) as GotContext;
    const method = String(options?.method ?? 'GET').toUpperCase();
    const path = context.path ?? '-';
    const operation = context.operation;
    const response = error.response;
    if (response && typeof response.statusCode === 'number') {
      const status = response.statusCode;
      const headers = response.headers as Record<string, string | string[] | undefined>;
      const wafThrottled = status === 429 && readHeader(headers, 'x-omni-waf-action') !== undefined;
      const retryAfterRaw = readHeader(headers, 'retry-after');
      const retryAfter = retryAfterRaw !== undefined && /^\d+$/.test(retryAfterRaw.trim()) ? Number(retryAfterRaw) : undefined;
      const rawMessage = readOmniMessage(typeof response.body === 'string' ? response.body : undefined);
      const omniMessage = rawMessage === undefined ? undefined : redact(rawMessage);
      return new OmniApiError({
        kind: wafThrottled ? 'rate_limited' : 'http',
        reason: resolveOmniReason({ status, operation, message: omniMessage, wafThrottled }),
        status,
        method,
        path,
        omniMessage,
        wafThrottled,
        retryAfterSeconds: retryAfter,
        maybeActedOn: method !== 'GET' && status >= 500,
        networkCode: undefined,
      });
    }
    const code = typeof error.code === 'string' ? error.code : undefined;
    if (error.name === 'TimeoutError' || code === 'ETIMEDOUT') {
      return new OmniApiError({ kind: 'timeout', reason: 'unavailable', method, path, networkCode: code, maybeActedOn: method !== 'GET' });
    }
    const notSent = code !== undefined && NOT_SENT_CODES.has(code);
    return new OmniApiError({
      kind: 'network',
      reason: 'unavailable',
      method,
      path,
      networkCode: code,
      maybeActedOn: method !== 'GET' && !notSent,
    });
  } catch {
    return new OmniApiError({ kind: 'network', reason: 'unavailable', method: '-', path: '-', maybeActedOn: true });
  }
}
