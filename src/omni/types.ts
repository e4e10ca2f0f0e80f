/**
 * The Omni client's public surface. Every routine method takes the acting Slack user's Omni membership id and
 * sends it as `?userId=` (docs/omni-api.md §1.2): the bot never acts as anyone but the person who asked.
 */
import type { Logger } from '../log.js';
import type {
  OmniGroup,
  OmniModel,
  OmniTopic,
  OmniUser,
  Routine,
  RoutineCreateBody,
  RoutinePage,
  RoutineUpdateBody,
  Whoami,
} from './schemas.js';

export type {
  OmniGroup,
  OmniModel,
  OmniTopic,
  OmniUser,
  PageInfo,
  Routine,
  RoutineCreateBody,
  RoutinePage,
  RoutineUpdateBody,
  RoutineDestinationRecord,
  Whoami,
} from './schemas.js';

/**
 * Per call: the logger of the Slack request the call serves, so the client's lines (a failure, a retry, a recovered
 * create) carry that request's id. Without it they go to the client's own logger.
 */
export interface OmniCall {
  log?: Logger;
}

export interface OmniClient {
  /** GET /v1/whoami: the key's scope and its creator (doctor, startup check). */
  whoami(): Promise<Whoami>;
  /** One page of the member's routines, newest first. */
  listRoutines(userId: string, options?: { cursor?: string; pageSize?: number }): Promise<RoutinePage>;
  /** Follows cursors until the end or `max` records (default 1000). */
  listAllRoutines(userId: string, options?: { max?: number } & OmniCall): Promise<Routine[]>;
  getRoutine(userId: string, routineId: string, call?: OmniCall): Promise<Routine>;
  /**
   * POST /v1/ai/routines. Never creates twice: after an ambiguous failure it looks for the routine first
   * (`recovered: true` when found) and sends again at most once.
   */
  createRoutine(userId: string, body: RoutineCreateBody, call?: OmniCall): Promise<{ id: string; recovered: boolean }>;
  /**
   * PUT or PATCH /v1/ai/routines/{id} (the docs say PUT, the SDK PATCH: open question Q2; the instance's spec
   * decides, see instance-api.ts). Sends exactly `body`; pause and resume are `isActive` where the instance has it.
   */
  updateRoutine(userId: string, routineId: string, body: RoutineUpdateBody, method?: 'PUT' | 'PATCH', call?: OmniCall): Promise<Routine>;
  /** GET {base}/api/openapi.json: the instance's own API description. */
  readApiSpec(): Promise<Record<string, unknown>>;
  /** DELETE; a 404 on a retry after an ambiguous first attempt counts as deleted (`alreadyDeleted: true`). */
  deleteRoutine(userId: string, routineId: string, call?: OmniCall): Promise<{ deleted: true; id: string; alreadyDeleted: boolean }>;
  /** POST …/trigger (202). Delivers to every recipient. Never retried once it may have started a run. */
  triggerRoutine(userId: string, routineId: string, call?: OmniCall): Promise<{ id: string }>;
  /** Every SHARED model the key can see (all pages). */
  listSharedModels(): Promise<OmniModel[]>;
  /** Branches of a shared model (BRANCH models whose baseModelId is `modelId`). */
  listBranches(modelId: string): Promise<OmniModel[]>;
  /** Topics of a model (or of one of its branches); hidden topics are included and flagged. */
  listTopics(modelId: string, branchId?: string): Promise<OmniTopic[]>;
  /**
   * SCIM `userName eq "<email>"`. Returns every Resource Omni sends; picking the exact, case-insensitive,
   * active match is the identity layer's job.
   */
  findUsersByEmail(email: string): Promise<OmniUser[]>;
  /** Every SCIM group (ids are miniUuids, not UUIDs: open question Q1). */
  listGroups(): Promise<OmniGroup[]>;
}
