/**
 * Shared models, branches and topics, cached for a few minutes and searched locally, so the modal's search boxes
 * (one options request per keystroke) never cost an Omni request per keystroke (docs/omni-api.md §1.4).
 * Concurrent misses share one request; an expired entry is served at once while it refreshes in the background,
 * and a refresh that fails keeps the old data. With `shared` (the store, on several replicas), a replica first
 * looks for a list another replica fetched within the TTL, and puts what it fetched there for the others: N
 * replicas then spend about one request per list per TTL instead of N.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { OmniModel, OmniTopic } from './schemas.js';
import type { OmniClient } from './types.js';

export interface OmniCatalog {
  /** Shared models whose name contains `query` (case-insensitive), prefix matches first, at most 100. */
  searchModels(query: string): Promise<OmniModel[]>;
  getModel(id: string): Promise<OmniModel | undefined>;
  /** Visible topics of the model (or branch) whose name or label contains `query`, at most 100. */
  searchTopics(modelId: string, query: string, branchId?: string): Promise<OmniTopic[]>;
  searchBranches(modelId: string, query: string): Promise<OmniModel[]>;
  /** Forget everything (e.g. after an admin changed models). */
  clear(): void;
}

/** A cache every replica reads and writes (the store's getCached/putCached). */
export interface SharedCatalogCache {
  getCached(key: string): Promise<{ value: unknown; storedAt: Date } | null>;
  putCached(key: string, value: unknown, ttlMs: number): Promise<void>;
}

export interface OmniCatalogOptions {
  client: Pick<OmniClient, 'listSharedModels' | 'listBranches' | 'listTopics'>;
  clock: Clock;
  /** Five minutes: new models appear quickly enough, and a busy modal costs one request per model per TTL. */
  ttlMs?: number;
  logger?: Logger;
  shared?: SharedCatalogCache;
}

/** Slack's external_select shows at most 100 options. */
const MAX_RESULTS = 100;

interface Cached<T> {
  get(): Promise<T>;
}

function createCached<T>(
  load: () => Promise<{ data: T; at: number }>,
  now: () => number,
  ttlMs: number,
  onRefreshError: (err: unknown) => void,
): Cached<T> {
  let value: { data: T; at: number } | undefined;
  let inflight: Promise<T> | undefined;
  const refresh = (): Promise<T> => {
    inflight ??= load()
      .then((loaded) => {
        value = loaded;
        return loaded.data;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
  return {
    async get() {
      if (value && now() - value.at < ttlMs) return value.data;
      if (value) {
        refresh().catch(onRefreshError);
        return value.data;
      }
      return refresh();
    },
  };
}

function rankByName<T>(items: T[], nameOf: (item: T) => string, query: string): T[] {
  const q = query.trim().toLowerCase();
  return items
    .map((item) => ({ item, name: nameOf(item), lower: nameOf(item).toLowerCase() }))
    .filter((x) => x.lower.includes(q))
    .sort(
      (a, b) =>
        Number(!a.lower.startsWith(q)) - Number(!b.lower.startsWith(q)) ||
        a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) ||
        a.name.localeCompare(b.name),
    )
    .slice(0, MAX_RESULTS)
    .map((x) => x.item);
}

export function createOmniCatalog(options: OmniCatalogOptions): OmniCatalog {
  const { client, clock, logger } = options;
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const now = () => clock().getTime();
  const warn = (what: string) => (err: unknown) =>
    logger?.warn('omni catalog refresh failed; serving cached data', { what, error: err instanceof Error ? err : String(err) });

  const { shared } = options;
  /** Omni's answer, through the shared cache when there is one: its entry if fresh, else fetch and share. */
  const through =
    <T>(key: string, fetch: () => Promise<T>) =>
    async (): Promise<{ data: T; at: number }> => {
      if (shared) {
        const hit = await shared.getCached(key).catch((err: unknown) => void warn('shared cache')(err));
        if (hit && now() - hit.storedAt.getTime() < ttlMs) return { data: hit.value as T, at: hit.storedAt.getTime() };
      }
      const data = await fetch();
      const at = now();
      if (shared) await shared.putCached(key, data, ttlMs).catch(warn('shared cache'));
      return { data, at };
    };
  const cachedModels = () => createCached(through('omni-catalog:models', () => client.listSharedModels()), now, ttlMs, warn('models'));

  let models = cachedModels();
  let branches = new Map<string, Cached<OmniModel[]>>();
  let topics = new Map<string, Cached<OmniTopic[]>>();

  const branchesOf = (modelId: string) => {
    let entry = branches.get(modelId);
    if (!entry) {
      entry = createCached(through(`omni-catalog:branches:${modelId}`, () => client.listBranches(modelId)), now, ttlMs, warn('branches'));
      branches.set(modelId, entry);
    }
    return entry;
  };
  const topicsOf = (modelId: string, branchId: string | undefined) => {
    const key = `${modelId}\u0000${branchId ?? ''}`;
    let entry = topics.get(key);
    if (!entry) {
      entry = createCached(
        through(`omni-catalog:topics:${modelId}:${branchId ?? ''}`, () => client.listTopics(modelId, branchId)),
        now,
        ttlMs,
        warn('topics'),
      );
      topics.set(key, entry);
    }
    return entry;
  };

  return {
    async searchModels(query) {
      const all = await models.get();
      return rankByName(
        all.filter((m): m is OmniModel & { name: string } => typeof m.name === 'string' && m.name !== ''),
        (m) => m.name,
        query,
      );
    },
    async getModel(id) {
      return (await models.get()).find((m) => m.id === id);
    },
    async searchTopics(modelId, query, branchId) {
      const all = await topicsOf(modelId, branchId).get();
      const q = query.trim().toLowerCase();
      const visible = all.filter((t) => !t.hidden && (t.name.toLowerCase().includes(q) || (t.label ?? '').toLowerCase().includes(q)));
      return rankByName(visible, (t) => t.label ?? t.name, '');
    },
    async searchBranches(modelId, query) {
      const all = await branchesOf(modelId).get();
      return rankByName(
        all.filter((m): m is OmniModel & { name: string } => typeof m.name === 'string'),
        (m) => m.name,
        query,
      );
    },
    clear() {
      models = cachedModels();
      branches = new Map();
      topics = new Map();
    },
  };
}
