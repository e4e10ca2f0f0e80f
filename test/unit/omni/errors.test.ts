import { afterEach, describe, expect, it } from '@jest/globals';
import { OmniApiError, readOmniMessage, resolveOmniReason } from '../../../src/omni/errors.js';
import { createOmniClient } from '../../../src/omni/client.js';
import { startFakeOmni } from '../../fakes/fake-omni.js';
import { createCapturingLogger, emailBody, setupClient, type ClientSetup } from './setup-client.js';

let s: ClientSetup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function failureOf(promise: Promise<unknown>): Promise<OmniApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof OmniApiError) return err;
    throw new Error(`expected an OmniApiError, got ${String(err)}`);
  }
  throw new Error('expected the call to fail');
}

describe('readOmniMessage', () => {
  it('reads all four documented error shapes, in the documented order', () => {
    expect(readOmniMessage('{"detail":"Bad Request: prompt: Required","status":400}')).toBe('Bad Request: prompt: Required');
    expect(readOmniMessage('{"error":{"code":403,"message":"Invalid bearer token"}}')).toBe('Invalid bearer token');
    expect(readOmniMessage('{"error":"Invalid cursor","success":false}')).toBe('Invalid cursor');
    expect(readOmniMessage('{"error":"Not Found","message":"No such model"}')).toBe('No such model');
    expect(readOmniMessage('{"detail":"d","message":"m","error":"e"}')).toBe('d');
  });

  it('falls back to the raw text, and to nothing for empty or shapeless bodies', () => {
    expect(readOmniMessage('<html>Bad gateway</html>')).toBe('<html>Bad gateway</html>');
    expect(readOmniMessage('')).toBeUndefined();
    expect(readOmniMessage('{"foo":1}')).toBeUndefined();
    expect(readOmniMessage('x'.repeat(600))?.length).toBe(501);
  });
});

describe('resolveOmniReason', () => {
  const reason = (status: number, message?: string, operation?: 'createRoutine' | 'triggerRoutine', wafThrottled = false) =>
    resolveOmniReason({ status, message, operation, wafThrottled });
  it('tells throttling from the routine limit on create', () => {
    expect(reason(429, 'x', 'createRoutine', true)).toBe('rate_limited');
    expect(reason(429, 'The user already has the maximum number of active routines', 'createRoutine')).toBe('routine_limit');
    // Without the WAF header and without words, a create 429 could be either: said as such, never guessed.
    expect(reason(429, undefined, 'createRoutine')).toBe('limit_unclear');
    expect(reason(429, 'Too many', 'createRoutine')).toBe('limit_unclear');
    expect(reason(429, 'Rate limit exceeded (60 requests/minute)', 'createRoutine')).toBe('rate_limited');
    expect(reason(429, undefined)).toBe('rate_limited');
  });
  it('maps the documented 4xx and 5xx', () => {
    expect(reason(400, 'Bad Request: schedule: invalid')).toBe('invalid_request');
    expect(reason(400, 'Bad authorization header, must be formatted as Bearer <token>')).toBe('unauthorized');
    expect(reason(401)).toBe('unauthorized');
    expect(reason(403, 'Invalid bearer token')).toBe('unauthorized');
    expect(reason(403, 'User does not have USE_AI permission')).toBe('not_enabled');
    expect(reason(403, 'AI Routines feature is not enabled (aiScheduledTasks flag required)')).toBe('not_enabled');
    expect(reason(403, 'Insufficient permissions to update this routine')).toBe('forbidden');
    expect(reason(404, 'Model not found', 'createRoutine')).toBe('model_not_found');
    expect(reason(404, 'Routine not found')).toBe('not_found');
    expect(reason(404, 'User with id 123 does not exist', 'createRoutine')).toBe('member_not_found');
    expect(reason(409, 'A run is already in progress', 'triggerRoutine')).toBe('run_in_progress');
    expect(reason(500)).toBe('unavailable');
    expect(reason(503)).toBe('unavailable');
  });
});

