/** `/routine help`: what the bot does and every way in, briefly. */
import type { KnownBlock } from '@slack/types';
import { mrkdwn } from './format.js';
import { SCHEDULE_EXAMPLES } from './routine-modal.js';
import { SENTENCE_EXAMPLES } from './sentence-card.js';

const INTRO = 'Routines ask Omni a question on a schedule and send you the answer. Just say it: write to me, or mention me in a channel.';

export function buildHelpMessage(): { text: string; blocks: KnownBlock[] } {
  const schedules = SCHEDULE_EXAMPLES.map((example) => `\`${example}\``).join(' · ');
  return {
    text: INTRO,
    // The first block says the same as `text`, so the words are seen whether Slack shows blocks or the text.
    blocks: [
      {
        type: 'section',
        block_id: 'help_intro',
        text: mrkdwn(
          `${INTRO}\n` +
            `> ${SENTENCE_EXAMPLES[0]}\n` +
            'I answer in the thread with the routine and a *Create* button. The answer can also go by email. You create routines here; Omni runs them.',
        ),
      },
      {
        type: 'section',
        block_id: 'help_commands',
        text: mrkdwn(
          [
            '• A DM to me or a mention: the routine from your sentence, ready to create',
            '• `/routine` or `/routine new`: open the form',
            "• `/routine every weekday at 9am summarise yesterday's pipeline`: the form, filled in",
            '• `/routine list`: your routines, with Run now (or Resume) and a ⋯ menu: Edit, Pause, Open in Omni, Delete',
            '• Message menu *⋯ → Create routine from message*: the message becomes the question',
            '• Shortcuts menu (⚡) *New Omni routine*, or this app\'s *Home* tab',
          ].join('\n'),
        ),
      },
      {
        type: 'context',
        block_id: 'help_schedules',
        elements: [
          mrkdwn(
            `Schedules that work: ${schedules}. Not possible: every other week, every 3 days, or a single date ` +
              '(Omni repeats on a calendar pattern, at most once an hour).',
          ),
        ],
      },
    ],
  };
}
