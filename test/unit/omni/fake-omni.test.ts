/**
 * The fake Omni is itself a contract other tests lean on: check the rules it enforces, straight over HTTP.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createManualClock } from '../../fakes/fake-omni-clock.js';
import { checkOmniCron } from '../../fakes/fake-omni-validate.js';
import { startFakeOmni, type FakeOmni } from '../../fakes/fake-omni.js';

let fake: FakeOmni;

async function call(method: string, path: string, body?: unknown, auth = `Bearer ${fake.apiKey}`) {
  const r = await fetch(`${fake.url}/api${path}`, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('fake Omni cron dialect (AWS, six fields, hourly floor)', () => {
  it.each([
    '0 9 ? * MON *',
    '0 9 ? * * *',
    '00 09 ? * 2,3,4,5,6 *',
    '0 9 ? * MON-FRI *',
    '0 */6 * * ? *',
    '0 0 1 1 ? 2099',
    '30 8 L * ? *',
    '0 9 15W * ? *',
    '0 9 ? * FRIL *',
    '0 9 ? * MON#1 *',
    '0 9 ? JAN,APR,JUL,OCT MON *',
  ])('accepts %s', (cron) => {
    expect(checkOmniCron(cron)).toBe('ok');
  });

  it.each([
    ['0 9 * * 1', 'invalid'],
    ['0 9 * * MON *', 'invalid'],
    ['0 9 ? * ? *', 'invalid'],
    ['0 9 ? * 0 *', 'invalid'],
    ['0 24 ? * * *', 'invalid'],
    ['60 9 ? * * *', 'invalid'],
    ['0 9 ? 13 MON *', 'invalid'],
    ['0 9 ? * MON 1969', 'invalid'],
    ['0 9 ? * MON#6 *', 'invalid'],
    ['0 9 5-1 * ? *', 'invalid'],
    ['* 9 ? * * *', 'too_frequent'],
    ['0,30 9 ? * * *', 'too_frequent'],
    ['*/15 * ? * * *', 'too_frequent'],
  ])('rejects %s as %s', (cron, verdict) => {
    expect(checkOmniCron(cron)).toBe(verdict);
  });
});

