import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { WebClient } from '@slack/web-api';
import { systemClock } from '../../../src/clock.js';
import { ZONE_PAGE_INTERVAL_MS, createSlackUserDirectory } from '../../../src/slack/slack-user-directory.js';
import { until } from '../../helpers/until.js';
import { type FakeSlack, type FakeSlackUser, startFakeSlack } from '../../fakes/fake-slack.js';

/** A Slack Web API stand-in on 127.0.0.1 answering users.info from a table, as Slack does. */
const USERS: Record<string, unknown> = {
  U1: { id: 'U1', real_name: 'Alice', tz: 'Europe/Paris', deleted: false, is_bot: false, profile: { email: 'alice@acme.com' } },
  U2: { id: 'U2', tz: 'America/New_York', deleted: false, is_bot: false, profile: { real_name: 'No Email' } },
  U3: { id: 'U3', deleted: true, is_bot: false, profile: { email: 'gone@acme.com' } },
  B1: { id: 'B1', is_bot: true, deleted: false, profile: {} },
};

describe('createSlackUserDirectory (real WebClient against a local Slack stand-in)', () => {
  let server: http.Server;
  let client: WebClient;
  let calls: string[];
  let failWith: string | undefined;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const user = new URLSearchParams(body).get('user') ?? '';
        calls.push(`${req.url ?? ''} ${user}`);
        res.setHeader('content-type', 'application/json');
        const found = USERS[user];
        const answer = failWith ? { ok: false, error: failWith } : found ? { ok: true, user: found } : { ok: false, error: 'user_not_found' };
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new WebClient('xoxb-test-token', { slackApiUrl: `http://127.0.0.1:${port}/api/`, retryConfig: { retries: 0 } });
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    calls = [];
    failWith = undefined;
  });

  it('reads email, tz, name, deleted and bot flags from users.info', async () => {
    const directory = createSlackUserDirectory(client, { clock: systemClock });
    expect(await directory.getUser('U1')).toEqual({ id: 'U1', email: 'alice@acme.com', tz: 'Europe/Paris', realName: 'Alice', deleted: false, isBot: false });
    expect(await directory.getUser('U2')).toEqual({ id: 'U2', tz: 'America/New_York', realName: 'No Email', deleted: false, isBot: false });
    expect(await directory.getUser('U3')).toMatchObject({ deleted: true });
    expect(await directory.getUser('B1')).toMatchObject({ isBot: true });
    expect(calls[0]).toBe('/api/users.info U1');
  });

  it('answers null for user_not_found and throws for other Slack errors', async () => {
    const directory = createSlackUserDirectory(client, { clock: systemClock });
    expect(await directory.getUser('U404')).toBeNull();
    failWith = 'invalid_auth';
    await expect(directory.getUser('U1')).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('reuses answers for the ttl, shares concurrent calls, and asks again after the ttl', async () => {
    let now = 0;
    const directory = createSlackUserDirectory(client, { ttlMs: 1000, clock: () => new Date(now) });
    await Promise.all([directory.getUser('U1'), directory.getUser('U1')]);
    await directory.getUser('U1');
    expect(await directory.getUser('U404')).toBeNull();
    expect(await directory.getUser('U404')).toBeNull();
    expect(calls).toHaveLength(2);
    now = 1000;
    await directory.getUser('U1');
    expect(calls).toHaveLength(3);
  });

  it('peeks at zones without calling Slack: unknown until answered, then kept past the answer\'s ttl', async () => {
    let now = 0;
    const directory = createSlackUserDirectory(client, { ttlMs: 1000, clock: () => new Date(now) });
    expect(directory.peekZone('U1')).toBeUndefined();
    expect(directory.peekZone('U404')).toBeUndefined();
    expect(calls).toHaveLength(0);
    await directory.getUser('U1');
    await directory.getUser('U404');
    expect(directory.peekZone('U1')).toBe('Europe/Paris');
    expect(directory.peekZone('U404')).toBeUndefined();
    now = 1000;
    // The user's answer has expired; the zone it gave is still the best starting value for a form.
    expect(directory.peekZone('U1')).toBe('Europe/Paris');
    expect(calls).toHaveLength(2);
  });

  it('does not cache a failure', async () => {
    const directory = createSlackUserDirectory(client, { clock: systemClock });
    failWith = 'internal_error';
    await expect(directory.getUser('U1')).rejects.toBeDefined();
    failWith = undefined;
    expect(await directory.getUser('U1')).toMatchObject({ email: 'alice@acme.com' });
  });

  it('keeps at most maxEntries users', async () => {
    const directory = createSlackUserDirectory(client, { maxEntries: 1, clock: systemClock });
    await directory.getUser('U1');
    await directory.getUser('U2');
    await directory.getUser('U2');
    await directory.getUser('U1');
    expect(calls.map((c) => c.split(' ')[1])).toEqual(['U1', 'U2', 'U1']);
  });
});

