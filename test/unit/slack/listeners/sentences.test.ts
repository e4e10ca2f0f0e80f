import { describe, expect, it } from '@jest/globals';
import { readSentence, shouldAnswer } from '../../../../src/slack/listeners/sentences.js';

const BOT = 'UBOT0001';
const dm = { type: 'message', channel_type: 'im', channel: 'D0001', user: 'U0001', text: 'every monday at 9am x', ts: '1700000000.000100' };
const mention = { type: 'app_mention', channel: 'C0001', user: 'U0001', text: `<@${BOT}> every monday at 9am x`, ts: '1700000000.000200' };

describe('shouldAnswer', () => {
  it('answers a person’s new DM at the top level, and a mention anywhere in a channel', () => {
    expect(shouldAnswer(dm, BOT, 'dm')).toBe(true);
    expect(shouldAnswer({ ...dm, thread_ts: dm.ts }, BOT, 'dm')).toBe(true);
    expect(shouldAnswer(mention, BOT, 'mention')).toBe(true);
    expect(shouldAnswer({ ...mention, thread_ts: '1700000000.000001' }, BOT, 'mention')).toBe(true);
  });

  it('ignores the bot itself, other bots, edits, deletions, DM thread replies, mentions in DMs and malformed events', () => {
    expect(shouldAnswer({ ...dm, user: BOT }, BOT, 'dm')).toBe(false);
    expect(shouldAnswer({ ...dm, bot_id: 'B1' }, BOT, 'dm')).toBe(false);
    expect(shouldAnswer({ ...dm, subtype: 'message_changed' }, BOT, 'dm')).toBe(false);
    expect(shouldAnswer({ ...dm, subtype: 'message_deleted' }, BOT, 'dm')).toBe(false);
    expect(shouldAnswer({ ...mention, edited: { user: 'U0001', ts: '1' } }, BOT, 'mention')).toBe(false);
    expect(shouldAnswer({ ...dm, thread_ts: '1700000000.000001' }, BOT, 'dm')).toBe(false);
    expect(shouldAnswer({ ...dm, channel_type: 'channel', channel: 'C0001' }, BOT, 'dm')).toBe(false);
    expect(shouldAnswer({ ...mention, channel: 'D0001' }, BOT, 'mention')).toBe(false);
    expect(shouldAnswer({ ...dm, user: 'not a user' }, BOT, 'dm')).toBe(false);
    expect(shouldAnswer({ ...dm, ts: 'soon' }, BOT, 'dm')).toBe(false);
  });
});

describe('readSentence', () => {
  it('drops the bot’s mention and takes the first channel named (with its "to"/"in") out of the prompt', () => {
    expect(readSentence(`<@${BOT}> every monday at 8am send <#C0SALES|sales> last week's pipeline`, BOT)).toEqual({
      raw: "every monday at 8am send last week's pipeline",
      channelId: 'C0SALES',
    });
    expect(readSentence(`<@${BOT}|routines> post to <#G0PRIV> the numbers every day`, BOT)).toEqual({ raw: 'post the numbers every day', channelId: 'G0PRIV' });
  });

  it('keeps other people’s mentions and broadcasts for the prompt (they are escaped when shown), and never takes a DM as a channel', () => {
    expect(readSentence('every day at 9am tell <@U0002> and <!here>', BOT)).toEqual({ raw: 'every day at 9am tell <@U0002> and <!here>' });
    expect(readSentence('every day at 9am to <#D0001>', BOT).channelId).toBeUndefined();
  });
});
