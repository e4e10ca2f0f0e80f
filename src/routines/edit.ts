/**
 * Editing a routine: the form filled from Omni's record, what the user changed, whether Omni changed it meanwhile,
 * and the update sent: only what changed (plus what the instance's update requires, read from Omni just now).
 *
 * The form is compared field by field through short fingerprints. Those of the routine as the form was opened (the
 * "base") travel in the modal's private_metadata (a few hundred characters, whatever the prompt's length), so a
 * submit can tell "the user changed the prompt" from "Omni's prompt changed since the form opened" without keeping
 * anything on the server, and across restarts.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { OmniApiError } from '../omni/errors.js';
import type { InstanceApi } from '../omni/instance-api.js';
import { readOmniCron } from '../schedule/cron.js';
import { describeCron } from '../schedule/describe.js';
import { interpretSchedule } from '../schedule/interpret.js';
import { type RoutinePolicy, checkRoutineForm } from './check-form.js';
import { describeFailure } from './failures.js';
import { checkDeliveryOffered } from './instance-checks.js';
import type { IdentityPort, OmniRoutineRecord, RoutinesOmniPort, RoutinesStorePort } from './ports.js';
import type { FormErrors, RoutineForm, RoutineView, UserFacingFailure } from './types.js';

/** The parts of a routine the form edits, each compared as a whole. */
export const EDIT_FIELDS = ['name', 'prompt', 'schedule', 'timezone', 'model', 'topic', 'branch', 'delivery', 'description'] as const;
export type EditField = (typeof EDIT_FIELDS)[number];

/** The routine as the form was opened: Omni's updatedAt and a fingerprint of each field. */
export interface EditBase {
  updatedAt: string;
  fields: Partial<Record<EditField, string>>;
}

/** Each field: the update body's field (as the instance's spec names it), its form error key, and its label. */
const FIELD: Record<EditField, { api: string; formKey: keyof FormErrors; label: string }> = {
  name: { api: 'name', formKey: 'name', label: 'Name' },
  prompt: { api: 'prompt', formKey: 'prompt', label: 'Prompt' },
  schedule: { api: 'schedule', formKey: 'schedule', label: 'Schedule' },
  timezone: { api: 'timezone', formKey: 'timezone', label: 'Time zone' },
  model: { api: 'modelId', formKey: 'modelId', label: 'Model' },
  topic: { api: 'topicName', formKey: 'topicName', label: 'Topic' },
  branch: { api: 'branchId', formKey: 'branchId', label: 'Branch' },
  delivery: { api: 'destination', formKey: 'delivery', label: 'Delivery' },
  description: { api: 'description', formKey: 'description', label: 'Description' },
};

export const EDIT_FIELD_LABEL = Object.fromEntries(EDIT_FIELDS.map((f) => [f, FIELD[f].label])) as Record<EditField, string>;

const print = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 12);
const cronKey = (cron: string) => cron.trim().split(/\s+/).join(' ').toUpperCase();
const emailsKey = (list: readonly string[]) => [...new Set(list.map((e) => e.trim().toLowerCase()).filter(Boolean))].sort().join(',');

/** The delivery of a form, canonical. Slack user ids picked for email are kept as ids (their emails come later). */
function deliveryKey(form: RoutineForm, typedEmails: readonly string[]): string {
  if (form.delivery === 'channel') return `channel:${form.channelId ?? ''}`;
  if (form.delivery === 'dm') return 'dm';
  const users = [...new Set(form.recipientUserIds)].sort().join(',');
  return `email:${emailsKey(typedEmails)}${users ? `|users:${users}` : ''}`;
}

