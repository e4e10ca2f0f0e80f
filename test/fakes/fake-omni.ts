/**
 * A fake Omni: a real node:http server on 127.0.0.1 that behaves as docs/omni-api.md describes (bearer key,
 * `?userId=` memberships, field-by-field create validation, the documented codes and all four error shapes,
 * cursor paging, the WAF's 60 requests a minute per key) and can be told to misbehave (faults). Used by the Omni
 * client's unit tests and by the Slack app's integration tests.
 *
 * Paths in fault matchers and in the request log are below /api (e.g. '/v1/ai/routines').
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkCreateBody,
  checkPatchBody,
  checkPutBody,
  isUuid,
  type Check,
  type Destination,
} from './fake-omni-validate.js';
import { buildFakeOmniSpec, type FakeUpdateApi } from './fake-omni-spec.js';

export type { FakeUpdateApi } from './fake-omni-spec.js';

export type FakeFault =
  /** Answer `status` (default body `{detail,status}`) without acting. */
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Act (e.g. create the routine), then answer `status` instead of the real answer: "acted, then 500". */
  | { type: 'status-after'; status: number; body?: unknown }
  /** Act, then hold the answer for `ms` (a slow server: past the client's timeout the outcome is ambiguous). */
  | { type: 'delay'; ms: number }
  /** Hold the request for `ms`, then act and answer. */
  | { type: 'delay-before'; ms: number }
  /** Destroy the socket without acting. */
  | { type: 'reset-before' }
  /** Act, then destroy the socket without answering. */
  | { type: 'reset-after' }
  /** The WAF's throttle: 429 with `X-Omni-Waf-Action: block` (and `Retry-After` when given), not acted on. */
  | { type: 'waf429'; retryAfter?: number }
  /** The per-user routine limit: 429 without the WAF header. */
  | { type: 'routine-limit' };

export interface FakeFaultRule {
  match?: { method?: string; path?: string | RegExp };
  /** How many matching requests it applies to (default 1; Infinity for all). */
  times?: number;
  fault: FakeFault;
}

export interface FakeRequestRecord {
  method: string;
  /** Below /api, e.g. '/v1/ai/routines'. */
  path: string;
  query: Record<string, string>;
  /** The status sent; 0 when the socket was reset instead. */
  status: number;
  fault?: FakeFault['type'];
  /** Parsed JSON body of the request, when there was one. */
  body?: unknown;
  /** When it arrived, by the fake's clock (ms). */
  at: number;
}

export interface FakeRoutine {
  id: string;
  ownerId: string;
  name: string;
  prompt: string;
  schedule: string;
  timezone: string;
  modelId: string;
  branchId: string | null;
  topicName: string | null;
  description: string | null;
  destination: Destination;
  disabled: boolean;
  systemDisabled: boolean;
  systemDisabledReason: string | null;
  lastRun: { completedAt: string | null; label: string; state: string } | null;
  createdAt: string;
  updatedAt: string;
  /** Fake clock ms until which a triggered run is "in progress". */
  runningUntil: number;
  runs: string[];
}

export interface FakeMember {
  id: string;
  userId: string;
  email: string;
  displayName: string;
  active: boolean;
  createdAt: string;
}

