import { describe, expect, it } from '@jest/globals';
import { collectMentionedUsers, isChannelDestination, resolveMentionNames } from '../../../src/slack/mentions.js';
import { slackMessageToPlainText } from '../../../src/slack/text.js';

const directory = (names: Record<string, string>, slow: string[] = []) => ({
  getUser: (id: string) =>
    slow.includes(id)
      ? new Promise<null>(() => {}) // never answers
      : Promise.resolve(names[id] ? { realName: names[id] } : null),
});

describe('collectMentionedUsers', () => {
  it('finds user ids in text and in rich_text blocks, once each', () => {
    const message = {
      text: 'hey <@U0AAA> and <@W0BBB|bee>, and <@U0AAA> again; not <#C0CCC>',
      blocks: [{ type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'user', user_id: 'U0DDD' }] }] }],
    };
    expect(collectMentionedUsers(message).sort()).toEqual(['U0AAA', 'U0DDD', 'W0BBB']);
  });
});

describe('resolveMentionNames', () => {
  it('names people and the message’s own channel, and never leaves a raw id', async () => {
    const message = { text: '<@U0AAA> can you post churn in <#C0SALES> and <#C0OTHER>? cc <@U0SLOW> <@U0NOBODY>' };
    const resolve = await resolveMentionNames(directory({ U0AAA: 'Ann Lee' }, ['U0SLOW']), message, { waitMs: 50, channel: { id: 'C0SALES', name: 'sales' } });
    const text = slackMessageToPlainText(message, resolve);
    expect(text).toBe('@Ann Lee can you post churn in #sales and #channel? cc @someone @someone');
    expect(text).not.toMatch(/U0|C0/);
  });

  it('does not name a DM after its channel name', async () => {
    const resolve = await resolveMentionNames(directory({}), { text: '' }, { waitMs: 10, channel: { id: 'D0001', name: 'directmessage' } });
    expect(resolve.channelName?.('D0001')).toBe('channel');
  });
});

describe('isChannelDestination', () => {
  it('accepts channels, never a DM or a group DM', () => {
    expect(isChannelDestination('C0SALES', 'sales')).toBe(true);
    expect(isChannelDestination('G0PRIV', 'privategroup')).toBe(true);
    expect(isChannelDestination('D0001', 'directmessage')).toBe(false);
    expect(isChannelDestination('D0001')).toBe(false);
    expect(isChannelDestination('G0TEAM', 'mpdm-alice--bob-1')).toBe(false);
    expect(isChannelDestination('C0X', 'directmessage')).toBe(false);
    expect(isChannelDestination('not an id')).toBe(false);
  });
});
