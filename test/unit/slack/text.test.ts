import { describe, expect, it } from '@jest/globals';
import {
  buildUserMrkdwn,
  escapeForMrkdwn,
  slackMarkupToPlainText,
  slackMessageToPlainText,
  truncateForSlack,
  unescapeSlackText,
} from '../../../src/slack/text.js';
import { FORM_MAX_LENGTH } from '../../../src/routines/form.js';

const WJ = '\u2060';

describe('escapeForMrkdwn', () => {
  it('turns every mention, broadcast and link markup into inert text', () => {
    expect(escapeForMrkdwn('<!channel> <!here> <@U123> <#C1> <https://evil.example|click>')).toBe(
      '&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;#C1&gt; &lt;https://evil.example|click&gt;',
    );
  });

  it('escapes & first so existing escapes are shown as typed', () => {
    expect(escapeForMrkdwn('a &amp; b & c &lt;')).toBe('a &amp;amp; b &amp; c &amp;lt;');
  });

  it('defuses bare broadcast words with an invisible joiner and leaves other @words alone', () => {
    expect(escapeForMrkdwn('ping @here and @Channel, @everyone; @alice @heretic')).toBe(
      `ping @${WJ}here and @${WJ}Channel, @${WJ}everyone; @alice @heretic`,
    );
  });

  it('keeps Unicode, emoji and formatting characters', () => {
    expect(escapeForMrkdwn('Ünïcødé 日本語 🎉 *bold* _it_')).toBe('Ünïcødé 日本語 🎉 *bold* _it_');
  });

  it('round-trips through unescapeSlackText except for the broadcast joiner', () => {
    const typed = 'if a < b && c > d then <@U1> & <!channel>';
    expect(unescapeSlackText(escapeForMrkdwn(typed))).toBe(typed);
  });

  it('buildUserMrkdwn marks the object verbatim so Slack adds no links', () => {
    expect(buildUserMrkdwn('<!here>')).toEqual({ type: 'mrkdwn', text: '&lt;!here&gt;', verbatim: true });
  });
});

