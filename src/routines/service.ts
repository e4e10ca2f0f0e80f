/**
 * The routines use cases: create (with drafts, idempotency and the audit log), list, run now, pause, resume and
 * delete, always acting as the Slack user who asked. Nothing here knows Slack or HTTP.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { adminFixForIdentityProblem } from '../identity/index.js';
import { readOmniCron } from '../schedule/cron.js';
import { describeCron } from '../schedule/describe.js';
import { isSameRoutine } from '../omni/same-routine.js';
import { computeNextRuns } from '../schedule/next-runs.js';
import { omniRoutineUrl } from '../omni/links.js';
import { type RoutinePolicy, checkRoutineForm, isAllowedEmailDomain, isValidEmail } from './check-form.js';
import { type RememberedChoices, completeForm } from './defaults.js';
import { createEditUseCases, readEditDraft } from './edit.js';
import { describeFailure, failureOf } from './failures.js';
import type {
  IdentityOutcome,
  IdentityPort,
  InstanceApiPort,
  OmniRoutineRecord,
  RoutineCreateRequest,
  RoutinesOmniPort,
  RoutinesStorePort,
  SharedListsPort,
  SlackPeoplePort,
} from './ports.js';
import type { SentenceCardState } from '../store/index.js';
import type { FormErrors, RoutineDelivery, RoutineForm, RoutineView, UserFacingFailure } from './types.js';

export interface RoutineServiceDeps {
  omni: RoutinesOmniPort;
  identity: IdentityPort;
  /** Words for an identity problem, from the identity layer. */
  describeIdentityProblem: (outcome: Extract<IdentityOutcome, { ok: false }>) => string;
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

export type SubmitOutcome =
  | { kind: 'created'; routine: RoutineView; recovered: boolean }
  | { kind: 'invalid'; errors: FormErrors }
  | { kind: 'duplicate' }
  | { kind: 'failed'; failure: UserFacingFailure; draftId: string };

/** The card answering a sentence, as the Slack layer keeps it between the reply and a press. */
export interface SentenceCardView {
  id: string;
  slackUserId: string;
  channelId: string;
  threadTs: string;
  messageTs?: string;
  form: RoutineForm;
  state: SentenceCardState;
}

export type ListOutcome = { ok: true; routines: RoutineView[] } | { ok: false; problem: string };

export type RoutineAction = 'run' | 'pause' | 'resume' | 'delete';

export type ActionOutcome =
  /** `already`: the routine was already in the state asked for (pause/resume); nothing was sent. */
  | { ok: true; action: RoutineAction; routine: RoutineView; already?: boolean }
  | { ok: false; failure: UserFacingFailure; routine?: RoutineView };

/** A list asked for fresh (the Home tab's Refresh) reuses one fetched less than this long ago. */
const RELIST_AFTER_MS = 5_000;

const IDEMPOTENCY_TTL_MS = 10 * 60_000;
/** What the audit says when an action was refused because the routine is not the requester's. */
const NOT_YOURS_AUDIT = 'not one of the requester’s routines';

/** Omni's clock and ours may disagree: a routine created up to this long "before" the draft still counts. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** A routine already deleted, known only by its id and name (for the "was deleted" answer). */
function goneRoutineView(id: string, name: string): RoutineView {
  return { id, name, prompt: '', schedule: '', timezone: '', scheduleText: '', nextRuns: [], status: 'paused', delivery: { kind: 'email', recipients: [], groupCount: 0 }, modelId: '', pausable: false };
}

/** The user is told whom to ask; the admin's fix (the `users link` command) goes to the log, where the admin looks. */
function describeIdentityFor(deps: RoutineServiceDeps, outcome: Extract<IdentityOutcome, { ok: false }>): string {
  const adminFix = adminFixForIdentityProblem(outcome);
  if (adminFix) deps.logger.warn('a Slack user has no usable Omni account', { reason: outcome.reason, adminFix });
  return deps.describeIdentityProblem(outcome);
}

