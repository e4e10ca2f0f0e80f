/**
 * Submitting the routine modal. Field checks answer inside the ack (errors under the fields); the Omni call runs
 * after the ack, behind a "Creating…" view, and its outcome replaces that view and is also sent to the user as a
 * message (the modal may be closed by then). A failure keeps the draft and offers "Try again".
 */
import type { SlackViewMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { type CheckedForm, checkRoutineForm } from '../../routines/check-form.js';
import { completeForm } from '../../routines/defaults.js';
import { checkDeliveryOffered } from '../../routines/instance-checks.js';
import type { FormErrors, RoutineForm, UserFacingFailure } from '../../routines/types.js';
import { CALLBACK_ID, INPUT_BLOCK_ID } from '../ids.js';
import { readRoutineForm } from '../read-form.js';
import { buildCreatedMessage, buildCreatedView, buildCreatingView, buildFailureView, readModalMetadata } from '../views/index.js';
import { buildFailureMessage } from '../views/failure-message.js';
import type { ListenerDeps } from './deps.js';
import type { Routes } from './routes.js';
import { closeCardCreatedInForm, findClosedCard } from './sentences.js';

const FIELD_TO_BLOCK: Record<keyof FormErrors, string> = {
  name: INPUT_BLOCK_ID.name,
  prompt: INPUT_BLOCK_ID.prompt,
  schedule: INPUT_BLOCK_ID.schedule,
  timezone: INPUT_BLOCK_ID.timezone,
  modelId: INPUT_BLOCK_ID.model,
  modelName: INPUT_BLOCK_ID.model,
  topicName: INPUT_BLOCK_ID.topic,
  branchId: INPUT_BLOCK_ID.branch,
  branchName: INPUT_BLOCK_ID.branch,
  delivery: INPUT_BLOCK_ID.delivery,
  channelId: INPUT_BLOCK_ID.channel,
  recipientUserIds: INPUT_BLOCK_ID.recipients,
  recipients: INPUT_BLOCK_ID.recipients,
  emails: INPUT_BLOCK_ID.emails,
  description: INPUT_BLOCK_ID.description,
};

/** Errors keyed by the block ids present in the view (Slack rejects errors for blocks that are not there). */
export function toBlockErrors(errors: FormErrors, presentBlockIds: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors) as Array<[keyof FormErrors, string]>) {
    let block = FIELD_TO_BLOCK[field];
    if (!presentBlockIds.has(block)) block = field === 'recipients' && presentBlockIds.has(INPUT_BLOCK_ID.emails) ? INPUT_BLOCK_ID.emails : INPUT_BLOCK_ID.delivery;
    if (!presentBlockIds.has(block)) continue;
    out[block] = out[block] ? `${out[block]} ${message}` : message;
  }
  return out;
}

async function tell(client: WebClient, userId: string, message: { text: string; blocks: unknown[] }, deps: ListenerDeps) {
  try {
    await client.chat.postMessage({ channel: userId, text: message.text, blocks: message.blocks as never, unfurl_links: false });
  } catch (err) {
    deps.logger.warn('could not message the user', { err });
  }
}

export async function finishSubmission(
  deps: ListenerDeps,
  client: WebClient,
  input: { viewId: string; userId: string; teamId?: string; checked: CheckedForm; draftId?: string; sentenceCardId?: string },
): Promise<void> {
  const { form } = input.checked;
  const outcome = await deps.service.submitRoutine({
    log: deps.logger,
    slackUserId: input.userId,
    ...(input.teamId ? { teamId: input.teamId } : {}),
    checked: input.checked,
    idempotencyKey: `view:${input.viewId}`,
    ...(input.draftId ? { draftId: input.draftId } : {}),
  });
  if (outcome.kind === 'duplicate') return;
  if (outcome.kind === 'created') {
    await client.views.update({ view_id: input.viewId, view: buildCreatedView(outcome.routine) }).catch((err: unknown) => deps.logger.warn('views.update failed', { err }));
    if (input.sentenceCardId) await closeCardCreatedInForm(deps, client, { cardId: input.sentenceCardId, userId: input.userId, routine: outcome.routine });
    await tell(client, input.userId, buildCreatedMessage(outcome.routine), deps);
    return;
  }
  await client.views
    .update({ view_id: input.viewId, view: buildFailureView({ failure: outcome.failure, form, draftId: outcome.draftId }) })
    .catch((err: unknown) => deps.logger.warn('views.update failed', { err }));
  await tell(client, input.userId, buildFailureMessage({ failure: outcome.failure, form, draftId: outcome.draftId }), deps);
}

/**
 * Answers a submission whose fields are wrong with errors under those fields, inside the ack. The submitted view
 * comes from the request: its blocks are read defensively (a forged one may hold nulls).
 */
export async function refuseInline(
  ack: SlackViewMiddlewareArgs['ack'],
  view: SlackViewMiddlewareArgs['view'],
  form: RoutineForm,
  formErrors: FormErrors,
): Promise<void> {
  const blocks: unknown[] = Array.isArray(view.blocks) ? view.blocks : [];
  const present = new Set(blocks.map((b) => (b as { block_id?: unknown } | null)?.block_id).filter((id): id is string => typeof id === 'string'));
  const errors = toBlockErrors(formErrors, present);
  if (Object.keys(errors).length > 0) {
    await ack({ response_action: 'errors', errors });
    return;
  }
  // A view state no form of ours produces (forged or stale): refuse without calling Omni.
  const failure: UserFacingFailure = { code: 'invalid', message: Object.values(formErrors).join(' '), retryable: false };
  await ack({ response_action: 'update', view: buildFailureView({ failure, form, draftId: '' }) });
}

export function registerViews(routes: Routes): void {
  routes.viewSubmission(CALLBACK_ID.routineModal, async ({ ack, body, view, client }, deps) => {
    const metadata = readModalMetadata(view.private_metadata);
    // A blank name is named from the prompt here already, so "Creating…", the draft and the result all show it.
    const form = completeForm(readRoutineForm(view.state.values as never, { timezone: deps.config.defaultTimezone }));
    const checked = checkRoutineForm(form, deps.config, deps.clock());
    const offered = checkDeliveryOffered(form, deps.instanceApi.current().destinations);
    // Opened from a sentence's card whose routine was created meanwhile (its Create pressed): one SQLite read.
    const closedCard = await findClosedCard(deps, metadata.sentenceCardId, body.user.id);
    if (!checked.ok || offered || closedCard) {
      await refuseInline(ack, view, form, { ...(checked.ok ? {} : checked.errors), ...offered, ...(closedCard ? { prompt: closedCard } : {}) });
      return;
    }
    await ack({ response_action: 'update', view: buildCreatingView(form, checked.schedule) });
    const teamId = body.team?.id ?? body.user.team_id;
    deps.inFlight.run('create routine', () =>
      finishSubmission(deps, client, {
        viewId: view.id,
        userId: body.user.id,
        ...(teamId ? { teamId } : {}),
        checked,
        ...(metadata.draftId ? { draftId: metadata.draftId } : {}),
        ...(metadata.sentenceCardId ? { sentenceCardId: metadata.sentenceCardId } : {}),
      }),
    );
  });
}
