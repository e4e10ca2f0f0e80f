/**
 * Creating a routine by just saying it: a direct message to the bot (`message.im`) or a mention of it in a channel
 * (`app_mention`). Events are acked by Bolt before this runs; the work (reading the sentence, the user's zone and
 * defaults, posting the card) runs after, as in-flight work a shutdown waits for. The answer is a card in the
 * message's thread; nothing is created until its author presses Create, which goes through the same service as
 * the form (checks, identity, recipient policy, idempotent create, draft kept on failure, audit).
 */
import { randomUUID } from 'node:crypto';
import type { AllMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { checkRoutineForm, previewSchedule } from '../../routines/check-form.js';
import { completeForm } from '../../routines/defaults.js';
import { checkDeliveryOffered } from '../../routines/instance-checks.js';
import type { RoutineForm, RoutineView } from '../../routines/types.js';
import { ACTION_ID } from '../ids.js';
import { resolveMentionNames } from '../mentions.js';
import { readSlackRefusal } from '../slack-errors.js';
import { slackMarkupToPlainText } from '../text.js';
import { buildCreatedMessage, buildTextMessage } from '../views/index.js';
import { buildFailureMessage } from '../views/failure-message.js';
import { buildSentenceCancelledCard, buildSentenceCard, buildSentenceCreatingCard, buildSentenceGuide } from '../views/sentence-card.js';
import { scanQuickCreate } from './commands.js';
import type { ListenerDeps } from './deps.js';
import type { ActionArgs, Routes } from './routes.js';
import { buildStartingForm, openRoutineModal, resolveStartingTimezone } from './open-modal.js';


/** The fields of `app_mention` and `message` events this reads (read defensively: they come from the request). */
export interface SentenceEvent {
  type?: string;
  subtype?: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  channel?: string;
  edited?: unknown;
}

const HELP_WORDS = new Set(['', 'help', '?', 'hi', 'hello', 'hey']);
const CHANNEL_ENTITY = /(?:\b(?:to|in|into|on)\s+)?<#([CG][A-Z0-9]{2,30})(?:\|[^>]*)?>/i;
const SLACK_TS = /^\d{1,12}\.\d{1,8}$/;

/**
 * Whether the bot answers this event: a person's new message (no subtype: edits, deletions, joins and bot posts
 * all carry one; no bot_id; not the bot itself). A DM is answered only at the top level (a reply in a thread is
 * conversation, not a request); a mention is answered wherever it was made, its thread included, because there
 * the bot was asked.
 */
export function shouldAnswer(event: SentenceEvent, botUserId: string, kind: 'dm' | 'mention'): boolean {
  if (event.subtype !== undefined || event.bot_id !== undefined || event.edited !== undefined) return false;
  if (typeof event.user !== 'string' || !/^[UW][A-Z0-9]{2,30}$/.test(event.user) || event.user === botUserId) return false;
  if (typeof event.channel !== 'string' || typeof event.ts !== 'string' || !SLACK_TS.test(event.ts)) return false;
  if (event.thread_ts !== undefined && (typeof event.thread_ts !== 'string' || !SLACK_TS.test(event.thread_ts))) return false;
  if (kind === 'dm') return event.channel_type === 'im' && (event.thread_ts === undefined || event.thread_ts === event.ts);
  // A mention inside a DM also arrives as message.im: that one answers it.
  return event.channel_type !== 'im' && !event.channel.startsWith('D');
}

/** The sentence without the bot's own mention, and the channel it names (the first one), taken out of the prompt. */
export function readSentence(text: string, botUserId: string): { raw: string; channelId?: string } {
  const withoutBot = text.replace(new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, 'g'), ' ');
  const channel = CHANNEL_ENTITY.exec(withoutBot);
  const raw = (channel ? withoutBot.replace(channel[0], ' ') : withoutBot).replace(/[ \t]+/g, ' ').trim();
  return { raw, ...(channel?.[1] ? { channelId: channel[1] } : {}) };
}

