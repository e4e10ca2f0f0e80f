/** The global shortcut opens the empty modal; the message shortcut opens it with the message as the prompt. */
import { SHORTCUT_ID } from '../ids.js';
import { isChannelDestination, resolveMentionNames } from '../mentions.js';
import { type SlackMessageLike, slackMessageToPlainText } from '../text.js';
import type { Routes } from './routes.js';
import { scanQuickCreate } from './commands.js';
import { openRoutineModal, resolveStartingTimezone } from './open-modal.js';

/** How long naming the message's mentions may take: the trigger id dies 3 s after the press. */
const MENTION_LOOKUP_MS = 700;

export function registerShortcuts(routes: Routes): void {
  routes.globalShortcut(
    SHORTCUT_ID.newRoutine,
    async ({ shortcut, ack, client }, deps) => {
      await ack();
      await openRoutineModal(deps, client, { triggerId: shortcut.trigger_id, userId: shortcut.user.id, metadata: { source: 'global_shortcut' } });
    },
  );

  routes.messageShortcut(
    SHORTCUT_ID.fromMessage,
    async ({ shortcut, ack, client }, deps) => {
      await ack();
      const channel = shortcut.channel && typeof shortcut.channel.id === 'string' ? { id: shortcut.channel.id, name: shortcut.channel.name } : undefined;
      const message = (shortcut.message ?? {}) as SlackMessageLike;
      const [resolve, timezone] = await Promise.all([
        resolveMentionNames(deps.people, message, { waitMs: MENTION_LOOKUP_MS, ...(channel ? { channel } : {}) }),
        resolveStartingTimezone(deps, shortcut.user.id, MENTION_LOOKUP_MS),
      ]);
      const text = slackMessageToPlainText(message, resolve);
      // A schedule in the message ("every Monday at 9 post the churn…") is found as in quick create.
      const scan = scanQuickCreate(deps, text, timezone);
      // The message's channel is the destination shown as chosen, unless it is a DM or group DM (then a DM to the user).
      const inChannel = channel !== undefined && isChannelDestination(channel.id, channel.name);
      await openRoutineModal(deps, client, {
        triggerId: shortcut.trigger_id,
        userId: shortcut.user.id,
        form: {
          prompt: scan.prompt,
          ...(scan.found === 'none' ? {} : { schedule: scan.scheduleText }),
          timezone: scan.found === 'schedule' ? scan.schedule.timezone : timezone,
          ...(inChannel ? { delivery: 'channel' as const, channelId: channel.id } : {}),
        },
        metadata: { source: 'message_shortcut', ...(inChannel ? { originChannelId: channel.id } : {}), messageTs: shortcut.message_ts },
      });
    },
  );
}
