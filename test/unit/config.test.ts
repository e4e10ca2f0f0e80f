import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ConfigError, ENV_VARIABLES, loadConfig } from '../../src/config.js';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-secretbot',
  SLACK_SIGNING_SECRET: 'signing-secret-value-123',
  OMNI_BASE_URL: 'https://acme.omniapp.co/',
  OMNI_API_KEY: 'omni_osk_supersecretkeyvalue',
};

function problemsOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults when only the required variables are set', () => {
    const c = loadConfig(valid);
    expect(c.omni.baseUrl).toBe('https://acme.omniapp.co');
    expect(c.omni.rateLimitPerMinute).toBe(60);
    expect(c.omni.defaultModel).toBeUndefined();
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBe('sqlite:./data/routine-bot.db');
    expect(c.defaultTimezone).toBe('UTC');
    expect(c.minIntervalMinutes).toBe(60);
    expect(c.allowedEmailDomains).toEqual([]);
    expect(c.logLevel).toBe('info');
    expect(c.slack.mode).toBe('http');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every missing variable in one error, with how to fix it', () => {
    const err = problemsOf({});
    const names = err.problems.map((p) => p.variable).sort();
    expect(names).toEqual(['OMNI_API_KEY', 'OMNI_BASE_URL', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
    expect(err.message).toContain('SLACK_BOT_TOKEN is missing');
    expect(err.message).toContain('Organization API key');
  });

  it('never echoes a value, even a secret put in the wrong variable', () => {
    const err = problemsOf({ ...valid, SLACK_BOT_TOKEN: 'omni_osk_supersecretkeyvalue', PORT: 'xoxb-leak', DEFAULT_TIMEZONE: 'Mars/Olympus' });
    expect(err.message).not.toContain('omni_osk_supersecretkeyvalue');
    expect(err.message).not.toContain('xoxb-leak');
    expect(err.message).not.toContain('Mars/Olympus');
    expect(err.problems.map((p) => p.variable).sort()).toEqual(['DEFAULT_TIMEZONE', 'PORT', 'SLACK_BOT_TOKEN']);
  });

  it('switches to Socket Mode with an app token and then needs no signing secret', () => {
    const { SLACK_SIGNING_SECRET: _unused, ...rest } = valid;
    const c = loadConfig({ ...rest, SLACK_APP_TOKEN: 'xapp-1-A-123-abc' });
    expect(c.slack.mode).toBe('socket');
  });

  it('rejects plain http for Omni except on loopback, and a base URL ending in /api', () => {
    expect(problemsOf({ ...valid, OMNI_BASE_URL: 'http://acme.omniapp.co' }).message).toContain('https://');
    expect(loadConfig({ ...valid, OMNI_BASE_URL: 'http://127.0.0.1:4010' }).omni.baseUrl).toBe('http://127.0.0.1:4010');
    expect(problemsOf({ ...valid, OMNI_BASE_URL: 'https://acme.omniapp.co/api' }).message).toContain('/api');
  });

  it('reads OMNI_DEFAULT_MODEL as an optional id or name', () => {
    expect(loadConfig({ ...valid, OMNI_DEFAULT_MODEL: '  Sales  ' }).omni.defaultModel).toBe('Sales');
    expect(loadConfig({ ...valid, OMNI_DEFAULT_MODEL: '' }).omni.defaultModel).toBeUndefined();
    expect(problemsOf({ ...valid, OMNI_DEFAULT_MODEL: 'x'.repeat(256) }).problems[0]?.variable).toBe('OMNI_DEFAULT_MODEL');
  });

  it('reads the watch interval: default 30 minutes, 0 turns it off, negatives refused', () => {
    expect(loadConfig(valid).watchIntervalMinutes).toBe(30);
    expect(loadConfig({ ...valid, ROUTINE_WATCH_INTERVAL_MINUTES: '0' }).watchIntervalMinutes).toBe(0);
    expect(problemsOf({ ...valid, ROUTINE_WATCH_INTERVAL_MINUTES: '-5' }).problems[0]?.variable).toBe('ROUTINE_WATCH_INTERVAL_MINUTES');
  });

  it('parses the allowed email domains list', () => {
    const c = loadConfig({ ...valid, ALLOWED_EMAIL_DOMAINS: ' Acme.com, @acme.co.uk ,' });
    expect(c.allowedEmailDomains).toEqual(['acme.com', 'acme.co.uk']);
    expect(problemsOf({ ...valid, ALLOWED_EMAIL_DOMAINS: 'not a domain' }).problems[0]?.variable).toBe('ALLOWED_EMAIL_DOMAINS');
  });
});

describe('.env.example', () => {
  it('lists exactly the variables the bot reads', () => {
    const listed = readFileSync('.env.example', 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.slice(0, l.indexOf('=')));
    expect([...listed].sort()).toEqual([...ENV_VARIABLES].sort());
  });
});
