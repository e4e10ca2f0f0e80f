/** `/routine`: help, list, new, and quick create from free text (always confirmed in the modal, never silent). */
import { type ScheduleTextScan, scanScheduleInText } from '../../schedule/index.js';
import { SLASH_COMMAND } from '../ids.js';
import { isChannelDestination } from '../mentions.js';
import { escapeForMrkdwn, slackMarkupToPlainText } from '../text.js';
import { buildHelpMessage, buildRoutineListMessage } from '../views/index.js';
import { buildTextMessage, buildUnknownCommandMessage } from '../views/replies.js';
import type { ListenerDeps } from './deps.js';
import type { Routes } from './routes.js';
import { openRoutineModal, resolveStartingTimezone } from './open-modal.js';


export const QUICK_CREATE_SCAN_MAX_CHARS = 500;

const NEW_WORDS = new Set(['', 'new', 'create', 'add']);
const HELP_WORDS = new Set(['help', '?', '-h', '--help']);
const LIST_WORDS = new Set(['list', 'ls', 'mine', 'show']);

/** Finds the schedule phrase in free text (quick create, message shortcut); a long text is all prompt, unscanned. */
export function scanQuickCreate(deps: ListenerDeps, text: string, timezone: string): ScheduleTextScan {
  // Finding a schedule in free text costs CPU in proportion to its length (about 0.2 ms a character), on the one
  // thread that answers everyone: a text longer than a quick-create phrase is taken as the prompt, unscanned.
  return text.length <= QUICK_CREATE_SCAN_MAX_CHARS
    ? scanScheduleInText(text, { timezone, now: deps.clock(), minIntervalMinutes: deps.config.minIntervalMinutes })
    : { found: 'none', prompt: text };
}

export function registerCommands(routes: Routes): void {
  routes.command(SLASH_COMMAND, async (args, deps) => {
    const { command, ack, client, respond } = args;
    // The manifest sets should_escape: mentions, channels and links arrive as Slack markup; the prompt gets words.
    const text = slackMarkupToPlainText(command.text).trim();
    const word = text.toLowerCase();
    // The conversation the command was typed in is offered as the channel destination only if it is a channel.
    const inChannel = isChannelDestination(command.channel_id, command.channel_name);
    const metadata = { ...(inChannel ? { originChannelId: command.channel_id } : {}), source: 'command' as const };

    if (HELP_WORDS.has(word)) {
      await ack({ response_type: 'ephemeral', ...buildHelpMessage() });
      return;
    }
    if (LIST_WORDS.has(word)) {
      await ack({ response_type: 'ephemeral', ...buildTextMessage(':hourglass_flowing_sand: Fetching your routines from Omni…') });
      const listed = await deps.service.listRoutines(command.user_id, command.team_id, { fresh: true, log: deps.logger });
      const message = listed.ok ? buildRoutineListMessage({ routines: listed.routines }) : buildTextMessage(`:warning: ${escapeForMrkdwn(listed.problem)}`);
      await respond({ response_type: 'ephemeral', replace_original: true, ...message });
      return;
    }
    await ack();
    if (NEW_WORDS.has(word)) {
      await openRoutineModal(deps, client, { triggerId: command.trigger_id, userId: command.user_id, metadata });
      return;
    }
    if (!/\s/.test(text)) {
      // One word we do not know: say so, and show what we do know.
      await respond({ response_type: 'ephemeral', ...buildUnknownCommandMessage(text) });
      return;
    }
    // Quick create. The zone is needed to read the schedule, but the trigger_id must be used within 3 s: the
    // directory's cache answers at once for anyone seen recently, and resolveUserTimezone never waits long.
    const timezone = await resolveStartingTimezone(deps, command.user_id);
    // A schedule the engine refuses still goes into the field, so the preview under it explains why and offers
    // an alternative; text with no schedule at all becomes the prompt. The name is left to be suggested from the
    // prompt (the form shows the suggestion under More options).
    const scan = scanQuickCreate(deps, text, timezone);
    const form = {
      prompt: scan.prompt,
      schedule: scan.found === 'none' ? '' : scan.scheduleText,
      timezone: scan.found === 'schedule' ? scan.schedule.timezone : timezone,
    };
    await openRoutineModal(deps, client, { triggerId: command.trigger_id, userId: command.user_id, form, metadata });
  });
}
