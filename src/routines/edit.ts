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
import type { InstanceApi } from '../omni/instance-api.js';
import { readOmniCron } from '../schedule/cron.js';
import { describeCron } from '../schedule/describe.js';
import { interpretSchedule } from '../schedule/interpret.js';
import { type CheckedForm, type RoutinePolicy, checkRoutineForm } from './check-form.js';
import { type EditDraftInfo, toStoredDraft } from './drafts.js';
import { describeFailure, failureOf, readOmniAuditFields } from './failures.js';
import type { RoutineForm } from './form.js';
import { checkDeliveryOffered } from './instance-checks.js';
import type { RoutineListCache } from './list-cache.js';
import type { OmniRoutineRecord, RoutinesOmniPort, RoutinesStorePort, SlackPeoplePort } from './ports.js';
import { type RequestField, formFields, requiredFields, resolveDestination } from './request.js';
import type { Requester } from './requester.js';
import type { FormErrors, RoutineView, UserFacingFailure } from './types.js';

/** The parts of a routine the form edits, each compared as a whole. */
export const EDIT_FIELDS = ['name', 'prompt', 'schedule', 'timezone', 'model', 'topic', 'branch', 'delivery', 'description'] as const;
export type EditField = (typeof EDIT_FIELDS)[number];

/** The routine as the form was opened: Omni's updatedAt and a fingerprint of each field. */
export interface EditBase {
  updatedAt: string;
  fields: Partial<Record<EditField, string>>;
}

/** Each field: the update body's field (as the instance's spec names it), its form error key, and its label. */
const FIELD: Record<EditField, { api: RequestField | 'destination'; formKey: keyof FormErrors; label: string }> = {
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

/** A submitted edit that passed the checks: the checked form, and which fields it changes. */
export interface ReadEdit {
  ok: true;
  checked: CheckedForm;
  changed: EditField[];
}

/** What a submitted edit form changed, or its field errors (the same checks as create, plus what the instance can change). */
export function readEdit(
  form: RoutineForm,
  base: EditBase,
  context: { policy: RoutinePolicy; now: Date; api: InstanceApi },
): ReadEdit | { ok: false; errors: FormErrors } {
  const checked = checkRoutineForm(form, context.policy, context.now);
  const offered = checkDeliveryOffered(form, context.api.destinations);
  if (!checked.ok) return { ok: false, errors: { ...checked.errors, ...offered } };
  const changed = changedFields(base.fields, fingerprintForm(form, checked.schedule.cron, checked.typedEmails));
  // An untouched Slack delivery on an email-only instance is the routine's own: not the user's to fix here.
  const errors = { ...(changed.includes('delivery') ? offered : null), ...checkEditable(changed, context.api) };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, checked, changed };
}

// ---- the use case -----------------------------------------------------------------------------------------------

export type LoadEditOutcome =
  | { ok: true; filled: FilledEdit; routine: RoutineView }
  | { ok: false; failure: UserFacingFailure };

export type EditOutcome =
  | { kind: 'saved'; routine: RoutineView; changed: EditField[] }
  | { kind: 'unchanged'; routine: RoutineView }
  | { kind: 'conflict'; changedInOmni: EditField[]; draftId: string }
  | { kind: 'failed'; failure: UserFacingFailure; draftId: string };

export interface EditContext {
  omni: Pick<RoutinesOmniPort, 'getRoutine' | 'updateRoutine'>;
  requester: Requester;
  people: SlackPeoplePort;
  store: Pick<RoutinesStorePort, 'saveDraft' | 'deleteDraft' | 'appendAudit'>;
  clock: Clock;
  logger: Logger;
  policy: RoutinePolicy;
  instanceApi: { current(): InstanceApi };
  lists: RoutineListCache;
  isOwnRoutine(membershipId: string, routineId: string): Promise<boolean>;
  view(record: OmniRoutineRecord): RoutineView;
}