describe('Omni client error mapping (against the fake Omni)', () => {
  it('a wrong key: 403 {error:{code,message}} → unauthorized, no retry', async () => {
    s = await setupClient();
    const other = await startFakeOmni();
    try {
      const client = createOmniClient({ baseUrl: other.url, apiKey: s.fake.apiKey, budget: s.budget, logger: createCapturingLogger() });
      const err = await failureOf(client.whoami());
      expect(err).toMatchObject({ status: 403, kind: 'http', reason: 'unauthorized', omniMessage: 'Invalid bearer token', method: 'GET', path: '/v1/whoami' });
      expect(other.requests).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('a malformed Authorization header: 400 → unauthorized', async () => {
    s = await setupClient({ fake: { apiKey: 'omni_osk_right' }, client: { apiKey: 'two words' } });
    const err = await failureOf(s.client.whoami());
    expect(err).toMatchObject({ status: 400, reason: 'unauthorized', omniMessage: 'Bad authorization header, must be formatted as Bearer <token>' });
  });

  it('AI routines not enabled: 403 → not_enabled', async () => {
    s = await setupClient({ fake: { aiRoutinesEnabled: false } });
    const err = await failureOf(s.client.listRoutines(s.alice));
    expect(err).toMatchObject({ status: 403, reason: 'not_enabled', omniMessage: 'AI routines or AI query generation are not enabled for the organization' });
  });

  it('unknown and malformed memberships', async () => {
    s = await setupClient();
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await failureOf(s.client.listRoutines(unknown))).toMatchObject({
      status: 404,
      reason: 'member_not_found',
      omniMessage: `User with id ${unknown} does not exist`,
    });
    expect(await failureOf(s.client.createRoutine(unknown, emailBody(s.modelId)))).toMatchObject({ status: 404, reason: 'member_not_found' });
    expect(await failureOf(s.client.listRoutines('not-a-uuid'))).toMatchObject({ status: 400, reason: 'invalid_request' });
  });

  it('create validation 400s carry Omni detail verbatim', async () => {
    s = await setupClient();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ schedule: '0 9 * * MON *' }, 'Bad Request: schedule: Schedule is an invalid cron expression'],
      [{ schedule: '0 9 ? * MON' }, 'Bad Request: schedule: Schedule is an invalid cron expression'],
      [{ schedule: '0 25 ? * MON *' }, 'Bad Request: schedule: Schedule is an invalid cron expression'],
      [{ schedule: '*/15 9 ? * MON *' }, 'Bad Request: schedule: Schedule is more frequent than the organization allows'],
      [{ timezone: 'Mars/Olympus' }, 'Bad Request: timezone: Time zone must be IANA valid.'],
    ];
    for (const [override, detail] of cases) {
      const err = await failureOf(s.client.createRoutine(s.alice, emailBody(s.modelId, override)));
      expect(err).toMatchObject({ status: 400, reason: 'invalid_request', omniMessage: detail, maybeActedOn: false });
    }
    expect(s.fake.routinesOf(s.alice)).toEqual([]);
    expect(s.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(cases.length); // none retried
  });

  it('the client refuses a body that breaks the documented schema without sending it', async () => {
    s = await setupClient();
    const bad = [
      emailBody(s.modelId, { destination: { type: 'email', recipientEmails: ['a@b.co'], cc: ['x@y.co'] } }),
      emailBody(s.modelId, { destination: { type: 'slack', recipientId: '', slackRecipientType: 'channel' } }),
      emailBody(s.modelId, { destination: { type: 'email', recipientEmails: Array.from({ length: 101 }, (_, i) => `u${i}@acme.com`) } }),
      emailBody(s.modelId, { destination: { type: 'email', userGroupIds: ['mEhXj6ZI'] } }),
      emailBody('not-a-uuid'),
      { ...emailBody(s.modelId), userId: s.alice },
    ];
    for (const body of bad) {
      const err = await failureOf(s.client.createRoutine(s.alice, body as never));
      expect(err).toMatchObject({ kind: 'invalid_input', reason: 'invalid_request', status: undefined });
    }
    expect(s.fake.requests).toEqual([]);
  });

  it('the fake rejects the same bodies when they do reach it (it must not be laxer than Omni)', async () => {
    s = await setupClient();
    const post = async (body: unknown) =>
      fetch(`${s!.fake.url}/api/v1/ai/routines?userId=${s!.alice}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s!.fake.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => [r.status, ((await r.json()) as { detail: string }).detail] as const);
    expect(await post(emailBody(s.modelId, { destination: { type: 'email', recipientEmails: ['a@b.co'], cc: [] } }))).toEqual([
      400,
      "Bad Request: destination: Unrecognized key(s) in object: 'cc'",
    ]);
    expect(await post(emailBody(s.modelId, { destination: { type: 'email', recipientEmails: ['nope'] } }))).toEqual([
      400,
      'Bad Request: destination.recipientEmails.0: Invalid email',
    ]);
    expect(await post(emailBody(s.modelId, { destination: { type: 'email', userGroupIds: ['mEhXj6ZI'] } }))).toEqual([
      400,
      'Bad Request: destination.userGroupIds.0: Invalid uuid',
    ]);
    expect((await post(emailBody(s.modelId, { destination: { type: 'teams', recipientId: 'x' } })))[0]).toBe(400);
    expect(await post({ ...emailBody(s.modelId), prompt: undefined })).toEqual([400, 'Bad Request: prompt: Required']);
    expect(await post(emailBody(s.modelId, { modelId: 'nope' }))).toEqual([400, 'Bad Request: modelId: Invalid uuid']);
    expect((await post(emailBody(s.modelId, { destination: { type: 'slack', recipientId: 'C1', slackRecipientType: 'group' } })))[0]).toBe(400);
    expect(s.fake.routinesOf(s.alice)).toEqual([]);
  });

  it('model, branch or topic not accessible on create → model_not_found', async () => {
    s = await setupClient();
    const workbook = s.fake.addModel('Scratch', { kind: 'WORKBOOK' });
    const otherShared = s.fake.addModel('Other');
    const foreignBranch = s.fake.addBranch(otherShared, 'b');
    const bodies = [
      emailBody('11111111-1111-4111-8111-111111111111'),
      emailBody(workbook),
      emailBody(s.modelId, { branchId: foreignBranch }),
      emailBody(s.modelId, { topicName: 'no_such_topic' }),
    ];
    for (const body of bodies) {
      const err = await failureOf(s.client.createRoutine(s.alice, body));
      expect(err).toMatchObject({ status: 404, reason: 'model_not_found' });
    }
  });

  it('a routine that is not there → not_found; a paused one cannot be run; a running one → run_in_progress', async () => {
    s = await setupClient({ fake: { runDurationMs: 60_000 } });
    const missing = '22222222-2222-4222-8222-222222222222';
    expect(await failureOf(s.client.getRoutine(s.alice, missing))).toMatchObject({ status: 404, reason: 'not_found', omniMessage: 'Routine not found' });
    const { id } = await s.client.createRoutine(s.alice, emailBody(s.modelId));
    const routine = await s.client.getRoutine(s.alice, id);
    await s.client.triggerRoutine(s.alice, id);
    expect(await failureOf(s.client.triggerRoutine(s.alice, id))).toMatchObject({ status: 409, reason: 'run_in_progress' });
    s.time.advance(60_000);
    await s.client.updateRoutine(s.alice, id, { name: routine.name, prompt: routine.prompt, schedule: routine.schedule, isActive: false }, 'PUT');
    expect(await failureOf(s.client.triggerRoutine(s.alice, id))).toMatchObject({ status: 404, reason: 'not_found' });
    expect(s.fake.routine(id)?.runs).toHaveLength(1);
    // Another member cannot see Alice's routine.
    const bob = s.fake.addMember({ email: 'bob@acme.com' });
    expect(await failureOf(s.client.getRoutine(bob, id))).toMatchObject({ status: 404, reason: 'not_found' });
  });

  it('the per-user routine limit: a plain reason, no retry, no lookup', async () => {
    s = await setupClient({ fake: { routineLimit: 1 } });
    await s.client.createRoutine(s.alice, emailBody(s.modelId));
    s.fake.clearRequests();
    const err = await failureOf(s.client.createRoutine(s.alice, emailBody(s.modelId, { name: 'Second' })));
    expect(err).toMatchObject({ status: 429, kind: 'http', reason: 'routine_limit', wafThrottled: false, maybeActedOn: false });
    expect(s.fake.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 429']);
    expect(s.retrySleeps).toEqual([]);
    expect(s.fake.routinesOf(s.alice)).toHaveLength(1);
  });

  it('the injected routine-limit fault reads the same', async () => {
    s = await setupClient();
    s.fake.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, fault: { type: 'routine-limit' } });
    const err = await failureOf(s.client.createRoutine(s.alice, emailBody(s.modelId)));
    expect(err.reason).toBe('routine_limit');
    expect(s.fake.requests).toHaveLength(1);
  });

  it('the odd error shapes: a models {error,success:false} and a generic {error,message}', async () => {
    s = await setupClient();
    s.fake.inject({ match: { path: '/v1/models' }, fault: { type: 'status', status: 400, body: { error: 'Invalid cursor', success: false } } });
    expect(await failureOf(s.client.listSharedModels())).toMatchObject({ status: 400, omniMessage: 'Invalid cursor', reason: 'invalid_request' });
    s.fake.inject({ match: { path: '/scim/v2/groups' }, fault: { type: 'status', status: 403, body: { error: 'Forbidden', message: 'Nope' } } });
    expect(await failureOf(s.client.listGroups())).toMatchObject({ status: 403, omniMessage: 'Nope', reason: 'forbidden' });
  });

  it('a user-scoped key cannot use SCIM or act for others → unauthorized / forbidden', async () => {
    s = await setupClient({ fake: { keyScope: 'user' } });
    expect((await s.client.whoami()).keyScope).toBe('user');
    // Both of Omni's user-scoped refusals mean the same thing for the admin: the bot needs an organization key.
    expect(await failureOf(s.client.findUsersByEmail('alice@acme.com'))).toMatchObject({ status: 403, reason: 'personal_key' });
    expect(await failureOf(s.client.listRoutines(s.alice))).toMatchObject({ status: 403, reason: 'personal_key' });
    await expect(s.client.listRoutines(s.fake.keyOwnerId)).resolves.toMatchObject({ records: [] });
  });

  it('an answer of the wrong shape → invalid_response naming the fields, not the body', async () => {
    s = await setupClient();
    s.fake.inject({ match: { path: '/v1/whoami' }, fault: { type: 'status', status: 200, body: { keyScope: 'galaxy', user: {} } } });
    const err = await failureOf(s.client.whoami());
    expect(err).toMatchObject({ kind: 'invalid_response', reason: 'unexpected_response', status: undefined });
    expect(err.omniMessage).toContain('keyScope');
  });

  it('models list rejects unknown query parameters, as the real server does', async () => {
    s = await setupClient();
    const r = await fetch(`${s.fake.url}/api/v1/models?modelKind=SHARED&colour=blue`, { headers: { authorization: `Bearer ${s.fake.apiKey}` } });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ detail: "Bad Request: Unrecognized key(s) in object: 'colour'", status: 400 });
  });
});
