/**
 * One attempt at one Omni request: the got instance (prefixUrl, bearer key, JSON, timeout, got's own retry off),
 * a token of the request budget, the answer parsed with zod, and every failure turned into an OmniApiError.
 * Retries are not done here (retry-policy.ts decides them).
 *
 * The `beforeError` hook does the conversion: a got error holds the request options, and so the bearer key, in
 * every `util.inspect`, `JSON.stringify` or log of it; what leaves this module holds plain facts only.
 * @see docs/omni-api.md (§1.3 error shapes, §1.4 rate limit)
 */
import got, { RequestError, TimeoutError, type Got } from 'got';
import type * as z from 'zod';
import type { Logger } from '../log.js';
import { createRedactor } from '../redact.js';
import { OmniApiError, readOmniMessage, resolveOmniReason, type OmniOperation } from './errors.js';
import type { RateBudget } from './rate-budget.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestSpec<S extends z.ZodType> {
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
  /** The logger of the Slack request this serves (its lines carry the request id); else the client's own. */
  log?: Logger;
}

/** One attempt: a token, one HTTP exchange, a parsed body. Throws only OmniApiError. */
export type SendOnce = <S extends z.ZodType>(spec: RequestSpec<S>, deadline: number, attempt: number) => Promise<z.output<S>>;

export interface OmniHttpOptions {
  /** The address users log in with, e.g. https://acme.omniapp.co (no /api). */
  baseUrl: string;
  apiKey: string;
  budget: Pick<RateBudget, 'acquire'>;
  logger: Logger;
  now: () => number;
  /** Per attempt, the whole request (connect to last byte). */
  timeoutMs: number;
}

/** Errors that mean the connection never carried the request, so even a POST is safe to send again. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** What the hook needs to know about the request, passed through got's `context`. */
interface GotContext {
  operation?: OmniOperation;
  path?: string;
}

export function createOmniHttp(options: OmniHttpOptions): SendOnce {
  const { budget, logger, now } = options;
  // Not the bearer pattern: it would also eat Omni's own "Bearer <token>" wording, which the reason table reads.
  const redact = createRedactor([options.apiKey], { bearer: false });
  const http: Got = got.extend({
    prefixUrl: `${options.baseUrl.replace(/\/+$/, '')}/api/`,
    headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json', 'user-agent': 'omni-routine-bot' },
    responseType: 'text',
    timeout: { request: options.timeoutMs },
    retry: { limit: 0 },
    followRedirect: false,
    hooks: { beforeError: [(error) => convertGotError(error, redact)] },
  });

  return async function sendOnce<S extends z.ZodType>(spec: RequestSpec<S>, deadline: number, attempt: number): Promise<z.output<S>> {
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
      (spec.log ?? logger).warn('omni request failed', {
        ...where,
        attempt,
        status: error.status,
        failure: error.kind,
        reason: error.reason,
        ms: now() - started,
      });
      throw error;
    }
    (spec.log ?? logger).debug('omni request', { ...where, attempt, ms: now() - started });
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
  };
}

/** `a=1&b=x%20y`: encodeURIComponent throughout, undefined values left out. */
export function buildQuery(params: Record<string, string | number | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

/** Anything got threw without passing through the hook (it should not happen): keep only the code. */
function sanitizeUnknownError(err: unknown, where: { method: string; path: string }): OmniApiError {
  const code = err instanceof RequestError ? err.code : undefined;
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
    // got's own timeout, or the operating system's (a connect that timed out arrives as a plain ETIMEDOUT).
    if (error instanceof TimeoutError || code === 'ETIMEDOUT') {
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
