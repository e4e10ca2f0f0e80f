/**
 * Opening the routine modal: the one path shared by the command, both shortcuts, Home and "Try again". The view is
 * built from what we have in memory (no Omni call), so views.open happens well inside the trigger_id's 3 seconds.
 */
import type { WebClient } from '@slack/web-api';
import { previewSchedule } from '../../routines/check-form.js';
import type { RoutineForm } from '../../routines/types.js';
import { EMPTY_FORM } from '../../routines/types.js';
import { type ModalMetadata, buildRoutineModal } from '../views/index.js';
import type { ListenerDeps } from './deps.js';

/** The user's Slack time zone if we can learn it quickly; the users.info answer is cached by the directory. */
export async function resolveUserTimezone(deps: ListenerDeps, userId: string, waitMs = 800): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), waitMs);
  });
  try {
    const user = await Promise.race([deps.people.getUser(userId).catch(() => null), timeout]);
    return user?.tz || deps.config.defaultTimezone;
  } finally {
    clearTimeout(timer);
  }
}

export function buildFilledModal(
  deps: ListenerDeps,
  form: RoutineForm,
  metadata: ModalMetadata,
  options: { userTimezone?: string; lastFailure?: string } = {},
) {
  const now = deps.clock();
  const filled: RoutineForm = { ...form, timezone: form.timezone || options.userTimezone || deps.config.defaultTimezone };
  const preview = previewSchedule(filled, deps.config, now);
  return buildRoutineModal({ form: filled, preview, metadata, now, ...options });
}

export async function openRoutineModal(
  deps: ListenerDeps,
  client: WebClient,
  input: { triggerId: string; userId: string; form?: Partial<RoutineForm>; metadata: ModalMetadata; lastFailure?: string },
): Promise<void> {
  const tz = await resolveUserTimezone(deps, input.userId);
  const form: RoutineForm = { ...EMPTY_FORM, ...input.form };
  if (!form.channelId && input.metadata.originChannelId) form.channelId = input.metadata.originChannelId;
  await client.views.open({ trigger_id: input.triggerId, view: buildFilledModal(deps, form, input.metadata, { userTimezone: tz, ...(input.lastFailure ? { lastFailure: input.lastFailure } : {}) }) });
}