describe('time zones from users.list (real WebClient against the fake Slack)', () => {
  let slack: FakeSlack;
  let client: WebClient;
  let slept: number[];
  const recordSleep = async (ms: number) => void slept.push(ms);
  beforeEach(async () => {
    slept = [];
    const users: FakeSlackUser[] = Array.from({ length: 450 }, (_, i) => ({ id: `UL${String(i).padStart(4, '0')}`, name: `p${i}`, tz: i % 2 ? 'Asia/Tokyo' : 'Europe/Berlin' }));
    users.push({ id: 'ULGONE', name: 'gone', tz: 'Africa/Cairo', deleted: true }, { id: 'BLBOT', name: 'bot', tz: 'Africa/Cairo', isBot: true });
    slack = await startFakeSlack({ users });
    client = new WebClient(slack.token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(async () => {
    await slack.close();
  });

  it('reads every page, keeps only people, and answers zones without calling Slack', async () => {
    const directory = createSlackUserDirectory(client, { clock: systemClock, sleep: recordSleep });
    expect(directory.peekZone('UL0001')).toBeUndefined();
    // 450 people and the fake's two default users, in pages of 200; the deleted user and the bots are not kept.
    const known = await directory.readZones();
    expect(slack.callsTo('users.list').map((c) => c.args.limit)).toEqual(['200', '200', '200']);
    // Tier 2 (about 20 a minute): one page every 3 s.
    expect(slept).toEqual([ZONE_PAGE_INTERVAL_MS, ZONE_PAGE_INTERVAL_MS]);
    expect(known).toBe(452);
    expect(directory.peekZone('UL0001')).toBe('Asia/Tokyo');
    expect(directory.peekZone('UL0448')).toBe('Europe/Berlin');
    expect(directory.peekZone('U0002')).toBe('Europe/Paris');
    expect(directory.peekZone('ULGONE')).toBeUndefined();
    expect(directory.peekZone('BLBOT')).toBeUndefined();
    expect(slack.callsTo('users.info')).toHaveLength(0);
  });

  it('stops between pages once told to (a shutdown does not wait for a large organization)', async () => {
    const directory = createSlackUserDirectory(client, { clock: systemClock, sleep: recordSleep });
    const known = await directory.readZones({ stopped: () => true });
    expect(slack.callsTo('users.list')).toHaveLength(1);
    // The first page's people only (the fake's bot user is among them, and not kept).
    expect(known).toBe(199);
    expect(directory.peekZone('UL0448')).toBeUndefined();
  });

  it('reads users.list with its own client: a 429 there does not hold up users.info', async () => {
    const listClient = new WebClient(slack.token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 1, minTimeout: 10 }, rejectRateLimitedCalls: false });
    const directory = createSlackUserDirectory(client, { clock: systemClock, sleep: recordSleep, listClient });
    slack.failNext('users.list', { status: 429, retryAfter: 1 }, 1);
    const reading = directory.readZones();
    await until(() => slack.callsTo('users.list').length === 1, 'the first users.list');
    // users.list waits out its Retry-After; users.info answers meanwhile.
    expect(await directory.getUser('UL0001')).toMatchObject({ id: 'UL0001', tz: 'Asia/Tokyo' });
    expect(directory.peekZone('UL0002')).toBeUndefined();
    // Then the read goes on where it was refused.
    expect(await reading).toBe(452);
    expect(slack.callsTo('users.list').map((c) => c.status)).toEqual([429, 200, 200, 200]);
  });

  it('a refused read rejects and keeps the zones known; a fresher users.info answer wins', async () => {
    const directory = createSlackUserDirectory(client, { clock: systemClock, sleep: recordSleep });
    slack.failNext('users.list', { error: 'ratelimited' }, 1);
    await expect(directory.readZones()).rejects.toMatchObject({ data: { error: 'ratelimited' } });
    expect(directory.peekZone('UL0001')).toBeUndefined();
    await directory.readZones();
    slack.failNext('users.list', { error: 'internal_error' }, 1);
    await expect(directory.readZones()).rejects.toMatchObject({ data: { error: 'internal_error' } });
    expect(directory.peekZone('UL0001')).toBe('Asia/Tokyo');
    slack.addUser({ id: 'UL0001', name: 'p1', tz: 'America/Chicago' });
    expect(directory.peekZone('UL0001')).toBe('Asia/Tokyo');
    await directory.getUser('UL0001');
    expect(directory.peekZone('UL0001')).toBe('America/Chicago');
  });
});
