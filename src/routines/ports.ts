/**
 * What the routines use cases need from the layers below, as narrow interfaces. The Omni client, the identity
 * resolver, the store and the Slack user directory satisfy them structurally; tests may pass other implementations.
 */

export interface OmniRoutineRecord {
  id: string;
  name: string;
  prompt: string;
  schedule: string;
  timezone: string;
  modelId: string;
  topicName: string | null;
  branchId?: string | null;
  description?: string | null;
  destination:
    | { type: 'email'; recipientEmails: string[]; userGroupIds: string[] }
    | { type: 'slack'; recipientId: string; slackRecipientType: 'channel' | 'users' };
  disabled: boolean;
  systemDisabled: boolean;
  systemDisabledReason: string | null;
  lastRun: { completedAt: string | null; label: string; state: string } | null;
  createdAt: string;
}

export interface RoutineCreateRequest {
  name: string;
  modelId: string;
  prompt: string;
  schedule: string;
  timezone: string;
  destination:
    | { type: 'email'; recipientEmails: string[] }
    | { type: 'slack'; recipientId: string; slackRecipientType: 'channel' | 'users' };
  branchId?: string;
  description?: string;
  topicName?: string;
}

export interface RoutinesOmniPort {
  createRoutine(userId: string, body: RoutineCreateRequest): Promise<{ id: string; recovered: boolean }>;
  listAllRoutines(userId: string): Promise<OmniRoutineRecord[]>;
  triggerRoutine(userId: string, routineId: string): Promise<unknown>;
  setRoutineActive(userId: string, routine: OmniRoutineRecord, active: boolean): Promise<unknown>;
  deleteRoutine(userId: string, routineId: string): Promise<unknown>;
}

type Awaitable<T> = T | Promise<T>;

export type IdentityOutcome =
  | { ok: true; membershipId: string; email: string; source: string; tz?: string }
  | { ok: false; reason: string; email?: string };

export interface IdentityPort {
  resolveIdentity(slackUserId: string, teamId?: string): Promise<IdentityOutcome>;
  /** Drops a cached mapping that Omni no longer accepts, so the next request resolves it again. */
  forgetIdentity?(slackUserId: string): Promise<void>;
}

export interface SlackPeoplePort {
  getUser(slackUserId: string): Promise<{ id: string; email?: string; tz?: string; deleted?: boolean; isBot?: boolean } | null>;
}

export interface DraftRecord {
  id: string;
  slackUserId: string;
  form: unknown;
  lastError?: string | null;
  status: 'pending' | 'failed';
}

export type IdempotentClaim = { state: 'new' } | { state: 'in_progress' } | { state: 'done'; result: unknown };

export interface RoutinesStorePort {
  saveDraft(draft: { id?: string; slackUserId: string; form: unknown; lastError?: string; status: 'pending' | 'failed' }): Awaitable<string>;
  getDraft(id: string): Awaitable<DraftRecord | undefined | null>;
  listDrafts(slackUserId: string): Awaitable<DraftRecord[]>;
  deleteDraft(id: string): Awaitable<unknown>;
  appendAudit(entry: {
    slackUserId: string;
    membershipId?: string;
    action: 'create' | 'run' | 'pause' | 'resume' | 'delete' | 'update';
    routineId?: string;
    request: unknown;
    outcome: 'ok' | 'error';
    omniStatus?: number;
    omniMessage?: string;
    at: Date;
  }): Awaitable<unknown>;
  /** The audit entries matching every filter, newest first. */
  listAudit(query: { slackUserId?: string; routineId?: string; limit: number }): Awaitable<
    Array<{ action: string; routineId?: string; request: unknown; outcome: 'ok' | 'error'; omniMessage?: string }>
  >;
  beginIdempotent(key: string, options: { ttlMs: number }): Awaitable<IdempotentClaim>;
  completeIdempotent(key: string, result: unknown): Awaitable<unknown>;
  abandonIdempotent(key: string): Awaitable<unknown>;
}
