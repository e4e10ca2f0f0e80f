/**
 * What this Omni instance's routines API can do, read from the instance's own OpenAPI document
 * (`{OMNI_BASE_URL}/api/openapi.json`) rather than assumed. Omni's docs and its generated SDK disagree about
 * updating a routine (docs: PUT with required name/prompt/schedule and an `isActive` flag; SDK: PATCH with optional
 * fields and no `isActive`), and older instances deliver by email only. docs/omni-api.md lists what is assumed
 * when the document cannot be read, where each assumption comes from, and how sure it is.
 *
 * The document is read at start and refreshed daily in the background, never while a user waits: `current()` is
 * synchronous and answers from memory.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';

export type UpdateMethod = 'PUT' | 'PATCH';

/** One way of changing a routine: the method, the body fields it takes, and those it requires. */
export interface UpdateOperation {
  method: UpdateMethod;
  fields: string[];
  required: string[];
}

export interface InstanceApi {
  /** 'instance': read from the instance's document; 'documented': Omni's public docs, because it could not be. */
  source: 'instance' | 'documented';
  /** Why the documented behaviour is used, or what was odd in the document (for doctor and the log). */
  note?: string;
  /** How edits are sent; null when the instance documents no way to change a routine. */
  edit: UpdateOperation | null;
  /** How pause and resume are sent (an update carrying `isActive`); null when the instance has no way to pause. */
  pause: UpdateOperation | null;
  /** Destination types a routine may have, e.g. ['email', 'slack']. */
  destinations: string[];
  /** When the document was read (ISO), for instance-sourced answers. */
  readAt?: string;
}

/**
 * Omni's public docs (docs.omni.co "Update an AI routine", "Create an AI routine"; changelog week of 2026-07-06
 * for Slack delivery): PUT with name, prompt and schedule required, description/modelId/isActive optional.
 */
export const DOCUMENTED_API: InstanceApi = Object.freeze({
  source: 'documented' as const,
  edit: { method: 'PUT' as const, fields: ['name', 'prompt', 'schedule', 'description', 'modelId', 'isActive'], required: ['name', 'prompt', 'schedule'] },
  pause: { method: 'PUT' as const, fields: ['name', 'prompt', 'schedule', 'description', 'modelId', 'isActive'], required: ['name', 'prompt', 'schedule'] },
  destinations: ['email', 'slack'],
});

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Follows local `$ref`s (`#/components/schemas/X`), at most a few deep, and merges `allOf`. */
function resolve(spec: Json, node: unknown, depth = 0): Json | undefined {
  if (!isObject(node) || depth > 8) return undefined;
  if (typeof node.$ref === 'string') {
    const parts = node.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let target: unknown = spec;
    for (const part of parts) target = isObject(target) ? target[part] : undefined;
    return resolve(spec, target, depth + 1);
  }
  if (Array.isArray(node.allOf)) {
    const merged: Json = { properties: {}, required: [] };
    for (const part of node.allOf) {
      const r = resolve(spec, part, depth + 1);
      if (!r) continue;
      Object.assign(merged.properties as Json, isObject(r.properties) ? r.properties : {});
      (merged.required as unknown[]).push(...(Array.isArray(r.required) ? r.required : []));
    }
    return merged;
  }
  return node;
}

function bodySchema(spec: Json, operation: unknown): Json | undefined {
  if (!isObject(operation)) return undefined;
  const body = resolve(spec, operation.requestBody);
  const content = isObject(body?.content) ? body.content : undefined;
  const json = content ? (content['application/json'] ?? Object.values(content)[0]) : undefined;
  return isObject(json) ? resolve(spec, json.schema) : undefined;
}

function operationOf(spec: Json, pathItem: Json, method: 'put' | 'patch'): UpdateOperation | null {
  if (!isObject(pathItem[method])) return null;
  const schema = bodySchema(spec, pathItem[method]);
  const fields = isObject(schema?.properties) ? Object.keys(schema.properties) : [];
  const required = Array.isArray(schema?.required) ? schema.required.filter((f): f is string => typeof f === 'string') : [];
  return { method: method === 'put' ? 'PUT' : 'PATCH', fields, required };
}

