/**
 * Shared models, branches and topics, cached for a few minutes and searched locally, so the modal's search boxes
 * (one options request per keystroke) never cost an Omni request per keystroke (docs/omni-api.md §1.4).
 * Concurrent misses share one request; an expired entry is served at once while it refreshes in the background,
 * and a refresh that fails keeps the old data. With `shared` (the store, on several replicas), a replica first
 * looks for a list another replica fetched within the TTL, and puts what it fetched there for the others: N
 * replicas then spend about one request per list per TTL instead of N.
 */
import { type Loaded, createRefreshingCache } from '../cache.js';
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

/** Lists kept per kind: enough models (with their branches and topics) for any organization. */
const MAX_LISTS = 500;

/**
 * Collators made once: `localeCompare` with a locale or options builds a new collator on every call (about 50 µs
 * each, several per sort), which the profiles showed as a tenth of the bot's CPU per modal opened.
 */
const baseOrder = new Intl.Collator('en', { sensitivity: 'base' });
const exactOrder = new Intl.Collator();

function rankByName<T>(items: T[], nameOf: (item: T) => string, query: string): T[] {
  const q = query.trim().toLowerCase();
  return items
    .map((item) => ({ item, name: nameOf(item), lower: nameOf(item).toLowerCase() }))
    .filter((x) => x.lower.includes(q))
    .sort(
      (a, b) =>
        Number(!a.lower.startsWith(q)) - Number(!b.lower.startsWith(q)) ||
        baseOrder.compare(a.name, b.name) ||
        exactOrder.compare(a.name, b.name),
    )
    .slice(0, MAX_RESULTS)
    .map((x) => x.item);
}

/** Rankings of a cached list by query: the modal ranks the model list for its default on every open. */
const rankings = new WeakMap<object, Map<string, unknown[]>>();
const RANKINGS_PER_LIST = 64;

/** `rank()` for this list and query, computed once per cached list (a refresh brings a new list) and copied out. */
function rankedOnce<T>(list: readonly unknown[], query: string, rank: () => T[]): T[] {
  let byQuery = rankings.get(list);
  if (byQuery === undefined) {
    byQuery = new Map();
    rankings.set(list, byQuery);
  }
  let ranked = byQuery.get(query) as T[] | undefined;
  if (ranked === undefined) {
    ranked = rank();
    if (byQuery.size >= RANKINGS_PER_LIST) byQuery.delete(byQuery.keys().next().value as string);
    byQuery.set(query, ranked);
  }
  return ranked.slice();
}

export function createOmniCatalog(options: OmniCatalogOptions): OmniCatalog {
  const { client, clock, logger, shared } = options;
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const warn = (what: string) => (err: unknown) =>
    logger?.warn('omni catalog refresh failed; serving cached data', { what, error: err instanceof Error ? err : String(err) });
  const onRefreshError = (err: unknown, key: string) => warn(key.split(':')[1] ?? key)(err);
  // Models and branches are both OmniModel lists; topics are their own.
  const modelLists = createRefreshingCache<string, OmniModel[]>({ max: MAX_LISTS, ttlMs, clock, onRefreshError });
  const topicLists = createRefreshingCache<string, OmniTopic[]>({ max: MAX_LISTS, ttlMs, clock, onRefreshError });

  /** Omni's answer, through the shared cache when there is one: its entry if fresh, else fetch and share. */
  const through =
    <T>(key: string, fetch: () => Promise<T>) =>
    async (): Promise<Loaded<T>> => {
      if (shared) {
        const hit = await shared.getCached(key).catch((err: unknown) => void warn('shared cache')(err));
        const ageMs = hit ? clock().getTime() - hit.storedAt.getTime() : Infinity;
        if (hit && ageMs < ttlMs) return { value: hit.value as T, ageMs };
      }
      const value = await fetch();
      if (shared) await shared.putCached(key, value, ttlMs).catch(warn('shared cache'));
      return { value };
    };
  const modelsList = () => {
    const key = 'omni-catalog:models';
    return modelLists.get(key, through(key, () => client.listSharedModels()));
  };
  const branchesOf = (modelId: string) => {
    const key = `omni-catalog:branches:${modelId}`;
    return modelLists.get(key, through(key, () => client.listBranches(modelId)));
  };
  const topicsOf = (modelId: string, branchId: string | undefined) => {
    const key = `omni-catalog:topics:${modelId}:${branchId ?? ''}`;
    return topicLists.get(key, through(key, () => client.listTopics(modelId, branchId)));
  };

  return {
    async searchModels(query) {
      const all = await modelsList();
      return rankedOnce(all, query, () =>
        rankByName(
          all.filter((m): m is OmniModel & { name: string } => typeof m.name === 'string' && m.name !== ''),
          (m) => m.name,
          query,
        ),
      );
    },
    async getModel(id) {
      return (await modelsList()).find((m) => m.id === id);
    },
    async searchTopics(modelId, query, branchId) {
      const all = await topicsOf(modelId, branchId);
      const q = query.trim().toLowerCase();
      const visible = all.filter((t) => !t.hidden && (t.name.toLowerCase().includes(q) || (t.label ?? '').toLowerCase().includes(q)));
      return rankByName(visible, (t) => t.label ?? t.name, '');
    },
    async searchBranches(modelId, query) {
      const all = await branchesOf(modelId);
      return rankedOnce(all, query, () =>
        rankByName(
          all.filter((m): m is OmniModel & { name: string } => typeof m.name === 'string'),
          (m) => m.name,
          query,
        ),
      );
    },
    clear() {
      modelLists.clear();
      topicLists.clear();
    },
  };
}
