import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createOmniCatalog } from '../../../src/omni/catalog.js';
import { openStore } from '../../../src/store/index.js';
import { createTestDatabase } from '../../helpers/postgres.js';
import { until } from '../../helpers/until.js';
import { createCapturingLogger, setupClient, type ClientSetup } from './setup-client.js';

let s: ClientSetup;
afterEach(async () => {
  await s.close();
});


const modelRequests = (setup: ClientSetup) => setup.fake.requests.filter((r) => r.path === '/v1/models');
const topicRequests = (setup: ClientSetup) => setup.fake.requests.filter((r) => r.path.endsWith('/topic'));

describe('Omni catalog (cached models, branches, topics)', () => {
  it('50 keystrokes of model search cost one Omni request', async () => {
    s = await setupClient();
    s.fake.addModel('Marketing');
    s.fake.addModel('Sales Ops');
    s.fake.addModel('salesforce');
    s.fake.addModel('Finance');
    const catalog = createOmniCatalog({ client: s.client, clock: s.time.clock });
    const typed = 'sales';
    for (let i = 0; i < 50; i += 1) await catalog.searchModels(typed.slice(0, (i % typed.length) + 1));
    expect(modelRequests(s)).toHaveLength(1);
    expect((await catalog.searchModels('SALES')).map((m) => m.name)).toEqual(['Sales', 'Sales Ops', 'salesforce']);
    expect((await catalog.searchModels('ket')).map((m) => m.name)).toEqual(['Marketing']);
    expect((await catalog.searchModels('')).map((m) => m.name)).toEqual(['Finance', 'Marketing', 'Sales', 'Sales Ops', 'salesforce']);
    expect(modelRequests(s)).toHaveLength(1);
  });

  it('ranks a list once per query: each caller gets its own copy, and a refreshed list is ranked anew', async () => {
    s = await setupClient();
    s.fake.addModel('Marketing');
    const catalog = createOmniCatalog({ client: s.client, clock: s.time.clock, ttlMs: 60_000 });
    const first = await catalog.searchModels('');
    first.reverse();
    first.pop();
    expect((await catalog.searchModels('')).map((m) => m.name)).toEqual(['Marketing', 'Sales']);
    s.fake.addModel('Analytics');
    s.time.advance(60_000);
    await catalog.searchModels('');
    await until(async () => (await catalog.searchModels('')).length === 3);
    expect((await catalog.searchModels('')).map((m) => m.name)).toEqual(['Analytics', 'Marketing', 'Sales']);
  });

  it('caps results at 100 and ranks prefix matches first', async () => {
    s = await setupClient();
    for (let i = 0; i < 150; i += 1) s.fake.addModel(`Team ${String(i).padStart(3, '0')} sales`);
    const catalog = createOmniCatalog({ client: s.client, clock: s.time.clock });
    const found = await catalog.searchModels('sales');
    expect(found).toHaveLength(100);
    expect(found[0]?.name).toBe('Sales');
    expect(found[1]?.name).toBe('Team 000 sales');
  });

  it('concurrent misses share one request (single flight)', async () => {
    s = await setupClient();
    const catalog = createOmniCatalog({ client: s.client, clock: s.time.clock });
    const results = await Promise.all(Array.from({ length: 20 }, () => catalog.searchModels('sa')));
    expect(results.every((r) => r.length === 1)).toBe(true);
    expect(modelRequests(s)).toHaveLength(1);
    const topics = await Promise.all(Array.from({ length: 10 }, () => catalog.searchTopics(s.modelId, '')));
    expect(topics.every((t) => t.length === 1)).toBe(true);
    expect(topicRequests(s)).toHaveLength(1);
  });

  it('after the TTL it serves the old list at once and refreshes in the background', async () => {
    s = await setupClient();
    const catalog = createOmniCatalog({ client: s.client, clock: s.time.clock, ttlMs: 60_000 });
    await catalog.searchModels('');
    s.fake.addModel('Newcomer');
    s.time.advance(59_999);
    expect((await catalog.searchModels('new')).length).toBe(0);
    expect(modelRequests(s)).toHaveLength(1);
    s.time.advance(1);
    expect((await catalog.searchModels('new')).length).toBe(0); // stale, served immediately
    await until(async () => (await catalog.searchModels('new')).length === 1);
    expect(modelRequests(s)).toHaveLength(2); // one refresh, however many searches meanwhile
  });

  it('a failed refresh keeps serving the cached data and logs a warning', async () => {
    s = await setupClient({ client: { retry: { limit: 0, baseDelayMs: 1, maxDelayMs: 1 } } });
    const logger = createCapturingLogger();
    const catalog = createOmniCatalog({ client: s.client, clock: s.time.clock, ttlMs: 1000, logger });
    await catalog.searchModels('');
    s.fake.inject({ match: { path: '/v1/models' }, times: Infinity, fault: { type: 'status', status: 500 } });
    s.time.advance(5000);
    expect((await catalog.searchModels('sal')).map((m) => m.name)).toEqual(['Sales']);
    await until(() => logger.lines.some((l) => l.includes('omni catalog refresh failed')));
    expect((await catalog.searchModels('sal')).map((m) => m.name)).toEqual(['Sales']);
  });

  it('a first load that fails is an error, and the next search tries again', async () => {
    s = await setupClient({ client: { retry: { limit: 0, baseDelayMs: 1, maxDelayMs: 1 } } });
    const catalog = createOmniCatalog({ client: s.client, clock: s.time.clock });
    s.fake.inject({ match: { path: '/v1/models' }, fault: { type: 'status', status: 500 } });
    await expect(catalog.searchModels('')).rejects.toMatchObject({ reason: 'unavailable' });
    await expect(catalog.searchModels('')).resolves.toHaveLength(1);
  });

  it('getModel, branches and visible topics (per model and branch)', async () => {
    s = await setupClient();
    const branch = s.fake.addBranch(s.modelId, 'Q3 experiments');
    s.fake.addBranch(s.modelId, 'hotfix');
    s.fake.addTopic(s.modelId, 'customers', { label: 'Customers' });
    s.fake.addTopic(s.modelId, 'internal_audit', { hidden: true });
    s.fake.addTopic(branch, 'experiments');
    const catalog = createOmniCatalog({ client: s.client, clock: s.time.clock });
    expect((await catalog.getModel(s.modelId))?.name).toBe('Sales');
    expect(await catalog.getModel('nope')).toBeUndefined();
    expect((await catalog.searchBranches(s.modelId, 'q3')).map((b) => b.id)).toEqual([branch]);
    expect((await catalog.searchBranches(s.modelId, '')).map((b) => b.name)).toEqual(['hotfix', 'Q3 experiments']);
    expect((await catalog.searchTopics(s.modelId, '')).map((t) => t.name)).toEqual(['customers', 'order_items']);
    expect((await catalog.searchTopics(s.modelId, 'cust')).map((t) => t.name)).toEqual(['customers']);
    expect((await catalog.searchTopics(s.modelId, 'audit')).map((t) => t.name)).toEqual([]);
    expect((await catalog.searchTopics(s.modelId, 'exp', branch)).map((t) => t.name)).toEqual(['experiments']);
    for (let i = 0; i < 20; i += 1) await catalog.searchTopics(s.modelId, 'o'.repeat(i % 3));
    expect(topicRequests(s)).toHaveLength(2); // one per (model, branch)
  });
});