/** Destination `type` values named by the create body's `destination` schema (oneOf/anyOf, enum, const, mapping). */
function destinationTypes(spec: Json, createOperation: unknown): string[] | undefined {
  const body = bodySchema(spec, createOperation);
  const destination = resolve(spec, isObject(body?.properties) ? body.properties.destination : undefined);
  if (!destination) return undefined;
  const types = new Set<string>();
  const readType = (schema: Json | undefined) => {
    const type = resolve(spec, isObject(schema?.properties) ? schema.properties.type : undefined);
    if (typeof type?.const === 'string') types.add(type.const);
    if (Array.isArray(type?.enum)) for (const v of type.enum) if (typeof v === 'string') types.add(v);
  };
  const variants = [...(Array.isArray(destination.oneOf) ? destination.oneOf : []), ...(Array.isArray(destination.anyOf) ? destination.anyOf : [])];
  for (const variant of variants) readType(resolve(spec, variant));
  readType(destination);
  const mapping = isObject(destination.discriminator) && isObject(destination.discriminator.mapping) ? destination.discriminator.mapping : undefined;
  if (types.size === 0 && mapping) for (const key of Object.keys(mapping)) types.add(key);
  return types.size > 0 ? [...types].sort() : undefined;
}

const ROUTINE_ITEM_PATH = /^(?:\/api)?\/v1\/ai\/routines\/\{[^/}]+\}\/?$/;
const ROUTINES_PATH = /^(?:\/api)?\/v1\/ai\/routines\/?$/;

/**
 * Reads an OpenAPI document. Throws when it is not one, or does not describe AI routines at all (an instance
 * whose document leaves routines out tells us nothing about them: the documented behaviour is the better guess).
 */
export function readInstanceApi(spec: unknown, readAt: Date): InstanceApi {
  if (!isObject(spec) || !isObject(spec.paths)) throw new Error('the document has no "paths": not an OpenAPI document');
  const paths = spec.paths;
  const itemKey = Object.keys(paths).find((p) => ROUTINE_ITEM_PATH.test(p));
  const listKey = Object.keys(paths).find((p) => ROUTINES_PATH.test(p));
  if (!itemKey && !listKey) throw new Error('the document does not describe /v1/ai/routines');
  const item = itemKey && isObject(paths[itemKey]) ? paths[itemKey] : {};
  const put = operationOf(spec, item, 'put');
  const patch = operationOf(spec, item, 'patch');
  // Both offered: edit with PATCH (only what changed is sent), pause with whichever carries isActive.
  const edit = patch ?? put;
  const pause = [patch, put].find((op) => op?.fields.includes('isActive')) ?? null;
  const list = listKey && isObject(paths[listKey]) ? paths[listKey] : {};
  const types = destinationTypes(spec, list.post);
  return {
    source: 'instance',
    edit,
    pause,
    destinations: types ?? DOCUMENTED_API.destinations,
    ...(types ? {} : { note: 'the create body names no destination types; assuming email and Slack as documented' }),
    readAt: readAt.toISOString(),
  };
}

/** One line for doctor and the log: what the instance said. */
export function describeInstanceApi(api: InstanceApi): string {
  const edit = api.edit ? `${api.edit.method} (${api.edit.fields.filter((f) => f !== 'isActive').join(', ') || 'no fields'})` : 'not offered';
  const pause = api.pause ? `yes (${api.pause.method} isActive)` : 'no';
  const from = api.source === 'instance' ? "the instance's own spec" : "Omni's public docs (the instance's spec could not be read)";
  return `update ${edit}; pause ${pause}; destinations ${api.destinations.join(', ')}; from ${from}`;
}

export interface InstanceApiReader {
  /** The latest answer, from memory; the documented behaviour until the document was read once. */
  current(): InstanceApi;
  /** Reads the document now (start, the daily refresh, doctor). A failure keeps the last good answer. */
  refresh(): Promise<InstanceApi>;
  /** Refreshes every `refreshMs` in the background (the timer does not keep the process alive). */
  startRefreshing(): () => void;
}

export const INSTANCE_API_REFRESH_MS = 24 * 60 * 60_000;

export function createInstanceApiReader(deps: {
  readSpec: () => Promise<unknown>;
  clock: Clock;
  logger: Logger;
  refreshMs?: number;
}): InstanceApiReader {
  let current: InstanceApi = { ...DOCUMENTED_API, note: 'not read yet' };
  const refreshMs = deps.refreshMs ?? INSTANCE_API_REFRESH_MS;

  async function refresh(): Promise<InstanceApi> {
    try {
      current = readInstanceApi(await deps.readSpec(), deps.clock());
      deps.logger.info('omni instance api', { api: describeInstanceApi(current) });
    } catch (err) {
      const why = err instanceof Error ? err.message : 'unreadable';
      if (current.source === 'instance') {
        deps.logger.warn('could not re-read the Omni instance spec; keeping the last one', { reason: why });
      } else {
        current = { ...DOCUMENTED_API, note: `the instance's spec could not be read (${why})` };
        deps.logger.warn("could not read the Omni instance's spec; assuming the documented API", { reason: why });
      }
    }
    return current;
  }

  return {
    current: () => current,
    refresh,
    startRefreshing() {
      const timer = setInterval(() => void refresh(), refreshMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
