/**
 * The routines use cases, wired together for the Slack layer: each lives in its own module (create, act, list with
 * list-cache, edit, drafts, choices, sentence-cards; the view model in view-model.ts) and they share only the
 * requester, the list cache and the view function built here. Nothing here knows Slack or HTTP, and no use case
 * logic lives in this file.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { createActUseCases } from './act.js';
import type { RoutinePolicy } from './check-form.js';
import { createChoices } from './choices.js';
import { createCreateUseCase } from './create.js';
import { createDraftUseCases } from './drafts.js';
import { createEditUseCases } from './edit.js';
import { createRoutineListCache } from './list-cache.js';
import { createListUseCases } from './list.js';
import type { IdentityPort, InstanceApiPort, RoutinesOmniPort, RoutinesStorePort, SharedListsPort, SlackPeoplePort } from './ports.js';
import { type IdentityProblem, createRequester } from './requester.js';
import { createSentenceCards } from './sentence-cards.js';
import { type RoutineViewContext, routineViewer } from './view-model.js';

export interface RoutineServiceDeps {
  omni: RoutinesOmniPort;
  identity: IdentityPort;
  /** Words for an identity problem, from the identity layer. */
  describeIdentityProblem: (outcome: IdentityProblem) => string;
  people: SlackPeoplePort;
  store: RoutinesStorePort;
  clock: Clock;
  logger: Logger;
  policy: RoutinePolicy;
  /** What this Omni instance's API offers (update method, pause, destinations), read from its own spec. */
  instanceApi: InstanceApiPort;
  /** OMNI_BASE_URL, for links into Omni's web app. */
  omniBaseUrl: string;
  /** How long a user's routine list is reused for ownership checks and the Home tab (Omni's budget is 60/min). */
  listTtlMs?: number;
  /**
   * Several replicas: where a change to a user's routines is announced, so another replica's cached list of that
   * user is dropped too (the store's shared cache). Without it, the list cache is this process's alone.
   */
  sharedLists?: SharedListsPort;
}

/** How long a submission's (or a sentence's) idempotency claim is kept. */
const IDEMPOTENCY_TTL_MS = 10 * 60_000;

export function createRoutineService(deps: RoutineServiceDeps) {
  const { omni, identity, people, store, clock, logger, policy, instanceApi, omniBaseUrl } = deps;
  const requester = createRequester({ identity, describeIdentityProblem: deps.describeIdentityProblem, logger, clock });
  const lists = createRoutineListCache({
    fetch: (membershipId) => omni.listAllRoutines(membershipId),
    clock,
    logger,
    ...(deps.listTtlMs !== undefined ? { ttlMs: deps.listTtlMs } : {}),
    ...(deps.sharedLists ? { shared: deps.sharedLists } : {}),
  });
  const viewContext = (): RoutineViewContext => ({ pausable: instanceApi.current().pause !== null, omniBaseUrl });
  const view = routineViewer(clock, viewContext);
  const choices = createChoices({ store, people, logger, clock });
  const listing = createListUseCases({ identity, requester, describeIdentityProblem: deps.describeIdentityProblem, lists, view, clock, logger });
  const { isOwnRoutine } = listing;

  return {
    ...createCreateUseCase({ omni, requester, people, store, clock, logger, policy, lists, viewContext, rememberChoices: choices.rememberChoices, idempotencyTtlMs: IDEMPOTENCY_TTL_MS }),
    listRoutines: listing.listRoutines,
    ...createActUseCases({ omni, requester, store, clock, logger, instanceApi, omniBaseUrl, lists, isOwnRoutine, view }),
    ...createEditUseCases({ omni, requester, people, store, clock, logger, policy, instanceApi, lists, isOwnRoutine, view }),
    ...createDraftUseCases({ store }),
    findIdentityProblem: requester.findIdentityProblem,
    identityRecentlyFine: requester.identityRecentlyFine,
    getRememberedChoices: choices.getRememberedChoices,
    ...createSentenceCards({ store, idempotencyTtlMs: IDEMPOTENCY_TTL_MS }),
  };
}

export type RoutineService = ReturnType<typeof createRoutineService>;
