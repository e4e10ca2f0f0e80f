/**
 * patches/@slack+web-api+<version>.patch (applied by `npm ci` through patch-package): @slack/web-api 8.2 builds a
 * redacted JSON copy of every request body, request headers and response for its debug log, even when debug logging
 * is off, which costs CPU on every Slack call (docs/performance.md). The patch builds them only when the logger's
 * level is DEBUG. These tests hold the patched behaviour, against the fake Slack over HTTP, and tell when an upgrade
 * of @slack/web-api means the patch must be checked again (and perhaps deleted).
 */
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
