/**
 * What the routines use cases need from the layers below, as narrow slices of their real interfaces: the types are
 * the Omni client's, the identity resolver's and the store's own, so there is one definition of each.
 */
import type { IdentityResolver, IdentityResult, SlackUserLookup } from '../identity/index.js';
import type { InstanceApiReader } from '../omni/instance-api.js';
import type { OmniClient, Routine, RoutineCreateBody } from '../omni/types.js';
import type { Store } from '../store/index.js';

export type OmniRoutineRecord = Routine;
export type RoutineCreateRequest = RoutineCreateBody;
export type RoutinesOmniPort = Pick<OmniClient, 'createRoutine' | 'listAllRoutines' | 'getRoutine' | 'triggerRoutine' | 'updateRoutine' | 'deleteRoutine'>;
/** What the instance's own API offers (read in the background; answered from memory). */
export type InstanceApiPort = Pick<InstanceApiReader, 'current'>;

export type IdentityOutcome = IdentityResult;
export type IdentityPort = Pick<IdentityResolver, 'resolveIdentity'> & Partial<Pick<IdentityResolver, 'forgetIdentity'>>;
export type SlackPeoplePort = SlackUserLookup;

export type RoutinesStorePort = Pick<
  Store,
  | 'saveDraft'
  | 'getDraft'
  | 'listDrafts'
  | 'deleteDraft'
  | 'appendAudit'
  | 'listAudit'
  | 'beginIdempotent'
  | 'completeIdempotent'
  | 'abandonIdempotent'
  | 'getUserChoices'
  | 'saveUserChoices'
  | 'saveSentenceCard'
  | 'getSentenceCard'
>;

/** The store's shared cache, where replicas announce a change to a user's routines (several replicas only). */
export type SharedListsPort = Pick<Store, 'getCached' | 'putCached'>;
