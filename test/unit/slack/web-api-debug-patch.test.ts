/**
 * patches/@slack+web-api+<version>.patch (applied by `npm ci` through patch-package): @slack/web-api 8.2 builds a
 * redacted JSON copy of every request body, request headers and response for its debug log, even when debug logging
 * is off, which costs CPU on every Slack call (docs/performance.md). The patch builds them only when the logger's
 * level is DEBUG, and percent-encodes form bodies with encodeURIComponent instead of querystring.stringify (same
 * text, a fraction of the garbage). These tests hold the patched behaviour, against the fake Slack over HTTP, and
 * tell when an upgrade of @slack/web-api means the patch must be checked again (and perhaps deleted).
 */
import { stringify } from 'node:querystring';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LogLevel, type Logger, WebClient } from '@slack/web-api';
import { type FakeSlack, startFakeSlack } from '../../fakes/fake-slack.js';

const require = createRequire(import.meta.url);
const installedVersion = (JSON.parse(readFileSync(require.resolve('@slack/web-api/package.json'), 'utf8')) as { version: string }).version;
const patchFiles = readdirSync(new URL('../../../patches/', import.meta.url)).filter((f) => f.startsWith('@slack+web-api+'));

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});

function recordingLogger(level: LogLevel): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (...m: unknown[]) => lines.push(m.join(' ')),
    info: () => {},
    warn: () => {},
    error: () => {},
    setLevel: () => {},
    getLevel: () => level,
    setName: () => {},
  };
}

/** An argument whose serialisations are counted: every JSON copy of the request body calls its toJSON once. */
function countedArgument() {
  const counter = { count: 0 };
  const value = {
    toJSON() {
      counter.count += 1;
      return { type: 'counted' };
    },
  };
  return { counter, value };
}

function clientFor(logger: Logger) {
  return new WebClient(slack.token, { slackApiUrl: slack.apiUrl, logger, retryConfig: { retries: 0 }, timeout: 5000 });
}

describe('@slack/web-api debug copies (patched)', () => {
  it('is the version the patch was made for (an upgrade: see the message)', () => {
    expect(patchFiles).toHaveLength(1);
    const patchedFor = /^@slack\+web-api\+(.+)\.patch$/.exec(patchFiles[0] ?? '')?.[1];
    if (patchedFor !== installedVersion) {
      throw new Error(
        `@slack/web-api is now ${installedVersion}, the patch was made for ${patchedFor}. Delete patches/${patchFiles[0]}, ` +
          'reinstall, and run this file: if "builds no debug copy when debug logging is off" passes, the upgrade made ' +
          'the patch unnecessary; otherwise redo the change in dist/WebClient.js and run `npx patch-package @slack/web-api`.',
      );
    }
  });

  it('builds no debug copy of the request when debug logging is off', async () => {
    const { counter, value } = countedArgument();
    const logger = recordingLogger(LogLevel.INFO);
    const res = await clientFor(logger).apiCall('auth.test', { counted: value });
    expect(res.ok).toBe(true);
    // Once to encode the form body Slack receives; an eager debug copy would be a second.
    expect(counter.count).toBe(1);
    expect(logger.lines.filter((l) => l.startsWith('http request body') || l.startsWith('http request result'))).toEqual([]);
  });

  it('still writes the request, its headers and the response when debug logging is on', async () => {
    const { counter, value } = countedArgument();
    const logger = recordingLogger(LogLevel.DEBUG);
    await clientFor(logger).apiCall('auth.test', { counted: value });
    expect(counter.count).toBe(2);
    const body = logger.lines.find((l) => l.startsWith('http request body:'));
    expect(body).toContain('"counted":{"type":"counted"}');
    expect(logger.lines.find((l) => l.startsWith('http request headers:'))).toContain('[[REDACTED]]');
    expect(logger.lines.some((l) => l.startsWith('http request result:'))).toBe(true);
    expect(logger.lines.join('\n')).not.toContain(slack.token);
  });
});

describe('@slack/web-api form bodies (patched)', () => {
  const webClientSource = readFileSync(require.resolve('@slack/web-api/dist/WebClient.js'), 'utf8');

  it('is encoded by encodeURIComponent in the installed WebClient, not querystring.stringify', () => {
    expect(webClientSource).toContain('encodeURIComponent(text)');
    expect(webClientSource).not.toContain('node_querystring_1.stringify)(');
  });

  const tricky = [
    { channel: 'C0001', text: 'plain words' },
    { text: "every weekday at 9am: summarise yesterday's pipeline (by rep) & say *why* ~now~!" },
    { text: 'Ünïcödé “quotes” — dashes, emoji 🎉👩‍💻, CJK 日本語, RTL עברית', extra: '100% = 1/1 + #hash ?q=a&b=c' },
    { text: '<!channel> <@U0001|name> line\nbreaks\ttabs and  spaces' },
    { view: { type: 'modal', title: { type: 'plain_text', text: 'Routine “A” & B' }, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'a+b=c' } }] } },
    { count: 3, ratio: 1.5, negativeZero: -0, notANumber: Number.NaN, endless: Number.POSITIVE_INFINITY, yes: true, no: false },
    { kept: 'x', gone: undefined, alsoGone: null, list: ['a', 'b & c'] },
  ];

  it('is the same text querystring.stringify gave, for every kind of value', () => {
    const client = clientFor(recordingLogger(LogLevel.INFO)) as unknown as { serializeBody(data: Record<string, unknown>): { serializedBody: string } };
    for (const args of tricky) {
      // What web-api handed querystring before the patch: objects as JSON, null and undefined left out.
      const flat = Object.fromEntries(
        Object.entries(args)
          .filter(([, v]) => v !== undefined && v !== null)
          .map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : v]),
      ) as Record<string, string | number | boolean>;
      expect(client.serializeBody(args).serializedBody).toBe(stringify(flat));
    }
  });

  it('reaches Slack intact', async () => {
    const client = clientFor(recordingLogger(LogLevel.INFO));
    const text = tricky[2]?.text ?? '';
    await client.chat.postMessage({ channel: 'C0001', text });
    const call = await slack.waitFor('chat.postMessage', (c) => c.args.text === text);
    expect(call.args.channel).toBe('C0001');
  });
});
