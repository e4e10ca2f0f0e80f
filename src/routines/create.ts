/**
 * Creating a routine from a checked form, as the Slack user who asked. The draft is written before Omni is called
 * and removed only once Omni confirmed, so a failure or a crash loses nothing; the idempotency key makes a double
 * submit create one, and a retried draft first looks for a routine its earlier attempt may have created. Audited.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { isSameRoutine } from '../omni/same-routine.js';
import type { CheckedForm, RoutinePolicy } from './check-form.js';
import { toStoredDraft } from './drafts.js';
import { describeFailure, readOmniAuditFields } from './failures.js';
import type { RoutineForm } from './form.js';
import type { RoutineListCache } from './list-cache.js';
import type { OmniRoutineRecord, RoutineCreateRequest, RoutinesOmniPort, RoutinesStorePort, SlackPeoplePort } from './ports.js';
import { createRequest, resolveDestination } from './request.js';
import type { Requester } from './requester.js';
import type { RoutineView, UserFacingFailure } from './types.js';
import { type RoutineViewContext, toRoutineView } from './view-model.js';

export type SubmitOutcome =
  | { kind: 'created'; routine: RoutineView; recovered: boolean }
  | { kind: 'duplicate' }
  | { kind: 'failed'; failure: UserFacingFailure; draftId: string };

/** Omni's clock and ours may disagree: a routine created up to this long "before" the draft still counts. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface CreateDeps {
  omni: Pick<RoutinesOmniPort, 'createRoutine'>;
  requester: Requester;
  people: SlackPeoplePort;
  store: Pick<RoutinesStorePort, 'beginIdempotent' | 'completeIdempotent' | 'abandonIdempotent' | 'getDraft' | 'saveDraft' | 'deleteDraft' | 'appendAudit'>;
  clock: Clock;
  logger: Logger;
  policy: RoutinePolicy;
  lists: RoutineListCache;
  viewContext(): RoutineViewContext;
  rememberChoices(slackUserId: string, form: RoutineForm): Promise<void>;
  idempotencyTtlMs: number;
}

/** The record Omni now holds for a routine we just created, built from what we sent (no extra GET: budget). */
function recordOfCreated(id: string, body: RoutineCreateRequest, now: Date): OmniRoutineRecord {
  const d = body.destination;
  return {
    id,
    name: body.name,
    prompt: body.prompt,
    schedule: body.schedule,
    timezone: body.timezone,
    modelId: body.modelId,
    branchId: body.branchId ?? null,
    topicName: body.topicName ?? null,
    description: body.description ?? null,
    destination: d.type === 'email' ? { type: 'email', recipientEmails: d.recipientEmails ?? [], userGroupIds: d.userGroupIds ?? [] } : d,
    disabled: false,
    systemDisabled: false,
    systemDisabledReason: null,
    lastRun: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

export function createCreateUseCase(deps: CreateDeps) {
  const { omni, requester, people, store, clock, logger, policy, lists } = deps;

  /**
   * Creates a routine from a submitted form. The draft is written before Omni is called and removed only once
   * Omni confirmed, so a failure or a crash loses nothing; the idempotency key makes a double submit create one.
   */
  async function submitRoutine(input: {
    slackUserId: string;
    teamId?: string;
    checked: CheckedForm;
    idempotencyKey: string;
    draftId?: string;
    /** The Slack request's logger: its lines, and the Omni client's for this create, carry the request id. */
    log?: Logger;
  }): Promise<SubmitOutcome> {
    const { slackUserId, checked } = input;
    const log = input.log ?? logger;
    const { form } = checked;

    const claim = await store.beginIdempotent(input.idempotencyKey, { ttlMs: deps.idempotencyTtlMs });
    if (claim.state === 'in_progress') return { kind: 'duplicate' };
    if (claim.state === 'done') {
      const done = claim.result as { routine?: RoutineView } | null;
      return done?.routine ? { kind: 'created', routine: done.routine, recovered: true } : { kind: 'duplicate' };
    }

    // Read before it is overwritten: a retried draft may already have reached Omni (see findEarlierAttempt).
    const earlier = input.draftId ? await store.getDraft(input.draftId) : null;
    const draftId = await store.saveDraft({ ...(input.draftId ? { id: input.draftId } : {}), slackUserId, form: toStoredDraft(form), status: 'pending' });
    const fail = async (failure: UserFacingFailure, extra: { membershipId?: string; omniStatus?: number; omniMessage?: string; request?: unknown } = {}) => {
      await store.saveDraft({ id: draftId, slackUserId, form: toStoredDraft(form), lastError: failure.message, status: 'failed' });
      await store.appendAudit({
        slackUserId,
        ...(extra.membershipId ? { membershipId: extra.membershipId } : {}),
        action: 'create',
        request: extra.request ?? { name: form.name, schedule: form.schedule },
        outcome: 'error',
        ...(extra.omniStatus !== undefined ? { omniStatus: extra.omniStatus } : {}),
        omniMessage: extra.omniMessage ?? failure.message,
        at: clock(),
      });
      await store.abandonIdempotent(input.idempotencyKey);
      return { kind: 'failed' as const, failure, draftId };
    };

    try {
      const who = await requester.resolve(slackUserId, input.teamId);
      if (!who.ok) return await fail(requester.failure(who));
      const destination = await resolveDestination({ people, allowedEmailDomains: policy.allowedEmailDomains }, slackUserId, checked);
      if (!destination.ok) return await fail(destination.failure, { membershipId: who.membershipId });
      const body = createRequest(checked, destination.destination);
      let created: { id: string; recovered: boolean };
      try {
        const found = earlier?.slackUserId === slackUserId ? await findEarlierAttempt(who.membershipId, body, earlier) : undefined;
        if (found) log.info('omni create: an earlier attempt of this draft had created it', { slackUserId, routineId: found.id });
        created = found ? { id: found.id, recovered: true } : await omni.createRoutine(who.membershipId, body, { log });
      } catch (err) {
        log.warn('omni create failed', { err, slackUserId });
        await requester.forgetIfStale(err, slackUserId);
        return await fail(describeFailure(err), { membershipId: who.membershipId, request: body, ...readOmniAuditFields(err) });
      }
      await lists.invalidate(who.membershipId);
      const now = clock();
      const routine = toRoutineView(recordOfCreated(created.id, body, now), now, deps.viewContext());
      await store.appendAudit({
        slackUserId,
        membershipId: who.membershipId,
        action: 'create',
        routineId: created.id,
        request: body,
        outcome: 'ok',
        omniStatus: 201,
        ...(created.recovered ? { omniMessage: 'recovered after an ambiguous failure' } : {}),
        at: now,
      });
      await store.completeIdempotent(input.idempotencyKey, { routine });
      await store.deleteDraft(draftId);
      await deps.rememberChoices(slackUserId, form);
      return { kind: 'created', routine, recovered: created.recovered };
    } catch (err) {
      log.error('create routine crashed', { err, slackUserId });
      return await fail(describeFailure(err));
    }
  }

  /**
   * A retried draft's earlier attempt may have created the routine although nobody saw Omni's answer: the process
   * was killed mid-create, or the client could not confirm it. The client looks before re-sending only within one
   * call; across a retry (or a restart) this looks for the identical routine created since the draft was first
   * saved. If Omni cannot be asked, the retry fails rather than risk a duplicate.
   */
  async function findEarlierAttempt(membershipId: string, body: RoutineCreateRequest, draft: { createdAt?: Date }): Promise<OmniRoutineRecord | undefined> {
    const since = (draft.createdAt?.getTime() ?? 0) - CLOCK_SKEW_MS;
    const records = await lists.records(membershipId, { fresh: true });
    return records.find((r) => isSameRoutine(r, body) && Date.parse(r.createdAt) >= since);
  }

  return { submitRoutine };
}
