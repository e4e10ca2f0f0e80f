/** The global shortcut opens the empty modal; the message shortcut opens it with the message as the prompt. */
import type { AllMiddlewareArgs, App, GlobalShortcut, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { SHORTCUT_ID } from '../ids.js';
import { suggestRoutineName } from '../read-form.js';
import { slackMessageToPlainText } from '../text.js';
import type { ListenerDeps } from './deps.js';
import { openRoutineModal } from './open-modal.js';

export function registerShortcuts(app: App, deps: ListenerDeps): void {
  app.shortcut<GlobalShortcut>(
    { callback_id: SHORTCUT_ID.newRoutine, type: 'shortcut' },
    async ({ shortcut, ack, client }: AllMiddlewareArgs & SlackShortcutMiddlewareArgs<GlobalShortcut>) => {
      await ack();
      await openRoutineModal(deps, client, { triggerId: shortcut.trigger_id, userId: shortcut.user.id, metadata: { source: 'global_shortcut' } });
    },
  );

  app.shortcut<MessageShortcut>(
    { callback_id: SHORTCUT_ID.fromMessage, type: 'message_action' },
    async ({ shortcut, ack, client }: AllMiddlewareArgs & SlackShortcutMiddlewareArgs<MessageShortcut>) => {
      await ack();
      const channelId = typeof shortcut.channel?.id === 'string' ? shortcut.channel.id : undefined;
      const prompt = slackMessageToPlainText(shortcut.message as Parameters<typeof slackMessageToPlainText>[0]);
      await openRoutineModal(deps, client, {
        triggerId: shortcut.trigger_id,
        userId: shortcut.user.id,
        form: { prompt, name: suggestRoutineName(prompt), delivery: 'channel', ...(channelId ? { channelId } : {}) },
        metadata: { source: 'message_shortcut', ...(channelId ? { originChannelId: channelId } : {}), messageTs: shortcut.message_ts },
      });
    },
  );
}