function identityFailure(deps: RoutineServiceDeps, outcome: Extract<IdentityOutcome, { ok: false }>): UserFacingFailure {
  return {
    code: `identity_${outcome.reason}`,
    message: describeIdentityFor(deps, outcome),
    retryable: outcome.reason === 'lookup_failed',
  };
}

function toDelivery(d: OmniRoutineRecord['destination']): RoutineDelivery {
  if (d.type === 'slack') return d.slackRecipientType === 'channel' ? { kind: 'channel', channelId: d.recipientId } : { kind: 'dm', userId: d.recipientId };
  if (d.type === 'email') return { kind: 'email', recipients: d.recipientEmails, groupCount: d.userGroupIds.length };
  return { kind: 'other', omniType: d.omniType };
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

/** What a routine view needs beyond the record: whether the instance can pause, and Omni's address for links. */
export interface RoutineViewContext {
  pausable: boolean;
  omniBaseUrl?: string;
}

/** Omni's record → what the bot shows; a schedule the engine cannot read is shown as the raw cron. */
export function toRoutineView(record: OmniRoutineRecord, now: Date, context: RoutineViewContext = { pausable: true }, count = 3): RoutineView {
  const read = readOmniCron(record.schedule);
  let scheduleText = record.schedule;
  let nextRuns: string[] = [];
  const status: RoutineView['status'] = record.systemDisabled ? 'disabled' : record.disabled ? 'paused' : 'active';
  if (read.ok) {
    scheduleText = describeCron(read.cron);
    if (status === 'active') {
      try {
        nextRuns = computeNextRuns(read.cron, record.timezone, now, count).map((d) => d.toISO() ?? '');
      } catch {
        nextRuns = [];
      }
    }
  }
  return {
    id: record.id,
    name: record.name,
    prompt: record.prompt,
    schedule: record.schedule,
    timezone: record.timezone,
    scheduleText,
    nextRuns,
    status,
    ...(record.systemDisabledReason ? { disabledReason: record.systemDisabledReason } : {}),
    delivery: toDelivery(record.destination),
    ...(record.lastRun
      ? { lastRun: { label: record.lastRun.label, state: record.lastRun.state, ...(record.lastRun.completedAt ? { completedAt: record.lastRun.completedAt } : {}) } }
      : {}),
    modelId: record.modelId,
    ...(record.topicName ? { topicName: record.topicName } : {}),
    createdAt: record.createdAt,
    pausable: context.pausable,
    ...(context.omniBaseUrl ? { omniUrl: omniRoutineUrl(context.omniBaseUrl, record.id) } : {}),
  };
}

export function createRoutineService(deps: RoutineServiceDeps) {
  const { omni, identity, people, store, clock, logger, policy } = deps;
  // Two minutes: Home tab opens and ownership checks reuse one list; our own changes invalidate it at once.
  const listTtlMs = deps.listTtlMs ?? 120_000;
  const listCache = new Map<string, { at: number; records: Promise<OmniRoutineRecord[]> }>();
  const viewContext = (): RoutineViewContext => ({ pausable: deps.instanceApi.current().pause !== null, omniBaseUrl: deps.omniBaseUrl });
  const view = (record: OmniRoutineRecord) => toRoutineView(record, clock(), viewContext());

  async function forgetStaleIdentity(err: unknown, slackUserId: string): Promise<void> {
    if ((err as { reason?: unknown }).reason === 'member_not_found') await identity.forgetIdentity?.(slackUserId);
  }

  const changedKey = (membershipId: string) => `routines-changed:${membershipId}`;

  /** When another replica last changed this user's routines (epoch ms), if within the list TTL. */
  async function changedElsewhereAt(membershipId: string): Promise<number | undefined> {
    if (!deps.sharedLists) return undefined;
    try {
      const hit = await deps.sharedLists.getCached(changedKey(membershipId));
      return typeof hit?.value === 'number' ? hit.value : undefined;
    } catch (err) {
      logger.warn('shared list invalidation unreadable; using the cached list', { err });
      return undefined;
    }
  }

  /** Our change (or a failure that may have changed something): drop the cached list here and on every replica. */
  async function invalidateList(membershipId: string): Promise<void> {
    listCache.delete(membershipId);
    if (!deps.sharedLists) return;
    await deps.sharedLists.putCached(changedKey(membershipId), clock().getTime(), listTtlMs).catch((err: unknown) => {
      logger.warn('could not tell other replicas that a routine list changed', { err });
    });
  }

  async function listRecords(membershipId: string, fresh = false): Promise<OmniRoutineRecord[]> {
    const hit = listCache.get(membershipId);
    if (!fresh && hit && clock().getTime() - hit.at < listTtlMs) {
      const changedAt = await changedElsewhereAt(membershipId);
      if (changedAt === undefined || changedAt < hit.at) return hit.records;
    }
    const records = omni.listAllRoutines(membershipId);
    listCache.set(membershipId, { at: clock().getTime(), records });
    records.catch(() => listCache.delete(membershipId));
    return records;
  }

  async function recipientEmails(form: RoutineForm, typed: string[]): Promise<{ ok: true; emails: string[] } | { ok: false; failure: UserFacingFailure }> {
    const fromPeople: string[] = [];
    const missing: string[] = [];
    for (const id of form.recipientUserIds) {
      const user = await people.getUser(id);
      if (user?.email && !user.deleted) fromPeople.push(user.email);
      else missing.push(`<@${id}>`);
    }
    if (missing.length > 0) {
      return {
        ok: false,
        failure: { code: 'recipient_without_email', message: `I couldn't find an email address for ${missing.join(', ')}. Remove them or type their address instead.`, retryable: false },
      };
    }
    const all = [...new Map([...fromPeople, ...typed].map((e) => [e.toLowerCase(), e])).values()];
    const bad = all.filter((e) => !isValidEmail(e) || !isAllowedEmailDomain(e, policy.allowedEmailDomains));
    if (bad.length > 0) {
      return {
        ok: false,
        failure: {
          code: 'recipient_not_allowed',
          message: `Routines may only email ${policy.allowedEmailDomains.join(', ')} addresses; ${bad.slice(0, 5).join(', ')} cannot receive it. Remove them and try again.`,
          retryable: false,
        },
      };
    }
    if (all.length > 100) return { ok: false, failure: { code: 'too_many_recipients', message: `Omni sends to at most 100 recipients; this has ${all.length}.`, retryable: false } };
    return { ok: true, emails: all };
  }

  async function buildRequest(
    slackUserId: string,
    form: RoutineForm,
    cron: string,
    timezone: string,
    typed: string[],
  ): Promise<{ ok: true; body: RoutineCreateRequest } | { ok: false; failure: UserFacingFailure }> {
    let destination: RoutineCreateRequest['destination'];
    if (form.delivery === 'channel') destination = { type: 'slack', slackRecipientType: 'channel', recipientId: form.channelId ?? '' };
    else if (form.delivery === 'dm') destination = { type: 'slack', slackRecipientType: 'users', recipientId: slackUserId };
    else {
      const r = await recipientEmails(form, typed);
      if (!r.ok) return r;
      destination = { type: 'email', recipientEmails: r.emails };
    }
    return {
      ok: true,
      body: {
        name: form.name.trim(),
        modelId: form.modelId,
        prompt: form.prompt.trim(),
        schedule: cron,
        timezone,
        destination,
        ...(form.branchId ? { branchId: form.branchId } : {}),
        ...(form.topicName ? { topicName: form.topicName } : {}),
        ...(form.description.trim() ? { description: form.description.trim() } : {}),
      },
    };
  }

  /**
   * Creates a routine from a submitted form. The draft is written before Omni is called and removed only once
   * Omni confirmed, so a failure or a crash loses nothing; the idempotency key makes a double submit create one.
   */
  async function submitRoutine(input: {
    slackUserId: string;
    teamId?: string;
    form: RoutineForm;
    idempotencyKey: string;
    draftId?: string;
  }): Promise<SubmitOutcome> {
    const { slackUserId } = input;
    const form = completeForm(input.form);
    const checked = checkRoutineForm(form, policy, clock());
    if (!checked.ok) return { kind: 'invalid', errors: checked.errors };

    const claim = await store.beginIdempotent(input.idempotencyKey, { ttlMs: IDEMPOTENCY_TTL_MS });
    if (claim.state === 'in_progress') return { kind: 'duplicate' };
    if (claim.state === 'done') {
      const done = claim.result as { routine?: RoutineView } | null;
      return done?.routine ? { kind: 'created', routine: done.routine, recovered: true } : { kind: 'duplicate' };
    }

    // Read before it is overwritten: a retried draft may already have reached Omni (see findEarlierAttempt).
    const earlier = input.draftId ? await store.getDraft(input.draftId) : null;
    const draftId = await store.saveDraft({ ...(input.draftId ? { id: input.draftId } : {}), slackUserId, form, status: 'pending' });
    const fail = async (failure: UserFacingFailure, extra: { membershipId?: string; omniStatus?: number; omniMessage?: string; request?: unknown } = {}) => {
      await store.saveDraft({ id: draftId, slackUserId, form, lastError: failure.message, status: 'failed' });
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
      const who = await identity.resolveIdentity(slackUserId, input.teamId);
      if (!who.ok) return await fail(identityFailure(deps, who));
      const built = await buildRequest(slackUserId, form, checked.schedule.cron, checked.schedule.timezone, checked.typedEmails);
      if (!built.ok) return await fail(built.failure, { membershipId: who.membershipId });
      let created: { id: string; recovered: boolean };
      try {
        const found = earlier?.slackUserId === slackUserId ? await findEarlierAttempt(who.membershipId, built.body, earlier) : undefined;
        if (found) logger.info('omni create: an earlier attempt of this draft had created it', { slackUserId, routineId: found.id });
        created = found ? { id: found.id, recovered: true } : await omni.createRoutine(who.membershipId, built.body);
      } catch (err) {
        const e = err as { status?: number; omniMessage?: string };
        logger.warn('omni create failed', { err, slackUserId });
        await forgetStaleIdentity(err, slackUserId);
        return await fail(describeFailure(err), {
          membershipId: who.membershipId,
          request: built.body,
          ...(typeof e.status === 'number' ? { omniStatus: e.status } : {}),
          ...(typeof e.omniMessage === 'string' ? { omniMessage: e.omniMessage } : {}),
        });
      }
      await invalidateList(who.membershipId);
      const now = clock();
      const routine = toRoutineView(recordOfCreated(created.id, built.body, now), now, viewContext());
      await store.appendAudit({
        slackUserId,
        membershipId: who.membershipId,
        action: 'create',
        routineId: created.id,
        request: built.body,
        outcome: 'ok',
        omniStatus: 201,
        ...(created.recovered ? { omniMessage: 'recovered after an ambiguous failure' } : {}),
        at: now,
      });
      await store.completeIdempotent(input.idempotencyKey, { routine });
      await store.deleteDraft(draftId);
      await rememberChoices(slackUserId, form);
      return { kind: 'created', routine, recovered: created.recovered };
    } catch (err) {
      logger.error('create routine crashed', { err, slackUserId });
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
    const records = await listRecords(membershipId, true);
    return records.find((r) => isSameRoutine(r, body) && Date.parse(r.createdAt) >= since);
  }

  async function listRoutines(slackUserId: string, teamId?: string, options: { fresh?: boolean } = {}): Promise<ListOutcome> {
    const who = await identity.resolveIdentity(slackUserId, teamId);
    if (!who.ok) return { ok: false, problem: describeIdentityFor(deps, who) };
    try {
      // Refresh reuses a list fetched seconds ago, so pressing it again and again costs one Omni request.
      const recent = (listCache.get(who.membershipId)?.at ?? -Infinity) > clock().getTime() - RELIST_AFTER_MS;
      const records = await listRecords(who.membershipId, options.fresh === true && !recent);
      return { ok: true, routines: records.map(view) };
    } catch (err) {
      logger.warn('omni list failed', { err, slackUserId });
      if ((err as { reason?: unknown }).reason === 'member_not_found') return relistAfterStaleIdentity(slackUserId, teamId, who.membershipId);
      return { ok: false, problem: describeFailure(err).message };
    }
  }

  /**
   * Omni no longer knows the membership the user was mapped to (removed, or re-invited under a new id): forget the
   * mapping, look the user up again, and list once more if that found another membership.
   */
  async function relistAfterStaleIdentity(slackUserId: string, teamId: string | undefined, staleId: string): Promise<ListOutcome> {
    await identity.forgetIdentity?.(slackUserId);
    const again = await identity.resolveIdentity(slackUserId, teamId);
    if (!again.ok) return { ok: false, problem: deps.describeIdentityProblem(again) };
    if (again.membershipId === staleId) return { ok: false, problem: failureOf('member_gone').message };
    try {
      return { ok: true, routines: (await listRecords(again.membershipId, true)).map(view) };
    } catch (err) {
      logger.warn('omni list failed after the identity was looked up again', { err, slackUserId });
      return { ok: false, problem: describeFailure(err).message };
    }
  }

  /**
   * Is `routineId` one of this member's routines? Omni scopes the list to the member; a cached list answers first,
   * and a fresh one before refusing (it may predate a routine created elsewhere).
   */
  async function isOwnRoutine(membershipId: string, routineId: string): Promise<boolean> {
    if ((await listRecords(membershipId)).some((r) => r.id === routineId)) return true;
    return (await listRecords(membershipId, true)).some((r) => r.id === routineId);
  }

  /**
   * Runs, pauses, resumes or deletes one of the requester's own routines; any other id is refused. Never acts from
   * a cache: the routine is read by id first, and a pause or resume is read back before the user is told it worked.
   */
  async function actOnRoutine(input: { slackUserId: string; teamId?: string; routineId: string; action: RoutineAction }): Promise<ActionOutcome> {
    const { slackUserId, routineId, action } = input;
    const who = await identity.resolveIdentity(slackUserId, input.teamId);
    if (!who.ok) return { ok: false, failure: identityFailure(deps, who) };
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
      if (!(await isOwnRoutine(who.membershipId, routineId))) {
        // Delete pressed again after an attempt that reached Omni (its answer lost): gone, which is what was asked.
        const deletedName = action === 'delete' ? await findVerifiedDeleteName(slackUserId, routineId) : undefined;
        if (deletedName !== undefined) return { ok: true, action, routine: goneRoutineView(routineId, deletedName) };
        await audit('error', { omniMessage: NOT_YOURS_AUDIT });
        return { ok: false, failure: { code: 'not_yours', message: "That routine isn't one of yours (or it was deleted), so I can't change it.", retryable: false } };
      }
      // Never from the cache: what is checked and sent comes from Omni now.
      record = await omni.getRoutine(who.membershipId, routineId);
      name = record.name;
      if (action === 'run') {
        if (record.disabled || record.systemDisabled) {
          await audit('error', { omniMessage: 'not active' });
          return { ok: false, failure: failureOf(record.systemDisabled ? 'run_disabled' : 'run_paused'), routine: view(record) };
        }
        await omni.triggerRoutine(who.membershipId, routineId);
      } else if (action === 'delete') {
        await omni.deleteRoutine(who.membershipId, routineId);
      } else {
        const pause = api.pause as NonNullable<typeof api.pause>;
        const wantActive = action === 'resume';
        if (wantActive && record.systemDisabled) {
          await audit('error', { omniMessage: 'disabled by Omni' });
          return { ok: false, failure: { ...failureOf('resume_disabled'), link }, routine: view(record) };
        }
        if (record.disabled !== wantActive) {
          await invalidateList(who.membershipId);
          return { ok: true, action, routine: view(record), already: true };
        }
        await omni.updateRoutine(who.membershipId, routineId, activeBody(pause.required, record, wantActive), pause.method);
        await invalidateList(who.membershipId);
        const after = await omni.getRoutine(who.membershipId, routineId);
        record = after;
        if (after.disabled === wantActive) {
          // Omni answered success and changed nothing: say so, and where it can be done instead.
          await audit('error', { omniMessage: `Omni accepted isActive=${wantActive} but the routine is still ${wantActive ? 'paused' : 'active'}` });
          logger.warn('omni accepted a pause/resume but did not apply it', { action, routineId });
          return { ok: false, failure: { ...failureOf(wantActive ? 'resume_ignored' : 'pause_ignored'), link }, routine: view(after) };
        }
      }
      await invalidateList(who.membershipId);
      await audit('ok');
      return { ok: true, action, routine: view(record) };
    } catch (err) {
      const e = err as { status?: number; omniMessage?: string; reason?: unknown };
      // The action may have happened although it was not confirmed: the cached list can no longer be trusted.
      await invalidateList(who.membershipId);
      if (action === 'delete' && record && e.reason === 'not_found') {
        // It was in the requester's list and Omni no longer has it: already deleted (e.g. by an unanswered attempt).
        await audit('ok', { omniStatus: 404, omniMessage: 'already deleted' });
        return { ok: true, action, routine: view(record) };
      }
      logger.warn('omni routine action failed', { err, action, slackUserId });
      await forgetStaleIdentity(err, slackUserId);
      await audit('error', {
        ...(typeof e.status === 'number' ? { omniStatus: e.status } : {}),
        ...(typeof e.omniMessage === 'string' ? { omniMessage: e.omniMessage } : {}),
      });
      const failure = describeFailure(err);
      if (failure.code === 'personal_key') logger.error('Omni refused the key as a personal (user-scoped) key: set OMNI_API_KEY to an organization API key');
      // "Ambiguous" is worded for a create; a run that may or may not have started has its own words.
      return { ok: false, failure: action === 'run' && failure.code === 'ambiguous' ? failureOf('run_ambiguous') : failure };
    }
  }

  /**
   * Remembers the model, the zone (only when it differs from the user's Slack zone, so a later move follows Slack)
   * and the kind of delivery of a routine just created, to preselect them next time. Best effort: never fails a create.
   */
  async function rememberChoices(slackUserId: string, form: RoutineForm): Promise<void> {
    try {
      const slackZone = (await people.getUser(slackUserId).catch(() => null))?.tz;
      await store.saveUserChoices(slackUserId, {
        modelId: form.modelId,
        ...(form.modelName ? { modelName: form.modelName } : {}),
        ...(form.timezone && form.timezone !== slackZone ? { timezone: form.timezone } : {}),
        delivery: form.delivery,
      });
    } catch (err) {
      logger.warn('could not remember the form choices', { err, slackUserId });
    }
  }

  /** What the user chose last time (empty when nothing is remembered or the store cannot answer). */
  async function getRememberedChoices(slackUserId: string): Promise<RememberedChoices> {
    try {
      const saved = await store.getUserChoices(slackUserId);
      if (!saved) return {};
      return {
        ...(saved.modelId ? { modelId: saved.modelId } : {}),
        ...(saved.modelName ? { modelName: saved.modelName } : {}),
        ...(saved.timezone ? { timezone: saved.timezone } : {}),
        ...(saved.delivery ? { delivery: saved.delivery } : {}),
      };
    } catch (err) {
      logger.warn('could not read the remembered choices', { err, slackUserId });
      return {};
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

  /**
   * Words for a problem that will stop this user from creating routines (no Omni account matches, inactive…), or
   * null. A failed lookup is not a problem worth showing before they try: the create will look again.
   */
  async function findIdentityProblem(slackUserId: string, teamId?: string): Promise<string | null> {
    const who = await identity.resolveIdentity(slackUserId, teamId);
    if (who.ok || who.reason === 'lookup_failed') return null;
    return describeIdentityFor(deps, who);
  }

  /** A draft of this user: its form, why it failed, and for an edit which routine and base it was made against. */
  async function getDraftForm(
    slackUserId: string,
    draftId: string,
  ): Promise<{ form: RoutineForm; lastError?: string; edit?: ReturnType<typeof readEditDraft> } | null> {
    const draft = await store.getDraft(draftId);
    if (!draft || draft.slackUserId !== slackUserId) return null;
    const { edit: _edit, ...form } = draft.form as RoutineForm & { edit?: unknown };
    const edit = readEditDraft(draft.form);
    return { form: form as RoutineForm, ...(draft.lastError ? { lastError: draft.lastError } : {}), ...(edit ? { edit } : {}) };
  }

  async function discardDraft(slackUserId: string, draftId: string): Promise<boolean> {
    const draft = await store.getDraft(draftId);
    if (!draft || draft.slackUserId !== slackUserId) return false;
    await store.deleteDraft(draftId);
    return true;
  }

  async function listOpenDrafts(slackUserId: string): Promise<Array<{ id: string; name: string; lastError?: string }>> {
    const drafts = await store.listDrafts(slackUserId);
    // A draft still 'pending' here was interrupted (the process stopped mid-create): offer it like a failed one.
    return drafts.map((d) => ({
      id: d.id,
      name: `${readEditDraft(d.form) ? 'Changes to ' : ''}${(d.form as Partial<RoutineForm>).name || 'Untitled routine'}`,
      lastError: d.lastError ?? "Interrupted before Omni confirmed it. Try again: the bot checks Omni first, so it won't be created twice.",
    }));
  }

  /**
   * A sentence (a message to the bot) is answered once: Slack retries an event it thinks went unanswered, and the
   * same message may arrive as two events. True for the first claim of `messageKey`; the claim is kept for the
   * store's idempotency retention once the card is out, and released if the answer failed (so a retry can answer).
   */
  async function claimSentence(messageKey: string): Promise<boolean> {
    return (await store.beginIdempotent(`sentence:${messageKey}`, { ttlMs: IDEMPOTENCY_TTL_MS })).state === 'new';
  }

  async function finishSentence(messageKey: string, answered: boolean): Promise<void> {
    if (answered) await store.completeIdempotent(`sentence:${messageKey}`, { answered: true });
    else await store.abandonIdempotent(`sentence:${messageKey}`);
  }

  /** The card answering a sentence: kept in the store between the reply and the press. */
  async function saveSentenceCard(card: SentenceCardView): Promise<void> {
    await store.saveSentenceCard(card);
  }

  async function getSentenceCard(id: string): Promise<SentenceCardView | null> {
    const card = await store.getSentenceCard(id);
    if (!card) return null;
    return {
      id: card.id,
      slackUserId: card.slackUserId,
      channelId: card.channelId,
      threadTs: card.threadTs,
      ...(card.messageTs ? { messageTs: card.messageTs } : {}),
      form: card.form as RoutineForm,
      state: card.state,
    };
  }

  const edits = createEditUseCases({
    omni,
    identity,
    identityFailure: (outcome) => identityFailure(deps, outcome),
    store,
    clock,
    logger,
    policy,
    instanceApi: deps.instanceApi,
    isOwnRoutine,
    recipientEmails,
    view,
    forgetList: (membershipId) => void invalidateList(membershipId),
    forgetStaleIdentity,
  });

  return {
    submitRoutine,
    listRoutines,
    actOnRoutine,
    findIdentityProblem,
    getDraftForm,
    discardDraft,
    listOpenDrafts,
    getRememberedChoices,
    claimSentence,
    finishSentence,
    saveSentenceCard,
    getSentenceCard,
    ...edits,
  };
}

/**
 * The body of a pause or resume: `isActive`, plus the fields the instance requires on that update (the documented
 * PUT requires name, prompt and schedule), taken from the routine as Omni holds it now, never from a cache.
 */
export function activeBody(required: readonly string[], record: OmniRoutineRecord, active: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of required) {
    const value = (record as unknown as Record<string, unknown>)[field];
    if (field !== 'isActive' && value !== undefined && value !== null && value !== '') body[field] = value;
  }
  body.isActive = active;
  return body;
}

export type RoutineService = ReturnType<typeof createRoutineService>;
