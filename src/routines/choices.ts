/**
 * What the form preselects next time: the model, the zone and the kind of delivery of the user's last routine.
 * Best effort both ways: never fails a create, and an unreadable store means nothing is preselected.
 */
import type { Logger } from '../log.js';
import type { RememberedChoices } from './defaults.js';
import type { RoutineForm } from './form.js';
import type { RoutinesStorePort, SlackPeoplePort } from './ports.js';

export function createChoices(deps: { store: Pick<RoutinesStorePort, 'getUserChoices' | 'saveUserChoices'>; people: SlackPeoplePort; logger: Logger }) {
  const { store, people, logger } = deps;

  /** Remembers the choices of a routine just created; the zone only when it differs from the user's Slack zone, so a later move follows Slack. */
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

  return { rememberChoices, getRememberedChoices };
}