/** Whether the bot is in `channelId` (conversations.info; a mention from that very channel proves it already). */
async function botIsIn(client: WebClient, channelId: string, askedIn: string): Promise<boolean> {
  if (channelId === askedIn) return true;
  try {
    const info = await client.conversations.info({ channel: channelId });
    const channel = info.channel as { is_member?: boolean; is_im?: boolean; is_mpim?: boolean; is_archived?: boolean } | undefined;
    return channel?.is_member === true && channel.is_im !== true && channel.is_mpim !== true && channel.is_archived !== true;
  } catch {
    return false;
  }
}

/** The card for a form: the schedule read again now, and what would stop Create, by the form's own checks. */
function renderCard(deps: ListenerDeps, cardId: string, form: RoutineForm, note?: string) {
  const now = deps.clock();
  const preview = previewSchedule(form, deps.config, now);
  const checked = checkRoutineForm(completeForm(form), deps.config, now);
  const offered = checkDeliveryOffered(form, deps.instanceApi.current().destinations);
  const problems = { ...(checked.ok ? {} : checked.errors), ...offered };
  return buildSentenceCard({ cardId, form, preview, problems, ...(note ? { note } : {}) });
}

async function answerSentence(deps: ListenerDeps, client: WebClient, event: Required<Pick<SentenceEvent, 'user' | 'channel' | 'ts'>> & SentenceEvent): Promise<void> {
  const key = `${event.channel}:${event.ts}`;
  if (!(await deps.service.claimSentence(key))) {
    deps.logger.info('a sentence already answered arrived again (a Slack retry or a second event); ignored');
    return;
  }
  let answered = false;
  try {
    const threadTs = event.thread_ts ?? event.ts;
    const post = (message: { text: string; blocks: unknown[] }) =>
      client.chat.postMessage({ channel: event.channel, thread_ts: threadTs, text: message.text, blocks: message.blocks as never, unfurl_links: false, unfurl_media: false });
    const { raw, channelId } = readSentence(typeof event.text === 'string' ? event.text : '', deps.botUserId);
    const names = await resolveMentionNames(deps.people, { text: raw }, { waitMs: 1500 });
    const plain = slackMarkupToPlainText(raw, names).replace(/\s+/g, ' ').trim();
    if (HELP_WORDS.has(plain.toLowerCase().replace(/[!.]+$/, ''))) {
      await post(buildSentenceGuide('help'));
      answered = true;
      return;
    }
    const timezone = await resolveStartingTimezone(deps, event.user, 2500);
    const scan = scanQuickCreate(deps, plain, timezone);
    if (scan.found === 'none' || scan.prompt.trim() === '') {
      await post(buildSentenceGuide('unclear'));
      answered = true;
      return;
    }
    let note: string | undefined;
    let delivery: Pick<RoutineForm, 'delivery' | 'channelId'> = { delivery: 'dm' };
    if (channelId) {
      if (await botIsIn(client, channelId, event.channel)) delivery = { delivery: 'channel', channelId };
      else note = "I'm not in the channel you named, so results go to you by DM. Invite me there, or pick another channel in the form.";
    }
    const given: Partial<RoutineForm> = {
      prompt: scan.prompt,
      schedule: scan.scheduleText,
      timezone: scan.found === 'schedule' ? scan.schedule.timezone : timezone,
      ...delivery,
    };
    const form = await buildStartingForm(deps, event.user, given, { source: 'sentence' });
    const cardId = randomUUID();
    // Saved before it is posted, so no press can arrive for a card the store does not know.
    const card = { id: cardId, slackUserId: event.user, channelId: event.channel, threadTs, form, state: 'open' as const };
    await deps.service.saveSentenceCard(card);
    const posted = await post(renderCard(deps, cardId, form, note));
    answered = true;
    if (typeof posted.ts === 'string') await deps.service.saveSentenceCard({ ...card, messageTs: posted.ts });
  } catch (err) {
    // Slack refused the reply (a channel the bot left, a forged event): nothing to show anyone; a retry may answer.
    deps.logger.warn('could not answer a sentence', { error: readSlackRefusal(err) ?? String(err) });
  } finally {
    await deps.service.finishSentence(key, answered).catch((err: unknown) => deps.logger.warn('could not record the sentence as answered', { err }));
    // Not answered: Slack's retry of this event (same event_id) is let in, to answer it then.
    if (!answered) await deps.releaseEvent?.().catch((err: unknown) => deps.logger.warn('could not release the event for a retry', { err }));
  }
}

