/**
 * A sentence (a message to the bot) and the card answering it: the sentence is answered once, and the card is kept
 * in the store between the reply and a press, across restarts. The card's form is read back through the form's schema.
 */
import type { SentenceCardState } from '../store/index.js';
import { type RoutineForm, readStoredForm } from './form.js';
import type { RoutinesStorePort } from './ports.js';

/** The card answering a sentence, as the Slack layer keeps it between the reply and a press. */
export interface SentenceCardView {
  id: string;
  slackUserId: string;
  channelId: string;
  threadTs: string;
  messageTs?: string;
  form: RoutineForm;
  state: SentenceCardState;
}

export function createSentenceCards(deps: {
  store: Pick<RoutinesStorePort, 'beginIdempotent' | 'completeIdempotent' | 'abandonIdempotent' | 'saveSentenceCard' | 'getSentenceCard'>;
  idempotencyTtlMs: number;
}) {
  const { store } = deps;

  /**
   * Slack retries an event it thinks went unanswered, and the same message may arrive as two events. True for the
   * first claim of `messageKey`; the claim is kept for the store's idempotency retention once the card is out, and
   * released if the answer failed (so a retry can answer).
   */
  async function claimSentence(messageKey: string): Promise<boolean> {
    return (await store.beginIdempotent(`sentence:${messageKey}`, { ttlMs: deps.idempotencyTtlMs })).state === 'new';
  }

  async function finishSentence(messageKey: string, answered: boolean): Promise<void> {
    if (answered) await store.completeIdempotent(`sentence:${messageKey}`, { answered: true });
    else await store.abandonIdempotent(`sentence:${messageKey}`);
  }

  async function saveSentenceCard(card: SentenceCardView): Promise<void> {
    await store.saveSentenceCard(card);
  }

  async function getSentenceCard(id: string): Promise<SentenceCardView | null> {
    const card = await store.getSentenceCard(id);
    if (!card) return null;
    return {
      id: card.id,
      slackUserId: card.slackUserId,
      channelId: card.channelId,
      threadTs: card.threadTs,
      ...(card.messageTs ? { messageTs: card.messageTs } : {}),
      form: readStoredForm(card.form),
      state: card.state,
    };
  }

  return { claimSentence, finishSentence, saveSentenceCard, getSentenceCard };
}
