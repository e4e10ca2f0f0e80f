/**
 * Editing a routine: the Edit button (on every routine card) opens the routine modal in edit mode, filled from a
 * fresh GET; submitting it (callback_id `routine_edit`) checks the fields inside the ack like create, then saves
 * only what changed. A change made in Omni meanwhile is never overwritten: the user sees what changed and can
 * reapply. A failure keeps the changes as a draft with Try again.
 */
import type { WebClient } from '@slack/web-api';
import type { ModalView } from '@slack/types';
import { isOmniId } from '../../omni/schemas.js';
import { EDIT_FIELD_LABEL, type EditBase, type EditOutcome, type ReadEdit, mergeEdit, readEdit } from '../../routines/edit.js';
import type { RoutineForm } from '../../routines/types.js';
import { ACTION_ID, CALLBACK_ID } from '../ids.js';
import { readRoutineForm } from '../read-form.js';
import { completeForm } from '../../routines/defaults.js';
import { readSlackRefusal } from '../slack-errors.js';
import { escapeForMrkdwn } from '../text.js';
import {
  buildEditConflictView,
  buildEditFailureView,
  buildEditLoadingView,
  buildEditSavedView,
  buildEditSavingView,
  buildEditUnavailableView,
  buildEditUnchangedView,
} from '../views/edit-views.js';
import { buildRoutineBlocks, type ModalMetadata, readModalMetadata } from '../views/index.js';
import type { ListenerDeps } from './deps.js';
import type { ActionArgs, Routes } from './routes.js';
import { publishHome } from './home.js';
import { buildFilledModal } from './open-modal.js';
import { refuseInline } from './views.js';


async function withModelName(deps: ListenerDeps, form: RoutineForm): Promise<RoutineForm> {
  if (form.modelName || !form.modelId) return form;
  const models = await deps.catalog.searchModels('').catch(() => []);
  const name = models.find((m) => m.id === form.modelId)?.name;
  return name ? { ...form, modelName: name } : form;
}

/**
 * Fills `viewId` (or opens a modal with `triggerId`) with the edit form for `routineId`: the user's `draft` values
 * when reapplying or retrying, else the routine as Omni has it; the base is always the routine as Omni has it now.
 */
async function showEditForm(
  deps: ListenerDeps,
  client: WebClient,
  input: {
    userId: string;
    teamId?: string;
    routineId: string;
    viewId: string;
    draft?: { form: RoutineForm; base: EditBase; draftId: string; note?: string };
  },
): Promise<void> {
  const loaded = await deps.service.loadRoutineForEdit({ slackUserId: input.userId, ...(input.teamId ? { teamId: input.teamId } : {}), routineId: input.routineId, log: deps.logger });
  if (!loaded.ok) {
    await client.views.update({ view_id: input.viewId, view: buildEditUnavailableView(loaded.failure) });
    return;
  }
  // Kept changes go over the routine as Omni has it now: only the fields the user changed come from the draft.
  const merged = input.draft ? mergeEdit(input.draft.form, input.draft.base, loaded.filled.form, { policy: deps.config, now: deps.clock() }).form : loaded.filled.form;
  const form = await withModelName(deps, merged);
  const metadata: ModalMetadata = {
    source: 'edit',
    routineId: input.routineId,
    base: loaded.filled.base as ModalMetadata['base'] & EditBase,
    ...(input.draft ? { draftId: input.draft.draftId } : {}),
  };
  const notice = [input.draft?.note, loaded.filled.notice].filter(Boolean).join(' ');
  await client.views.update({ view_id: input.viewId, view: buildFilledModal(deps, form, metadata, { mode: 'edit', ...(notice ? { notice } : {}) }) });
}

async function tell(deps: ListenerDeps, client: WebClient, userId: string, text: string, blocks?: unknown[]): Promise<void> {
  await client.chat.postMessage({ channel: userId, text, ...(blocks ? { blocks: blocks as never } : {}), unfurl_links: false }).catch((err: unknown) => deps.logger.warn('could not message the user', { err }));
}

async function finishEdit(
  deps: ListenerDeps,
  client: WebClient,
  input: { viewId: string; userId: string; teamId?: string; routineId: string; read: ReadEdit; base: EditBase; draftId?: string },
): Promise<void> {
  const outcome: EditOutcome = await deps.service.saveRoutineEdit({
    log: deps.logger,
    slackUserId: input.userId,
    ...(input.teamId ? { teamId: input.teamId } : {}),
    routineId: input.routineId,
    read: input.read,
    base: input.base,
    ...(input.draftId ? { draftId: input.draftId } : {}),
  });
  const update = (view: ModalView) =>
    client.views.update({ view_id: input.viewId, view }).catch((err: unknown) => deps.logger.warn('views.update failed', { err }));
  const name = escapeForMrkdwn(input.read.checked.form.name.trim() || 'your routine');
  switch (outcome.kind) {
    case 'saved': {
      const labels = outcome.changed.map((f) => EDIT_FIELD_LABEL[f]);
      await update(buildEditSavedView(outcome.routine, labels));
      await tell(deps, client, input.userId, `Your changes to “${escapeForMrkdwn(outcome.routine.name)}” are saved (${labels.join(', ')}).`, buildRoutineBlocks(outcome.routine, { context: 'message' }));
      break;
    }
    case 'unchanged':
      await update(buildEditUnchangedView());
      break;
    case 'conflict': {
      const labels = outcome.changedInOmni.map((f) => EDIT_FIELD_LABEL[f]);
      const view = buildEditConflictView({ changedLabels: labels, draftId: outcome.draftId });
      await update(view);
      await tell(deps, client, input.userId, `Nothing was saved to “${name}”: it was changed in Omni after you opened the form. Your changes are kept.`, view.blocks);
      break;
    }
    case 'failed': {
      const view = buildEditFailureView({ failure: outcome.failure, draftId: outcome.draftId });
      await update(view);
      await tell(deps, client, input.userId, `Your changes to “${name}” weren't saved: ${escapeForMrkdwn(outcome.failure.message)}`, view.blocks);
      break;
    }
  }
  await publishHome(deps, client, input.userId, input.teamId).catch((err: unknown) => deps.logger.warn('could not republish home', { err }));
}

