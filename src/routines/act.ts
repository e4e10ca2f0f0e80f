/**
 * Acting on one of the requester's routines: run now, pause, resume, delete. Never from a cache: the routine is read
 * by id first, and a pause or resume is read back before the user is told it worked. Audited.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { omniRoutineUrl } from '../omni/links.js';
import { OmniApiError } from '../omni/errors.js';
import { describeFailure, failureOf, readOmniAuditFields } from './failures.js';
import type { RoutineListCache } from './list-cache.js';
import type { InstanceApiPort, OmniRoutineRecord, RoutinesOmniPort, RoutinesStorePort } from './ports.js';
import { requiredFields } from './request.js';
import type { Requester } from './requester.js';
import type { RoutineView, UserFacingFailure } from './types.js';
import { goneRoutineView } from './view-model.js';

export type RoutineAction = 'run' | 'pause' | 'resume' | 'delete';

export type ActionOutcome =
  /** `already`: the routine was already in the state asked for (pause/resume); nothing was sent. */
  | { ok: true; action: RoutineAction; routine: RoutineView; already?: boolean }
  | { ok: false; failure: UserFacingFailure; routine?: RoutineView };

/** What the audit says when an action was refused because the routine is not the requester's. */
const NOT_YOURS_AUDIT = 'not one of the requester’s routines';

export interface ActDeps {
  omni: Pick<RoutinesOmniPort, 'getRoutine' | 'triggerRoutine' | 'updateRoutine' | 'deleteRoutine'>;
  requester: Requester;
  store: Pick<RoutinesStorePort, 'appendAudit' | 'listAudit'>;
  clock: Clock;
  logger: Logger;
  instanceApi: InstanceApiPort;
  /** OMNI_BASE_URL, for the link to where the user can do it instead. */
  omniBaseUrl: string;
  lists: RoutineListCache;
  isOwnRoutine(membershipId: string, routineId: string): Promise<boolean>;
  view(record: OmniRoutineRecord): RoutineView;
}

