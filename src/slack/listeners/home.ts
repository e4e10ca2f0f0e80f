/** The App Home tab: the user's routines (from Omni, acting as them), their failed drafts, and how to start. */
import type { WebClient } from '@slack/web-api';
import { buildHomeView } from '../views/index.js';
import type { ListenerDeps } from './deps.js';
import type { Routes } from './routes.js';
import { within } from './within.js';

/** How long the list may take before the Home tab first shows "Loading your routines…". */
const LOADING_AFTER_MS = 300;

export async function publishHome(
  deps: ListenerDeps,
  client: WebClient,
  userId: string,
  teamId?: string,
  options: { fresh?: boolean; page?: number; confirmDeleteId?: string } = {},
): Promise<void> {
  const loaded = Promise.all([deps.service.listRoutines(userId, teamId, { ...(options.fresh !== undefined ? { fresh: options.fresh } : {}), log: deps.logger }), deps.service.listOpenDrafts(userId)]);
  // A list Omni has to be asked for takes a moment: show the tab at once with a loading line, then the list.
  // Published one after the other, so the loading view can never land after the list.
  const early = await within(LOADING_AFTER_MS, loaded, null);
  if (!early) await client.views.publish({ user_id: userId, view: buildHomeView({ loading: true }) }).catch((err: unknown) => deps.logger.debug('loading view not published', { err }));
  const [listed, drafts] = early ?? (await loaded);
  const omniUrl = deps.config.omni.baseUrl;
  const page = options.page ?? 0;
  const view = listed.ok ? buildHomeView({ routines: listed.routines, drafts, omniUrl, page, ...(options.confirmDeleteId ? { confirmDeleteId: options.confirmDeleteId } : {}) }) : buildHomeView({ problem: listed.problem, drafts, omniUrl });
  await client.views.publish({ user_id: userId, view });
}

export function registerHome(routes: Routes): void {
  routes.event('app_home_opened', async ({ event, client, body }, deps) => {
    if (event.tab !== 'home') return;
    const teamId = (body as { team_id?: string }).team_id;
    deps.inFlight.run('publish home', () => publishHome(deps, client, event.user, teamId));
  });
}
