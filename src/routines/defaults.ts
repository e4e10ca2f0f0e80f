/**
 * What the routine form starts with when the user has not said: which model, which zone, where the answer goes.
 * Pure: callers pass what they know (the user's remembered choices, the shared models, the configured default).
 */
import { IANAZone } from 'luxon';
import type { DeliveryKind, RoutineForm } from './types.js';

export interface ModelChoice {
  id: string;
  name: string | null;
}

/** What the bot remembers of a user's last routine (store: user_choices). */
export interface RememberedChoices {
  modelId?: string;
  modelName?: string;
  /** A zone the user picked that differs from their Slack profile's; absent when they kept their own. */
  timezone?: string;
  delivery?: DeliveryKind;
}

/** The shared model whose id is `wanted`, else the one whose name is `wanted` (case-insensitive, exactly one). */
export function matchModel(models: readonly ModelChoice[], wanted: string): ModelChoice | undefined {
  const w = wanted.trim();
  if (!w) return undefined;
  const byId = models.find((m) => m.id === w);
  if (byId) return byId;
  const byName = models.filter((m) => (m.name ?? '').trim().toLowerCase() === w.toLowerCase());
  return byName.length === 1 ? byName[0] : undefined;
}

/**
 * The model to preselect: the user's last-used one (if it is still shared), else the only shared model, else the
 * configured default (id or name). Undefined when none applies: the user picks.
 */
export function chooseDefaultModel(input: {
  remembered?: Pick<RememberedChoices, 'modelId' | 'modelName'>;
  models: readonly ModelChoice[] | undefined;
  configured?: string;
}): ModelChoice | undefined {
  const { remembered, models, configured } = input;
  if (remembered?.modelId) {
    if (!models) return { id: remembered.modelId, name: remembered.modelName ?? null };
    const still = models.find((m) => m.id === remembered.modelId);
    if (still) return still;
  }
  if (!models) return undefined;
  if (models.length === 1) return models[0];
  return configured ? matchModel(models, configured) : undefined;
}

/** The zone to preselect: a remembered override, else the user's Slack zone, else the configured default. */
export function chooseDefaultTimezone(remembered: string | undefined, slackZone: string | undefined, fallback: string): string {
  if (remembered && IANAZone.isValidZone(remembered)) return remembered;
  if (slackZone && IANAZone.isValidZone(slackZone)) return slackZone;
  return fallback;
}

/** A name for a routine the user did not name (Omni requires one; for email it is the subject): the prompt's first words. */
export function suggestRoutineName(prompt: string): string {
  const words = prompt.replace(/\s+/g, ' ').trim().split(' ').slice(0, 8).join(' ');
  if (!words) return '';
  const name = words.length > 60 ? `${words.slice(0, 59)}…` : words;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The form as the bot submits it: a blank name becomes the one suggested from the prompt (Omni requires a name). */
export function completeForm(form: RoutineForm): RoutineForm {
  return form.name.trim() ? form : { ...form, name: suggestRoutineName(form.prompt) };
}