export interface FakeModel {
  id: string;
  name: string;
  modelKind: string;
  baseModelId: string | null;
  connectionId: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface FakeOmniOptions {
  /** Defaults to a random key shaped like an organization key (omni_osk_…). */
  apiKey?: string;
  /** Drives createdAt/updatedAt, the WAF window and run durations. Defaults to the system clock. */
  clock?: () => Date;
  /** The WAF: requests per window per Authorization value; `false` turns it off. Default 60 per 60 000 ms. */
  rateLimit?: { perWindow?: number; windowMs?: number } | false;
  keyScope?: 'organization' | 'user';
  aiRoutinesEnabled?: boolean;
  /** Active routines a member may own; undefined = no limit. */
  routineLimit?: number;
  /** How long a triggered run stays "in progress" (fake clock ms); a second trigger meanwhile gets 409. */
  runDurationMs?: number;
  /** Email of the key's creator, who is added as the first member. */
  keyOwnerEmail?: string;
  /**
   * Which update API the fake runs (open question Q2): 'put' as the docs show (PUT, name/prompt/schedule required,
   * `isActive` pauses; PATCH answers 405), 'patch' as the SDK shows (PATCH, all optional, no `isActive`; PUT answers
   * 405), 'put-ignores-active' (the documented PUT, but `isActive` is accepted and changes nothing). Default 'put'.
   */
  updateApi?: FakeUpdateApi;
  /** false: an instance from before Slack delivery (email only; a Slack destination is a 400). Default true. */
  slackDestinations?: boolean;
  /** What GET /api/openapi.json answers: the running variant's document (default), a 404, or a body that is not JSON. */
  spec?: 'served' | 'missing' | 'garbage';
}

export interface FakeOmni {
  /** Base URL without /api, as OMNI_BASE_URL takes it. */
  url: string;
  apiKey: string;
  /** Membership id of the key's creator (whoami's user.membershipId). */
  keyOwnerId: string;
  close(): Promise<void>;
  addMember(input: { email: string; active?: boolean; displayName?: string }): string;
  addModel(name: string, options?: { kind?: string; baseModelId?: string; connectionId?: string; deleted?: boolean }): string;
  addBranch(modelId: string, name: string): string;
  addTopic(modelId: string, name: string, options?: { hidden?: boolean; label?: string; description?: string }): void;
  addGroup(displayName: string, memberIds?: string[]): string;
  /** Seeds a routine directly (no request, no validation), e.g. an old one or a duplicate. */
  addRoutine(
    ownerId: string,
    fields: Partial<Omit<FakeRoutine, 'id' | 'ownerId' | 'runs' | 'destination'>> & {
      name: string;
      modelId: string;
      destination?: Destination | { type: 'email'; recipientEmails?: string[]; userGroupIds?: string[] };
    },
  ): string;
  /** The member's routines, newest first (copies). */
  routinesOf(membershipId: string): FakeRoutine[];
  routine(id: string): FakeRoutine | undefined;
  members(): FakeMember[];
  /** Every request received, in order. */
  readonly requests: FakeRequestRecord[];
  /** Bugs in the fake itself (each answered 500); a test can assert this stays empty. */
  readonly internalErrors: unknown[];
  clearRequests(): void;
  inject(rule: FakeFaultRule): void;
  clearFaults(): void;
  setRoutineLimit(limit: number | undefined): void;
  setAiRoutinesEnabled(enabled: boolean): void;
  setKeyScope(scope: 'organization' | 'user'): void;
  setRateLimit(limit: { perWindow?: number; windowMs?: number } | false): void;
  /** Sets a routine's state as Omni would (e.g. Omni disabling it, or a run that failed). */
  updateRoutineState(id: string, fields: Partial<Pick<FakeRoutine, 'disabled' | 'systemDisabled' | 'systemDisabledReason' | 'lastRun' | 'name' | 'prompt' | 'schedule' | 'timezone' | 'description'>>): void;
  /** Replaces a routine's record as served, key by key, with raw JSON (odd shapes Omni may send). */
  setRawRecord(id: string, raw: Record<string, unknown> | undefined): void;
  /** A routine's record exactly as GET serves it (raw overrides included), e.g. to build a page a test serves itself. */
  publicRecord(id: string): Record<string, unknown>;
}

interface Reply {
  status: number;
  body?: unknown;
  /** Sent as is instead of JSON (a page that is not an API answer). */
  raw?: string;
  headers?: Record<string, string>;
}

const ROUTINE_LIMIT_TEXT = 'The user already has the maximum number of active routines';
const NOT_ENABLED_TEXT = 'AI routines or AI query generation are not enabled for the organization';
const MODEL_QUERY_PARAMS = new Set([
  'modelKind',
  'baseModelId',
  'connectionId',
  'modelId',
  'name',
  'includeDeleted',
  'include',
  'pageSize',
  'cursor',
  'sortField',
  'sortDirection',
]);
const MODEL_KINDS = ['SCHEMA', 'SHARED', 'SHARED_EXTENSION', 'WORKBOOK', 'BRANCH', 'QUERY', 'TOPIC', 'FIELD_PICKER_TOPIC'];
const SCIM_LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

const detail = (status: number, text: string): Reply => ({ status, body: { detail: text, status } });
const scimError = (status: number, text: string, scimType?: string): Reply => ({
  status,
  body: { schemas: [SCIM_ERROR], detail: text, status: String(status), ...(scimType ? { scimType } : {}) },
});

function randomKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(56);
  return `omni_osk_${Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('')}`;
}

function miniUuid(): string {
  return randomBytes(6).toString('base64url').slice(0, 8);
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  try {
    const o = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown }).o;
    return typeof o === 'number' && Number.isInteger(o) && o >= 0 ? o : undefined;
  } catch {
    return undefined;
  }
}

