/**
 * Buttons and dispatching inputs. Inside the modal: the live schedule preview and the fields that reshape the view
 * (model, delivery). On messages and Home: Run now or Resume, the card's menu (Edit, Pause, Open in Omni, and
 * Delete, which asks in place first: Delete or Keep it), Try again and Discard for failed drafts, New routine and
 * Refresh. Pause, Resume and Delete buttons of older cards keep working.
 */
import type { WebClient } from '@slack/web-api';
import { createTtlCache } from '../../cache.js';
import { isOmniId } from '../../omni/schemas.js';
import type { RoutineAction } from '../../routines/act.js';
import { ACTION_ID, CALLBACK_ID, CARD_MENU_CHOICE } from '../ids.js';
import { readRoutineForm } from '../read-form.js';
import { readSlackRefusal } from '../slack-errors.js';
import { escapeForMrkdwn } from '../text.js';
import type { ActionOutcome } from '../../routines/act.js';
import type { RoutineView, UserFacingFailure } from '../../routines/types.js';
import {
  buildCreatedView,
  buildDraftDiscardedView,
  buildRoutineBlocks,
  buildRoutineDeletedView,
  buildRoutineListMessage,
  buildTextMessage,
  readCardMenuValue,
  readHomePage,
  readModalMetadata,
} from '../views/index.js';
import type { ListenerDeps } from './deps.js';
import type { ActionArgs, Routes } from './routes.js';
import { publishHome } from './home.js';
import { within } from './within.js';
import { openEditForm, reopenEditDraft } from './edit.js';
import { buildFilledModal, openRoutineModal, resolveUserTimezone } from './open-modal.js';


function isHashConflict(err: unknown): boolean {
  return readSlackRefusal(err) === 'hash_conflict';
}

/** Rebuilds the open modal from its own state (so nothing typed is lost) with a fresh preview. */
async function refreshModal(deps: ListenerDeps, args: ActionArgs): Promise<void> {
  const view = args.body.view;
  if (!view || view.type !== 'modal') return;
  const metadata = readModalMetadata(view.private_metadata);
  if (args.action.action_id === ACTION_ID.moreOptions) metadata.moreOptions = true;
  const form = readRoutineForm(view.state.values as never, {
    ...(metadata.originChannelId ? { channelId: metadata.originChannelId } : {}),
  });
  // Both answer from caches once the modal's follow-up has run; neither may hold up the preview for long.
  const [tz, notice] = await Promise.all([
    resolveUserTimezone(deps, args.body.user.id, 300),
    within(300, deps.service.findIdentityProblem(args.body.user.id), null),
  ]);
  // The edit form is the same form: its live preview is rebuilt the same way, in edit mode.
  const mode = view.callback_id === CALLBACK_ID.routineEdit ? ('edit' as const) : ('create' as const);
  const options = { userTimezone: tz, mode, ...(notice ? { notice } : {}) };
  const rebuilt = buildFilledModal(deps, form, metadata, options);
  try {
    await args.client.views.update({ view_id: view.id, hash: view.hash, view: rebuilt });
  } catch (err) {
    if (!isHashConflict(err)) throw err;
    // A keystroke in the schedule: a newer update (a later keystroke) won, and this one is dropped. A press or a
    // pick (More options, a delivery kind, a channel) must not be lost to the open's follow-up landing first:
    // apply it anyway, built from the state the press carried.
    if (args.action.action_id === ACTION_ID.schedule) return;
    await args.client.views.update({ view_id: view.id, view: rebuilt });
  }
}

const ROUTINE_ACTIONS: Array<[string, RoutineAction]> = [
  [ACTION_ID.runNow, 'run'],
  [ACTION_ID.pause, 'pause'],
  [ACTION_ID.resume, 'resume'],
  [ACTION_ID.delete, 'delete'],
];

const DONE_WORDS: Record<RoutineAction, string> = {
  run: 'is running now; the result goes to its recipients in a few minutes',
  pause: 'is paused: Omni confirmed it',
  resume: 'is active again: Omni confirmed it',
  delete: 'was deleted',
};
const ALREADY_WORDS: Partial<Record<RoutineAction, string>> = { pause: 'was already paused in Omni', resume: 'was already active in Omni' };

/** A failure as mrkdwn: our words escaped, plus its link (a URL we built from OMNI_BASE_URL and a routine id). */
export function failureText(failure: UserFacingFailure): string {
  const link = failure.link && /^https?:\/\/[^\s<>|]+$/.test(failure.link.url) ? ` <${failure.link.url}|${escapeForMrkdwn(failure.link.label)}>` : '';
  return `:warning: ${escapeForMrkdwn(failure.message)}${link}`;
}