describe('Omni catalog shared by replicas through the store', () => {
  const engines: Array<[string, () => Promise<{ url: string; drop(): Promise<void> }>]> = [
    [
      'SQLite file',
      async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routine-bot-catalog-'));
        return { url: `sqlite:${path.join(dir, 'bot.db')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
      },
    ],
    ['Postgres', () => createTestDatabase()],
  ];

  it.each(engines)('three replicas opening modals spend one models and one topics request per TTL (%s)', async (_name, make) => {
    s = await setupClient();
    s.fake.addModel('Revenue');
    const database = await make();
    const stores = await Promise.all([1, 2, 3].map(() => openStore(database.url, { clock: s.time.clock })));
    try {
      const replicas = stores.map((store) => createOmniCatalog({ client: s.client, clock: s.time.clock, ttlMs: 60_000, shared: store }));
      const [first] = await replicas[0]!.searchModels('revenue');
      const modelId = first!.id;
      await replicas[0]!.searchTopics(modelId, '');
      for (const replica of replicas.slice(1)) {
        expect((await replica.searchModels('reven')).map((m) => m.name)).toEqual(['Revenue']);
        await replica.searchTopics(modelId, '');
      }
      expect(modelRequests(s)).toHaveLength(1);
      expect(topicRequests(s)).toHaveLength(1);

      // After the TTL, replicas whose own copies are gone (restarted, say): the first fetches, the others reuse it.
      s.time.advance(60_000);
      const restarted = () => stores.map((store) => createOmniCatalog({ client: s.client, clock: s.time.clock, ttlMs: 60_000, shared: store }));
      const again = restarted();
      expect((await again[2]!.searchModels('reven')).map((m) => m.name)).toEqual(['Revenue']);
      expect(modelRequests(s)).toHaveLength(2);
      for (const replica of again.slice(0, 2)) expect((await replica.searchModels('reven')).map((m) => m.name)).toEqual(['Revenue']);
      expect(modelRequests(s)).toHaveLength(2);
    } finally {
      for (const store of stores) await store.close();
      await database.drop();
    }
  });
});