/** Fingerprints of a form's fields; `cron` is the checked schedule (so "every weekday at 9am" equals its cron). */
export function fingerprintForm(form: RoutineForm, cron: string, typedEmails: readonly string[]): Record<EditField, string> {
  return {
    name: print(form.name.trim()),
    prompt: print(form.prompt.trim()),
    schedule: print(cronKey(cron)),
    timezone: print(form.timezone),
    model: print(form.modelId.toLowerCase()),
    topic: print(form.topicName ?? ''),
    branch: print((form.branchId ?? '').toLowerCase()),
    delivery: print(deliveryKey(form, typedEmails)),
    description: print(form.description.trim()),
  };
}

export interface FilledEdit {
  form: RoutineForm;
  base: EditBase;
  /** What the form cannot show of this routine's delivery, said above the form. */
  notice?: string;
}

/**
 * The form for a routine as Omni holds it, and its base. The schedule is shown in words when the words read back
 * to the same cron, else as the cron itself (which the schedule field also accepts).
 */
export function fillEditForm(record: OmniRoutineRecord, context: { slackUserId: string; policy: RoutinePolicy; now: Date }): FilledEdit {
  const timezone = record.timezone || context.policy.defaultTimezone;
  let schedule = record.schedule;
  const read = readOmniCron(record.schedule);
  if (read.ok) {
    const words = describeCron(read.cron);
    const again = interpretSchedule(words, { timezone, now: context.now, minIntervalMinutes: context.policy.minIntervalMinutes });
    if (again.ok && cronKey(again.cron) === cronKey(record.schedule)) schedule = words;
  }
  const form: RoutineForm = {
    name: record.name,
    prompt: record.prompt,
    schedule,
    timezone,
    modelId: record.modelId,
    delivery: 'channel',
    recipientUserIds: [],
    emails: '',
    description: record.description ?? '',
  };
  if (record.topicName) form.topicName = record.topicName;
  if (record.branchId) form.branchId = record.branchId;
  let notice: string | undefined;
  const d = record.destination;
  if (d.type === 'slack' && d.slackRecipientType === 'channel') {
    form.delivery = 'channel';
    form.channelId = d.recipientId;
  } else if (d.type === 'slack') {
    form.delivery = 'dm';
    if (d.recipientId !== context.slackUserId) notice = 'This routine is sent as a DM to someone else. Saving keeps that unless you change Delivery.';
  } else if (d.type === 'email') {
    form.delivery = 'email';
    form.emails = d.recipientEmails.join(', ');
    if (d.userGroupIds.length > 0) notice = `This routine also emails ${d.userGroupIds.length} Omni group(s), which this form cannot show. Saving keeps them unless you change Delivery.`;
  } else {
    form.delivery = 'dm';
    notice = `This routine's delivery (${d.omniType}) is set up in Omni and cannot be shown here. Saving keeps it unless you change Delivery.`;
  }
  const typed = form.delivery === 'email' ? (d.type === 'email' ? d.recipientEmails : []) : [];
  return { form, base: { updatedAt: record.updatedAt, fields: fingerprintForm(form, record.schedule, typed) }, ...(notice ? { notice } : {}) };
}

/** Fields whose fingerprints differ. */
export function changedFields(base: EditBase['fields'], now: Partial<Record<EditField, string>>): EditField[] {
  return EDIT_FIELDS.filter((f) => base[f] !== now[f]);
}

/**
 * Errors for changed fields this instance's update cannot carry (e.g. the time zone under the documented PUT),
 * so the user sees them under the field before anything is sent.
 */