/**
 * A routine created in the form a card opened (Edit in form): the card is closed and shows the routine, so its
 * Create cannot make a second one. Only the card's author's form closes it.
 */
export async function closeCardCreatedInForm(deps: ListenerDeps, client: WebClient, input: { cardId: string; userId: string; routine: RoutineView }): Promise<void> {
  const card = await deps.service.getSentenceCard(input.cardId);
  if (!card || card.slackUserId !== input.userId) return;
  await deps.service.saveSentenceCard({ ...card, state: 'created' });
  if (!card.messageTs) return;
  const message = buildCreatedMessage(input.routine);
  await client.chat
    .update({ channel: card.channelId, ts: card.messageTs, text: message.text, blocks: message.blocks as never })
    .catch((err: unknown) => deps.logger.warn('could not update the routine card', { err }));
}

/** Why the form a card opened may not create: the card's routine was created (or the card cancelled) meanwhile. */
export async function findClosedCard(deps: ListenerDeps, cardId: string | undefined, userId: string): Promise<string | null> {
  if (!cardId) return null;
  const card = await deps.service.getSentenceCard(cardId).catch(() => null);
  if (!card || card.slackUserId !== userId || card.state === 'open') return null;
  return card.state === 'created'
    ? 'This routine was already created from its card in the conversation, so this form would make a second one. Close it.'
    : null;
}

/** Only the author's presses count: anyone else is told so, privately. */
async function refuseOthers(deps: ListenerDeps, args: ActionArgs, channelId: string, threadTs: string): Promise<void> {
  await args.client.chat
    .postEphemeral({
      channel: channelId,
      user: args.body.user.id,
      thread_ts: threadTs,
      ...buildTextMessage("Only the person who asked for this routine can press its buttons. Mention me with your own sentence to make one."),
    })
    .catch((err: unknown) => deps.logger.warn('could not tell a user the card is not theirs', { err }));
}

type CardHandler = (deps: ListenerDeps, args: ActionArgs, card: NonNullable<Awaited<ReturnType<ListenerDeps['service']['getSentenceCard']>>>, messageTs: string) => Promise<void>;

function onCardButton(routes: Routes, actionId: string, handle: CardHandler): void {
  routes.action(actionId, async (args, deps) => {
    await args.ack();
    const cardId = (args.action as { value?: string }).value ?? '';
    const container = args.body.container as { message_ts?: string; channel_id?: string } | undefined;
    const messageTs = container?.message_ts ?? '';
    const card = /^[0-9a-f-]{36}$/.test(cardId) ? await deps.service.getSentenceCard(cardId) : null;
    if (!card || container?.channel_id !== card.channelId) {
      deps.inFlight.run('answer a stale card', async () => {
        if (container?.channel_id) {
          await args.client.chat
            .postEphemeral({ channel: container.channel_id, user: args.body.user.id, ...buildTextMessage('That routine card is no longer available. Send me the sentence again.') })
            .catch(() => {});
        }
      });
      return;
    }
    if (args.body.user.id !== card.slackUserId) {
      deps.inFlight.run('refuse a press on another person’s card', () => refuseOthers(deps, args, card.channelId, card.threadTs));
      return;
    }
    if (card.state !== 'open') {
      const words = card.state === 'created' ? 'This routine was already created.' : 'This card was cancelled.';
      deps.inFlight.run('answer a closed card', () =>
        args.client.chat.postEphemeral({ channel: card.channelId, user: card.slackUserId, thread_ts: card.threadTs, ...buildTextMessage(words) }).catch(() => {}),
      );
      return;
    }
    await handle(deps, args, card, messageTs);
  });
}