function outcomeText(result: ActionOutcome, action: RoutineAction): string {
  if (!result.ok) return failureText(result.failure);
  const words = (result.already ? ALREADY_WORDS[action] : undefined) ?? DONE_WORDS[action];
  return `“${escapeForMrkdwn(result.routine.name)}” ${words}.`;
}

/**
 * Cards never go stale: after an action the message that held the button shows the routine as it is now. The
 * ephemeral `/routine list` is replaced by a fresh list; a routine's own message (after create) by its new card.
 */
async function refreshHoldingMessage(
  deps: ListenerDeps,
  args: ActionArgs,
  action: RoutineAction | 'keep',
  routine: RoutineView | undefined,
  options: { confirmDelete?: boolean } = {},
): Promise<void> {
  const { body } = args;
  if (!body.response_url) return;
  const container = (body as { container?: { is_ephemeral?: boolean } }).container;
  const teamId = body.team?.id ?? body.user.team_id;
  if (container?.is_ephemeral) {
    const listed = await deps.service.listRoutines(body.user.id, teamId, { log: deps.logger });
    if (!listed.ok) return;
    const confirmDeleteId = options.confirmDelete && routine ? { confirmDeleteId: routine.id } : {};
    await args.respond({ response_type: 'ephemeral', replace_original: true, ...buildRoutineListMessage({ routines: listed.routines, ...confirmDeleteId }) });
    return;
  }
  if (!routine) return;
  if (action === 'delete') {
    await args.respond({ replace_original: true, text: `“${escapeForMrkdwn(routine.name)}” was deleted.` });
    return;
  }
  const confirmDelete = options.confirmDelete ? { confirmDelete: true } : {};
  await args.respond({ replace_original: true, text: routine.name, blocks: buildRoutineBlocks(routine, { context: 'message', ...confirmDelete }) as never });
}

/** The requester's own routine with this id, from their (cached) list: the ownership check before asking to delete. */
async function findOwnRoutine(deps: ListenerDeps, args: ActionArgs, routineId: string): Promise<RoutineView | null> {
  const { body } = args;
  const teamId = body.team?.id ?? body.user.team_id;
  const listed = await deps.service.listRoutines(body.user.id, teamId, { log: deps.logger });
  if (!listed.ok) {
    await reply(args, `:warning: ${escapeForMrkdwn(listed.problem)}`);
    return null;
  }
  const routine = listed.routines.find((r) => r.id === routineId);
  if (!routine) await reply(args, ":warning: That routine isn't one of yours (or it was deleted), so I didn't change anything.");
  return routine ?? null;
}

/**
 * Shows the card where it is (Home, a modal, a message or the ephemeral list) as it is now, or with the delete
 * question in place of its button and menu. Nothing is sent to Omni beyond the (cached) list of the user's own.
 */
async function showCardInPlace(deps: ListenerDeps, args: ActionArgs, routine: RoutineView, confirmDelete: boolean): Promise<void> {
  const { body, client } = args;
  const teamId = body.team?.id ?? body.user.team_id;
  if (body.view?.type === 'home') {
    const page = readHomePage(body.view.private_metadata);
    await publishHome(deps, client as WebClient, body.user.id, teamId, { page, ...(confirmDelete ? { confirmDeleteId: routine.id } : {}) });
  } else if (body.view?.type === 'modal') {
    await client.views.update({ view_id: body.view.id, view: buildCreatedView(routine, { confirmDelete }) });
  } else {
    await refreshHoldingMessage(deps, args, 'keep', routine, { confirmDelete });
  }
}

async function reply(args: ActionArgs, text: string): Promise<void> {
  const { body, client } = args;
  const message = buildTextMessage(text);
  if (body.response_url) {
    await args.respond({ response_type: 'ephemeral', replace_original: false, ...message });
    return;
  }
  await client.chat.postMessage({ channel: body.user.id, ...message });
}

/** How long a button press is remembered: Slack's replay window (a signed body older than 5 minutes is refused). */
const PRESS_MEMORY_MS = 5 * 60_000;
/** Presses remembered at most: far more than five minutes of presses; the least recently seen goes first. */
const MAX_PRESSES = 10_000;

/**
 * True the first time a given press arrives, false for the same press again. Slack stamps each press with its own
 * `action_ts`, so two clicks differ; an identical one is the same signed body replayed, and must not run a routine
 * (or pause, resume, delete) a second time.
 */
