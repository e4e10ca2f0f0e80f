/**
 * The Omni client: one method per endpoint the bot uses. Every answer is parsed with zod, every failure is an
 * OmniApiError, and every request pays one token of the process-wide rate budget. The parts live beside it:
 *  - http.ts: the got instance, one attempt, and the conversion of got's errors (the key never leaves it);
 *  - retry-policy.ts: which failures are sent again and after how long;
 *  - paging.ts: the one loop every list follows;
 *  - create-recovery.ts: a create that may or may not have happened is looked up before it is sent again.
 * @see docs/omni-api.md (§1.4 rate limit and retries, §2 routines, §8 how the bot uses Omni)
 */
import type * as z from 'zod';
import { systemClock, type Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { createWithRecovery, findJustCreated, RECOVERY_PAGE_SIZE } from './create-recovery.js';
import { OmniApiError } from './errors.js';
import { buildQuery, createOmniHttp, type RequestSpec } from './http.js';
import { collectPages, nextCursor, nextStartIndex } from './paging.js';
import type { RateBudget } from './rate-budget.js';
import { createRetryRunner, DEFAULT_RETRY, type OmniRetryPolicy } from './retry-policy.js';
import {
  CreatedSchema,
  DeletedSchema,
  ModelListSchema,
  RoutineCreateBodySchema,
  RoutineListSchema,
  RoutineSchema,
  RoutineUpdateBodySchema,
  ScimGroupListSchema,
  ScimUserListSchema,
  TopicListSchema,
  TriggeredSchema,
  WhoamiSchema,
  ApiSpecSchema,
  type OmniModel,
  type OmniTopic,
  type OmniUser,
} from './schemas.js';
import type { OmniCall, OmniClient } from './types.js';

/** The spec field for a call's own logger, when it has one. */
const logOf = (call: OmniCall): { log?: Logger } => (call.log ? { log: call.log } : {});

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

export function createOmniClient(options: OmniClientOptions): OmniClient {
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const recoveryDelayMs = options.recoveryDelayMs ?? 2000;
  const { budget, logger } = options;
  const now = () => clock().getTime();

  const sendOnce = createOmniHttp({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    budget,
    logger,
    now,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  const withRetries = createRetryRunner({
    policy: options.retry ?? DEFAULT_RETRY,
    budget,
    logger,
    now,
    sleep,
    random: options.random ?? Math.random,
  });

  function request<S extends z.ZodType>(spec: RequestSpec<S>, deadline = now() + maxWaitMs): Promise<z.output<S>> {
    const idempotent = spec.method !== 'POST';
    return withRetries(idempotent, deadline, (attempt) => sendOnce(spec, deadline, attempt), spec.log);
  }

  const routinesPath = (routineId?: string) =>
    routineId === undefined ? 'v1/ai/routines' : `v1/ai/routines/${encodeURIComponent(routineId)}`;
  const userQuery = (userId: string, extra: Record<string, string | number | undefined> = {}) =>
    buildQuery({ userId, ...extra });

  async function listRoutines(userId: string, opts: { cursor?: string; pageSize?: number } & OmniCall = {}, deadline?: number) {
    const page = await request(
      {
        operation: 'listRoutines',
        method: 'GET',
        path: routinesPath(),
        user: userId, query: userQuery(userId, { cursor: opts.cursor, pageSize: opts.pageSize }),
        schema: RoutineListSchema,
        ...logOf(opts),
      },
      deadline,
    );
    // One record the bot cannot read at all must not hide the others; the admin learns of it from the log.
    if (page.skipped > 0) (opts.log ?? logger).warn('omni list: skipped records without an id', { skipped: page.skipped });
    return page;
  }

  function listModels(params: Record<string, string>): Promise<OmniModel[]> {
    return collectPages(async (cursor: string | undefined) => {
      const result = await request({
        operation: 'listModels',
        method: 'GET',
        path: 'v1/models',
        query: buildQuery({ ...params, pageSize: 100, cursor }),
        schema: ModelListSchema,
      });
      return { records: result.records, next: nextCursor(result.pageInfo) };
    });
  }

  return {
    whoami: () => request({ operation: 'whoami', method: 'GET', path: 'v1/whoami', schema: WhoamiSchema }),

    listRoutines: (userId, opts) => listRoutines(userId, opts),

    listAllRoutines(userId, opts = {}) {
      const max = opts.max ?? 1000;
      // Pages are bounded too: each brings records, so `max` pages reach `max` records even when Omni pages smaller.
      return collectPages(
        async (cursor: string | undefined, collected) => {
          const page = await listRoutines(userId, { pageSize: Math.min(100, max - collected), ...(cursor ? { cursor } : {}), ...logOf(opts) });
          return { records: page.records, next: nextCursor(page.pageInfo) };
        },
        { maxRecords: max, maxPages: max },
      );
    },

    getRoutine: (userId, routineId, call = {}) =>
      request({
        operation: 'getRoutine',
        method: 'GET',
        path: routinesPath(routineId),
        user: userId, query: userQuery(userId),
        schema: RoutineSchema,
        ...logOf(call),
      }),

    async createRoutine(userId, input, call = {}) {
      const where = { method: 'POST', path: `/${routinesPath()}` };
      const checked = RoutineCreateBodySchema.safeParse(input);
      if (!checked.success) throw invalidInput(where, checked.error);
      const body = checked.data;
      const query = userQuery(userId);
      return createWithRecovery({
        where,
        send: (deadline) =>
          request({ operation: 'createRoutine', method: 'POST', path: routinesPath(), user: userId, query, json: body, schema: CreatedSchema, ...logOf(call) }, deadline),
        lookUp: async (deadline) => {
          const page = await listRoutines(userId, { pageSize: RECOVERY_PAGE_SIZE, ...logOf(call) }, deadline);
          return findJustCreated(page.records, body, now());
        },
        logger: call.log ?? logger,
        now,
        sleep,
        maxWaitMs,
        recoveryDelayMs,
      });
    },

    // PUT and PATCH are both idempotent (the same body twice leaves the same state), so they retry like a GET.
    // Which method and which fields the instance takes is the caller's decision, from the instance's own spec.
    async updateRoutine(userId, routineId, body, method = 'PATCH', call = {}) {
      const checked = RoutineUpdateBodySchema.safeParse(body);
      if (!checked.success) throw invalidInput({ method, path: `/${routinesPath(routineId)}` }, checked.error);
      return request({
        operation: 'updateRoutine',
        method,
        path: routinesPath(routineId),
        user: userId, query: userQuery(userId),
        json: checked.data,
        schema: RoutineSchema,
        ...logOf(call),
      });
    },

    async readApiSpec() {
      return request({ operation: 'readApiSpec', method: 'GET', path: 'openapi.json', schema: ApiSpecSchema });
    },

    // DELETE is retried like a GET: deleting twice leaves the same state. A 404 on a retry means an earlier
    // attempt (or someone else) already deleted it, which is what the caller wanted.
    deleteRoutine(userId, routineId, call = {}) {
      const deadline = now() + maxWaitMs;
      const spec = {
        operation: 'deleteRoutine' as const,
        method: 'DELETE' as const,
        path: routinesPath(routineId),
        user: userId, query: userQuery(userId),
        schema: DeletedSchema,
        ...logOf(call),
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
      }, call.log);
    },

    async triggerRoutine(userId, routineId, call = {}) {
      try {
        return await request({
          operation: 'triggerRoutine',
          method: 'POST',
          path: `${routinesPath(routineId)}/trigger`,
          user: userId, query: userQuery(userId),
          schema: TriggeredSchema,
          ...logOf(call),
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

    listGroups: () =>
      collectPages(async (startIndex: number | undefined) => {
        const from = startIndex ?? 1;
        const result = await request({
          operation: 'listGroups',
          method: 'GET',
          path: 'scim/v2/groups',
          query: buildQuery({ startIndex: from, count: 100 }),
          schema: ScimGroupListSchema,
        });
        return { records: result.Resources, next: nextStartIndex(from, result.Resources.length, result.totalResults) };
      }),
  };
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
