/** `/routine help`: what the bot does and every way in, briefly. */
import type { KnownBlock } from '@slack/types';
import { mrkdwn } from './format.js';
import { SCHEDULE_EXAMPLES } from './routine-modal.js';

export function buildHelpMessage(): { text: string; blocks: KnownBlock[] } {
  const schedules = SCHEDULE_EXAMPLES.map((example) => `\`${example}\``).join(' · ');
  return {
    text: 'Routines ask Omni a question on a schedule and send you the answer. Type /routine to create one.',
    // The first block says the same as `text`, so the words are seen whether Slack shows blocks or the text.
    blocks: [
      {
        type: 'section',
        block_id: 'help_intro',
        text: mrkdwn(
          'Routines ask Omni a question on a schedule and send you the answer. Type `/routine` to create one.\n' +
            'The answer can also go to a channel or by email. You create routines here; Omni runs them.',
        ),
      },
      {
        type: 'section',
        block_id: 'help_commands',
        text: mrkdwn(
          [
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
