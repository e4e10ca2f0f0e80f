/**
 * createApp checks the token (auth.test) and opens the database at the same time. Whichever fails, createApp
 * rejects with that step's own error (the token's when both fail, as when the token was checked first), and what
 * the other step opened is closed: no SQLite connection is left open behind a failed start.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { StoreError } from '../../src/store/index.js';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.js';

let slack: FakeSlack;
let dir: string;

beforeEach(async () => {
  slack = await startFakeSlack();
  dir = mkdtempSync(join(tmpdir(), 'routine-bot-start-'));
});

afterEach(async () => {
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

function configWith(env: { token?: string; databaseUrl?: string }) {
  return loadConfig({
    SLACK_BOT_TOKEN: env.token ?? slack.token,
    SLACK_SIGNING_SECRET: 'start-failures-secret',
    SLACK_API_URL: slack.apiUrl,
    // Never reached: the app does not start.
    OMNI_BASE_URL: 'http://127.0.0.1:9',
    OMNI_API_KEY: 'omni_osk_start_failures',
    DATABASE_URL: env.databaseUrl ?? `sqlite:${join(dir, 'bot.db')}`,
    DEFAULT_TIMEZONE: 'UTC',
  });
}

/** A path whose folder is a regular file: SQLite cannot create the database there. */
function unusableDatabaseUrl(): string {
  const file = join(dir, 'not-a-folder');
  writeFileSync(file, 'x');
  return `sqlite:${join(file, 'bot.db')}`;
}

describe('a start step that fails', () => {
  it('a token Slack refuses: rejects with Slack\'s error, and the database opened meanwhile is closed again', async () => {
    const dbPath = join(dir, 'bot.db');
    await expect(createApp(configWith({ token: 'xoxb-not-the-token' }), { logger: silentLogger })).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });
    expect(slack.calls.map((c) => c.method)).toEqual(['auth.test']);
    // The database was opened and migrated beside the token check, then closed: SQLite removes the WAL file when the
    // last connection to a database closes, and a connection left open would keep it.
    expect(existsSync(dbPath)).toBe(true);
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
    const db = new Database(dbPath, { readonly: true });
    try {
      expect((db.prepare('SELECT count(*) AS n FROM kysely_migration').get() as { n: number }).n).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('auth.test that cannot be reached at all: rejects with the request error and closes the database', async () => {
    const dbPath = join(dir, 'bot.db');
    // The first try and both retries (createApp's retryConfig) meet a reset connection.
    slack.failNext('auth.test', { reset: true }, 3);
    await expect(createApp(configWith({}), { logger: silentLogger })).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
    expect(existsSync(dbPath)).toBe(true);
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
  });

  it('a database that cannot be opened: rejects with the store\'s error although the token is good', async () => {
    const failure = await createApp(configWith({ databaseUrl: unusableDatabaseUrl() }), { logger: silentLogger }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toMatch(/^Could not open the database file/);
    expect(slack.calls.map((c) => c.method)).toEqual(['auth.test']);
  });

  it('both fail: the token\'s error is the one thrown, as when the token was checked first', async () => {
    await expect(createApp(configWith({ token: 'xoxb-not-the-token', databaseUrl: unusableDatabaseUrl() }), { logger: silentLogger })).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });
  });
});
