/** The global shortcut opens the empty modal; the message shortcut opens it with the message as the prompt. */
import type { AllMiddlewareArgs, App, GlobalShortcut, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { SHORTCUT_ID } from '../ids.js';
import { isChannelDestination, resolveMentionNames } from '../mentions.js';
import { type SlackMessageLike, slackMessageToPlainText } from '../text.js';
import { type ListenerDeps, forRequest } from './deps.js';
import { scanQuickCreate } from './commands.js';
import { openRoutineModal, resolveStartingTimezone } from './open-modal.js';

/** How long naming the message's mentions may take: the trigger id dies 3 s after the press. */
const MENTION_LOOKUP_MS = 700;

export function registerShortcuts(app: App, baseDeps: ListenerDeps): void {
  app.shortcut<GlobalShortcut>(
    { callback_id: SHORTCUT_ID.newRoutine, type: 'shortcut' },
    async ({ shortcut, ack, client, context }: AllMiddlewareArgs & SlackShortcutMiddlewareArgs<GlobalShortcut>) => {
      const deps = forRequest(baseDeps, context);
      await ack();
      await openRoutineModal(deps, client, { triggerId: shortcut.trigger_id, userId: shortcut.user.id, metadata: { source: 'global_shortcut' } });
    },
  );

  app.shortcut<MessageShortcut>(
    { callback_id: SHORTCUT_ID.fromMessage, type: 'message_action' },
    async ({ shortcut, ack, client, context }: AllMiddlewareArgs & SlackShortcutMiddlewareArgs<MessageShortcut>) => {
      const deps = forRequest(baseDeps, context);
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