function createPressMemory(clock: ListenerDeps['clock']) {
  const seen = createTtlCache<string, true>({ max: MAX_PRESSES, ttlMs: PRESS_MEMORY_MS, clock });
  return (key: string): boolean => {
    if (seen.get(key)) return false;
    seen.set(key, true);
    return true;
  };
}

export function registerActions(routes: Routes, baseDeps: ListenerDeps): void {
  const isFirstPress = createPressMemory(baseDeps.clock);
  // Each of these reshapes the view: the preview, the topic hint, the delivery fields and who-will-see line, or
  // the More options fields. The rebuild keeps block and action ids, so nothing typed is lost.
  for (const id of [ACTION_ID.schedule, ACTION_ID.timezone, ACTION_ID.model, ACTION_ID.delivery, ACTION_ID.channel, ACTION_ID.moreOptions]) {
    routes.action(id, async (args, deps) => {
      await args.ack();
      await refreshModal(deps, args);
    });
  }
  // Inputs that carry no view change of their own: ack so Slack does not show an error.
  for (const id of [ACTION_ID.topic, ACTION_ID.branch, ACTION_ID.recipients]) {
    routes.action(id, async ({ ack }) => {
      await ack();
    });
  }

  /**
   * Runs, pauses, resumes or deletes as the user who pressed, then shows the result where the press came from.
   * `pressId` names the control (a button's action id, or the menu's) for the replay check.
   */
  const actOnRoutine = (deps: ListenerDeps, args: ActionArgs, pressId: string, action: RoutineAction, routineId: string): void => {
    const { body, client } = args;
    const teamId = body.team?.id ?? body.user.team_id;
    const pressedAt = (args.action as { action_ts?: unknown }).action_ts;
    if (!isFirstPress(JSON.stringify([body.user.id, pressId, action, routineId, pressedAt]))) {
      deps.logger.warn('ignored a replayed button press', { action });
      return;
    }
    if (!isOmniId(routineId)) {
      // Our buttons carry Omni's UUIDs; anything else is a forged value, refused before Omni is asked.
      deps.logger.warn('refused a button with a malformed routine id', { action, length: routineId.length });
      deps.inFlight.run(`routine ${action}`, () => reply(args, ":warning: That button doesn't point at a routine, so I didn't change anything."));
      return;
    }
    deps.inFlight.run(`routine ${action}`, async () => {
      const result = await deps.service.actOnRoutine({ slackUserId: body.user.id, ...(teamId ? { teamId } : {}), routineId, action, log: deps.logger });
      const text = outcomeText(result, action);
      const routine = result.routine;
      const container = body.view?.type;
      if (container === 'home') {
        await publishHome(deps, client, body.user.id, teamId, { fresh: true, page: readHomePage(body.view?.private_metadata) });
        if (!result.ok || action === 'run' || result.already) await client.chat.postMessage({ channel: body.user.id, ...buildTextMessage(text) });
      } else if (container === 'modal' && body.view) {
        if (routine && action !== 'delete') await client.views.update({ view_id: body.view.id, view: buildCreatedView(routine) });
        if (routine && action === 'delete' && result.ok) await client.views.update({ view_id: body.view.id, view: buildRoutineDeletedView(routine.name) });
        await client.chat.postMessage({ channel: body.user.id, ...buildTextMessage(text) });
        await publishHome(deps, client, body.user.id, teamId);
      } else {
        await refreshHoldingMessage(deps, args, action, routine);
        await reply(args, text);
        await publishHome(deps, client, body.user.id, teamId);
      }
    });
  };

  for (const [actionId, action] of ROUTINE_ACTIONS) {
    routes.action(actionId, async (args, deps) => {
      await args.ack();
      actOnRoutine(deps, args, actionId, action, (args.action as { value?: string }).value ?? '');
    });
  }

  // The card's menu. Each option does what its button did; Delete only asks, in place of the card's controls.
  routes.action(ACTION_ID.cardMenu, async (args, deps) => {
    await args.ack();
    const chosen = readCardMenuValue((args.action as { selected_option?: { value?: string } }).selected_option?.value);
    if (!chosen || !isOmniId(chosen.routineId)) {
      deps.logger.warn('refused a menu option with a malformed value', { choice: chosen?.choice ?? 'unknown' });
      deps.inFlight.run('routine menu', () => reply(args, ":warning: That menu option doesn't point at a routine, so I didn't change anything."));
      return;
    }
    const { choice, routineId } = chosen;
    switch (choice) {
      case CARD_MENU_CHOICE.open:
        // A link option: Slack opens the URL itself and still sends the selection, which only needs its ack.
        return;
      case CARD_MENU_CHOICE.edit:
        await openEditForm(deps, args, routineId);
        return;
      case CARD_MENU_CHOICE.pause:
        actOnRoutine(deps, args, ACTION_ID.cardMenu, 'pause', routineId);
        return;
      case CARD_MENU_CHOICE.delete:
        deps.inFlight.run('ask to delete', async () => {
          const routine = await findOwnRoutine(deps, args, routineId);
          if (routine) await showCardInPlace(deps, args, routine, true);
        });
        return;
    }
  });

  // "Keep it" beside the delete question: the card comes back as it is now, nothing is changed.
  routes.action(ACTION_ID.keepRoutine, async (args, deps) => {
    await args.ack();
    const routineId = (args.action as { value?: string }).value ?? '';
    if (!isOmniId(routineId)) {
      deps.logger.warn('refused a keep button with a malformed routine id', { length: routineId.length });
      return;
    }
    deps.inFlight.run('keep routine', async () => {
      const routine = await findOwnRoutine(deps, args, routineId);
      if (routine) await showCardInPlace(deps, args, routine, false);
    });
  });

  // A link button: Slack opens the URL itself and still sends the click, which only needs its ack.
  routes.action(ACTION_ID.openInOmni, async ({ ack }) => {
    await ack();
  });

  routes.action(ACTION_ID.retry, async (args, deps) => {
    await args.ack();
    const { body, client } = args;
    const draftId = (args.action as { value?: string }).value ?? '';
    const draft = draftId ? await deps.service.getDraftForm(body.user.id, draftId) : null;
    if (!draft) {
      await reply(args, 'That draft is no longer available (it was created or discarded).');
      return;
    }
    if (draft.edit) {
      // A kept edit reopens as the edit form, over the routine as Omni has it now.
      await reopenEditDraft(deps, args, {
        draftId,
        form: draft.form,
        routineId: draft.edit.routineId,
        base: draft.edit.base,
        ...(draft.lastError ? { note: `Last time this failed: ${draft.lastError}` } : {}),
      });
      return;
    }
    const metadata = { source: 'retry' as const, draftId, ...(draft.form.channelId ? { originChannelId: draft.form.channelId } : {}) };
    if (body.view?.type === 'modal') {
      const lastFailure = draft.lastError ? { lastFailure: draft.lastError } : {};
      await client.views.update({ view_id: body.view.id, view: buildFilledModal(deps, draft.form, metadata, lastFailure) });
    } else {
      await openRoutineModal(deps, client, {
        triggerId: body.trigger_id,
        userId: body.user.id,
        form: draft.form,
        metadata,
        ...(draft.lastError ? { lastFailure: draft.lastError } : {}),
      });
    }
  });

  routes.action(ACTION_ID.discard, async (args, deps) => {
    await args.ack();
    const { body, client } = args;
    const draftId = (args.action as { value?: string }).value ?? '';
    const removed = await deps.service.discardDraft(body.user.id, draftId);
    if (body.view?.type === 'home') await publishHome(deps, client, body.user.id, body.team?.id, { page: readHomePage(body.view.private_metadata) });
    else if (body.view?.type === 'modal') await client.views.update({ view_id: body.view.id, view: buildDraftDiscardedView(removed) });
    else await reply(args, removed ? 'Draft discarded.' : 'That draft was already gone.');
  });

  routes.action(ACTION_ID.openModal, async (args, deps) => {
    await args.ack();
    await openRoutineModal(deps, args.client, { triggerId: args.body.trigger_id, userId: args.body.user.id, metadata: { source: 'home' } });
  });

  routes.action(ACTION_ID.refreshHome, async (args, deps) => {
    await args.ack();
    await publishHome(deps, args.client as WebClient, args.body.user.id, args.body.team?.id, { fresh: true, page: readHomePage(args.body.view?.private_metadata) });
  });

  for (const id of [ACTION_ID.homePrevious, ACTION_ID.homeNext]) {
    routes.action(id, async (args, deps) => {
      await args.ack();
      const page = Number.parseInt((args.action as { value?: string }).value ?? '0', 10);
      await publishHome(deps, args.client as WebClient, args.body.user.id, args.body.team?.id, { page: Number.isInteger(page) && page >= 0 ? page : 0 });
    });
  }
}