export function registerSentences(routes: Routes): void {
  const listen = (kind: 'dm' | 'mention') => async ({ event, client, context }: AllMiddlewareArgs & { event: unknown }, deps: ListenerDeps) => {
    const e = event as SentenceEvent;
    if (!shouldAnswer(e, deps.botUserId, kind)) return;
    if (context.retryNum) deps.logger.info('Slack retried an event', { retryNum: context.retryNum, reason: context.retryReason });
    const ready = e as Required<Pick<SentenceEvent, 'user' | 'channel' | 'ts'>> & SentenceEvent;
    deps.inFlight.run(kind === 'dm' ? 'answer a direct message' : 'answer a mention', () => answerSentence(deps, client, ready));
  };
  routes.event('app_mention', listen('mention'));
  routes.event('message', listen('dm'));

  onCardButton(routes, ACTION_ID.sentenceCreate, async (deps, args, card, messageTs) => {
    const { client, body } = args;
    const teamId = body.team?.id ?? body.user.team_id;
    deps.inFlight.run('create routine from a sentence', async () => {
      const form = completeForm(card.form);
      const update = (message: { text: string; blocks: unknown[] }) =>
        client.chat.update({ channel: card.channelId, ts: messageTs, text: message.text, blocks: message.blocks as never }).catch((err: unknown) => deps.logger.warn('could not update the routine card', { err }));
      await update(buildSentenceCreatingCard(form));
      // The card showed what would stop Create when it was drawn; the form is checked here, once, as it is now.
      const checked = checkRoutineForm(form, deps.config, deps.clock());
      if (!checked.ok) {
        await update(renderCard(deps, card.id, card.form));
        return;
      }
      const outcome = await deps.service.submitRoutine({
        log: deps.logger,
        slackUserId: card.slackUserId,
        ...(teamId ? { teamId } : {}),
        checked,
        idempotencyKey: `sentence-card:${card.id}`,
      });
      if (outcome.kind === 'duplicate') return;
      if (outcome.kind === 'created') {
        await deps.service.saveSentenceCard({ ...card, messageTs, state: 'created' });
        await update(buildCreatedMessage(outcome.routine));
        return;
      }
      await update(buildFailureMessage({ failure: outcome.failure, form, draftId: outcome.draftId }));
    });
  });

  onCardButton(routes, ACTION_ID.sentenceEdit, async (deps, args, card) => {
    await openRoutineModal(deps, args.client, {
      triggerId: args.body.trigger_id,
      userId: card.slackUserId,
      form: card.form,
      // The form knows its card: a routine created there closes the card, and the card's Create then refuses.
      metadata: { source: 'sentence', sentenceCardId: card.id, ...(card.form.channelId ? { originChannelId: card.form.channelId } : {}) },
    });
  });

  onCardButton(routes, ACTION_ID.sentenceUseAlternative, async (deps, args, card, messageTs) => {
    deps.inFlight.run('use the alternative schedule', async () => {
      const preview = previewSchedule(card.form, deps.config, deps.clock());
      const alternative = preview && !preview.ok ? preview.error.alternative.trim() : '';
      if (!alternative) return;
      const form = { ...card.form, schedule: alternative };
      await deps.service.saveSentenceCard({ ...card, form });
      const message = renderCard(deps, card.id, form);
      await args.client.chat.update({ channel: card.channelId, ts: messageTs, text: message.text, blocks: message.blocks as never });
    });
  });

  onCardButton(routes, ACTION_ID.sentenceCancel, async (deps, args, card, messageTs) => {
    deps.inFlight.run('cancel a routine card', async () => {
      await deps.service.saveSentenceCard({ ...card, state: 'cancelled' });
      const message = buildSentenceCancelledCard();
      await args.client.chat.update({ channel: card.channelId, ts: messageTs, text: message.text, blocks: message.blocks as never });
    });
  });
}
