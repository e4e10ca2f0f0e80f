/**
 * What the form preselects next time: the model, the zone and the kind of delivery of the user's last routine.
 * Best effort both ways: never fails a create, and an unreadable store means nothing is preselected.
 *
 * Every modal opened reads them, so they are kept in memory for a minute (and replaced when this process saves new
 * ones). On Postgres another replica may save a user's choices meanwhile: this replica then preselects the older
 * ones for at most that minute. They are only starting values the user sees and can change.
 */
import { createTtlCache } from '../cache.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { RememberedChoices } from './defaults.js';
import type { RoutineForm } from './form.js';
import type { RoutinesStorePort, SlackPeoplePort } from './ports.js';

/** How long a user's remembered choices are served from memory. */
export const CHOICES_MEMORY_MS = 60_000;

export function createChoices(deps: {
  store: Pick<RoutinesStorePort, 'getUserChoices' | 'saveUserChoices'>;
  people: SlackPeoplePort;
  logger: Logger;
  clock: Clock;
}) {
  const { store, people, logger } = deps;
  const recent = createTtlCache<string, RememberedChoices>({ max: 10_000, ttlMs: CHOICES_MEMORY_MS, clock: deps.clock });

  /** Remembers the choices of a routine just created; the zone only when it differs from the user's Slack zone, so a later move follows Slack. */
  async function rememberChoices(slackUserId: string, form: RoutineForm): Promise<void> {
    try {
      const slackZone = (await people.getUser(slackUserId).catch(() => null))?.tz;
      const saved = {
        modelId: form.modelId,
        ...(form.modelName ? { modelName: form.modelName } : {}),
        ...(form.timezone && form.timezone !== slackZone ? { timezone: form.timezone } : {}),
        delivery: form.delivery,
      };
      recent.delete(slackUserId);
      await store.saveUserChoices(slackUserId, saved);
      recent.set(slackUserId, remembered(saved));
    } catch (err) {
      logger.warn('could not remember the form choices', { err, slackUserId });
    }
  }

  /** What the user chose last time (empty when nothing is remembered or the store cannot answer). */
  async function getRememberedChoices(slackUserId: string): Promise<RememberedChoices> {
    const known = recent.get(slackUserId);
    if (known !== undefined) return known;
    try {
      const saved = await store.getUserChoices(slackUserId);
      const choices = saved ? remembered(saved) : {};
      recent.set(slackUserId, choices);
      return choices;
    } catch (err) {
      logger.warn('could not read the remembered choices', { err, slackUserId });
      return {};
    }
  }

  return { rememberChoices, getRememberedChoices };
}

function remembered(saved: { modelId?: string | null; modelName?: string | null; timezone?: string | null; delivery?: RememberedChoices['delivery'] | null }): RememberedChoices {
  return {
    ...(saved.modelId ? { modelId: saved.modelId } : {}),
    ...(saved.modelName ? { modelName: saved.modelName } : {}),
    ...(saved.timezone ? { timezone: saved.timezone } : {}),
    ...(saved.delivery ? { delivery: saved.delivery } : {}),
  };
}