export function createEditUseCases(ctx: EditContext) {
  const { omni, requester, store, clock, logger, policy, lists } = ctx;
  const NOT_YOURS = failureOf('not_yours');
  // Our change (or one that may have happened): the cached list goes; nobody waits for the other replicas to hear.
  const forgetList = (membershipId: string) => void lists.invalidate(membershipId);

  /** The routine as Omni holds it now, and the form filled from it. */
  async function loadRoutineForEdit(input: { slackUserId: string; teamId?: string; routineId: string; log?: Logger }): Promise<LoadEditOutcome> {
    // The Slack request's logger: these lines, and the Omni client's for these calls, carry the request id.
    const log = input.log ?? logger;
    const who = await requester.resolve(input.slackUserId, input.teamId);
    if (!who.ok) return { ok: false, failure: requester.failure(who) };
    try {
      if (!(await ctx.isOwnRoutine(who.membershipId, input.routineId))) return { ok: false, failure: NOT_YOURS };
      const record = await omni.getRoutine(who.membershipId, input.routineId, { log });
      return { ok: true, filled: fillEditForm(record, { slackUserId: input.slackUserId, policy, now: clock() }), routine: ctx.view(record) };
    } catch (err) {
      log.warn('omni get for edit failed', { err });
      await requester.forgetIfStale(err, input.slackUserId);
      return { ok: false, failure: describeFailure(err) };
    }
  }

  /**
   * Saves an edit checked by readEdit: reads the routine by id, refuses to overwrite a change made in Omni since the
   * form opened (the user sees what changed and can reapply), sends only the changed fields (plus those the
   * instance's update requires, from the fresh read), and keeps the draft with Try again when Omni fails. Audited.
   */
  async function saveRoutineEdit(input: {
    slackUserId: string;
    teamId?: string;
    routineId: string;
    read: ReadEdit;
    base: EditBase;
    draftId?: string;
    log?: Logger;
  }): Promise<EditOutcome> {
    const { slackUserId, routineId, read, base } = input;
    const log = input.log ?? logger;
    const { form } = read.checked;
    const api = ctx.instanceApi.current();
    const draftForm = toStoredDraft(form, { routineId, base } satisfies EditDraftInfo);
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
      const who = await requester.resolve(slackUserId, input.teamId);
      if (!who.ok) return await fail(requester.failure(who));
      membershipId = who.membershipId;
      if (!(await ctx.isOwnRoutine(who.membershipId, routineId))) return await fail(NOT_YOURS);
      const fresh = await omni.getRoutine(who.membershipId, routineId, { log });
      const now = fillEditForm(fresh, { slackUserId, policy, now: clock() });
      const changedInOmni = changedFields(base.fields, now.base.fields);
      if (changedInOmni.length > 0 || fresh.updatedAt !== base.updatedAt) {
        await store.saveDraft({ id: draftId, slackUserId, form: draftForm, lastError: failureOf('edit_conflict').message, status: 'failed' });
        await audit('error', { omniMessage: `changed in Omni since the form opened: ${changedInOmni.join(', ') || 'updatedAt'}` });
        return { kind: 'conflict', changedInOmni, draftId };
      }
      if (read.changed.length === 0) {
        await store.deleteDraft(draftId);
        return { kind: 'unchanged', routine: ctx.view(fresh) };
      }
      if (!api.edit) return await fail({ code: 'not_supported', message: "This Omni instance doesn't offer changing routines through its API. Change it in Omni.", retryable: false });
      const body = requiredFields(api.edit.required, fresh);
      const values = formFields(read.checked);
      for (const field of read.changed) {
        const { api: key } = FIELD[field];
        if (key !== 'destination') body[key] = values[key];
        else {
          const destination = await resolveDestination({ people: ctx.people, allowedEmailDomains: policy.allowedEmailDomains }, slackUserId, read.checked);
          if (!destination.ok) return await fail(destination.failure);
          body.destination = destination.destination;
        }
      }
      sent = body;
      const updated = await omni.updateRoutine(who.membershipId, routineId, body, api.edit.method, { log });
      forgetList(who.membershipId);
      await audit('ok', { omniStatus: 200 });
      await store.deleteDraft(draftId);
      return { kind: 'saved', routine: ctx.view(updated), changed: read.changed };
    } catch (err) {
      log.warn('omni edit failed', { err, slackUserId });
      if (membershipId) forgetList(membershipId);
      await requester.forgetIfStale(err, slackUserId);
      return await fail(describeFailure(err), readOmniAuditFields(err));
    }
  }

  return { loadRoutineForEdit, saveRoutineEdit };
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