/** Reopens a kept edit (Try again, Reapply) in the modal the button sits in, or in a new one. */
export async function reopenEditDraft(
  deps: ListenerDeps,
  args: ActionArgs,
  draft: { draftId: string; form: RoutineForm; routineId: string; base: EditBase; note?: string },
): Promise<void> {
  const { body, client } = args;
  const teamId = body.team?.id ?? body.user.team_id;
  let viewId = body.view?.type === 'modal' ? body.view.id : undefined;
  if (!viewId) {
    const opened = await client.views.open({ trigger_id: body.trigger_id, view: buildEditLoadingView() }).catch(() => undefined);
    viewId = opened?.view?.id;
  } else {
    await client.views.update({ view_id: viewId, view: buildEditLoadingView() });
  }
  if (!viewId) return;
  const finalViewId = viewId;
  deps.inFlight.run('reopen edit', () =>
    showEditForm(deps, client, {
      userId: body.user.id,
      ...(teamId ? { teamId } : {}),
      routineId: draft.routineId,
      viewId: finalViewId,
      draft: { form: draft.form, base: draft.base, draftId: draft.draftId, ...(draft.note ? { note: draft.note } : {}) },
    }),
  );
}

/**
 * Opens the edit form for `routineId` as the user who pressed (the Edit button, or Edit in the card's menu): a
 * loading modal at once, filled from a fresh GET as that user after. Call after the ack.
 */
export async function openEditForm(deps: ListenerDeps, args: ActionArgs, routineId: string): Promise<void> {
  const { body, client } = args;
  if (!isOmniId(routineId)) {
    deps.logger.warn('refused an edit button with a malformed routine id', { length: routineId.length });
    return;
  }
  // The trigger id dies in 3 s: open first, fill from Omni after.
  let viewId: string | undefined;
  try {
    const opened = await client.views.open({ trigger_id: body.trigger_id, view: buildEditLoadingView() });
    viewId = opened.view?.id;
  } catch (err) {
    deps.logger.warn('views.open failed', { error: readSlackRefusal(err) ?? 'no answer' });
    await client.chat.postMessage({ channel: body.user.id, text: "Sorry, Slack didn't let me open the edit form in time. Please try again." }).catch(() => {});
    return;
  }
  if (!viewId) return;
  const teamId = body.team?.id ?? body.user.team_id;
  const id = viewId;
  deps.inFlight.run('open edit form', () => showEditForm(deps, client, { userId: body.user.id, ...(teamId ? { teamId } : {}), routineId, viewId: id }));
}

export function registerEdit(routes: Routes): void {
  routes.action(ACTION_ID.edit, async (args, deps) => {
    await args.ack();
    await openEditForm(deps, args, (args.action as { value?: string }).value ?? '');
  });

  routes.action(ACTION_ID.reapplyEdit, async (args, deps) => {
    await args.ack();
    const draftId = (args.action as { value?: string }).value ?? '';
    const draft = draftId ? await deps.service.getDraftForm(args.body.user.id, draftId) : null;
    if (!draft?.edit) {
      await args.client.chat.postMessage({ channel: args.body.user.id, text: 'Those changes are no longer available (they were saved or discarded).' });
      return;
    }
    await reopenEditDraft(deps, args, {
      draftId,
      form: draft.form,
      routineId: draft.edit.routineId,
      base: draft.edit.base,
      note: 'Your changes are filled in over the routine as Omni has it now: check the fields that changed in Omni before saving.',
    });
  });

  routes.viewSubmission(CALLBACK_ID.routineEdit, async ({ ack, body, view, client }, deps) => {
    const metadata = readModalMetadata(view.private_metadata);
    // As on create, a name left empty is named from the prompt (Omni needs one).
    const form = completeForm(readRoutineForm(view.state.values as never, { timezone: deps.config.defaultTimezone }));
    if (!metadata.routineId || !isOmniId(metadata.routineId) || !metadata.base) {
      await ack({ response_action: 'update', view: buildEditUnavailableView({ code: 'invalid', message: "This form doesn't say which routine it edits, so nothing was saved.", retryable: false }) });
      return;
    }
    const base: EditBase = metadata.base;
    const read = readEdit(form, base, { policy: deps.config, now: deps.clock(), api: deps.instanceApi.current() });
    if (!read.ok) {
      await refuseInline(ack, view, form, read.errors);
      return;
    }
    if (read.changed.length === 0) {
      await ack({ response_action: 'update', view: buildEditUnchangedView() });
      return;
    }
    await ack({ response_action: 'update', view: buildEditSavingView() });
    const teamId = body.team?.id ?? body.user.team_id;
    const routineId = metadata.routineId;
    deps.inFlight.run('save routine edit', () =>
      finishEdit(deps, client, {
        viewId: view.id,
        userId: body.user.id,
        ...(teamId ? { teamId } : {}),
        routineId,
        read,
        base,
        ...(metadata.draftId ? { draftId: metadata.draftId } : {}),
      }),
    );
  });
}