export function checkEditable(changed: readonly EditField[], api: InstanceApi): FormErrors | null {
  if (changed.length === 0) return null;
  const errors: FormErrors = {};
  for (const field of changed) {
    if (api.edit && api.edit.fields.includes(FIELD[field].api)) continue;
    errors[FIELD[field].formKey] = `This Omni instance's API can't change the ${FIELD[field].label.toLowerCase()} of a routine. Change it in Omni, or put it back as it was.`;
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

/** What a submitted edit form changed, or its field errors (the same checks as create, plus what the instance can change). */
export function readEdit(
  form: RoutineForm,
  base: EditBase,
  context: { policy: RoutinePolicy; now: Date; api: InstanceApi },
): { ok: true; changed: EditField[]; cron: string; timezone: string; typedEmails: string[] } | { ok: false; errors: FormErrors } {
  const checked = checkRoutineForm(form, context.policy, context.now);
  const offered = checkDeliveryOffered(form, context.api.destinations);
  if (!checked.ok) return { ok: false, errors: { ...checked.errors, ...offered } };
  const changed = changedFields(base.fields, fingerprintForm(form, checked.schedule.cron, checked.typedEmails));
  // An untouched Slack delivery on an email-only instance is the routine's own: not the user's to fix here.
  const errors = { ...(changed.includes('delivery') ? offered : null), ...checkEditable(changed, context.api) };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, changed, cron: checked.schedule.cron, timezone: checked.schedule.timezone, typedEmails: checked.typedEmails };
}

// ---- the use case -----------------------------------------------------------------------------------------------

export type LoadEditOutcome =
  | { ok: true; filled: FilledEdit; routine: RoutineView }
  | { ok: false; failure: UserFacingFailure };

export type EditOutcome =
  | { kind: 'saved'; routine: RoutineView; changed: EditField[] }
  | { kind: 'unchanged'; routine: RoutineView }
  | { kind: 'invalid'; errors: FormErrors }
  | { kind: 'conflict'; changedInOmni: EditField[]; draftId: string }
  | { kind: 'failed'; failure: UserFacingFailure; draftId: string };

/** An edit kept as a draft: the form plus which routine and which base it was made against. */
export interface EditDraftInfo {
  routineId: string;
  base: EditBase;
}

export interface EditContext {
  omni: Pick<RoutinesOmniPort, 'getRoutine' | 'updateRoutine'>;
  identity: IdentityPort;
  identityFailure: (outcome: Extract<Awaited<ReturnType<IdentityPort['resolveIdentity']>>, { ok: false }>) => UserFacingFailure;
  store: RoutinesStorePort;
  clock: Clock;
  logger: Logger;
  policy: RoutinePolicy;
  instanceApi: { current(): InstanceApi };
  isOwnRoutine(membershipId: string, routineId: string): Promise<boolean>;
  recipientEmails(form: RoutineForm, typed: string[]): Promise<{ ok: true; emails: string[] } | { ok: false; failure: UserFacingFailure }>;
  view(record: OmniRoutineRecord): RoutineView;
  forgetList(membershipId: string): void;
  forgetStaleIdentity(err: unknown, slackUserId: string): Promise<void>;
}

const NOT_YOURS: UserFacingFailure = { code: 'not_yours', message: "That routine isn't one of yours (or it was deleted), so I can't change it.", retryable: false };

export function createEditUseCases(ctx: EditContext) {
  const { omni, identity, store, clock, logger, policy } = ctx;

  /** The routine as Omni holds it now, and the form filled from it. */
  async function loadRoutineForEdit(input: { slackUserId: string; teamId?: string; routineId: string }): Promise<LoadEditOutcome> {
    const who = await identity.resolveIdentity(input.slackUserId, input.teamId);
    if (!who.ok) return { ok: false, failure: ctx.identityFailure(who) };
    try {
      if (!(await ctx.isOwnRoutine(who.membershipId, input.routineId))) return { ok: false, failure: NOT_YOURS };
      const record = await omni.getRoutine(who.membershipId, input.routineId);
      return { ok: true, filled: fillEditForm(record, { slackUserId: input.slackUserId, policy, now: clock() }), routine: ctx.view(record) };
    } catch (err) {
      logger.warn('omni get for edit failed', { err });
      await ctx.forgetStaleIdentity(err, input.slackUserId);
      return { ok: false, failure: describeFailure(err) };
    }
  }

  /**
   * Saves an edit: reads the routine by id, refuses to overwrite a change made in Omni since the form opened (the
   * user sees what changed and can reapply), sends only the changed fields (plus those the instance's update
   * requires, from the fresh read), and keeps the draft with Try again when Omni fails. Audited.
   */
  async function saveRoutineEdit(input: {
    slackUserId: string;
    teamId?: string;
    routineId: string;
    form: RoutineForm;
    base: EditBase;
    draftId?: string;
  }): Promise<EditOutcome> {
    const { slackUserId, routineId, form, base } = input;
    const api = ctx.instanceApi.current();
    const read = readEdit(form, base, { policy, now: clock(), api });
    if (!read.ok) return { kind: 'invalid', errors: read.errors };
    const draftForm = { ...form, edit: { routineId, base } satisfies EditDraftInfo };
    const draftId = await store.saveDraft({ ...(input.draftId ? { id: input.draftId } : {}), slackUserId, form: draftForm, status: 'pending' });
    let membershipId: string | undefined;
    let sent: Record<string, unknown> | undefined;
    const audit = (outcome: 'ok' | 'error', extra: { omniStatus?: number; omniMessage?: string } = {}) =>
      store.appendAudit({
        slackUserId,
        ...(membershipId ? { membershipId } : {}),
        action: 'update',
        routineId,
        request: { routineId, changed: read.changed, ...(sent ? { body: sent } : {}) },
        outcome,
        ...extra,
        at: clock(),
      });
    const fail = async (failure: UserFacingFailure, extra: { omniStatus?: number; omniMessage?: string } = {}) => {
      await store.saveDraft({ id: draftId, slackUserId, form: draftForm, lastError: failure.message, status: 'failed' });
      await audit('error', { omniMessage: extra.omniMessage ?? failure.message, ...(extra.omniStatus !== undefined ? { omniStatus: extra.omniStatus } : {}) });
      return { kind: 'failed' as const, failure, draftId };
    };
    try {
      const who = await identity.resolveIdentity(slackUserId, input.teamId);
      if (!who.ok) return await fail(ctx.identityFailure(who));
      membershipId = who.membershipId;
      if (!(await ctx.isOwnRoutine(who.membershipId, routineId))) return await fail(NOT_YOURS);
      const fresh = await omni.getRoutine(who.membershipId, routineId);
      const now = fillEditForm(fresh, { slackUserId, policy, now: clock() });
      const changedInOmni = changedFields(base.fields, now.base.fields);
      if (changedInOmni.length > 0 || fresh.updatedAt !== base.updatedAt) {
        const failure = { code: 'edit_conflict', message: 'The routine was changed in Omni after you opened the form, so nothing was saved.', retryable: true };
        await store.saveDraft({ id: draftId, slackUserId, form: draftForm, lastError: failure.message, status: 'failed' });
        await audit('error', { omniMessage: `changed in Omni since the form opened: ${changedInOmni.join(', ') || 'updatedAt'}` });
        return { kind: 'conflict', changedInOmni, draftId };
      }
      if (read.changed.length === 0) {
        await store.deleteDraft(draftId);
        return { kind: 'unchanged', routine: ctx.view(fresh) };
      }
      if (!api.edit) return await fail({ code: 'not_supported', message: "This Omni instance doesn't offer changing routines through its API. Change it in Omni.", retryable: false });
      const body: Record<string, unknown> = {};
      // What the instance's update requires, as Omni holds it now (never from a cache).
      for (const field of api.edit.required) {
        const value = (fresh as unknown as Record<string, unknown>)[field];
        if (field !== 'isActive' && value !== undefined && value !== null && value !== '') body[field] = value;
      }
      for (const field of read.changed) {
        if (field === 'name') body.name = form.name.trim();
        else if (field === 'prompt') body.prompt = form.prompt.trim();
        else if (field === 'schedule') body.schedule = read.cron;
        else if (field === 'timezone') body.timezone = read.timezone;
        else if (field === 'model') body.modelId = form.modelId;
        else if (field === 'topic') body.topicName = form.topicName ?? null;
        else if (field === 'branch') body.branchId = form.branchId ?? null;
        else if (field === 'description') body.description = form.description.trim() || null;
        else if (field === 'delivery') {
          if (form.delivery === 'channel') body.destination = { type: 'slack', slackRecipientType: 'channel', recipientId: form.channelId ?? '' };
          else if (form.delivery === 'dm') body.destination = { type: 'slack', slackRecipientType: 'users', recipientId: slackUserId };
          else {
            const emails = await ctx.recipientEmails(form, read.typedEmails);
            if (!emails.ok) return await fail(emails.failure);
            body.destination = { type: 'email', recipientEmails: emails.emails };
          }
        }
      }
      sent = body;
      const updated = await omni.updateRoutine(who.membershipId, routineId, body, api.edit.method);
      ctx.forgetList(who.membershipId);
      await audit('ok', { omniStatus: 200 });
      await store.deleteDraft(draftId);
      return { kind: 'saved', routine: ctx.view(updated), changed: read.changed };
    } catch (err) {
      const omniError = err instanceof OmniApiError ? err : undefined;
      logger.warn('omni edit failed', { err, slackUserId });
      if (membershipId) ctx.forgetList(membershipId);
      await ctx.forgetStaleIdentity(err, slackUserId);
      return await fail(describeFailure(err), {
        ...(omniError?.status !== undefined ? { omniStatus: omniError.status } : {}),
        ...(omniError?.omniMessage !== undefined ? { omniMessage: omniError.omniMessage } : {}),
      });
    }
  }

  return { loadRoutineForEdit, saveRoutineEdit };
}

/** The edit a draft holds, if it is an edit draft. */
export function readEditDraft(form: unknown): EditDraftInfo | undefined {
  const edit = (form as { edit?: unknown } | null)?.edit as Partial<EditDraftInfo> | undefined;
  if (!edit || typeof edit.routineId !== 'string' || typeof edit.base?.updatedAt !== 'string' || typeof edit.base.fields !== 'object') return undefined;
  return { routineId: edit.routineId, base: { updatedAt: edit.base.updatedAt, fields: edit.base.fields ?? {} } };
}

const FORM_PARTS: Record<EditField, ReadonlyArray<keyof RoutineForm>> = {
  name: ['name'],
  prompt: ['prompt'],
  schedule: ['schedule'],
  timezone: ['timezone'],
  model: ['modelId', 'modelName'],
  topic: ['topicName'],
  branch: ['branchId', 'branchName'],
  delivery: ['delivery', 'channelId', 'recipientUserIds', 'emails'],
  description: ['description'],
};

/**
 * Reapplying kept changes over the routine as Omni has it now: the fields the user changed (against the base their
 * form was opened with) come from their draft, every other field from Omni's current routine, so what someone
 * changed in Omni meanwhile is kept unless the user changed that same field.
 */
export function mergeEdit(draft: RoutineForm, draftBase: EditBase, current: RoutineForm, context: { policy: RoutinePolicy; now: Date }): { form: RoutineForm; mine: EditField[] } {
  const checked = checkRoutineForm(draft, context.policy, context.now);
  // A draft that no longer passes the checks (a rule changed) is shown as the user left it.
  if (!checked.ok) return { form: draft, mine: [...EDIT_FIELDS] };
  const mine = changedFields(draftBase.fields, fingerprintForm(draft, checked.schedule.cron, checked.typedEmails));
  const merged: RoutineForm = { ...current };
  const target = merged as unknown as Record<string, unknown>;
  for (const field of mine) {
    for (const part of FORM_PARTS[field]) {
      const value = draft[part];
      if (value === undefined) delete target[part];
      else target[part] = value;
    }
  }
  return { form: merged, mine };
}
