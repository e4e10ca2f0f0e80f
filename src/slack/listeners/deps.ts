import type { Context } from '@slack/bolt';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import type { InstanceApiPort } from '../../routines/ports.js';
import type { RoutineService } from '../../routines/service.js';
import type { InFlight } from '../in-flight.js';
import type { ModalState } from './open-modal.js';

/** What every listener may use. Listeners are thin: read the payload, call the service, render with views/. */
export interface ListenerDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  service: RoutineService;
  catalog: {
    searchModels(query: string): Promise<Array<{ id: string; name: string | null }>>;
    getModel(id: string): Promise<{ id: string } | undefined>;
    searchTopics(modelId: string, query: string, branchId?: string): Promise<Array<{ name: string; label?: string | null }>>;
    searchBranches(modelId: string, query: string): Promise<Array<{ id: string; name: string | null }>>;
  };
  people: {
    getUser(id: string): Promise<{ id: string; email?: string; tz?: string; realName?: string } | null>;
    /** The user's time zone from memory (a recent users.info, else the users.list read at start), without a Slack call. */
    peekZone(id: string): string | undefined;
  };
  inFlight: InFlight;
  teamId: string;
  /** The bot's own user id (auth.test): its mention is taken out of sentences, its own messages are ignored. */
  botUserId: string;
  /** What the Omni instance's API offers (from memory; read at start and daily). */
  instanceApi: InstanceApiPort;
  /**
   * The modal's per-app state (open-modal.ts `createModalState`): the follow-up fill lane, which waits for a moment
   * when the app is not busy with Slack's requests (`RequestActivity`), and the remembered opening views.
   */
  modals: ModalState;
  /**
   * For an event: forgets that this event was handled (the replay check claimed its event_id), so Slack's retry of it
   * is handled. Called by a listener whose work failed in a way a retry could mend.
   */
  releaseEvent?: () => Promise<void>;
}

/**
 * The deps of one request: the same, with the request's own logger (its lines carry the request id, the Slack user
 * and the kind of payload), which the app's middleware puts in Bolt's context as `requestLog`. Passing it is what
 * replaced AsyncLocalStorage: enabling that installs promise hooks for the whole process, which cost about a tenth
 * of the bot's CPU per command in the profiles (docs/performance.md).
 */
export function forRequest(deps: ListenerDeps, context: Context | undefined): ListenerDeps {
  const log = context?.requestLog as Logger | undefined;
  const releaseEvent = context?.releaseEvent as (() => Promise<void>) | undefined;
  if (log === undefined && releaseEvent === undefined) return deps;
  return { ...deps, ...(log ? { logger: log } : {}), ...(releaseEvent ? { releaseEvent } : {}) };
}

export interface RequestActivity {
  /** `performance.now()` when the last Slack request came in (0: none yet). */
  lastRequestAt(): number;
  /**
   * Requests whose listeners have not finished yet (a command's ends once its modal is open), each counted for 3 s at
   * most (a handler waiting on Omni for longer holds nobody's fill back).
   */
  underWay(): number;
}