describe('fake Omni behaviour', () => {
  afterEach(async () => {
    await fake.close();
    expect(fake.internalErrors).toEqual([]);
  });

  it('checks the bearer key before anything else', async () => {
    fake = await startFakeOmni();
    expect(await call('GET', '/v1/whoami', undefined, 'Token abc')).toMatchObject({
      status: 400,
      body: { detail: 'Bad authorization header, must be formatted as Bearer <token>' },
    });
    expect(await call('GET', '/v1/whoami', undefined, 'Bearer wrong')).toMatchObject({
      status: 403,
      body: { error: { code: 403, message: 'Invalid bearer token' } },
    });
    expect((await call('GET', '/v1/whoami')).status).toBe(200);
  });

  it('its WAF limits each Authorization value to 60 a minute on its clock, and forgets after the window', async () => {
    const time = createManualClock();
    fake = await startFakeOmni({ clock: time.clock });
    for (let i = 0; i < 60; i += 1) expect((await call('GET', '/v1/whoami')).status).toBe(200);
    const blocked = await call('GET', '/v1/whoami');
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('x-omni-waf-action')).toBe('block');
    expect((await call('GET', '/v1/whoami', undefined, 'Bearer other')).status).toBe(403); // another key, another bucket
    time.advance(60_000);
    expect((await call('GET', '/v1/whoami')).status).toBe(200);
  });

  it('the routine limit counts active routines only; PUT isActive pauses; paused routines cannot be triggered', async () => {
    fake = await startFakeOmni({ routineLimit: 1 });
    const model = fake.addModel('Sales');
    const alice = fake.addMember({ email: 'alice@acme.com' });
    const body = {
      name: 'n',
      modelId: model,
      prompt: 'p',
      schedule: '0 9 ? * MON *',
      timezone: 'UTC',
      destination: { type: 'slack', recipientId: 'U1', slackRecipientType: 'users' },
    };
    const first = await call('POST', `/v1/ai/routines?userId=${alice}`, body);
    expect(first.status).toBe(201);
    const limited = await call('POST', `/v1/ai/routines?userId=${alice}`, body);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-omni-waf-action')).toBeNull();
    const id = String(first.body?.id);
    expect(
      (await call('PUT', `/v1/ai/routines/${id}?userId=${alice}`, { name: 'n', prompt: 'p', schedule: '0 9 ? * MON *', timezone: 'UTC' })).status,
    ).toBe(400); // the documented PUT has no timezone
    expect((await call('PUT', `/v1/ai/routines/${id}?userId=${alice}`, { name: 'n', prompt: 'p', schedule: '0 9 ? * MON *', isActive: false })).body).toMatchObject({
      disabled: true,
    });
    expect((await call('POST', `/v1/ai/routines/${id}/trigger?userId=${alice}`)).status).toBe(404);
    expect((await call('POST', `/v1/ai/routines?userId=${alice}`, body)).status).toBe(201);
  });

  it('pages models with opaque cursors and answers a bad cursor in the {error, success:false} shape', async () => {
    fake = await startFakeOmni();
    for (let i = 0; i < 5; i += 1) fake.addModel(`M${i}`);
    const page = await call('GET', '/v1/models?modelKind=SHARED&pageSize=2&sortField=name&sortDirection=asc');
    expect((page.body?.records as Array<{ name: string }>).map((m) => m.name)).toEqual(['M0', 'M1']);
    const info = page.body?.pageInfo as { nextCursor: string; totalRecords: number };
    expect(info.totalRecords).toBe(5);
    const next = await call('GET', `/v1/models?modelKind=SHARED&pageSize=2&sortField=name&sortDirection=asc&cursor=${info.nextCursor}`);
    expect((next.body?.records as Array<{ name: string }>).map((m) => m.name)).toEqual(['M2', 'M3']);
    expect(await call('GET', '/v1/models?cursor=%%%')).toMatchObject({ status: 400, body: { error: 'Invalid cursor', success: false } });
    expect((await call('GET', '/v1/models?modelId=abc')).status).toBe(400);
    expect((await call('GET', '/v1/models?pageSize=101')).status).toBe(400);
  });

  it('SCIM filters userName eq case-insensitively and rejects other filters', async () => {
    fake = await startFakeOmni();
    const id = fake.addMember({ email: 'Carol@Acme.com' });
    const found = await call('GET', `/scim/v2/users?filter=${encodeURIComponent('userName eq "carol@acme.com"')}`);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id, userName: 'Carol@Acme.com', active: true }] });
    expect((await call('GET', `/scim/v2/users?filter=${encodeURIComponent('emails eq "x"')}`)).status).toBe(400);
  });

  it('faults: times, method and RegExp matching, and status-after acts before answering', async () => {
    fake = await startFakeOmni();
    const model = fake.addModel('Sales');
    fake.inject({ match: { method: 'GET', path: /^\/v1\/who/ }, times: 2, fault: { type: 'status', status: 503 } });
    expect((await call('GET', '/v1/whoami')).status).toBe(503);
    expect((await call('GET', '/v1/whoami')).status).toBe(503);
    expect((await call('GET', '/v1/whoami')).status).toBe(200);
    fake.inject({ match: { method: 'POST' }, fault: { type: 'status-after', status: 500 } });
    const body = { name: 'n', modelId: model, prompt: 'p', schedule: '0 9 ? * MON *', timezone: 'UTC', destination: { type: 'email', recipientEmails: ['a@b.co'] } };
    expect((await call('POST', '/v1/ai/routines', body)).status).toBe(500);
    expect(fake.routinesOf(fake.keyOwnerId)).toHaveLength(1);
    expect(fake.requests.map((r) => r.fault ?? '-')).toEqual(['status', 'status', '-', 'status-after']);
  });
});