export function createActUseCases(deps: ActDeps) {
  const { omni, requester, store, clock, logger, lists, view } = deps;

  /**
   * Runs, pauses, resumes or deletes one of the requester's own routines; any other id is refused. Never acts from
   * a cache: the routine is read by id first, and a pause or resume is read back before the user is told it worked.
   */
  async function actOnRoutine(input: { slackUserId: string; teamId?: string; routineId: string; action: RoutineAction; log?: Logger }): Promise<ActionOutcome> {
    const { slackUserId, routineId, action } = input;
    // The Slack request's logger: these lines, and the Omni client's for these calls, carry the request id.
    const log = input.log ?? logger;
    const call = { log };
    const who = await requester.resolve(slackUserId, input.teamId);
    if (!who.ok) return { ok: false, failure: requester.failure(who) };
    // The routine's name goes into the audit once its ownership is proven: it marks a verified attempt.
    let name: string | undefined;
    const audit = (outcome: 'ok' | 'error', extra: { omniStatus?: number; omniMessage?: string } = {}) =>
      store.appendAudit({
        slackUserId,
        membershipId: who.membershipId,
        action,
        routineId,
        request: { action, routineId, ...(name !== undefined ? { name } : {}) },
        outcome,
        ...extra,
        at: clock(),
      });
    const link = { url: omniRoutineUrl(deps.omniBaseUrl, routineId), label: 'Open in Omni' };
    const api = deps.instanceApi.current();
    if ((action === 'pause' || action === 'resume') && api.pause === null) {
      await audit('error', { omniMessage: 'this Omni instance offers no pause through its API' });
      return { ok: false, failure: { ...failureOf('cannot_pause'), link } };
    }
    let record: OmniRoutineRecord | undefined;
    try {
      if (!(await deps.isOwnRoutine(who.membershipId, routineId))) {
        // Delete pressed again after an attempt that reached Omni (its answer lost): gone, which is what was asked.
        const deletedName = action === 'delete' ? await findVerifiedDeleteName(slackUserId, routineId) : undefined;
        if (deletedName !== undefined) return { ok: true, action, routine: goneRoutineView(routineId, deletedName) };
        await audit('error', { omniMessage: NOT_YOURS_AUDIT });
        return { ok: false, failure: failureOf('not_yours') };
      }
      // Never from the cache: what is checked and sent comes from Omni now.
      record = await omni.getRoutine(who.membershipId, routineId, call);
      name = record.name;
      if (action === 'run') {
        if (record.disabled || record.systemDisabled) {
          await audit('error', { omniMessage: 'not active' });
          return { ok: false, failure: failureOf(record.systemDisabled ? 'run_disabled' : 'run_paused'), routine: view(record) };
        }
        await omni.triggerRoutine(who.membershipId, routineId, call);
      } else if (action === 'delete') {
        await omni.deleteRoutine(who.membershipId, routineId, call);
      } else {
        const pause = api.pause as NonNullable<typeof api.pause>;
        const wantActive = action === 'resume';
        if (wantActive && record.systemDisabled) {
          await audit('error', { omniMessage: 'disabled by Omni' });
          return { ok: false, failure: { ...failureOf('resume_disabled'), link }, routine: view(record) };
        }
        if (record.disabled !== wantActive) {
          await lists.invalidate(who.membershipId);
          return { ok: true, action, routine: view(record), already: true };
        }
        await omni.updateRoutine(who.membershipId, routineId, activeBody(pause.required, record, wantActive), pause.method, call);
        await lists.invalidate(who.membershipId);
        const after = await omni.getRoutine(who.membershipId, routineId, call);
        record = after;
        if (after.disabled === wantActive) {
          // Omni answered success and changed nothing: say so, and where it can be done instead.
          await audit('error', { omniMessage: `Omni accepted isActive=${wantActive} but the routine is still ${wantActive ? 'paused' : 'active'}` });
          log.warn('omni accepted a pause/resume but did not apply it', { action, routineId });
          return { ok: false, failure: { ...failureOf(wantActive ? 'resume_ignored' : 'pause_ignored'), link }, routine: view(after) };
        }
      }
      await lists.invalidate(who.membershipId);
      await audit('ok');
      return { ok: true, action, routine: view(record) };
    } catch (err) {
      // The action may have happened although it was not confirmed: the cached list can no longer be trusted.
      await lists.invalidate(who.membershipId);
      if (action === 'delete' && record && err instanceof OmniApiError && err.reason === 'not_found') {
        // It was in the requester's list and Omni no longer has it: already deleted (e.g. by an unanswered attempt).
        await audit('ok', { omniStatus: 404, omniMessage: 'already deleted' });
        return { ok: true, action, routine: view(record) };
      }
      log.warn('omni routine action failed', { err, action, slackUserId });
      await requester.forgetIfStale(err, slackUserId);
      await audit('error', readOmniAuditFields(err));
      const failure = describeFailure(err);
      if (failure.code === 'personal_key') log.error('Omni refused the key as a personal (user-scoped) key: set OMNI_API_KEY to an organization API key');
      // "Ambiguous" is worded for a create; a run that may or may not have started has its own words.
      return { ok: false, failure: action === 'run' && failure.code === 'ambiguous' ? failureOf('run_ambiguous') : failure };
    }
  }

  /** The name of a routine this user asked to delete before, after its ownership was proven; else undefined. */
  async function findVerifiedDeleteName(slackUserId: string, routineId: string): Promise<string | undefined> {
    const entries = await store.listAudit({ slackUserId, routineId, limit: 20 });
    for (const entry of entries) {
      const request = entry.request as { name?: unknown } | null;
      if (entry.action === 'delete' && entry.omniMessage !== NOT_YOURS_AUDIT && typeof request?.name === 'string') return request.name;
    }
    return undefined;
  }

  return { actOnRoutine };
}

/** The body of a pause or resume: `isActive`, plus the fields the instance requires on that update. */
function activeBody(required: readonly string[], record: OmniRoutineRecord, active: boolean): Record<string, unknown> {
  return { ...requiredFields(required, record), isActive: active };
}