describe('truncateForSlack', () => {
  it('returns short text unchanged', () => {
    expect(truncateForSlack('hello', 5)).toBe('hello');
  });

  it('ends a cut text with an ellipsis within the limit', () => {
    const out = truncateForSlack('abcdefghij', 6);
    expect(out).toBe('abcde…');
    expect(out.length).toBeLessThanOrEqual(6);
  });

  it('never splits a surrogate pair', () => {
    const text = 'ab😀😀😀';
    for (let max = 1; max < text.length; max++) {
      const out = truncateForSlack(text, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      expect(out).not.toMatch(/(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it('never cuts inside an &amp; escape', () => {
    const text = 'Tom &amp; Jerry forever';
    for (let max = 5; max < 12; max++) {
      expect(truncateForSlack(text, max)).toMatch(/^Tom( &amp;)?…$|^Tom &amp; J?e?…$/);
    }
    expect(truncateForSlack(text, 8)).toBe('Tom…');
  });

  it('never cuts inside a <…> entity', () => {
    const text = 'hi <@U123|alice> and <https://example.com/a/b|the link> end';
    for (let max = 4; max < text.length; max++) {
      const out = truncateForSlack(text, max);
      expect(out.length).toBeLessThanOrEqual(max);
      const opens = (out.match(/</g) ?? []).length;
      const closes = (out.match(/>/g) ?? []).length;
      expect(opens).toBe(closes);
    }
  });

  it('does not treat a plain "<" comparison as an entity', () => {
    expect(truncateForSlack('x < y and more and more', 12)).toBe('x < y and m…');
  });

  it('rejects a negative limit', () => {
    expect(() => truncateForSlack('x', -1)).toThrow(RangeError);
  });
});

describe('slackMarkupToPlainText', () => {
  const resolve = {
    userName: (id: string) => ({ U777: 'bob' })[id],
    channelName: (id: string) => ({ C777: 'random' })[id],
  };

  it.each([
    ['<@U123>', '@U123'],
    ['<@U123|alice>', '@alice'],
    ['<@U777>', '@bob'],
    ['<#C123|general>', '#general'],
    ['<#C777>', '#random'],
    ['<#C123|>', '#C123'],
    ['<!here>', '@here'],
    ['<!channel>', '@channel'],
    ['<!everyone>', '@everyone'],
    ['<!here|here>', '@here'],
    ['<!subteam^S1|@eng>', '@eng'],
    ['<!subteam^S1>', '@S1'],
    ['<!date^1392734382^{date_short}|Feb 18, 2014>', 'Feb 18, 2014'],
    ['<!date^1392734382^{date_short}>', '2014-02-18'],
    ['<https://x.com|label>', 'label (https://x.com)'],
    ['<https://x.com>', 'https://x.com'],
    ['<https://x.com|x.com>', 'https://x.com'],
    ['<mailto:a@b.c|a@b.c>', 'a@b.c'],
    ['<mailto:a@b.c|write to me>', 'write to me (a@b.c)'],
    ['<https://x.com/?a=1&amp;b=2|q&amp;a>', 'q&a (https://x.com/?a=1&b=2)'],
  ])('%s → %s', (input, expected) => {
    expect(slackMarkupToPlainText(input, resolve)).toBe(expected);
  });

  it('undoes &amp; &lt; &gt; once, so typed escapes survive as text', () => {
    expect(slackMarkupToPlainText('a &lt;b&gt; &amp; &amp;lt;c&amp;gt;')).toBe('a <b> & &lt;c&gt;');
  });

  it('never turns escaped angle brackets into markup', () => {
    expect(slackMarkupToPlainText('&lt;!channel&gt; &lt;@U1&gt;')).toBe('<!channel> <@U1>');
  });

  it('removes emphasis markers that are formatting', () => {
    expect(slackMarkupToPlainText('*bold* and _italic_ and ~gone~, (*x*)')).toBe('bold and italic and gone, (x)');
  });

  it('keeps snake_case, arithmetic and lone markers', () => {
    expect(slackMarkupToPlainText('use my_var_name and __init__ and 2*3*4 = 24 or a * b * c; ~5 km')).toBe(
      'use my_var_name and __init__ and 2*3*4 = 24 or a * b * c; ~5 km',
    );
  });

  it('unwraps inline code without touching its content', () => {
    expect(slackMarkupToPlainText('run `npm *test* --x_y_z` now')).toBe('run npm *test* --x_y_z now');
  });

  it('keeps ``` code blocks with their fences and content as typed', () => {
    expect(slackMarkupToPlainText('see:\n```const a = *b* &amp;&amp; _c_;\nif (x &lt; 1) {}```')).toBe(
      'see:\n```const a = *b* && _c_;\nif (x < 1) {}```',
    );
  });

  it('formats mentions inside emphasis', () => {
    expect(slackMarkupToPlainText('*hello <@U123|alice>*')).toBe('hello @alice');
  });

  it('keeps quotes as "> " lines and expands >>> to every following line', () => {
    expect(slackMarkupToPlainText('&gt; quoted\nnot')).toBe('> quoted\nnot');
    expect(slackMarkupToPlainText('intro\n&gt;&gt;&gt; one\ntwo')).toBe('intro\n> one\n> two');
  });

  it('keeps bullets, numbers and Unicode', () => {
    expect(slackMarkupToPlainText('• first\n• second 日本 🎉\n1. one')).toBe('• first\n• second 日本 🎉\n1. one');
  });

  it('drops NUL characters used internally as markers', () => {
    expect(slackMarkupToPlainText('a\u00000\u0000b <@U1|x>')).toBe('a0b @x');
  });
});

describe('slackMessageToPlainText', () => {
  it('reads the mrkdwn text when there are no blocks', () => {
    expect(slackMessageToPlainText({ text: 'Summarise *churn* for <#C1|sales> &amp; ping <@U2|bob>' })).toBe(
      'Summarise churn for #sales & ping @bob',
    );
  });

  it('reads a rich_text block with sections, lists, quotes, code and every inline element', () => {
    const message = {
      text: 'fallback only',
      blocks: [
        {
          type: 'rich_text',
          block_id: 'x',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: 'Hi ', style: { bold: true } },
                { type: 'user', user_id: 'U1' },
                { type: 'text', text: ' and ' },
                { type: 'usergroup', usergroup_id: 'S9' },
                { type: 'text', text: ' in ' },
                { type: 'channel', channel_id: 'C1' },
                { type: 'text', text: ' ' },
                { type: 'broadcast', range: 'here' },
                { type: 'text', text: ' ' },
                { type: 'emoji', name: 'tada', unicode: '1f389' },
                { type: 'emoji', name: 'custom-parrot' },
                { type: 'text', text: ' see ' },
                { type: 'link', url: 'https://x.com', text: 'docs' },
                { type: 'text', text: ' and ' },
                { type: 'link', url: 'https://y.com' },
                { type: 'text', text: ' by ' },
                { type: 'date', timestamp: 1392734382, format: '{date_short}', fallback: 'Feb 18, 2014' },
                { type: 'text', text: ':\n' },
              ],
            },
            {
              type: 'rich_text_list',
              style: 'bullet',
              indent: 0,
              elements: [
                { type: 'rich_text_section', elements: [{ type: 'text', text: 'apples' }] },
                { type: 'rich_text_section', elements: [{ type: 'text', text: 'pears' }] },
              ],
            },
            {
              type: 'rich_text_list',
              style: 'ordered',
              indent: 1,
              offset: 2,
              elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'third' }] }],
            },
            { type: 'rich_text_quote', elements: [{ type: 'text', text: 'wise\nwords' }] },
            { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'a *b* <c>' }] },
            { type: 'rich_text_section', elements: [{ type: 'text', text: 'Thanks!' }] },
          ],
        },
      ],
    };
    const resolve = { userName: (id: string) => (id === 'U1' ? 'alice' : undefined), userGroupName: () => 'eng' };
    expect(slackMessageToPlainText(message, resolve)).toBe(
      [
        'Hi @alice and @eng in #C1 @here 🎉:custom-parrot: see docs (https://x.com) and https://y.com by Feb 18, 2014:',
        '• apples',
        '• pears',
        '  3. third',
        '> wise',
        '> words',
        '```',
        'a *b* <c>',
        '```',
        'Thanks!',
      ].join('\n'),
    );
  });

  it('reads section, header and context blocks of a bot message, ignoring buttons', () => {
    const message = {
      text: 'New report',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Weekly *report*' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*Revenue* up &gt; 5%' }, fields: [{ type: 'mrkdwn', text: '_EMEA_' }] },
        { type: 'divider' },
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open' } }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'by <@U5|ops>' }, { type: 'image', image_url: 'x', alt_text: 'y' }] },
      ],
    };
    expect(slackMessageToPlainText(message)).toBe('Weekly *report*\nRevenue up > 5%\nEMEA\nby @ops');
  });

  it('falls back to text when the blocks say nothing', () => {
    expect(slackMessageToPlainText({ text: 'just text', blocks: [{ type: 'divider' }] })).toBe('just text');
  });

  it('reads legacy attachments: pretext, title with link, text, fields; fallback only when nothing else', () => {
    const message = {
      text: '',
      attachments: [
        {
          fallback: 'unused',
          pretext: 'Alert',
          title: 'CPU high',
          title_link: 'https://grafana.example/d/1',
          text: 'Host *db-1* at 95%',
          fields: [
            { title: 'Env', value: 'prod', short: true },
            { title: 'Region', value: 'eu', short: true },
          ],
        },
        { fallback: 'Only a fallback &amp; nothing else' },
      ],
    };
    expect(slackMessageToPlainText(message)).toBe(
      'Alert\nCPU high (https://grafana.example/d/1)\nHost db-1 at 95%\nEnv: prod\nRegion: eu\n\nOnly a fallback & nothing else',
    );
  });

  it('names files', () => {
    expect(slackMessageToPlainText({ text: 'see attached', files: [{ name: 'q3.csv' }, { title: 'Deck' }, {}] })).toBe(
      'see attached\n\n[file: q3.csv]\n\n[file: Deck]\n\n[file]',
    );
  });

  it('trims and caps the result at the prompt limit', () => {
    const out = slackMessageToPlainText({ text: `  ${'x'.repeat(5000)}  ` });
    expect(out.length).toBe(FORM_MAX_LENGTH.prompt);
    expect(out.endsWith('…')).toBe(true);
    expect(slackMessageToPlainText({ text: '\n\n  hi  \n\n' })).toBe('hi');
  });

  it('returns an empty string for an empty message', () => {
    expect(slackMessageToPlainText({})).toBe('');
  });
});
