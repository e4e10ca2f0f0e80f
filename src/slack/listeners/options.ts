/**
 * External select options. Each answer must arrive within 3 s, so nothing here waits on Omni for long: zones come
 * from memory, models/topics/branches from the catalog cache (one Omni request per few minutes, not per keystroke).
 */
import { ACTION_ID } from '../ids.js';
import { readRoutineForm } from '../read-form.js';
import { buildOption, buildTimezoneOptions } from '../views/index.js';
import type { ListenerDeps } from './deps.js';
import type { Routes } from './routes.js';
import { within } from './within.js';

const OPTIONS_BUDGET_MS = 2000;

/** What the user typed; the payload is only signed, not well-formed, so anything but a string reads as empty. */
function queryOf(options: { value?: unknown }): string {
  return typeof options.value === 'string' ? options.value.slice(0, 200) : '';
}

/**
 * Topics and branches are fetched per model id, and that id comes from the view state, which a request can forge:
 * only ids in the (cached) shared-model list are looked up, so made-up ids cost no Omni request and no cache entry.
 */
async function isKnownModel(deps: ListenerDeps, modelId: string): Promise<boolean> {
  return modelId !== '' && (await deps.catalog.getModel(modelId)) !== undefined;
}

export function registerOptions(routes: Routes): void {
  routes.options(ACTION_ID.timezone, async ({ ack, options, body }, deps) => {
    const user = await within(300, deps.people.getUser(body.user.id), null);
    const preferred = [user?.tz, deps.config.defaultTimezone].filter((z): z is string => typeof z === 'string' && z.length > 0);
    await ack({ options: buildTimezoneOptions(queryOf(options), { now: deps.clock(), preferred }) });
  });

  routes.options(ACTION_ID.model, async ({ ack, options }, deps) => {
    const models = await within(OPTIONS_BUDGET_MS, deps.catalog.searchModels(queryOf(options)), []);
    await ack({ options: models.slice(0, 100).map((m) => buildOption(m.name ?? m.id, m.id)) });
  });

  routes.options(ACTION_ID.topic, async ({ ack, options, body }, deps) => {
    const form = readRoutineForm((body.view?.state?.values ?? {}) as never);
    const topics = await within(
      OPTIONS_BUDGET_MS,
      (async () => {
        if (!(await isKnownModel(deps, form.modelId))) return [];
        // A branch id the model does not list (a forged view state) falls back to the model's own topics.
        const branches = form.branchId ? await deps.catalog.searchBranches(form.modelId, form.branchName ?? '') : [];
        const branchId = branches.some((b) => b.id === form.branchId) ? form.branchId : undefined;
        return deps.catalog.searchTopics(form.modelId, queryOf(options), branchId);
      })(),
      [],
    );
    return ack({ options: topics.slice(0, 100).map((t) => buildOption(t.label ? `${t.label} (${t.name})` : t.name, t.name)) });
  });

  routes.options(ACTION_ID.branch, async ({ ack, options, body }, deps) => {
    const form = readRoutineForm((body.view?.state?.values ?? {}) as never);
    const branches = await within(
      OPTIONS_BUDGET_MS,
      (async () => ((await isKnownModel(deps, form.modelId)) ? deps.catalog.searchBranches(form.modelId, queryOf(options)) : []))(),
      [],
    );
    return ack({ options: branches.slice(0, 100).map((b) => buildOption(b.name ?? b.id, b.id)) });
  });
}