function readPageSize(raw: string | undefined, dflt: number): number | undefined {
  if (raw === undefined) return dflt;
  if (!/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 && n <= 100 ? n : undefined;
}

export async function startFakeOmni(options: FakeOmniOptions = {}): Promise<FakeOmni> {
  const clock = options.clock ?? (() => new Date());
  const apiKey = options.apiKey ?? randomKey();
  let keyScope = options.keyScope ?? 'organization';
  let aiEnabled = options.aiRoutinesEnabled ?? true;
  let routineLimit = options.routineLimit;
  const updateApi: FakeUpdateApi = options.updateApi ?? 'put';
  const slackDestinations = options.slackDestinations ?? true;
  const specMode = options.spec ?? 'served';
  const rawOverrides = new Map<string, Record<string, unknown>>();
  const runDurationMs = options.runDurationMs ?? 0;
  let rateLimit: { perWindow: number; windowMs: number } | false =
    options.rateLimit === false ? false : { perWindow: options.rateLimit?.perWindow ?? 60, windowMs: options.rateLimit?.windowMs ?? 60_000 };

  const members = new Map<string, FakeMember>();
  const models = new Map<string, FakeModel>();
  const topics = new Map<string, Array<{ name: string; base_view_name: string; label: string; description?: string; hidden: boolean }>>();
  const groups = new Map<string, { id: string; displayName: string; members: string[] }>();
  const routines = new Map<string, FakeRoutine>();
  const requests: FakeRequestRecord[] = [];
  let faults: Array<FakeFaultRule & { remaining: number }> = [];
  const wafLog = new Map<string, number[]>();
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;
  const order = new Map<string, number>(); // creation order: the tie-break for routines created in the same millisecond

  const nowIso = () => clock().toISOString();
  const connectionId = randomUUID();

  function addMember(input: { email: string; active?: boolean; displayName?: string }): string {
    const id = randomUUID();
    members.set(id, {
      id,
      userId: randomUUID(),
      email: input.email,
      displayName: input.displayName ?? input.email.split('@')[0] ?? input.email,
      active: input.active ?? true,
      createdAt: nowIso(),
    });
    return id;
  }
  const keyOwnerId = addMember({ email: options.keyOwnerEmail ?? 'admin@example.com', displayName: 'Key Owner' });

  function addModel(name: string, opts: { kind?: string; baseModelId?: string; connectionId?: string; deleted?: boolean } = {}): string {
    const id = randomUUID();
    const at = nowIso();
    models.set(id, {
      id,
      name,
      modelKind: opts.kind ?? 'SHARED',
      baseModelId: opts.baseModelId ?? null,
      connectionId: opts.connectionId ?? connectionId,
      createdAt: at,
      updatedAt: at,
      deletedAt: opts.deleted ? at : null,
    });
    return id;
  }

  const ordered = (ownerId: string) =>
    [...routines.values()]
      .filter((r) => r.ownerId === ownerId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || (order.get(b.id) ?? 0) - (order.get(a.id) ?? 0));

  const publicRoutine = (r: FakeRoutine): Record<string, unknown> => ({ ...basePublicRoutine(r), ...(rawOverrides.get(r.id) ?? {}) });
  const basePublicRoutine = (r: FakeRoutine) => ({
    id: r.id,
    name: r.name,
    prompt: r.prompt,
    schedule: r.schedule,
    timezone: r.timezone,
    modelId: r.modelId,
    branchId: r.branchId,
    topicName: r.topicName,
    description: r.description,
    destination: r.destination,
    disabled: r.disabled,
    systemDisabled: r.systemDisabled,
    systemDisabledReason: r.systemDisabledReason,
    recipientCount:
      r.destination.type === 'slack'
        ? 1
        : new Set([
            ...r.destination.recipientEmails.map((e) => e.toLowerCase()),
            ...r.destination.userGroupIds.flatMap((g) => groups.get(g)?.members ?? []).map((m) => members.get(m)?.email.toLowerCase() ?? m),
          ]).size,
    lastRun: r.lastRun,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  });

  function storeRoutine(ownerId: string, fields: Omit<FakeRoutine, 'id' | 'ownerId' | 'runs' | 'runningUntil'>): string {
    const id = randomUUID();
    seq += 1;
    routines.set(id, { ...fields, id, ownerId, runs: [], runningUntil: 0 });
    order.set(id, seq);
    return id;
  }

  function topicsFor(modelId: string, branchId: string | null) {
    return [...(topics.get(modelId) ?? []), ...(branchId ? (topics.get(branchId) ?? []) : [])];
  }

  // ---- handlers -----------------------------------------------------------------------------------------------

  /** Resolves `?userId=` (or the key owner) to a membership, or the documented error. */
  function actingMember(query: URLSearchParams): Check<FakeMember> {
    const userId = query.get('userId');
    if (userId === null) return { ok: true, value: members.get(keyOwnerId)! };
    if (!isUuid(userId)) return { ok: false, status: 400, detail: 'Bad Request: userId: Invalid uuid' };
    if (keyScope === 'user' && userId !== keyOwnerId) {
      return { ok: false, status: 403, detail: 'User-scoped API keys can only be used to act on behalf of the authenticated user.' };
    }
    const member = members.get(userId);
    if (!member) return { ok: false, status: 404, detail: `User with id ${userId} does not exist` };
    return { ok: true, value: member };
  }

  function ownRoutine(member: FakeMember, id: string): Check<FakeRoutine> {
    if (!isUuid(id)) return { ok: false, status: 400, detail: 'Bad Request: Invalid routine ID' };
    const r = routines.get(id);
    if (!r || r.ownerId !== member.id) return { ok: false, status: 404, detail: 'Routine not found' };
    return { ok: true, value: r };
  }

  function handleRoutines(method: string, segments: string[], query: URLSearchParams, body: unknown): Reply {
    if (!aiEnabled) return detail(403, NOT_ENABLED_TEXT);
    const who = actingMember(query);
    if (!who.ok) return detail(who.status, who.detail);
    const member = who.value;
    const [id, action, ...rest] = segments;
    if (rest.length > 0) return detail(404, 'Not found');

    if (id === undefined) {
      if (method === 'GET') {
        const pageSize = readPageSize(query.get('pageSize') ?? undefined, 20);
        if (pageSize === undefined) return detail(400, 'Bad Request: pageSize: Number must be between 1 and 100');
        const cursor = query.get('cursor');
        const offset = cursor === null ? 0 : decodeCursor(cursor);
        if (offset === undefined) return detail(400, 'Bad Request: Invalid cursor');
        const direction = query.get('sortDirection') ?? 'desc';
        if (direction !== 'asc' && direction !== 'desc') return detail(400, "Bad Request: sortDirection: Expected 'asc' | 'desc'");
        const all = ordered(member.id);
        if (direction === 'asc') all.reverse();
        const records = all.slice(offset, offset + pageSize);
        const hasNextPage = offset + pageSize < all.length;
        return {
          status: 200,
          body: {
            pageInfo: { hasNextPage, nextCursor: hasNextPage ? encodeCursor(offset + pageSize) : null, pageSize, totalRecords: all.length },
            records: records.map(publicRoutine),
          },
        };
      }
      if (method === 'POST') {
        const checked = checkCreateBody(body);
        if (!checked.ok) return detail(checked.status, checked.detail);
        const b = checked.value;
        if (!slackDestinations && b.destination.type === 'slack') return detail(400, "Bad Request: destination.type: Invalid discriminator value. Expected 'email'");
        const model = models.get(b.modelId);
        if (!model || model.modelKind !== 'SHARED' || model.deletedAt) return detail(404, `Model ${b.modelId} not found or not accessible`);
        if (b.branchId !== null) {
          const branch = models.get(b.branchId);
          if (!branch || branch.modelKind !== 'BRANCH' || branch.baseModelId !== model.id) {
            return detail(404, `Branch ${b.branchId} not found for model ${model.id}`);
          }
        }
        if (b.topicName !== null && !topicsFor(model.id, b.branchId).some((t) => t.name === b.topicName)) {
          return detail(404, `No such topic "${b.topicName}" or access not permitted`);
        }
        if (routineLimit !== undefined) {
          const active = ordered(member.id).filter((r) => !r.disabled && !r.systemDisabled).length;
          if (active >= routineLimit) return detail(429, ROUTINE_LIMIT_TEXT);
        }
        const at = nowIso();
        const newId = storeRoutine(member.id, {
          ...b,
          disabled: false,
          systemDisabled: false,
          systemDisabledReason: null,
          lastRun: null,
          createdAt: at,
          updatedAt: at,
        });
        return { status: 201, body: { id: newId } };
      }
      return detail(405, 'Method not allowed');
    }

    const found = ownRoutine(member, id);
    if (!found.ok) return detail(found.status, found.detail);
    const routine = found.value;

    if (action === 'trigger') {
      if (method !== 'POST') return detail(405, 'Method not allowed');
      if (routine.disabled || routine.systemDisabled) return detail(404, 'Routine not found or not active');
      const now = clock().getTime();
      if (routine.runningUntil > now) return detail(409, 'A run is already in progress for this routine');
      const runId = randomUUID();
      routine.runs.push(runId);
      routine.runningUntil = now + runDurationMs;
      routine.lastRun = { completedAt: new Date(now + runDurationMs).toISOString(), label: 'Delivered', state: 'COMPLETE' };
      return { status: 202, body: { id: runId } };
    }
    if (action !== undefined) return detail(404, 'Not found');

    if (method === 'GET') return { status: 200, body: publicRoutine(routine) };
    if (method === 'DELETE') {
      routines.delete(routine.id);
      return { status: 200, body: { deleted: true, id: routine.id } };
    }
    if (method === 'PATCH') {
      if (updateApi !== 'patch') return detail(405, 'Method not allowed');
      const checked = checkPatchBody(body);
      if (!checked.ok) return detail(checked.status, checked.detail);
      if (!slackDestinations && checked.value.destination?.type === 'slack') return detail(400, "Bad Request: destination.type: Invalid discriminator value. Expected 'email'");
      Object.assign(routine, checked.value, { updatedAt: nowIso() });
      return { status: 200, body: publicRoutine(routine) };
    }
    if (method === 'PUT') {
      if (updateApi === 'patch') return detail(405, 'Method not allowed');
      const checked = checkPutBody(body);
      if (!checked.ok) return detail(checked.status, checked.detail);
      const { isActive, modelId, ...rest2 } = checked.value;
      if (modelId) {
        const model = models.get(modelId);
        if (!model || model.modelKind !== 'SHARED') return detail(404, `Model ${modelId} not found or not accessible`);
        routine.modelId = modelId;
      }
      Object.assign(routine, rest2, { updatedAt: nowIso() });
      if (isActive !== undefined && updateApi !== 'put-ignores-active') routine.disabled = !isActive;
      return { status: 200, body: publicRoutine(routine) };
    }
    return detail(405, 'Method not allowed');
  }

  function handleModels(method: string, segments: string[], query: URLSearchParams): Reply {
    if (method !== 'GET') return detail(405, 'Method not allowed');
    if (segments.length === 0) {
      const unknown = [...query.keys()].filter((k) => !MODEL_QUERY_PARAMS.has(k));
      if (unknown.length > 0) return detail(400, `Bad Request: Unrecognized key(s) in object: ${unknown.map((k) => `'${k}'`).join(', ')}`);
      const kind = query.get('modelKind');
      if (kind !== null && !MODEL_KINDS.includes(kind)) return detail(400, 'Bad Request: modelKind: Invalid enum value');
      for (const p of ['baseModelId', 'connectionId', 'modelId']) {
        const v = query.get(p);
        if (v !== null && !isUuid(v)) return detail(400, `Bad Request: ${p}: Invalid uuid`);
      }
      const pageSize = readPageSize(query.get('pageSize') ?? undefined, 20);
      if (pageSize === undefined) return detail(400, 'Bad Request: pageSize: Number must be between 1 and 100');
      const cursor = query.get('cursor');
      const offset = cursor === null ? 0 : decodeCursor(cursor);
      // The documented odd one out: a bad models cursor answers {error, success:false}.
      if (offset === undefined) return { status: 400, body: { error: 'Invalid cursor', success: false } };
      const name = query.get('name');
      const includeDeleted = ['1', 'true'].includes(query.get('includeDeleted') ?? '');
      const sortField = query.get('sortField') ?? 'updatedAt';
      if (!['name', 'modelKind', 'connectionId', 'baseModelId', 'createdAt', 'updatedAt'].includes(sortField)) {
        return detail(400, 'Bad Request: sortField: Invalid enum value');
      }
      const direction = query.get('sortDirection') ?? 'desc';
      if (direction !== 'asc' && direction !== 'desc') return detail(400, "Bad Request: sortDirection: Expected 'asc' | 'desc'");
      const list = [...models.values()]
        .filter((m) => (kind === null || m.modelKind === kind) && (includeDeleted || m.deletedAt === null))
        .filter((m) => query.get('baseModelId') === null || m.baseModelId === query.get('baseModelId'))
        .filter((m) => query.get('connectionId') === null || m.connectionId === query.get('connectionId'))
        .filter((m) => query.get('modelId') === null || m.id === query.get('modelId'))
        // An empty name= is ignored, as on the real server.
        .filter((m) => !name || m.name.toLowerCase() === name.toLowerCase());
      const key = sortField as keyof FakeModel;
      list.sort((a, b) => String(a[key] ?? '').localeCompare(String(b[key] ?? '')) || a.id.localeCompare(b.id));
      if (direction === 'desc') list.reverse();
      const records = list.slice(offset, offset + pageSize);
      const hasNextPage = offset + pageSize < list.length;
      return {
        status: 200,
        body: {
          pageInfo: { hasNextPage, nextCursor: hasNextPage ? encodeCursor(offset + pageSize) : null, pageSize, totalRecords: list.length },
          records: records.map((m) => ({ ...m })),
        },
      };
    }
    const [modelId, sub, ...rest] = segments;
    if (sub !== 'topic' || rest.length > 0 || modelId === undefined) return detail(404, 'Not found');
    const model = models.get(modelId);
    if (!model || model.deletedAt) return detail(404, 'Model not found');
    const branchId = query.get('branch_id');
    if (branchId !== null) {
      const branch = models.get(branchId);
      if (!isUuid(branchId)) return detail(400, 'Bad Request: branch_id: Invalid uuid');
      if (!branch || branch.baseModelId !== model.id) return detail(404, 'Branch not found');
    }
    return { status: 200, body: { success: true, topics: topicsFor(model.id, branchId).map((t) => ({ ...t })) } };
  }

  function scimUser(m: FakeMember) {
    return {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: m.id,
      userName: m.email,
      displayName: m.displayName,
      active: m.active,
      emails: [{ primary: true, value: m.email }],
      groups: [...groups.values()].filter((g) => g.members.includes(m.id)).map((g) => ({ display: g.displayName, value: g.id })),
      meta: { resourceType: 'User', created: m.createdAt, lastModified: m.createdAt },
    };
  }

  function handleScim(method: string, segments: string[], query: URLSearchParams): Reply {
    if (keyScope === 'user') return scimError(403, 'User-scoped API keys are not allowed to access the SCIM API.');
    if (method !== 'GET') return scimError(405, 'Method not allowed');
    const [resource, id, ...rest] = segments;
    if (rest.length > 0) return scimError(404, 'Not found');
    const startIndex = Number(query.get('startIndex') ?? '1');
    const count = Number(query.get('count') ?? '100');
    if (!Number.isInteger(startIndex) || startIndex < 1 || !Number.isInteger(count) || count < 0) {
      return scimError(400, 'Invalid startIndex or count', 'invalidValue');
    }
    const filter = query.get('filter');
    const page = <T>(all: T[]) => ({
      schemas: [SCIM_LIST],
      Resources: all.slice(startIndex - 1, startIndex - 1 + count),
      itemsPerPage: Math.min(count, Math.max(0, all.length - (startIndex - 1))),
      startIndex,
      totalResults: all.length,
    });
    if (resource?.toLowerCase() === 'users') {
      if (id !== undefined) {
        const m = members.get(id);
        return m ? { status: 200, body: scimUser(m) } : scimError(404, `User ${id} not found`);
      }
      let list = [...members.values()];
      if (filter !== null) {
        const f = /^\s*userName\s+(eq|co)\s+"([^"]*)"\s*$/i.exec(filter);
        if (!f) return scimError(400, 'Invalid filter: only userName eq|co "<value>" is supported', 'invalidFilter');
        const op = f[1]!.toLowerCase();
        const value = f[2]!.toLowerCase();
        list = list.filter((m) => (op === 'eq' ? m.email.toLowerCase() === value : m.email.toLowerCase().includes(value)));
      }
      return { status: 200, body: page(list.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(scimUser)) };
    }
    if (resource?.toLowerCase() === 'groups') {
      const shape = (g: { id: string; displayName: string; members: string[] }) => ({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        id: g.id,
        displayName: g.displayName,
        members: g.members.map((mid) => ({ value: mid, display: members.get(mid)?.email ?? mid })),
        meta: { resourceType: 'Group' },
      });
      if (id !== undefined) {
        const g = groups.get(id);
        return g ? { status: 200, body: shape(g) } : scimError(404, `Group ${id} not found`);
      }
      let list = [...groups.values()];
      if (filter !== null) {
        const f = /^\s*displayName\s+eq\s+"([^"]*)"\s*$/i.exec(filter);
        if (!f) return scimError(400, 'Invalid filter', 'invalidFilter');
        list = list.filter((g) => g.displayName.toLowerCase() === f[1]!.toLowerCase());
      }
      return { status: 200, body: page(list.map(shape)) };
    }
    return scimError(404, 'Not found');
  }

  /** The application: auth, then routes. Pure apart from state changes. */
  function handle(req: IncomingMessage, url: URL, body: unknown, bodyError: boolean): Reply {
    const auth = req.headers.authorization;
    const m = typeof auth === 'string' ? /^Bearer (\S+)$/.exec(auth) : null;
    if (!m) return { status: 400, body: { detail: 'Bad authorization header, must be formatted as Bearer <token>', status: 400 } };
    if (m[1] !== apiKey) return { status: 403, body: { error: { code: 403, message: 'Invalid bearer token' } } };
    if (bodyError) return detail(400, 'Bad Request: Invalid JSON body');
    const path = url.pathname.slice('/api'.length);
    const segments = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
    const method = req.method ?? 'GET';
    if (segments[0] === 'v1' && segments[1] === 'whoami' && segments.length === 2) {
      if (method !== 'GET') return detail(405, 'Method not allowed');
      const ids = (url.searchParams.get('modelId') ?? '').split(',').filter((s) => s !== '');
      const missing = ids.filter((mid) => !models.has(mid));
      if (missing.length > 0) return detail(404, `Model(s) not found: ${missing.join(', ')}`);
      const owner = members.get(keyOwnerId)!;
      return {
        status: 200,
        body: { keyScope, orgRole: 'ORG_ADMIN', user: { id: owner.userId, membershipId: owner.id }, rolesByModel: {} },
      };
    }
    if (segments.length === 1 && segments[0] === 'openapi.json') {
      if (method !== 'GET') return detail(405, 'Method not allowed');
      if (specMode === 'missing') return detail(404, 'Not found');
      if (specMode === 'garbage') return { status: 200, raw: '<html><body>Omni</body></html>', headers: { 'content-type': 'text/html' } };
      return { status: 200, body: buildFakeOmniSpec({ updateApi, slackDestinations }) };
    }
    if (segments[0] === 'v1' && segments[1] === 'ai' && segments[2] === 'routines') {
      return handleRoutines(method, segments.slice(3), url.searchParams, body);
    }
    if (segments[0] === 'v1' && segments[1] === 'models') return handleModels(method, segments.slice(2), url.searchParams);
    if (segments[0] === 'scim' && segments[1] === 'v2') return handleScim(method, segments.slice(2), url.searchParams);
    return detail(404, 'Not found');
  }

  // ---- the wire -----------------------------------------------------------------------------------------------

  /** The WAF: a sliding window per exact Authorization value; only admitted requests count. */
  function isWafBlocked(auth: string): boolean {
    const limit = rateLimit;
    if (limit === false) return false;
    const now = clock().getTime();
    const log = (wafLog.get(auth) ?? []).filter((t) => t > now - limit.windowMs);
    if (log.length >= limit.perWindow) {
      wafLog.set(auth, log);
      return true;
    }
    log.push(now);
    wafLog.set(auth, log);
    return false;
  }

  function takeFault(method: string, path: string): FakeFault | undefined {
    const rule = faults.find((f) => {
      if (f.remaining <= 0) return false;
      if (f.match?.method && f.match.method.toUpperCase() !== method) return false;
      const p = f.match?.path;
      if (p === undefined) return true;
      return typeof p === 'string' ? p === path : p.test(path);
    });
    if (!rule) return undefined;
    rule.remaining -= 1;
    faults = faults.filter((f) => f.remaining > 0);
    return rule.fault;
  }

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  function send(res: ServerResponse, record: FakeRequestRecord, reply: Reply) {
    record.status = reply.status;
    if (res.destroyed || res.writableEnded) return;
    const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    res.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers ?? {}) });
    res.end(text);
  }

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    let bodyError = false;
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        bodyError = true;
      }
    }
    const url = new URL(req.url ?? '/', 'http://fake-omni.local');
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith('/api/') ? url.pathname.slice('/api'.length) : url.pathname;
    const record: FakeRequestRecord = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      at: clock().getTime(),
      ...(body !== undefined ? { body } : {}),
    };
    requests.push(record);

    if (!url.pathname.startsWith('/api/')) return send(res, record, detail(404, 'Not found'));
    const authValue = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    if (isWafBlocked(authValue)) {
      return send(res, record, {
        status: 429,
        headers: { 'x-omni-waf-action': 'block' },
        body: { error: 'Too Many Requests', message: 'Rate limit exceeded (60 requests/minute)' },
      });
    }
    const fault = takeFault(method, path);
    if (fault) record.fault = fault.type;
    const act = () => handle(req, url, body, bodyError);
    switch (fault?.type) {
      case undefined:
        return send(res, record, act());
      case 'status':
        return send(res, record, {
          status: fault.status,
          body: fault.body ?? { detail: `Injected ${fault.status}`, status: fault.status },
          ...(fault.headers ? { headers: fault.headers } : {}),
        });
      case 'status-after':
        act();
        return send(res, record, { status: fault.status, body: fault.body ?? { detail: 'Internal Server Error', status: fault.status } });
      case 'delay': {
        const reply = act();
        await wait(fault.ms);
        return send(res, record, reply);
      }
      case 'delay-before':
        await wait(fault.ms);
        return send(res, record, act());
      case 'reset-before':
        record.status = 0;
        req.socket.destroy();
        return undefined;
      case 'reset-after':
        act();
        record.status = 0;
        req.socket.destroy();
        return undefined;
      case 'waf429':
        return send(res, record, {
          status: 429,
          headers: { 'x-omni-waf-action': 'block', ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}) },
          body: { error: 'Too Many Requests', message: 'Rate limit exceeded (60 requests/minute)' },
        });
      case 'routine-limit':
        return send(res, record, detail(429, ROUTINE_LIMIT_TEXT));
    }
  }

  const internalErrors: unknown[] = [];
  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      internalErrors.push(err);
      const last = requests.at(-1);
      if (last && last.status === 0) last.status = 500;
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ detail: 'Fake Omni failed', status: 500 }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    keyOwnerId,
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    addMember,
    addModel,
    addBranch: (modelId, name) => {
      if (!models.has(modelId)) throw new Error(`fake omni: no model ${modelId}`);
      return addModel(name, { kind: 'BRANCH', baseModelId: modelId });
    },
    addTopic(modelId, name, opts = {}) {
      if (!models.has(modelId)) throw new Error(`fake omni: no model ${modelId}`);
      const list = topics.get(modelId) ?? [];
      list.push({
        name,
        base_view_name: name,
        label: opts.label ?? name.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()),
        ...(opts.description !== undefined ? { description: opts.description } : {}),
        hidden: opts.hidden ?? false,
      });
      topics.set(modelId, list);
    },
    addGroup(displayName, memberIds = []) {
      const id = miniUuid();
      groups.set(id, { id, displayName, members: [...memberIds] });
      return id;
    },
    addRoutine(ownerId, { destination: d, ...fields }) {
      const at = nowIso();
      let destination: Destination | undefined;
      if (d?.type === 'slack') destination = d;
      else if (d?.type === 'email') destination = { type: 'email', recipientEmails: d.recipientEmails ?? [], userGroupIds: d.userGroupIds ?? [] };
      return storeRoutine(ownerId, {
        prompt: 'Seeded prompt',
        schedule: '0 9 ? * MON *',
        timezone: 'UTC',
        branchId: null,
        topicName: null,
        description: null,
        destination: { type: 'email', recipientEmails: ['someone@example.com'], userGroupIds: [] },
        disabled: false,
        systemDisabled: false,
        systemDisabledReason: null,
        lastRun: null,
        createdAt: at,
        updatedAt: at,
        ...fields,
        ...(destination ? { destination } : {}),
      });
    },
    routinesOf: (membershipId) => ordered(membershipId).map((r) => structuredClone({ ...r })),
    routine: (id) => {
      const r = routines.get(id);
      return r ? structuredClone({ ...r }) : undefined;
    },
    members: () => [...members.values()].map((m) => ({ ...m })),
    requests,
    internalErrors,
    clearRequests: () => {
      requests.length = 0;
    },
    inject(rule) {
      faults.push({ ...rule, remaining: rule.times ?? 1 });
    },
    clearFaults: () => {
      faults = [];
    },
    setRoutineLimit: (limit) => {
      routineLimit = limit;
    },
    setAiRoutinesEnabled: (enabled) => {
      aiEnabled = enabled;
    },
    setKeyScope: (scope) => {
      keyScope = scope;
    },
    updateRoutineState(id, fields) {
      const r = routines.get(id);
      if (!r) throw new Error(`fake omni: no routine ${id}`);
      Object.assign(r, fields);
    },
    setRawRecord(id, raw) {
      if (raw === undefined) rawOverrides.delete(id);
      else rawOverrides.set(id, raw);
    },
    publicRecord(id) {
      const r = routines.get(id);
      if (!r) throw new Error(`fake omni: no routine ${id}`);
      return publicRoutine(r);
    },
    setRateLimit: (limit) => {
      rateLimit = limit === false ? false : { perWindow: limit.perWindow ?? 60, windowMs: limit.windowMs ?? 60_000 };
      wafLog.clear();
    },
  };
}
