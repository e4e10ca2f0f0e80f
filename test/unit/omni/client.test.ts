import { afterEach, describe, expect, it } from '@jest/globals';
import { emailBody, setupClient, type ClientSetup } from './setup-client.js';

let s: ClientSetup;
afterEach(async () => {
  await s.close();
});

describe('Omni client happy paths (against the fake Omni)', () => {
  it('whoami reports an organization key and its creator', async () => {
    s = await setupClient();
    const me = await s.client.whoami();
    expect(me.keyScope).toBe('organization');
    expect(me.user.membershipId).toBe(s.fake.keyOwnerId);
    expect(s.fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /v1/whoami 200']);
  });

  it('creates, lists, gets, updates, pauses, resumes, runs and deletes a routine as the given member', async () => {
    s = await setupClient();
    const created = await s.client.createRoutine(s.alice, { ...emailBody(s.modelId), topicName: 'order_items' });
    expect(created.recovered).toBe(false);
    expect(s.fake.routinesOf(s.alice).map((r) => r.id)).toEqual([created.id]);

    const page = await s.client.listRoutines(s.alice);
    expect(page.records.map((r) => r.id)).toEqual([created.id]);
    expect(page.pageInfo).toEqual({ hasNextPage: false, nextCursor: null, pageSize: 20, totalRecords: 1 });

    const got = await s.client.getRoutine(s.alice, created.id);
    expect(got).toMatchObject({
      name: 'Weekday sales brief',
      schedule: '0 9 ? * MON-FRI *',
      topicName: 'order_items',
      branchId: null,
      disabled: false,
      destination: { type: 'email', recipientEmails: ['alice@acme.com'], userGroupIds: [] },
    });

    // The fake runs as the documented API by default: PUT with isActive (PATCH is the SDK's variant, tested below).
    const updated = await s.client.updateRoutine(s.alice, created.id, { name: 'Daily brief', prompt: got.prompt, schedule: got.schedule, description: null }, 'PUT');
    expect(updated.name).toBe('Daily brief');
    expect(s.fake.requests.at(-1)?.method).toBe('PUT');

    const paused = await s.client.updateRoutine(s.alice, created.id, { name: updated.name, prompt: updated.prompt, schedule: updated.schedule, isActive: false }, 'PUT');
    expect(paused.disabled).toBe(true);
    expect(s.fake.requests.at(-1)).toMatchObject({
      method: 'PUT',
      body: { name: 'Daily brief', prompt: updated.prompt, schedule: updated.schedule, isActive: false },
    });
    const resumed = await s.client.updateRoutine(s.alice, created.id, { name: updated.name, prompt: updated.prompt, schedule: updated.schedule, isActive: true }, 'PUT');
    expect(resumed.disabled).toBe(false);

    const run = await s.client.triggerRoutine(s.alice, created.id);
    expect(s.fake.routine(created.id)?.runs).toEqual([run.id]);

    const deleted = await s.client.deleteRoutine(s.alice, created.id);
    expect(deleted).toEqual({ deleted: true, id: created.id, alreadyDeleted: false });
    expect(s.fake.routinesOf(s.alice)).toEqual([]);

    // Every routine call acted as Alice, never as the key's creator.
    const routineCalls = s.fake.requests.filter((r) => r.path.startsWith('/v1/ai/routines'));
    expect(routineCalls).toHaveLength(8);
    for (const r of routineCalls) expect(r.query.userId).toBe(s.alice);
  });

  it('sends a Slack destination exactly as documented', async () => {
    s = await setupClient();
    const body = emailBody(s.modelId, { destination: { type: 'slack', recipientId: 'C0123ABCD', slackRecipientType: 'channel' } });
    const { id } = await s.client.createRoutine(s.alice, body);
    expect(s.fake.requests.at(-1)?.body).toEqual(body);
    expect((await s.client.getRoutine(s.alice, id)).destination).toEqual({
      type: 'slack',
      recipientId: 'C0123ABCD',
      slackRecipientType: 'channel',
    });
  });

  it('pages routines with cursors, newest first', async () => {
    s = await setupClient();
    const ids: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      ids.push(s.fake.addRoutine(s.alice, { name: `r${i}`, modelId: s.modelId, createdAt: new Date(Date.UTC(2026, 7, 1, 0, i)).toISOString() }));
    }
    const first = await s.client.listRoutines(s.alice, { pageSize: 10 });
    expect(first.records.map((r) => r.name)).toEqual(['r24', 'r23', 'r22', 'r21', 'r20', 'r19', 'r18', 'r17', 'r16', 'r15']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, pageSize: 10, totalRecords: 25 });
    const second = await s.client.listRoutines(s.alice, { pageSize: 10, cursor: first.pageInfo.nextCursor! });
    expect(second.records[0]?.name).toBe('r14');

    const all = await s.client.listAllRoutines(s.alice);
    expect(all.map((r) => r.id)).toEqual([...ids].reverse());
    const some = await s.client.listAllRoutines(s.alice, { max: 12 });
    expect(some).toHaveLength(12);
  });

  it('lists every shared model across pages, and branches and topics of one', async () => {
    s = await setupClient();
    for (let i = 0; i < 130; i += 1) s.fake.addModel(`Model ${String(i).padStart(3, '0')}`);
    const branch = s.fake.addBranch(s.modelId, 'dev-branch');
    s.fake.addModel('Other', { kind: 'WORKBOOK' });
    s.fake.addTopic(s.modelId, 'secret_stuff', { hidden: true });
    s.fake.addTopic(branch, 'branch_only');
    s.fake.clearRequests();

    const models = await s.client.listSharedModels();
    expect(models).toHaveLength(131);
    expect(models.every((m) => m.modelKind === 'SHARED')).toBe(true);
    expect(s.fake.requests.map((r) => r.query)).toEqual([
      { modelKind: 'SHARED', pageSize: '100' },
      { modelKind: 'SHARED', pageSize: '100', cursor: expect.any(String) },
    ]);

    const branches = await s.client.listBranches(s.modelId);
    expect(branches.map((b) => [b.id, b.name, b.baseModelId])).toEqual([[branch, 'dev-branch', s.modelId]]);

    const topics = await s.client.listTopics(s.modelId);
    expect(topics.map((t) => [t.name, t.hidden])).toEqual([
      ['order_items', false],
      ['secret_stuff', true],
    ]);
    const branchTopics = await s.client.listTopics(s.modelId, branch);
    expect(branchTopics.map((t) => t.name)).toEqual(['order_items', 'secret_stuff', 'branch_only']);
    expect(s.fake.requests.at(-1)?.query).toEqual({ branch_id: branch });
  });

  it('finds SCIM users by email with an encoded userName eq filter and returns every Resource', async () => {
    s = await setupClient();
    const inactive = s.fake.addMember({ email: 'bob@acme.com', active: false });
    const users = await s.client.findUsersByEmail('Alice@ACME.com');
    expect(users).toEqual([{ id: s.alice, userName: 'alice@acme.com', active: true, displayName: 'Alice', emails: ['alice@acme.com'] }]);
    expect(s.fake.requests.at(-1)).toMatchObject({ path: '/scim/v2/users', query: { filter: 'userName eq "Alice@ACME.com"' } });
    expect(await s.client.findUsersByEmail('bob@acme.com')).toEqual([
      { id: inactive, userName: 'bob@acme.com', active: false, displayName: 'bob', emails: ['bob@acme.com'] },
    ]);
    expect(await s.client.findUsersByEmail('nobody@acme.com')).toEqual([]);
  });

  it('lists SCIM groups across pages', async () => {
    s = await setupClient();
    const ids: string[] = [];
    for (let i = 0; i < 105; i += 1) ids.push(s.fake.addGroup(`Group ${i}`, i === 0 ? [s.alice] : []));
    const groups = await s.client.listGroups();
    expect(groups.map((g) => g.id)).toEqual(ids);
    expect(groups[0]?.members).toEqual([{ value: s.alice, display: 'alice@acme.com' }]);
    expect(s.fake.requests.filter((r) => r.path === '/scim/v2/groups').map((r) => r.query.startIndex)).toEqual(['1', '101']);
  });
});
